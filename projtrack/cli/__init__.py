"""The command line: each command parses its arguments, calls a service and prints.

This is the entry point (``projtrack = "projtrack.cli:run"``, ``python -m projtrack``).  The
help of every command and option is a catalog string, looked up when its module is imported;
so ``main`` first reads the language (``--lang`` in the arguments, else ``PROJTRACK_LANG``),
then imports the app and the command modules, which register their commands on it (``build``).
No module of the package imports this one.  Exit codes: 0 done, 1 bad data,
2 bad usage (see exits.py).
"""

from __future__ import annotations

import sys

from projtrack.errors import BadUsage
from projtrack.i18n import LANGS, set_lang


def load_commands() -> None:
    """Import every command module (each registers its commands on the app on import);
    --help lists them in this order.  Call it once the language is set (``main`` does)."""
    # isort: off
    from projtrack.cli import importing, exporting, tui, admin  # noqa: F401
    from projtrack.cli import entries, reports, forecasting, scale, budget  # noqa: F401
    from projtrack.cli import breakdown, rules, issues, counties, roles  # noqa: F401
    # isort: on


def asked_lang(args: list[str]) -> str | None:
    """The language the arguments name (the last ``--lang X`` or ``--lang=X`` before a
    ``--``), known or not; None when they name none."""
    found = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            found = args[i + 1]
        elif arg.startswith("--lang="):
            found = arg.split("=", 1)[1]
    return found


def lang_of(args: list[str]) -> str | None:
    """The language the arguments ask for, if it is one projtrack speaks; else None (then
    PROJTRACK_LANG, or Chinese)."""
    found = asked_lang(args)
    return found if found in LANGS else None


def build(args: list[str] | None = None):
    """The click command tree, its help in the language ``args`` ask for (else PROJTRACK_LANG,
    else Chinese): the language is set before the command modules are first imported, which
    is when their help strings are looked up (so a process speaks one language in --help)."""
    set_lang(lang_of(list(args or [])))
    load_commands()
    from projtrack.cli.app import command

    return command()


def main(argv: list[str] | None = None) -> int:
    """Run the command line on ``argv`` (default: the process's) and return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    from projtrack.cli.quick import run_quick

    quick = run_quick(args)  # the terminal UI on a SQLite file: no command line to build
    if quick is not None:
        return quick
    from projtrack.cli.exits import exit_code

    try:
        asked = asked_lang(args)
        if asked is not None and asked not in LANGS:  # refused before --help, which is eager
            raise BadUsage("err.bad_lang", found=asked)
        rv = build(args).main(args=args, prog_name="projtrack", standalone_mode=False)
    except (Exception, KeyboardInterrupt) as exc:  # every failure becomes a message and a code
        return exit_code(exc)
    return rv if isinstance(rv, int) else 0


def run() -> None:
    sys.exit(main())
