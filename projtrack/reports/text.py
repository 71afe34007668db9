"""The words and number formats the renderers share, so the xlsx and the PDF say the same thing.

Every label comes from the i18n catalogs (``report.*``); domain words through ``term``.  Numbers
are formatted here for the PDF and for text cells; the xlsx keeps numbers as numbers and uses
the matching number formats (``XLSX_FORMATS``).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from projtrack.core.budget import BudgetChange, BudgetLine
from projtrack.core.money import format_rate, format_wan
from projtrack.core.terms import Flag
from projtrack.core.types import PHASES
from projtrack.i18n import catalog, t, term
from projtrack.reports.model import (
    Change,
    Forecasts,
    MilestoneAlert,
    ReportRow,
    Totals,
    WeeklyReport,
)
from projtrack.reports.rulestext import rules_line

ZH_NUMERALS = "一二三四五六七八九十"
UP, DOWN = "▲", "▼"  # ahead of / behind time progress: survives black-and-white printing

XLSX_FORMATS = {
    "money": "#,##0.00",
    "rate": "0.0%",
    "points": f'"{UP}"0.0;"{DOWN}"0.0;0.0',
    "int": "#,##0",
}


@dataclass(frozen=True)
class ReportColumn:
    key: str
    header: str
    group: str
    width: float  # xlsx characters; the PDF scales these to the page
    kind: str  # text | money | rate | points | int | flag


# key, group, width, kind — headers are report.col.<key>, groups report.group.<group>
_MAIN = (
    ("seq", "project", 5, "int"), ("name", "project", 34, "text"),
    ("township", "project", 9, "text"), ("phase", "project", 6, "text"),
    ("progress", "project", 13, "text"),
    ("total_investment", "investment", 12.5, "money"), ("annual_plan", "investment", 11, "money"),
    ("actual_this_week", "investment", 10, "money"), ("actual_this_year", "investment", 11, "money"),
    ("annual_completion_rate", "year", 8, "rate"), ("points_vs_time", "year", 8, "points"),
    ("cumulative_actual", "to_date", 12.5, "money"),
    ("cumulative_completion_rate", "to_date", 8, "rate"),
    ("funds_received", "funds", 12.5, "money"), ("payments", "funds", 12.5, "money"),
    ("variance", "funds", 11, "money"),
    ("flag", "flag", 7, "flag"), ("flag_reasons", "flag", 16, "text"),
)


def main_columns(lang: str, period_kind: str = "weekly") -> list[ReportColumn]:
    """The main table's columns; a month's or a quarter's report heads ``actual_this_week``
    with its own period (本月完成, 本季完成)."""
    return [ReportColumn(k, t(period_key(f"report.col.{k}", period_kind), lang=lang),
                         t(f"report.group.{g}", lang=lang), w, kind)
            for k, g, w, kind in _MAIN]


def period_key(key: str, period_kind: str) -> str:
    """``key``'s variant for a month's or a quarter's report (``report.title.monthly``) when
    the catalogs have one; else ``key`` (a weekly report's words are the plain keys)."""
    variant = f"{key}.{period_kind}"
    return variant if period_kind != "weekly" and variant in catalog("zh") else key


def display_width(text: str, wide: float = 2) -> float:
    """Columns a text takes in a spreadsheet cell: a wide (CJK) character counts ``wide``."""
    return sum(wide if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def points(value: Decimal | None) -> Decimal | None:
    """A fraction as percentage points to one decimal (0.0138 → 1.4)."""
    if value is None:
        return None
    return (value * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def phase_order(counts: dict[str, int]) -> list[tuple[str, int]]:
    """``counts`` in PHASES order, then any other phase as it came."""
    known = [(p, counts[p]) for p in PHASES if p in counts]
    return known + [(p, n) for p, n in counts.items() if p not in PHASES]


class Fmt:
    """Text for one language."""

    def __init__(self, lang: str, period_kind: str = "weekly"):
        self.lang = lang
        self.period_kind = period_kind  # a month's or a quarter's words (``period_key``)

    def t(self, key: str, **params: object) -> str:
        return t(period_key(key, self.period_kind), lang=self.lang, **params)

    def term(self, word: str | None) -> str:
        return term(word, self.lang) if word else ""

    def money(self, v: Decimal | None) -> str:
        return format_wan(v, blank="—")

    def rate(self, v: Decimal | None) -> str:
        return format_rate(v, blank="—")

    def points(self, v: Decimal | None) -> str:
        p = points(v)
        if p is None:
            return "—"
        return f"{UP}{p}" if p > 0 else f"{DOWN}{-p}" if p < 0 else "0.0"

    def points_phrase(self, v: Decimal | None) -> str:
        p = points(v)
        if p is None:
            return self.t("report.no_plan")
        if p == 0:
            return self.t("report.points_even")
        return self.t("report.points_ahead" if p > 0 else "report.points_behind", n=abs(p))

    def flag(self, code: str) -> str:
        return self.term(code)

    def reasons(self, codes: tuple[str, ...] | list[str]) -> str:
        return self.t("report.sep").join(self.term(c) for c in codes)

    def progress(self, stage: str | None, percent: Decimal | None) -> str:
        parts = [self.term(stage)] if stage else []
        if percent is not None:
            parts.append(format_rate(percent, decimals=0))
        return " ".join(parts) or "—"

    def date(self, d: dt.date | None) -> str:
        return d.isoformat() if d else "—"

    def count(self, n: int) -> str:
        return self.t("report.n_projects", n=n)

    def category_label(self, i: int, category: str, n: int) -> str:
        num = ZH_NUMERALS[i] if self.lang == "zh" and i < len(ZH_NUMERALS) else str(i + 1)
        return self.t("report.category_row", num=num, name=self.term(category), n=n)

    def class_label(self, i: int, annex_class: str, n: int) -> str:
        if self.lang == "zh":
            num = ZH_NUMERALS[i] if i < len(ZH_NUMERALS) else str(i + 1)
        else:
            num = "abcdefghij"[i] if i < 10 else str(i + 1)
        name = self.term(annex_class) if annex_class else self.t("report.class_unknown")
        return self.t("report.class_row", num=num, name=name, n=n)

    # --- blocks ---------------------------------------------------------------------------------
    def title(self, r: WeeklyReport) -> str:
        key = "report.title_county" if r.county else \
            "report.title_city" if r.counties is not None else "report.title"
        return self.t(key, county=r.county or "")

    def subtitle(self, r: WeeklyReport) -> str:
        year, week, _ = r.week_start.isocalendar()
        month, quarter = r.week_start.month, (r.week_start.month - 1) // 3 + 1
        if r.kind != "weekly":  # a month or a quarter: its calendar year
            year = r.week_start.year
        return self.t("report.subtitle", year=year, week=week, start=r.week_start.isoformat(),
                      end=r.week_end.isoformat(), as_of=r.as_of.isoformat(), month=month,
                      month_name=t(f"brief.month.{month}", lang=self.lang), quarter=quarter,
                      quarter_zh=ZH_NUMERALS[quarter - 1])

    def issued_line(self, r: WeeklyReport, printed_on: dt.date) -> str:
        if r.draft or r.issued_at is None:
            return self.t("report.draft_line", printed=printed_on.isoformat())
        return self.t("report.issued_line", issued=r.issued_at.date().isoformat(),
                      by=r.issued_by or "", printed=printed_on.isoformat())

    def compared_line(self, r: WeeklyReport) -> str:
        """"Compared with" the previous report, saying when the flag rules changed since it
        was issued (its flags and these were worked out under different rules)."""
        ch = r.changes
        text = self.t("report.compared_with", period=ch.previous_period,
                      as_of=self.date(ch.previous_as_of))
        if r.rules is not None and ch.previous_rules is not None and r.rules != ch.previous_rules:
            text += self.t("report.rules_changed_since")
        return text

    def rules_line(self, r: WeeklyReport) -> str | None:
        """The rules the report's flags were worked out with (None for a report frozen before
        they were recorded)."""
        return rules_line(r.rules, self.lang) if r.rules is not None else None

    def phases(self, s: Totals) -> str:
        """Projects by phase in the life's order (前期 → 投用, 暂缓, 取消, then any other),
        whatever order the counts were frozen in: a reprint reads them back from JSON."""
        parts = self.t("report.sep").join(f"{self.term(p)} {n}" for p, n in phase_order(s.phase_counts))
        return self.t("report.phase_counts", n=s.count, phases=parts)

    def summary_items(self, s: Totals) -> list[tuple[str, str, object, str]]:
        """(label, text, raw value, kind) for the summary block."""
        flags = s.flag_counts
        return [
            (self.t("report.sum.projects"), self.phases(s), s.count, "text"),
            (self.t("report.sum.annual_plan"), self.money(s.annual_plan), s.annual_plan, "money"),
            (self.t("report.sum.actual_this_year"), self.money(s.actual_this_year),
             s.actual_this_year, "money"),
            (self.t("report.sum.annual_rate"), self.rate(s.annual_completion_rate),
             s.annual_completion_rate, "rate"),
            (self.t("report.sum.time_progress"), self.rate(s.time_progress), s.time_progress, "rate"),
            (self.t("report.sum.vs_time"), self.points_phrase(s.points_vs_time),
             points(s.points_vs_time), "points"),
            (self.t("report.sum.actual_this_week"), self.money(s.actual_this_week),
             s.actual_this_week, "money"),
            (self.t("report.sum.cumulative"), self.money(s.cumulative_actual), s.cumulative_actual,
             "money"),
            (self.t("report.sum.cumulative_rate"), self.rate(s.cumulative_completion_rate),
             s.cumulative_completion_rate, "rate"),
            (self.t("report.sum.funds"), self.money(s.funds_received), s.funds_received, "money"),
            (self.t("report.sum.payments"), self.money(s.payments), s.payments, "money"),
            (self.t("report.sum.lagging"), self.count(s.lagging_count), s.lagging_count, "int"),
            (self.t("report.sum.overrun"), self.count(s.overrun_count), s.overrun_count, "int"),
            (self.t("report.sum.overdue"), self.count(s.overdue_count), s.overdue_count, "int"),
            (self.t("report.sum.flags"),
             self.t("report.flag_counts", red=flags.get(Flag.RED, 0),
                    yellow=flags.get(Flag.YELLOW, 0), green=flags.get(Flag.GREEN, 0)), None, "text"),
        ]

    def row_cells(self, r: ReportRow, seq: int) -> dict[str, tuple[object, str]]:
        """Main-table cells of a project: key → (raw value for xlsx, text for the PDF)."""
        return {
            "seq": (seq, str(seq)), "name": (r.name, r.name),
            "township": (r.township, r.township or ""), "phase": (self.term(r.phase), self.term(r.phase)),
            "progress": (self.progress(r.stage, r.percent_complete),) * 2,
            **self._figures(r),
            "flag": (self.flag(r.flag), self.flag(r.flag)),
            "flag_reasons": (self.reasons(r.flag_reasons),) * 2,
        }

    def total_cells(self, label: str, s: Totals) -> dict[str, tuple[object, str]]:
        flags = s.flag_counts
        mix = self.t("report.flag_counts_short", red=flags.get(Flag.RED, 0),
                     yellow=flags.get(Flag.YELLOW, 0), green=flags.get(Flag.GREEN, 0))
        return {"seq": (None, ""), "name": (label, label), "township": (None, ""),
                "phase": (None, ""), "progress": (None, ""), **self._figures(s),
                "flag": (None, ""), "flag_reasons": (mix, mix)}

    def _figures(self, x: ReportRow | Totals) -> dict[str, tuple[object, str]]:
        out: dict[str, tuple[object, str]] = {}
        for key in ("total_investment", "annual_plan", "actual_this_week", "actual_this_year",
                    "cumulative_actual", "funds_received", "payments", "variance"):
            v = getattr(x, key)
            out[key] = (v, self.money(v))
        for key in ("annual_completion_rate", "cumulative_completion_rate"):
            v = getattr(x, key)
            out[key] = (v, self.rate(v))
        out["points_vs_time"] = (points(x.points_vs_time), self.points(x.points_vs_time))
        return out

    def alert_days(self, a: MilestoneAlert) -> str:
        if a.kind == "due_soon" and a.days == 0:
            return self.t("report.due_today")
        key = "report.days_overdue" if a.kind == "overdue" else "report.days_until"
        return self.t(key, n=a.days)

    def change_text(self, c: Change) -> tuple[str, str]:
        """(what, detail) of one change."""
        what = self.t(f"report.change.{c.kind}")
        if c.kind in ("flag_worse", "flag_better"):
            detail = f"{self.flag(c.old or '')} → {self.flag(c.new or '')}"
            if c.detail:
                detail += f"({self.reasons(c.detail.split(','))})" if self.lang == "zh" \
                    else f" ({self.reasons(c.detail.split(','))})"
        elif c.kind == "phase":
            detail = f"{self.term(c.old)} → {self.term(c.new)}"
        elif c.kind == "milestone_reached":
            detail = self.t("report.change.reached_detail", milestone=self.term(c.detail), date=c.new)
        elif c.kind == "milestone_overdue":
            detail = self.t("report.change.overdue_detail", milestone=self.term(c.detail), date=c.new)
        elif c.kind == "milestone_replanned":
            detail = self.t("report.change.replanned_detail", milestone=self.term(c.detail),
                            old=c.old, new=c.new)
        else:
            detail = ""
        return what, detail

    # --- 预测与风险 ----------------------------------------------------------------------------
    def forecast_tables(self, fc: Forecasts) -> list[tuple[str, list[str], list[list[tuple[object, str, str]]], list[bool]]]:
        """The section's tables, each (heading, column headers, rows, bold per row); a cell is
        (raw value for xlsx, text for the PDF, kind: text | money | rate | int)."""
        def label(key: str) -> str:
            return self.term(key) if key else self.t("report.grand_total")

        year = [[(label(x.key), label(x.key), "text"),
                 (x.annual_plan, self.money(x.annual_plan), "money"),
                 (x.actual_this_year, self.money(x.actual_this_year), "money"),
                 (x.year_end_forecast, self.money(x.year_end_forecast), "money"),
                 (x.year_end_forecast_rate, self.rate(x.year_end_forecast_rate), "rate")]
                for x in fc.lines]
        places = sum(r.new_places for r in fc.term_risk)
        term_rows = [[(i, str(i), "int"), (r.project, r.project, "text"),
                      (self.term(r.category), self.term(r.category), "text"),
                      (self.date(r.due), self.date(r.due), "text"),
                      (self.date(r.forecast_handover), self.date(r.forecast_handover), "text"),
                      (r.new_places, f"{r.new_places:,}", "int")]
                     for i, r in enumerate(fc.term_risk, 1)]
        place_rows = [[(self.term(p.category), self.term(p.category), "text"),
                       (p.places, f"{p.places:,}", "int"),
                       (p.target, f"{int(p.target):,}" if p.target is not None else "—", "int"),
                       (p.places / p.target if p.target else None,
                        self.rate(p.places / p.target if p.target else None), "rate"),
                       (p.projects, str(p.projects), "int")] for p in fc.places]
        over_rows = [[(i, str(i), "int"), (o.project, o.project, "text"),
                      (self.term(o.category), self.term(o.category), "text"),
                      (o.total_investment, self.money(o.total_investment), "money"),
                      (o.eac, self.money(o.eac), "money"),
                      (o.overrun_forecast, self.money(o.overrun_forecast), "money")]
                     for i, o in enumerate(fc.overruns, 1)]

        def heads(*keys: str) -> list[str]:
            return [self.t(f"report.fc.{k}") for k in keys]

        pending = [] if fc.pending is None else [(
            self.t("report.fc.pending_head", n=len(fc.pending),
                   amount=self.signed(sum((c.amount for c in fc.pending), Decimal(0)))),
            heads("seq", "project", "change", "amount", "proposed_by"),
            [[(i, str(i), "int"), (c.project, c.project, "text"),
              (self.budget_lines(c), self.budget_lines(c), "text"),
              (c.amount, self.signed(c.amount), "money"),
              (f"{c.proposed_by} {c.proposed_at:%Y-%m-%d}", f"{c.proposed_by} {c.proposed_at:%Y-%m-%d}",
               "text")]
             for i, c in enumerate(fc.pending, 1)],
            [False] * len(fc.pending))]
        return [
            (self.t("report.fc.year_head"), heads("category", "annual_plan", "actual_this_year",
                                                  "year_end_forecast", "year_end_forecast_rate"),
             year, [x.key == "" for x in fc.lines]),
            (self.t("report.fc.term_head", n=len(fc.term_risk), places=f"{places:,}"),
             heads("seq", "project", "category", "due", "forecast_handover", "new_places"),
             term_rows, [False] * len(term_rows)),
            (self.t("report.fc.places_head"), heads("category", "places", "target", "share",
                                                    "projects"),
             place_rows, [False] * len(place_rows)),
            (self.t("report.fc.overrun_head", n=len(fc.overruns)),
             heads("seq", "project", "category", "total_investment", "eac", "overrun_forecast"),
             over_rows, [False] * len(over_rows)),
            *pending,
        ]

    def signed(self, v: Decimal) -> str:
        """An amount with its sign: +1,250.00, −300.00, 0.00."""
        return ("+" if v > 0 else "−" if v < 0 else "") + self.money(abs(v))

    def budget_lines(self, c: BudgetChange) -> str:
        """A change's lines: “总投资 36,000.00 → 37,250.00; 2025年计划 …”."""
        def label(ln: BudgetLine) -> str:
            if ln.year is None:
                return self.t("field.total_investment")
            return self.t("budget.plan_year", year=ln.year)

        def shown(v: Decimal | None) -> str:
            return "—" if v is None else self.money(v)

        return "; ".join(f"{label(ln)} {shown(ln.old)} → {shown(ln.new)}" for ln in c.lines)
