"""The 通报 paragraph that opens a report, written from its frozen figures — never typed.

Pure over the report model (``reports.model.WeeklyReport``): the same report, frozen or
reprinted, gives the same paragraph.  One paragraph of clauses, in this order:

1. the lead: 全县 (a city's consolidated report: 全市), as-of date, the number of projects, 本年完成投资, the annual completion rate and
   超/滞后序时进度 N 个百分点 (与序时进度持平 when it rounds to 0.0; a week with no annual plan
   says so instead of a rate);
2. 其中: one clause per category with projects (left out when there is only one category: the
   lead then names it, 全县 N 个中小学建设项目);
3. the lagging projects (flag reasons ``lagging`` / ``lagging_badly``), named when there are at
   most ``LIST_LIMIT`` (the furthest behind first), else counted by category;
4. 本周 (本月, 本季度) 新开工 / 竣工: the 开工 and 竣工验收 milestones reached in the report's
   period (``week_start`` … ``week_end``, inclusive), named or counted as in 3;
5. the projects expected to miss their autumn term (the report's 预测与风险 section,
   ``forecasts.term_risk``: the forecast itself, whether or not the rules make it a red flag),
   named or counted as in 3; a report frozen before that section existed never assessed the
   term risk and says so (``brief.term_unknown``), not that there is none.

Numbers as officials write them: an amount rounded half-up to 0.01 万元 that is 10,000 万元 or
more (1 亿元) is written in 亿元 with two decimals (rounded half-up from the exact amount, once),
anything smaller in 万元 with two decimals — 9,999.994 → 9999.99万元, 9,999.995 → 1.00亿元.  In
English the same precision reads CNY 392 million (from 3.92亿元) and CNY 35,602,500 (from
3560.25万元).  Percentages and points with one decimal, half-up.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from projtrack.i18n import t
from projtrack.reports.model import ReportRow, Totals, WeeklyReport
from projtrack.reports.text import points

LIST_LIMIT = 5  # names listed in one clause; more are counted by category
YI = Decimal(10000)  # 1 亿元 in 万元
CENT = Decimal("0.01")
STARTED, COMPLETED = "开工", "竣工验收"
LAGGING = ("lagging", "lagging_badly")


def amount_text(wan: Decimal, lang: str) -> str:
    """An amount in 万元 as officials write it (see the module docstring for the rule)."""
    rounded = wan.quantize(CENT, rounding=ROUND_HALF_UP)
    if abs(rounded) >= YI:
        yi = (wan / YI).quantize(CENT, rounding=ROUND_HALF_UP)
        v = f"{yi:f}" if lang == "zh" else f"{int(yi * 100):,}"
        return t("brief.amount.yi", lang=lang, v=v)
    if lang == "zh":
        return t("brief.amount.wan", lang=lang, v=f"{rounded:f}")
    return t("brief.amount.wan", lang=lang, v=f"{int(rounded * 10000):,}")


def percent_text(rate: Decimal) -> str:
    """A fraction as a percentage with one decimal, half-up (0.79949 → 79.9%)."""
    return f"{(rate * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def date_text(d: dt.date, lang: str) -> str:
    return t("brief.date", lang=lang, y=d.year, m=d.month, d=d.day,
             month=t(f"brief.month.{d.month}", lang=lang))


def joined(parts: list[str], lang: str) -> str:
    """A、B、C (A, B and C)."""
    if len(parts) <= 1:
        return "".join(parts)
    sep = t("brief.names_sep", lang=lang)
    return t("brief.names_and", lang=lang, names=sep.join(parts[:-1]), last=parts[-1])


def listing(items: list[tuple[str, str]], order: list[str], lang: str) -> str:
    """(name, category) pairs as a clause lists them: up to ``LIST_LIMIT`` by name, in the
    order given; more by category, in ``order`` (中小学6个、幼儿园3个) — a paragraph is read
    aloud, the names are in the report's tables."""
    if len(items) <= LIST_LIMIT:
        return joined([name for name, _ in items], lang)
    counts: dict[str, int] = {}
    for _, cat in items:
        counts[cat] = counts.get(cat, 0) + 1
    cats = sorted(counts, key=lambda c: (c not in order, order.index(c) if c in order else 0, c))
    return joined([_counted("brief.by_cat", counts[c], lang, what=_what(c, lang)) for c in cats],
                  lang)


def _what(category: str | None, lang: str) -> str:
    if category is None:
        return t("brief.what.all", lang=lang)
    key = f"brief.what.{category}"
    text = t(key, lang=lang)
    return category if text == key else text


def _counted(key: str, n: int, lang: str, **params: object) -> str:
    return t(f"{key}_one" if n == 1 else key, lang=lang, n=n, **params)


def _vs(points_vs_time: Decimal | None, lang: str) -> str:
    p = points(points_vs_time) or Decimal(0)
    if p == 0:
        return t("brief.vs.even", lang=lang)
    return t("brief.vs.ahead" if p > 0 else "brief.vs.behind", lang=lang, p=abs(p))


def _lead(r: WeeklyReport, lang: str) -> str:
    s = r.summary
    only = r.categories[0].category if len(r.categories) == 1 else None
    scope = t("brief.scope.city" if r.counties is not None else "brief.scope.county", lang=lang)
    params = {"date": date_text(r.as_of, lang), "what": _what(only, lang),
              "amount": amount_text(s.actual_this_year, lang), "scope": scope}
    if s.annual_completion_rate is None:
        return _counted("brief.lead_no_plan", s.count, lang, **params)
    return _counted("brief.lead", s.count, lang, rate=percent_text(s.annual_completion_rate),
                    vs=_vs(s.points_vs_time, lang), **params)


def _category(category: str, s: Totals, lang: str) -> str:
    what = _what(category, lang)
    amount = amount_text(s.actual_this_year, lang)
    if s.annual_completion_rate is None:
        return _counted("brief.cat_no_plan", s.count, lang, what=what, What=what, amount=amount)
    return _counted("brief.cat", s.count, lang, what=what, What=what, amount=amount,
                    rate=percent_text(s.annual_completion_rate))


def _category_of(r: WeeklyReport) -> dict[int, str]:
    return {row.id: c.category for c in r.categories for k in c.classes for row in k.rows}


def _rows_listing(r: WeeklyReport, rows: list[ReportRow], lang: str) -> str:
    cat = _category_of(r)
    return listing([(row.name, cat[row.id]) for row in rows],
                   [c.category for c in r.categories], lang)


def lagging_rows(r: WeeklyReport) -> list[ReportRow]:
    """The lagging projects, the furthest behind time progress first (then by id)."""
    rows = [row for row in r.rows if any(c in LAGGING for c in row.flag_reasons)]
    return sorted(rows, key=lambda row: (row.points_vs_time is None,
                                         row.points_vs_time or 0, row.id))


def reached_in_period(r: WeeklyReport, milestone: str) -> list[ReportRow]:
    """The projects whose ``milestone`` was reached in the report's period (inclusive)."""
    return [row for row in r.rows
            if any(m.name == milestone and m.done and m.actual is not None
                   and r.week_start <= m.actual <= r.week_end for m in row.milestones)]


def _lagging(r: WeeklyReport, lang: str) -> str:
    rows = lagging_rows(r)
    if not rows:
        return t("brief.lag_none", lang=lang)
    return _counted("brief.lag", len(rows), lang, names=_rows_listing(r, rows, lang))


def _moves(r: WeeklyReport, lang: str) -> str:
    period = t(f"brief.period.{r.kind}", lang=lang)
    started, completed = reached_in_period(r, STARTED), reached_in_period(r, COMPLETED)
    s_text = _counted("brief.started", len(started), lang,
                      names=_rows_listing(r, started, lang))
    c_text = _counted("brief.completed", len(completed), lang,
                      names=_rows_listing(r, completed, lang))
    if started and completed:
        return t("brief.moves", lang=lang, period=period, started=s_text, completed=c_text)
    if started:
        return t("brief.moves_started_only", lang=lang, period=period, started=s_text)
    if completed:
        return t("brief.moves_completed_only", lang=lang, period=period, completed=c_text)
    return t("brief.moves_none", lang=lang, period=period)


def _term(r: WeeklyReport, lang: str) -> str:
    if r.forecasts is None:  # frozen before the forecasts: the report does not know
        return t("brief.term_unknown", lang=lang)
    risky = r.forecasts.term_risk  # the latest forecast 投用 first
    if not risky:
        return t("brief.term_none", lang=lang)
    names = listing([(x.project, x.category) for x in risky],
                    [c.category for c in r.categories], lang)
    return _counted("brief.term", len(risky), lang, names=names)


def clauses(r: WeeklyReport, lang: str) -> list[str]:
    """The paragraph's clauses, in order, without their punctuation between them."""
    out = [_lead(r, lang)]
    if len(r.categories) > 1:
        items = t("brief.cat_sep", lang=lang).join(
            _category(c.category, c.totals, lang) for c in r.categories)
        out.append(t("brief.cats", lang=lang, items=items))
    return out + [_lagging(r, lang), _moves(r, lang), _term(r, lang)]


def brief_text(r: WeeklyReport, lang: str) -> str:
    """The 通报 paragraph of ``r`` in ``lang`` (zh: clauses joined by ;, ending 。; en: one
    sentence each)."""
    return t("brief.clause_sep", lang=lang).join(clauses(r, lang)) + t("brief.end", lang=lang)
