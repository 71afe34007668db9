"""``projtrack export``: the portfolio with its figures at the as-of date, as JSON (the README's
stable contract), CSV or an xlsx workbook that re-imports as an annex.  The records and the
workbook are built by ``reports.export`` and ``reports.export_xlsx``; this module loads the
portfolio and writes them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from projtrack.errors import BadUsage
from projtrack.reports.export import dumps, to_csv
from projtrack.safefile import check_target, write_file, write_text
from projtrack.services.portfolio import load_portfolio
from projtrack.store.repo import Store

FORMATS = ("json", "csv", "xlsx")
_ENCODING = {"json": "utf-8", "csv": "utf-8-sig"}  # a BOM, so that Excel reads CSV as UTF-8


def check_export(fmt: str, out: Path | None) -> None:
    """BadUsage for a format projtrack does not write, or an xlsx export without a file."""
    if fmt not in FORMATS:
        raise BadUsage("err.bad_format", fmt=fmt)
    if fmt == "xlsx" and out is None:
        raise BadUsage("err.xlsx_needs_out")


def export_text(store: Store, as_of: dt.date, fmt: str) -> str:
    """The portfolio at ``as_of`` as JSON or CSV text."""
    check_export(fmt, None)  # xlsx needs a file
    portfolio = load_portfolio(store, as_of)
    return dumps(portfolio) if fmt == "json" else to_csv(portfolio)


def export_file(store: Store, as_of: dt.date, fmt: str, out: Path) -> None:
    """Write the portfolio at ``as_of`` to ``out`` in ``fmt``, through ``projtrack.safefile``
    (a temporary renamed into place; a symlink, a folder or a missing folder is refused)."""
    check_export(fmt, out)
    check_target(out)  # before the seconds a portfolio takes
    if fmt == "xlsx":
        from projtrack.reports.export_xlsx import write_portfolio_xlsx

        portfolio = load_portfolio(store, as_of)
        write_file(out, lambda path: write_portfolio_xlsx(portfolio, path))
        return
    write_text(out, export_text(store, as_of, fmt), encoding=_ENCODING[fmt])
