"""Exit codes and the one line an officer sees when a command fails: 0 done, 1 bad data
(nothing written), 2 bad usage.  No traceback reaches the user; an unexpected error prints one
line and its details go to ``projtrack-error.log`` in the temporary folder.

The database libraries are never imported here: an error can only be one of their classes
when they were loaded, so they are looked up in ``sys.modules``.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import typer

from projtrack.errors import ProjtrackError
from projtrack.i18n import t


def exit_code(exc: BaseException) -> int:
    """Say what ``exc`` means on stderr and return the exit code for it."""
    if isinstance(exc, typer.Exit):
        return exc.exit_code
    if isinstance(exc, ProjtrackError):
        typer.echo(t("err.prefix") + exc.render(), err=True)
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        return 130
    if isinstance(exc, typer.Abort):
        return 1
    if isinstance(exc, _click_exception()):  # usage errors: click's own message and code (2)
        exc.show()
        return exc.exit_code
    if _loaded_class("sqlalchemy.exc", "OperationalError", exc):
        typer.echo(t("err.prefix") + t("err.database", why=str(exc.orig)), err=True)
        return 1
    log = _log_crash(exc)
    typer.echo(t("err.prefix") + t("err.internal", what=type(exc).__name__, log=log), err=True)
    return 1


def _click_exception() -> type[Exception]:
    try:  # typer ≥ 0.2x carries its own copy of click
        from typer._click.exceptions import ClickException
    except ImportError:  # pragma: no cover - older typer uses click itself
        from click import ClickException
    return ClickException


def _loaded_class(module: str, name: str, exc: BaseException) -> bool:
    cls = getattr(sys.modules.get(module), name, None)
    return cls is not None and isinstance(exc, cls)


def _log_crash(exc: BaseException) -> Path | None:
    import tempfile
    import traceback

    try:
        path = Path(tempfile.gettempdir()) / "projtrack-error.log"
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"--- {dt.datetime.now().isoformat()} {' '.join(sys.argv)}\n")
            fh.write("".join(traceback.format_exception(exc)))
        return path
    except OSError:
        return None
