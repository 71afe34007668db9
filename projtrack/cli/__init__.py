"""The command line: each command parses its arguments, calls a service and prints.

This is the entry point (``projtrack = "projtrack.cli:run"``, ``python -m projtrack``).  It
imports the app and every command module, which register their commands on it; no module of
the package imports this one.  Exit codes: 0 done, 1 bad data, 2 bad usage (see exits.py).
"""

from __future__ import annotations

import sys

from projtrack.cli.app import app as typer_app
from projtrack.cli.exits import exit_code

# Each command module registers its commands on import; --help lists them in this order.
# isort: off
from projtrack.cli import importing, exporting, tui, admin  # noqa: F401, E402
from projtrack.cli import entries, reports, scale  # noqa: F401, E402
# isort: on


_HOISTED = ("--as-of", "--lang")  # global options also accepted after the command


def hoist_global_options(argv: list[str]) -> list[str]:
    """`projtrack demo --as-of 2026-11-29` means `projtrack --as-of 2026-11-29 demo`: move the
    global options that no command defines to the front (up to a `--`)."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        name = arg.split("=", 1)[0]
        if name in _HOISTED:
            if "=" in arg:
                front.append(arg)
            else:
                front.extend(argv[i:i + 2])
                i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


def main(argv: list[str] | None = None) -> int:
    """Run the command line on ``argv`` (default: the process's) and return the exit code."""
    args = hoist_global_options(list(sys.argv[1:] if argv is None else argv))
    try:
        rv = typer_app(args=args, prog_name="projtrack", standalone_mode=False)
    except (Exception, KeyboardInterrupt) as exc:  # every failure becomes a message and a code
        return exit_code(exc)
    return rv if isinstance(rv, int) else 0


def run() -> None:
    sys.exit(main())
