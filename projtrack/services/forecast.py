"""``projtrack forecast`` and the 预测 view: the portfolio's forecasts at the as-of date — the
year-end forecast against the plan, EAC and the forecast overrun, forecast 竣工 and 投用 — and the
projects whose forecast 投用 misses their autumn term with the places they carry.  Every figure
comes from ``core.figures`` / ``core.forecast``; this module picks, orders and words them.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from projtrack.core.calendar import autumn_term_start
from projtrack.core.figures import Figures, GroupFigures
from projtrack.core.forecast import ProgressRate
from projtrack.core.groups import category_of
from projtrack.core.jsonvalue import to_json
from projtrack.core.money import format_rate, format_wan
from projtrack.core.portfolio import Portfolio, ProjectView
from projtrack.core.targets import PlacesAtRisk, at_term_risk, merged, places_at_risk
from projtrack.core.terms import Status
from projtrack.i18n import t, term
from projtrack.services.portfolio import county_portfolio
from projtrack.services.settings import stored_targets
from projtrack.store.repo import Store

BLANK = "—"


@dataclass(frozen=True)
class PortfolioForecast:
    portfolio: Portfolio
    rows: tuple[ProjectView, ...]  # the active projects, in the portfolio's order
    at_risk: tuple[ProjectView, ...]  # at term risk, the latest forecast 投用 first
    places: tuple[PlacesAtRisk, ...]  # by category, against the plan's targets
    totals: GroupFigures
    by_category: dict[object, GroupFigures]
    ranked: tuple[ProjectView, ...]  # the most at risk first (``risk_order``)

    @property
    def as_of(self) -> dt.date:
        return self.portfolio.as_of


def forecasts_of(portfolio: Portfolio, targets: dict[str, int]) -> PortfolioForecast:
    """The forecasts of a portfolio already loaded (the TUI's), against ``targets``."""
    rows = tuple(v for v in portfolio.projects if v.facts.status != Status.WITHDRAWN)
    items = portfolio.items(rows)
    risky_ids = [f.id for f, _ in at_term_risk(items)]
    at_risk = tuple(v for pid in risky_ids if pid is not None
                    for v in (portfolio.get(pid),) if v is not None)
    totals, by_category = portfolio.totals_and_by_category(rows)
    return PortfolioForecast(portfolio, rows, at_risk, tuple(places_at_risk(items, targets)), totals,
                     by_category, tuple(sorted(rows, key=risk_order)))


def risk_order(view: ProjectView) -> tuple:
    """The 预测 view's order: term risk first, then a forecast overrun, then the lowest
    year-end forecast rate (none last), then the name."""
    g = view.figures
    rate = g.year_end_forecast_rate
    return (not g.term_at_risk, g.overrun_forecast is None, rate is None,
            rate if rate is not None else 0, view.facts.name)


def load_forecasts(store: Store, as_of: dt.date, county: str | None = None) -> PortfolioForecast:
    """The portfolio's forecasts at ``as_of`` (of ``county`` alone, when named), against the
    plan's targets (the bureau's own, or the published ones)."""
    portfolio = county_portfolio(store, as_of, county, include_withdrawn=False)
    return forecasts_of(portfolio, merged(stored_targets(store)))


def term_due(view: ProjectView) -> dt.date | None:
    """31 August of the project's end year: the autumn term its places are promised for."""
    end = view.facts.end_year
    return autumn_term_start(end) if end else None


def days_late(view: ProjectView) -> int | None:
    due, handover = term_due(view), view.figures.forecast_handover
    return (handover - due).days if due and handover else None


# --- JSON ---------------------------------------------------------------------------------------

def _rate(rate: ProgressRate | None) -> dict[str, object] | None:
    if rate is None:
        return None
    return {"from": {"date": rate.start.date, "percent": rate.start.percent},
            "to": {"date": rate.end.date, "percent": rate.end.percent},
            "days": rate.days, "per_day": rate.per_day}


def project_forecast(view: ProjectView) -> dict[str, object]:
    f, g = view.facts, view.figures
    return {
        "id": f.id, "name": f.name, "category": f.category, "phase": g.phase,
        "end_year": f.end_year, "new_places": f.new_places,
        "total_investment": f.total_investment, "annual_plan": g.annual_plan,
        "actual_this_year": g.actual_this_year, "actual_recent": g.actual_recent,
        "year_end_forecast": g.year_end_forecast,
        "year_end_forecast_rate": g.year_end_forecast_rate,
        "planned_life": g.planned_life, "actual_life": g.actual_life,
        "earned_value": g.earned_value, "spi": g.spi, "cpi": g.cpi, "eac": g.eac,
        "overrun_forecast": g.overrun_forecast, "percent_complete": g.percent_complete,
        "progress_rate": _rate(g.progress_rate), "forecast_completion": g.forecast_completion,
        "forecast_handover": g.forecast_handover, "term_due": term_due(view),
        "term_at_risk": g.term_at_risk, "flag": g.flag, "flag_reasons": list(g.flag_reasons),
    }


def _group(g: GroupFigures) -> dict[str, object]:
    return {
        "count": g.count, "annual_plan": g.annual_plan, "actual_this_year": g.actual_this_year,
        "year_end_forecast": g.year_end_forecast,
        "year_end_forecast_rate": g.year_end_forecast_rate, "eac": g.eac,
        "overrun_forecast": g.overrun_forecast, "overrun_forecast_count": g.overrun_forecast_count,
        "forecast_completion": g.forecast_completion, "forecast_handover": g.forecast_handover,
        "term_at_risk": g.term_at_risk, "term_at_risk_count": g.term_at_risk_count,
        "places_at_risk": g.places_at_risk,
    }


def forecasts_json(fc: PortfolioForecast) -> dict[str, object]:
    """What ``projtrack forecast --json`` prints: money and rates as decimal strings, dates
    ISO, unknown null (as the export's contract)."""
    return to_json({  # type: ignore[return-value]
        "as_of": fc.as_of,
        "projects": [project_forecast(v) for v in fc.rows],
        "term_risk": [{"id": v.facts.id, "name": v.facts.name, "category": v.facts.category,
                       "end_year": v.facts.end_year, "term_due": term_due(v),
                       "forecast_handover": v.figures.forecast_handover,
                       "days_late": days_late(v), "new_places": v.facts.new_places}
                      for v in fc.at_risk],
        "places_at_risk": [{"category": p.category, "target": p.target, "places": p.places,
                            "projects": p.projects, "share": p.share} for p in fc.places],
        "totals": {"overall": _group(fc.totals),
                   "by_category": {str(k): _group(g) for k, g in fc.by_category.items()}},
    })


# --- words ------------------------------------------------------------------------------------

def _date(d: dt.date | None) -> str:
    return d.isoformat() if d else BLANK


def _pct(value) -> str:
    return format_rate(value, 1, blank=BLANK)


def how_worked(figures: Figures, lang: str | None = None) -> str:
    """How the forecast dates were worked out, in words: "from 45 % on 2026-09-01 and 62 % on
    2026-10-27: 0.30 points a day → 竣工 2027-01-03, 投用 2027-01-03", or why there is none."""
    if figures.phase == "投用":
        return t("forecast.how.in_use", lang)
    rate = figures.progress_rate
    if rate is None:
        return t("forecast.how.no_rate", lang)
    points = format_wan(rate.per_day * 100, 2)
    return t("forecast.how.rate", lang, p0=_pct(rate.start.percent), d0=_date(rate.start.date),
             p=_pct(rate.end.percent), d=_date(rate.end.date), points=points,
             completion=_date(figures.forecast_completion),
             handover=_date(figures.forecast_handover))


def risk_word(value: bool | None, lang: str | None = None) -> str:
    return t("forecast.risk.yes" if value else "forecast.risk.no" if value is False
             else "forecast.risk.unknown", lang)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns, with an ellipsis when it was longer."""
    if _width(text) <= width:
        return text
    out = ""
    for ch in text:
        if _width(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int],
           widths: dict[int, int] | None = None) -> list[str]:
    cols = len(headers)
    limit = widths or {}
    width = [max([_width(headers[i])] + [_width(r[i]) for r in rows]) for i in range(cols)]
    width = [min(w, limit.get(i, w)) for i, w in enumerate(width)]

    def line(cells: Sequence[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            cell = _cut(cell, width[i])
            pad = " " * (width[i] - _width(cell))
            out.append(pad + cell if i in right else cell + pad)
        return "  ".join(out).rstrip()

    return [line(headers), "  ".join("-" * w for w in width)] + [line(r) for r in rows]


def forecasts_text(fc: PortfolioForecast, lang: str | None = None) -> str:
    """The table of projects with their forecasts, then the term-risk list and the places at
    risk by category — what ``projtrack forecast`` prints."""
    def tr(key: str, **kw: object) -> str:
        return t(key, lang, **kw)

    out = [tr("forecast.title", as_of=fc.as_of.isoformat())]
    headers = [tr("forecast.col." + k) for k in (
        "name", "phase", "annual_plan", "year_end_forecast", "year_end_forecast_rate", "eac",
        "overrun_forecast", "forecast_completion", "forecast_handover", "term_at_risk")]
    rows = []
    for v in fc.rows:
        g = v.figures
        rows.append([v.facts.name, term(g.phase, lang), format_wan(g.annual_plan, blank=BLANK),
                     format_wan(g.year_end_forecast), format_rate(g.year_end_forecast_rate,
                                                                  blank=BLANK),
                     format_wan(g.eac, blank=BLANK), format_wan(g.overrun_forecast, blank=BLANK),
                     _date(g.forecast_completion), _date(g.forecast_handover),
                     risk_word(g.term_at_risk, lang)])
    tot = fc.totals
    rows.append([tr("forecast.total"), "", format_wan(tot.annual_plan),
                 format_wan(tot.year_end_forecast),
                 format_rate(tot.year_end_forecast_rate, blank=BLANK), format_wan(tot.eac),
                 format_wan(tot.overrun_forecast), _date(tot.forecast_completion),
                 _date(tot.forecast_handover), str(tot.term_at_risk_count)])
    out += _table(headers, rows, right={2, 3, 4, 5, 6}, widths={0: 30})
    out.append("")
    out.append(tr("forecast.by_category"))
    headers = [tr("forecast.col." + k) for k in ("category", "annual_plan", "year_end_forecast",
                                                   "year_end_forecast_rate", "overrun_forecast")]
    rows = [[term(str(k), lang), format_wan(g.annual_plan), format_wan(g.year_end_forecast),
             format_rate(g.year_end_forecast_rate, blank=BLANK), format_wan(g.overrun_forecast)]
            for k, g in fc.by_category.items()]
    out += _table(headers, rows, right={1, 2, 3, 4})
    out.append("")
    out.append(tr("forecast.term_risk", n=len(fc.at_risk)))
    if fc.at_risk:
        headers = [tr("forecast.col." + k) for k in ("name", "category", "term_due",
                                                       "forecast_handover", "days_late",
                                                       "new_places")]
        rows = [[v.facts.name, term(category_of(v.facts), lang), _date(term_due(v)),
                 _date(v.figures.forecast_handover), str(days_late(v) or 0),
                 str(v.facts.new_places or 0)] for v in fc.at_risk]
        out += _table(headers, rows, right={4, 5}, widths={0: 30})
    else:
        out.append(tr("forecast.term_risk_none"))
    out.append("")
    out.append(tr("forecast.places"))
    headers = [tr("forecast.col." + k) for k in ("category", "places_at_risk", "target", "share",
                                                   "projects")]
    rows = [[term(p.category, lang), f"{p.places:,}",
             f"{int(p.target):,}" if p.target is not None else BLANK,
             format_rate(p.share, blank=BLANK), str(p.projects)] for p in fc.places]
    out += _table(headers, rows, right={1, 2, 3, 4})
    return "\n".join(out) + "\n"
