"""The portfolio export's records, as JSON (the documented contract) and CSV, built from a
Portfolio (``services.export`` loads it and writes them; the workbook is ``export_xlsx``).

JSON contract: ``{"as_of": "YYYY-MM-DD", "projects": [...], "totals": {...}}``; money (万元) and
rates are decimal strings (a rate is a fraction: "0.4" is 40 %), unknown is null, dates ISO.
See README.md, "JSON export".
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from typing import Any

from projtrack.core.jsonvalue import to_json
from projtrack.core.money import to_plain
from projtrack.core.portfolio import Portfolio, ProjectView
from projtrack.core.types import FUNDING_SOURCES

PROJECT_KEYS = (
    "id", "name", "category", "annex_class", "construction_type", "township", "responsible_unit",
    "start_year", "end_year", "total_investment", "period_plan", "annual_plan", "funding_plan",
    "project_code",
    "prior_actual", "land_mu", "floor_area_m2", "new_places", "phase", "status",
    "actual_to_date", "actual_this_year", "planned_to_date", "variance", "variance_rate",
    "annual_completion_rate", "cumulative_completion_rate", "time_progress", "funds_received",
    "payments", "percent_complete", "earned_value", "spi", "cpi", "year_end_forecast",
    "year_end_forecast_rate", "eac", "overrun_forecast", "forecast_completion",
    "forecast_handover", "term_at_risk", "flag", "flag_reasons", "milestones", "source",
)


def project_record(view: ProjectView, county: bool = False) -> dict[str, object]:
    return to_json(_raw_record(view, county))  # type: ignore[return-value]


def _raw_record(view: ProjectView, county: bool = False) -> dict[str, Any]:
    """A project's record with its values as they are (Decimal, int, str, date, enum); with
    its ``county`` (after the name) when the portfolio is a city's."""
    f, g = view.facts, view.figures
    named: dict[str, object] = {"id": f.id, "name": f.name}
    if county:
        named["county"] = f.county
    rec: dict[str, object] = {
        **named, "category": f.category, "annex_class": f.annex_class,
        "construction_type": f.construction_type, "township": f.township,
        "responsible_unit": f.responsible_unit, "start_year": f.start_year,
        "end_year": f.end_year, "total_investment": f.total_investment,
        "period_plan": f.period_plan,
        "annual_plan": {str(y): a for y, a in sorted(f.annual_plan.items())},
        "funding_plan": {src: a for src, a in _by_source(f.funding_plan)},
        "project_code": f.project_code, "prior_actual": f.prior_actual, "land_mu": f.land_mu,
        "floor_area_m2": f.floor_area_m2,
        "new_places": int(f.new_places) if f.new_places is not None else None,
        "phase": f.phase, "status": f.status,
        "actual_to_date": g.actual_to_date, "actual_this_year": g.actual_this_year,
        "planned_to_date": g.planned_to_date, "variance": g.variance,
        "variance_rate": g.variance_rate, "annual_completion_rate": g.annual_completion_rate,
        "cumulative_completion_rate": g.cumulative_completion_rate,
        "time_progress": g.time_progress, "funds_received": g.funds_received,
        "payments": g.payments, "percent_complete": g.percent_complete,
        "earned_value": g.earned_value, "spi": g.spi, "cpi": g.cpi,
        "year_end_forecast": g.year_end_forecast,
        "year_end_forecast_rate": g.year_end_forecast_rate, "eac": g.eac,
        "overrun_forecast": g.overrun_forecast, "forecast_completion": g.forecast_completion,
        "forecast_handover": g.forecast_handover, "term_at_risk": g.term_at_risk,
        "flag": g.flag,
        "flag_reasons": list(g.flag_reasons),
        "milestones": [{"name": m.name, "planned": m.planned, "actual": m.actual,
                        "slip_days": m.slip_days} for m in g.milestones],
        "source": ({"file": f.source.file, "sheet": f.source.sheet, "row": f.source.row}
                   if f.source else None),
    }
    return rec


def totals_record(portfolio: Portfolio) -> dict[str, object]:
    """The overall totals and those by category; a city's portfolio adds ``by_county`` (the
    counties' figures, which add up to the city's: ``core.groups.by_county``)."""
    by_cat = portfolio.by_category()
    out: dict[str, object] = {"overall": portfolio.totals(),
                              "by_category": {str(k): v for k, v in by_cat.items()}}
    if portfolio.multi_county:
        out["by_county"] = {str(k): v for k, v in portfolio.totals_and_by_county()[1].items()}
    return to_json(out)  # type: ignore[return-value]


def portfolio_json(portfolio: Portfolio) -> dict[str, object]:
    """The JSON contract; in a city's portfolio each project also has its ``county``."""
    county = portfolio.multi_county
    return {
        "as_of": portfolio.as_of.isoformat(),
        "projects": [project_record(v, county) for v in portfolio.projects],
        "totals": totals_record(portfolio),
    }


def dumps(portfolio: Portfolio) -> str:
    return json.dumps(portfolio_json(portfolio), ensure_ascii=False, indent=2)


CSV_KEYS = tuple(k for k in PROJECT_KEYS if k not in ("annual_plan", "funding_plan", "milestones",
                                                       "source", "flag_reasons"))


def _by_source(funding) -> list[tuple[str, Decimal]]:
    """A funding plan in the order of FUNDING_SOURCES (中央, 省, 市 …)."""
    order = {s: i for i, s in enumerate(FUNDING_SOURCES)}
    return sorted(funding.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))


def funding_sources(portfolio: Portfolio) -> list[str]:
    """The sources some project's funding plan names, in FUNDING_SOURCES order."""
    named = {src for v in portfolio.projects for src in v.facts.funding_plan}
    return [s for s in FUNDING_SOURCES if s in named] + sorted(named - set(FUNDING_SOURCES))


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_csv(value: object) -> object:
    """A text cell that a spreadsheet would evaluate (it starts with = + - @, a tab or a
    carriage return) is prefixed with an apostrophe, as spreadsheets themselves mark text;
    every text cell is judged so, even one that reads as a number ("-12.5", "-NaN1" typed
    into a name).  A numeric cell — a Decimal or an int of the portfolio, written as its plain
    digits — is never escaped: −12.5 stays the number −12.5."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return to_plain(value)
    if isinstance(value, int):
        return str(value)
    return safe_csv(str(value) if not isinstance(value, str) else value)


def to_csv(portfolio: Portfolio) -> str:
    """The portfolio as CSV: one row per project, text cells escaped (``safe_csv``),
    numbers as their exact digits; a city's portfolio has a ``county`` column after the name."""
    county = portfolio.multi_county
    keys = CSV_KEYS if not county else (*CSV_KEYS[:2], "county", *CSV_KEYS[2:])
    years = sorted({y for v in portfolio.projects for y in v.facts.annual_plan})
    out = _Lines()
    # "\r\n" so that a cell holding a CR or LF is quoted (the csv module quotes a field with
    # a character of the line terminator); each line then ends "\n", as it always has
    writer = csv.writer(out, lineterminator="\r\n")
    sources = funding_sources(portfolio)
    header = list(keys) + [f"plan_{y}" for y in years] + [f"funding_{s}" for s in sources] + [
        "flag_reasons", "source_file", "source_sheet", "source_row"]
    writer.writerow(header)
    for v in portfolio.projects:
        rec: dict[str, Any] = _raw_record(v, county)
        plan, funding = rec["annual_plan"], rec["funding_plan"]
        src = rec["source"] or {}
        row = [rec[k] for k in keys] + [plan.get(str(y)) for y in years]
        row += [funding.get(s) for s in sources]
        row += [";".join(str(r) for r in rec["flag_reasons"]), src.get("file"), src.get("sheet"),
                src.get("row")]
        writer.writerow([_csv_cell(x) for x in row])
    return out.text()


class _Lines:
    """A file for csv.writer whose rows end "\n" instead of the writer's "\r\n"."""

    def __init__(self) -> None:
        self._parts: list[str] = []

    def write(self, line: str) -> None:
        self._parts.append(line[:-2] + "\n" if line.endswith("\r\n") else line)

    def text(self) -> str:
        return "".join(self._parts)
