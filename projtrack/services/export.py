"""``projtrack export``: the portfolio with its figures at the as-of date, as JSON (the README's
stable contract), CSV or an xlsx workbook that re-imports as an annex.  The records and the
workbook are built by ``reports.export`` and ``reports.export_xlsx``; this module loads the
portfolio and writes them."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from projtrack.errors import BadUsage
from projtrack.reports.export import portfolio_json, to_csv
from projtrack.safefile import check_target, write_file, write_text
from projtrack.services.portfolio import county_portfolio
from projtrack.store.repo import Store

FORMATS = ("json", "csv", "xlsx")
_ENCODING = {"json": "utf-8", "csv": "utf-8-sig"}  # a BOM, so that Excel reads CSV as UTF-8


def check_export(fmt: str, out: Path | None) -> None:
    """BadUsage for a format projtrack does not write, or an xlsx export without a file."""
    if fmt not in FORMATS:
        raise BadUsage("err.bad_format", fmt=fmt)
    if fmt == "xlsx" and out is None:
        raise BadUsage("err.xlsx_needs_out")


def export_text(store: Store, as_of: dt.date, fmt: str, county: str | None = None) -> str:
    """The portfolio at ``as_of`` (of ``county`` alone, when named) as JSON or CSV text."""
    check_export(fmt, None)  # xlsx needs a file
    portfolio = county_portfolio(store, as_of, county)
    if fmt != "json":
        return to_csv(portfolio)
    data = portfolio_json(portfolio)
    _add_budget(store, data)
    _add_issues(store, data)
    return json.dumps(data, ensure_ascii=False, indent=2)


def _add_budget(store: Store, data: dict) -> None:
    """The additive fields of each project (the contract lets fields be added): ``baseline``,
    the current baseline's name when the project is in it (else null), and
    ``pending_budget_changes``, its proposed changes awaiting approval (id, reason, source, who,
    amount and lines: field, year, old, new, delta)."""
    from projtrack.services.baseline import current_baseline
    from projtrack.services.budget import change_json, pending_by_project
    from projtrack.store.baseline import items

    info = current_baseline(store)
    frozen = set(items(store, info.id)) if info is not None else set()
    pending = pending_by_project(store)
    for rec in data["projects"]:
        pid = rec["id"]
        rec["baseline"] = info.name if info is not None and pid in frozen else None
        rec["pending_budget_changes"] = [change_json(c) for c in pending.get(pid, [])]


def _add_issues(store: Store, data: dict) -> None:
    """The additive field ``issues`` of each project: its issues log, oldest first (id, text,
    owner, due, raised_on, state, raised_by, updates: id, date, text, state, who)."""
    from projtrack.services.issues import by_project, issue_json

    found = by_project(store)
    for rec in data["projects"]:
        rec["issues"] = [issue_json(i) for i in found.get(rec["id"], [])]


def export_file(store: Store, as_of: dt.date, fmt: str, out: Path,
                county: str | None = None) -> None:
    """Write the portfolio at ``as_of`` (of ``county`` alone, when named) to ``out`` in
    ``fmt``, through ``projtrack.safefile`` (a temporary renamed into place; a symlink, a
    folder or a missing folder is refused)."""
    check_export(fmt, out)
    check_target(out)  # before the seconds a portfolio takes
    if fmt == "xlsx":
        from projtrack.reports.export_xlsx import write_portfolio_xlsx

        portfolio = county_portfolio(store, as_of, county)
        write_file(out, lambda path: write_portfolio_xlsx(portfolio, path))
        return
    write_text(out, export_text(store, as_of, fmt, county), encoding=_ENCODING[fmt])
