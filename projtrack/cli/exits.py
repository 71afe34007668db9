"""Exit codes and the one line an officer sees when a command fails: 0 done, 1 bad data
(nothing written), 2 bad usage.  No traceback reaches the user; an unexpected error prints one
line naming the error log, where its details go.

The error log is the user's own (``error.log`` in platformdirs' user log folder, on Linux
``~/.local/state/projtrack/log/``): its folder 0700, the file 0600, opened without following a
symlink (a symlink there is refused, and the details are then not written), every password in
a URL (``scheme://user:password@``) replaced by ``***``, and rotated: past LOG_MAX_BYTES it is
renamed ``error.log.1`` (the older ones shifted, LOG_KEEP kept).

The database libraries are never imported here: an error can only be one of their classes
when they were loaded, so they are looked up in ``sys.modules``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import stat
import sys
from pathlib import Path
from typing import Protocol, cast

import typer

from projtrack.errors import ProjtrackError
from projtrack.i18n import t
from projtrack.redact import redact


class ClickError(Protocol):
    """What a click usage error has that this module uses (its class is looked up at run time:
    ``_click_exception``)."""

    exit_code: int

    def show(self) -> None: ...


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
        usage = cast(ClickError, exc)
        usage.show()
        return usage.exit_code
    if _loaded_class("sqlalchemy.exc", "OperationalError", exc):
        why = getattr(exc, "orig", None) or exc  # the driver's own error, when it gave one
        typer.echo(t("err.prefix") + t("err.database", why=str(why)), err=True)
        return 1
    log = _log_crash(exc)
    if log is None:
        typer.echo(t("err.prefix") + t("err.internal_no_log", what=type(exc).__name__,
                                       log=log_path()), err=True)
    else:
        typer.echo(t("err.prefix") + t("err.internal", what=type(exc).__name__, log=log),
                   err=True)
    return 1


def _click_exception() -> type[Exception]:
    """Click's usage error class: typer ≥ 0.2x carries its own copy of click, older typer uses
    click itself."""
    try:
        module = importlib.import_module("typer._click.exceptions")
    except ImportError:  # pragma: no cover - older typer
        module = importlib.import_module("click.exceptions")
    return module.ClickException


def _loaded_class(module: str, name: str, exc: BaseException) -> bool:
    cls = getattr(sys.modules.get(module), name, None)
    return cls is not None and isinstance(exc, cls)


LOG_NAME = "error.log"
LOG_MAX_BYTES = 1024 * 1024
LOG_KEEP = 3  # error.log.1 … error.log.3
def log_path() -> Path:
    """The user's error log."""
    from platformdirs import user_log_path

    return user_log_path("projtrack", appauthor=False) / LOG_NAME


def _rotate(path: Path) -> None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(st.st_mode) or st.st_size < LOG_MAX_BYTES:
        return
    for i in range(LOG_KEEP - 1, 0, -1):
        older = path.with_name(f"{path.name}.{i}")
        if os.path.lexists(older):
            os.replace(older, path.with_name(f"{path.name}.{i + 1}"))
    os.replace(path, path.with_name(f"{path.name}.1"))


def _log_crash(exc: BaseException) -> Path | None:
    import traceback

    try:
        path = log_path()
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _rotate(path)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:
            if stat.S_IMODE(os.fstat(fd).st_mode) != 0o600:
                os.fchmod(fd, 0o600)
            text = (f"--- {dt.datetime.now().isoformat()} {' '.join(sys.argv)}\n"
                    + "".join(traceback.format_exception(exc)))
            fh.write(redact(text))
        return path
    except OSError:
        return None
