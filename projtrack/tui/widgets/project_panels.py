"""The text panels of the project view: the summary lines, and the annex facts with the
figures.  Rich renderables only (built on the UI thread from a loaded Detail)."""

from __future__ import annotations

import datetime as dt

from rich.console import Group
from rich.table import Table
from rich.text import Text

from projtrack.core.money import format_rate, format_wan
from projtrack.core.terms import Status
from projtrack.core.types import FlagRules
from projtrack.i18n import t, term
from projtrack.services.detail import Detail
from projtrack.services.forecast import how_worked, term_due
from projtrack.tui import cells as c


def summary(d: Detail, lang: str, rules: FlagRules) -> Text:
    f, fig = d.view.facts, d.view.figures
    text = Text()
    text.append(f"#{f.id} ", style="dim")
    text.append(f.name, style="bold")
    text.append("  ")
    if f.status == Status.WITHDRAWN:
        text.append(t("ui.flag.withdrawn", lang=lang), style="bold")
    else:
        text.append_text(c.flag(fig.flag, lang))
        reasons = "、".join(term(r, lang) for r in fig.flag_reasons) if lang == "zh" else \
            ", ".join(term(r, lang) for r in fig.flag_reasons)
        text.append(" " + reasons, style=c.LEVEL_STYLES[fig.flag])
    text.append("\n")
    words = [term(w, lang) for w in (f.category, f.annex_class, f.construction_type, fig.phase) if w]
    if f.township:
        words.append(f.township)
    text.append(" / ".join(words), style="dim")
    text.append("   " + t("ui.col.total_investment", lang=lang) + " ")
    text.append(format_wan(f.total_investment, blank=c.BLANK))
    text.append("  " + t("ui.portfolio.unit", lang=lang), style="dim")
    text.append("\n")
    parts = (
        ("ui.col.annual_plan", c.money(fig.annual_plan)),
        ("ui.col.actual_this_year", c.money(fig.actual_this_year)),
        ("ui.col.rate", c.rate_vs_time(fig.annual_completion_rate, fig.points_vs_time, rules)),
        ("ui.col.actual_to_date", c.money(fig.actual_to_date)),
        ("ui.col.variance", c.variance(fig.variance, fig.variance_rate, rules)),
    )
    for i, (key, value) in enumerate(parts):
        value.justify = None
        text.append(("  " if i else "") + t(key, lang=lang) + " ")
        text.append_text(value)
    return text


def _grid() -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    return grid


def _d(day: dt.date | None) -> str:
    return day.isoformat() if day else c.BLANK


def facts_panel(d: Detail, lang: str) -> Group:
    """The annex facts (with the source cell) and every figure at the as-of date."""
    f, fig = d.view.facts, d.view.figures

    def fld(name: str) -> str:
        return t("field." + name, lang=lang)

    def w(value: object) -> str:
        return c.BLANK if value is None or value == "" else str(value)

    annex = _grid()
    years = f"{f.start_year or '?'}-{f.end_year or '?'}" if f.start_year or f.end_year else c.BLANK
    rows = [
        (fld("name"), f.name), (fld("category"), term(f.category, lang) or c.BLANK),
        (fld("annex_class"), term(f.annex_class, lang) or c.BLANK),
        (fld("construction_type"), term(f.construction_type, lang) or c.BLANK),
        (fld("township"), w(f.township)), (fld("responsible_unit"), w(f.responsible_unit)),
        (t("ui.facts.years", lang=lang), years),
        (fld("total_investment"), format_wan(f.total_investment, blank=c.BLANK)),
        (fld("period_plan"), format_wan(f.period_plan, blank=c.BLANK)),
        (fld("prior_actual"), format_wan(f.prior_actual, blank=c.BLANK)),
        (fld("land_mu"), format_wan(f.land_mu, 1, blank=c.BLANK)),
        (fld("floor_area_m2"), format_wan(f.floor_area_m2, 0, blank=c.BLANK)),
        (fld("classes"), w(f.classes)), (fld("new_places"), w(f.new_places)),
        (fld("project_code"), w(f.project_code)), (fld("phase"), term(fig.phase, lang)),
        (fld("status"), term(f.status, lang)), (fld("content"), w(f.content)),
        (fld("remarks"), w(f.remarks)),
        (t("ui.facts.source", lang=lang),
         f"{f.source.file}  {f.source.sheet}!A{f.source.row}" if f.source else c.BLANK),
    ]
    for label, value in rows:
        annex.add_row(label, value)

    figures = _grid()
    for label, value in (
        (t("ui.facts.plans", lang=lang), "  ".join(f"{y}: {format_wan(a)}" for y, a in f.annual_plan.items()) or c.BLANK),
        (t("ui.fig.time_progress", lang=lang), format_rate(fig.time_progress)),
        (t("ui.fig.planned_to_date", lang=lang), format_wan(fig.planned_to_date)),
        (t("ui.fig.cumulative_actual", lang=lang), format_wan(fig.cumulative_actual)),
        (t("ui.fig.cumulative_rate", lang=lang), format_rate(fig.cumulative_completion_rate, blank=c.BLANK)),
        (t("ui.fig.variance_rate", lang=lang), format_rate(fig.variance_rate, blank=c.BLANK)),
        (t("ui.fig.overrun", lang=lang), format_wan(fig.overrun, blank=c.BLANK)),
        (t("ui.fig.this_week", lang=lang), format_wan(fig.actual_this_week)),
        (t("ui.fig.funds", lang=lang), format_wan(fig.funds_received)),
        (t("ui.fig.payments", lang=lang), format_wan(fig.payments)),
        (t("ui.fig.last_actual", lang=lang), _d(fig.last_actual_date)),
        (t("ui.fig.stage", lang=lang), f"{term(fig.stage, lang) or c.BLANK}  "
                                       f"{format_rate(fig.percent_complete, 0, blank='')}"),
        (t("ui.fig.spi_cpi", lang=lang), f"{_ratio(fig.spi)} / {_ratio(fig.cpi)}"),
        (t("ui.fig.life", lang=lang), f"{format_wan(fig.planned_life)} / "
                                      f"{format_wan(fig.actual_life)}"),
    ):
        figures.add_row(label, value)

    # forecasts: the figures, then how the dates were worked out
    due = term_due(d.view)
    risk = {True: t("ui.forecast.risk_yes", lang=lang), False: t("ui.forecast.risk_no", lang=lang),
            None: c.BLANK}[fig.term_at_risk]
    forecast = _grid()
    for label, value in (
        (t("ui.fig.year_end_forecast", lang=lang),
         f"{format_wan(fig.year_end_forecast)}  "
         f"({format_rate(fig.year_end_forecast_rate, blank=c.BLANK)})"),
        (t("ui.fig.eac", lang=lang), f"{format_wan(fig.eac, blank=c.BLANK)}  "
                                     f"{t('ui.fig.overrun_forecast', lang=lang)} "
                                     f"{format_wan(fig.overrun_forecast, blank=c.BLANK)}"),
        (t("ui.fig.progress_rate", lang=lang), how_worked(fig, lang)),
        (t("ui.fig.forecast_dates", lang=lang),
         f"{_d(fig.forecast_completion)} / {_d(fig.forecast_handover)}"),
        (t("ui.fig.term", lang=lang), f"{_d(due)}  {risk}"),
    ):
        forecast.add_row(label, value)
    return Group(Text(t("ui.facts.annex", lang=lang), style="bold underline"), annex, Text(""),
                 Text(t("ui.facts.figures", lang=lang, as_of=fig.as_of.isoformat()),
                      style="bold underline"), figures, Text(""),
                 Text(t("ui.facts.forecast", lang=lang), style="bold underline"), forecast)


def _ratio(value) -> str:
    return c.BLANK if value is None else f"{value:.2f}"
