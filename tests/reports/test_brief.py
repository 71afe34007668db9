"""The 通报 paragraph: on the demo portfolio it is the text an officer would write from the
figures (worked out here from the portfolio's figures, not by the brief's code), and each
singular case — one lagging project or none, one category, nothing started or completed, no
term risk, no plan — reads as it should, in Chinese and English; amounts switch from 万元 to
亿元 at 10,000 万元 as rounded."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest

from projtrack.core.groups import category_of
from projtrack.core.terms import Status
from projtrack.core.types import CATEGORIES
from projtrack.reports.brief import amount_text, brief_text, percent_text
from projtrack.reports.model import MilestoneState, TermRisk
from projtrack.services.portfolio import load_portfolio
from projtrack.services.weekly import prepare
from tests.reports.demo import AS_OF, WEEK

WHAT = {"中小学": "中小学", "幼儿园": "幼儿园", "职业教育": "职业教育", "特殊教育": "特殊教育",
        "其他": "其他教育设施"}


def _yuan(wan: Decimal) -> str:
    """How an official writes an amount of 万元 (the rule, written out independently)."""
    cents = wan.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if abs(cents) >= 10000:
        return f"{(wan / 10000).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}亿元"
    return f"{cents}万元"


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def _draft(store):
    return prepare(store, week=WEEK, as_of=AS_OF, draft=True).report


def test_the_demo_week_reads_as_its_figures(demo_store):
    portfolio = load_portfolio(demo_store, AS_OF, include_withdrawn=False)
    views = [v for v in portfolio.projects if v.facts.status != Status.WITHDRAWN]
    total = portfolio.totals(views)
    points = (total.points_vs_time * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert points < 0  # the demo week is behind time progress
    lead = (f"截至2026年11月29日,全县{len(views)}个教育建设项目本年完成投资"
            f"{_yuan(total.actual_this_year)},占年度计划的{_pct(total.annual_completion_rate)},"
            f"滞后序时进度{-points}个百分点")
    by_cat = portfolio.by_category(views)
    cats = []
    for cat in [c for c in CATEGORIES if c in by_cat]:
        g = by_cat[cat]
        head = f"{WHAT[cat]}项目{g.count}个,完成投资{_yuan(g.actual_this_year)},"
        cats.append(head + (f"占年度计划的{_pct(g.annual_completion_rate)}"
                            if g.annual_completion_rate is not None else "未安排年度计划"))

    def counted(pred) -> tuple[int, str]:
        hits = [v for v in views if pred(v)]
        counts = {c: sum(1 for v in hits if category_of(v.facts) == c) for c in CATEGORIES}
        return len(hits), "、".join(f"{WHAT[c]}{n}个" for c, n in counts.items() if n)

    lag_n, lag = counted(lambda v: v.figures.lagging)
    term_n, term = counted(lambda v: bool(v.figures.term_at_risk) and v.figures.rules_applied)
    assert lag_n > 5 and term_n > 5  # listed by category
    monday = AS_OF - dt.timedelta(days=6)
    moved = [v for v in views for m in v.figures.milestones
             if m.name in ("开工", "竣工验收") and m.done and monday <= m.actual <= AS_OF]
    assert not moved  # the demo's week starts and completes nothing
    expected = (lead + ";其中," + ";".join(cats) + f";滞后项目{lag_n}个:{lag}"
                + ";本周无新开工、竣工项目" + f";预计赶不上秋季开学的项目{term_n}个:{term}。")
    assert brief_text(_draft(demo_store), "zh") == expected


def test_english_is_prose_with_the_same_figures(demo_store):
    text = brief_text(_draft(demo_store), "en")
    report = _draft(demo_store)
    yi = (report.summary.actual_this_year / 10000).quantize(Decimal("0.01"),
                                                            rounding=ROUND_HALF_UP)
    assert text.startswith(f"As of 29 November 2026, the county's {report.summary.count} "
                           f"education construction projects had put CNY {int(yi * 100)} million "
                           "of investment in place this year, ")
    assert "percentage points behind the time elapsed in the year. By category — " in text
    assert "This week, no project started construction or was completed." in text
    assert text.endswith(".") and "。" not in text and "截至" not in text


# --- the singular and empty cases ---------------------------------------------------------------
def _rows_edit(report, edit):
    cats = []
    for c in report.categories:
        classes = [dataclasses.replace(k, rows=tuple(edit(r) for r in k.rows)) for k in c.classes]
        cats.append(dataclasses.replace(c, classes=tuple(classes)))
    return dataclasses.replace(report, categories=tuple(cats))


def _calm(report):
    """No project lagging, none at term risk."""
    report = _rows_edit(report, lambda r: dataclasses.replace(r, flag_reasons=()))
    return _at_term_risk(report, [])


def _at_term_risk(report, rows):
    """The report's forecasts with ``rows`` (and only them) at term risk."""
    cat = {row.id: c.category for c in report.categories for k in c.classes for row in k.rows}
    risky = tuple(TermRisk(row.id, row.name, cat[row.id], None, None, 0) for row in rows)
    return dataclasses.replace(report, forecasts=dataclasses.replace(report.forecasts,
                                                                     term_risk=risky))


def test_no_lagging_project_and_no_term_risk(demo_store):
    report = _calm(_draft(demo_store))
    zh, en = brief_text(report, "zh"), brief_text(report, "en")
    assert ";无滞后项目;" in zh and zh.endswith(";无预计赶不上秋季开学的项目。")
    assert "No project is behind schedule." in en
    assert en.endswith("No project is expected to miss its autumn term.")


def test_one_lagging_project_and_one_at_term_risk_are_named(demo_store):
    report = _calm(_draft(demo_store))
    first = report.rows[0]
    report = _at_term_risk(_rows_edit(report, lambda r: dataclasses.replace(
        r, flag_reasons=("lagging", "term_at_risk")) if r.id == first.id else r), [first])
    zh, en = brief_text(report, "zh"), brief_text(report, "en")
    assert f";滞后项目1个:{first.name};" in zh
    assert zh.endswith(f";预计赶不上秋季开学的项目1个:{first.name}。")
    assert f"One project is behind schedule: {first.name}." in en
    assert en.endswith(f"One project is expected to miss its autumn term ({first.name}).")


def test_the_term_risk_is_the_forecast_not_the_flag(demo_store):
    """A project the forecast puts past its autumn term is said even when the rules do not
    flag it red for that (term_at_risk_red off: no such flag reason)."""
    report = _calm(_draft(demo_store))
    first = report.rows[0]
    report = _at_term_risk(report, [first])
    assert brief_text(report, "zh").endswith(f";预计赶不上秋季开学的项目1个:{first.name}。")


def test_a_report_frozen_before_the_forecasts_does_not_say_none(demo_store):
    """A report frozen before 预测与风险 existed never assessed the term risk: its paragraph
    says so, not that no project is at risk."""
    report = dataclasses.replace(_calm(_draft(demo_store)), forecasts=None)
    zh, en = brief_text(report, "zh"), brief_text(report, "en")
    assert zh.endswith(";本报告未研判项目能否赶上秋季开学。") and "无预计赶不上" not in zh
    assert en.endswith("This report does not assess which projects may miss their autumn "
                       "term.")


def test_up_to_five_are_named_the_furthest_behind_first(demo_store):
    report = _calm(_draft(demo_store))
    chosen = report.rows[:3]
    behind = {chosen[0].id: Decimal("-0.05"), chosen[1].id: Decimal("-0.30"),
              chosen[2].id: Decimal("-0.12")}
    report = _rows_edit(report, lambda r: dataclasses.replace(
        r, flag_reasons=("lagging",), points_vs_time=behind[r.id]) if r.id in behind else r)
    names = [chosen[1].name, chosen[2].name, chosen[0].name]
    assert f";滞后项目3个:{names[0]}、{names[1]}、{names[2]};" in brief_text(report, "zh")
    assert (f"3 projects are behind schedule: {names[0]}, {names[1]} and {names[2]}."
            in brief_text(report, "en"))


def test_only_one_category(demo_store):
    report = _calm(_draft(demo_store))
    cat = report.categories[0]
    report = dataclasses.replace(report, categories=(cat,), summary=cat.totals)
    zh = brief_text(report, "zh")
    assert zh.startswith(f"截至2026年11月29日,全县{cat.totals.count}个中小学建设项目本年完成投资")
    assert "其中" not in zh
    en = brief_text(report, "en")
    assert f"the county's {cat.totals.count} primary and secondary school construction" in en
    assert "By category" not in en


def _milestone(name: str, day: dt.date) -> MilestoneState:
    return MilestoneState(name, day, day, True, False)


def test_started_and_completed_this_week(demo_store):
    report = _calm(_draft(demo_store))
    a, b, c = report.rows[:3]
    inside, before = dt.date(2026, 11, 23), dt.date(2026, 11, 22)  # Monday; the Sunday before
    marks = {a.id: (_milestone("开工", inside),), b.id: (_milestone("竣工验收", AS_OF),),
             c.id: (_milestone("开工", before),)}
    both = _rows_edit(report, lambda r: dataclasses.replace(r, milestones=marks[r.id])
                      if r.id in marks else r)
    assert f";本周新开工1个({a.name})、竣工1个({b.name});" in brief_text(both, "zh")
    assert (f"This week, one project started construction ({a.name}) and one project was "
            f"completed ({b.name})." in brief_text(both, "en"))
    started = _rows_edit(report, lambda r: dataclasses.replace(r, milestones=marks[r.id])
                         if r.id in (a.id, c.id) else r)
    assert f";本周新开工1个({a.name}),无竣工项目;" in brief_text(started, "zh")
    done = _rows_edit(report, lambda r: dataclasses.replace(r, milestones=marks[r.id])
                      if r.id == b.id else r)
    assert f";本周无新开工项目,竣工1个({b.name});" in brief_text(done, "zh")
    assert (f"This week, no project started construction and one project was completed "
            f"({b.name})." in brief_text(done, "en"))
    monthly = dataclasses.replace(both, kind="monthly")
    assert ";本月新开工1个(" in brief_text(monthly, "zh")
    assert ";本季度新开工1个(" in brief_text(dataclasses.replace(both, kind="quarterly"), "zh")
    assert "This quarter, one project" in brief_text(dataclasses.replace(both, kind="quarterly"),
                                                     "en")


def test_a_week_with_no_plan(demo_store):
    report = _calm(_draft(demo_store))
    s = dataclasses.replace(report.summary, annual_plan=Decimal(0), annual_completion_rate=None,
                            points_vs_time=None)
    cats = tuple(dataclasses.replace(c, totals=dataclasses.replace(
        c.totals, annual_plan=Decimal(0), annual_completion_rate=None, points_vs_time=None))
        for c in report.categories)
    report = dataclasses.replace(report, summary=s, categories=cats)
    zh = brief_text(report, "zh")
    assert f"本年完成投资{_yuan(s.actual_this_year)},本年未安排年度计划投资;" in zh
    assert "序时" not in zh and "占年度计划" not in zh
    assert "未安排年度计划;幼儿园项目" in zh
    assert "with no annual plan set for the year." in brief_text(report, "en")


def test_ahead_and_even_with_time_progress(demo_store):
    report = _calm(_draft(demo_store))
    for value, zh, en in ((Decimal("0.0349"), "超序时进度3.5个百分点",
                           "3.5 percentage points ahead of the time elapsed"),
                          (Decimal("-0.0004"), "与序时进度持平", "in step with the time elapsed"),
                          (Decimal("0.0005"), "超序时进度0.1个百分点", "0.1 percentage points ahead")):
        r = dataclasses.replace(report, summary=dataclasses.replace(report.summary,
                                                                    points_vs_time=value))
        assert zh in brief_text(r, "zh").split(";")[0]
        assert en in brief_text(r, "en")


def test_a_frozen_report_gives_the_same_paragraph(demo_store):
    from projtrack.services.weekly import brief, issue

    issued = issue(demo_store, week=WEEK, as_of=AS_OF).report
    again = brief(demo_store, period=WEEK, as_of=AS_OF, lang="zh")
    assert not again.draft and again.report == issued
    assert again.text == brief_text(issued, "zh")


# --- numbers as officials write them --------------------------------------------------------------
@pytest.mark.parametrize("wan, zh, en", [
    ("9999.994", "9999.99万元", "CNY 99,999,900"),
    ("9999.995", "1.00亿元", "CNY 100 million"),  # rounds to 10,000.00 万元: 亿元
    ("10000", "1.00亿元", "CNY 100 million"),
    ("14949.995", "1.49亿元", "CNY 149 million"),  # rounded once, from the exact amount
    ("39215.5", "3.92亿元", "CNY 392 million"),
    ("3560.25", "3560.25万元", "CNY 35,602,500"),
    ("0.005", "0.01万元", "CNY 100"),
    ("-12000", "-1.20亿元", "CNY -120 million"),
    ("0", "0.00万元", "CNY 0"),
])
def test_amount_units_and_their_boundary(wan, zh, en):
    assert amount_text(Decimal(wan), "zh") == zh
    assert amount_text(Decimal(wan), "en") == en


def test_percent_rounds_half_up():
    assert percent_text(Decimal("0.79949")) == "79.9%"
    assert percent_text(Decimal("0.79950")) == "80.0%"  # half-up, not to even
    assert percent_text(Decimal("0.0125")) == "1.3%"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_paragraph_heads_the_workbook_and_the_pdf(demo_store, tmp_path, lang):
    import openpyxl
    from pypdf import PdfReader

    from projtrack.reports import render

    report = _draft(demo_store)
    xlsx, pdf = render(report, out_dir=tmp_path, lang=lang, printed_on=dt.date(2026, 11, 30))
    ws = openpyxl.load_workbook(xlsx).worksheets[0]
    text = brief_text(report, lang)
    assert ws["A4"].value == text and ws["A4"].alignment.wrap_text
    assert "A4:J4" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.row_dimensions[4].height > 15 * 4  # as tall as its wrapped lines
    first = PdfReader(pdf).pages[0].extract_text()
    squeeze = str.maketrans("", "", " \n")
    assert text.translate(squeeze) in first.translate(squeeze)


def test_one_project(demo_store):
    report = _calm(_draft(demo_store))
    cat = report.categories[0]
    block = dataclasses.replace(cat.classes[0], rows=cat.classes[0].rows[:1])
    one = dataclasses.replace(cat, classes=(block,), totals=dataclasses.replace(cat.totals, count=1))
    report = dataclasses.replace(report, categories=(one,), summary=one.totals)
    assert brief_text(report, "zh").startswith("截至2026年11月29日,全县1个中小学建设项目本年完成投资")
    assert brief_text(report, "en").startswith(
        "As of 29 November 2026, the county's one primary and secondary school construction "
        "project had put CNY ")


def test_more_than_five_counted_by_category_one_of_them_singular(demo_store):
    """Six lagging projects: five of the first category and one of the second are counted
    (中小学5个、幼儿园1个 / 5 … projects and one kindergarten project); a category of one
    project reads in the singular; started-only reads so in English."""
    report = _calm(_draft(demo_store))
    first, second = report.categories[0], report.categories[1]
    picked = {r.id for r in [r for k in first.classes for r in k.rows][:5]}
    picked.add(next(r for k in second.classes for r in k.rows).id)
    report = _rows_edit(report, lambda r: dataclasses.replace(r, flag_reasons=("lagging",))
                        if r.id in picked else r)
    zh, en = brief_text(report, "zh"), brief_text(report, "en")
    assert f";滞后项目6个:{WHAT[first.category]}5个、{WHAT[second.category]}1个;" in zh
    assert ("6 projects are behind schedule: 5 primary and secondary school projects and one "
            "kindergarten project." in en)
    one = dataclasses.replace(second, totals=dataclasses.replace(second.totals, count=1))
    report = dataclasses.replace(report, categories=(first, one, *report.categories[2:]))
    rate = _pct(one.totals.annual_completion_rate)
    amount = _yuan(one.totals.actual_this_year)
    assert f";幼儿园项目1个,完成投资{amount},占年度计划的{rate};" in brief_text(report, "zh")
    assert "; kindergarten: 1 project, " in brief_text(report, "en")
    a = report.rows[0]
    started = _rows_edit(report, lambda r: dataclasses.replace(
        r, milestones=(_milestone("开工", AS_OF),)) if r.id == a.id else r)
    assert (f"This week, one project started construction ({a.name}) and none was completed."
            in brief_text(started, "en"))
