"""The command line: each command parses its arguments, calls a service and prints.

This is the entry point (``projtrack = "projtrack.cli:run"``, ``python -m projtrack``).  It
imports the app and every command module, which register their commands on it; no module of
the package imports this one.  Exit codes: 0 done, 1 bad data, 2 bad usage (see exits.py).
"""

from __future__ import annotations

import sys

from projtrack.cli.app import command
from projtrack.cli.exits import exit_code

# Each command module registers its commands on import; --help lists them in this order.
# isort: off
from projtrack.cli import importing, exporting, tui, admin  # noqa: F401, E402
from projtrack.cli import entries, reports, forecasting, scale, budget  # noqa: F401, E402
from projtrack.cli import issues  # noqa: F401, E402
# isort: on


def main(argv: list[str] | None = None) -> int:
    """Run the command line on ``argv`` (default: the process's) and return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        rv = command().main(args=args, prog_name="projtrack", standalone_mode=False)
    except (Exception, KeyboardInterrupt) as exc:  # every failure becomes a message and a code
        return exit_code(exc)
    return rv if isinstance(rv, int) else 0


def run() -> None:
    sys.exit(main())
