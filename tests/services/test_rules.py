"""The 红黄绿 rules as the officer's: values read strictly, the rules checked together, the
preview of the flags a change would change (the same flags the views show after the save),
the save audited and refused over a change made meanwhile, and a frozen week keeping the
rules it was issued with."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from projtrack.core.figures import project_figures, reflag
from projtrack.core.rules import RuleRefused, read_rule
from projtrack.core.types import DEFAULT_RULES, FlagRules
from projtrack.errors import BadData, BadUsage, Conflict
from projtrack.services import rules as svc
from projtrack.services import weekly
from projtrack.services.portfolio import load_portfolio
from tests.reports.demo import AS_OF, WEEK

ALIASES = svc._phase_aliases()

# rules that change the demo's flags at its as-of date (many red and yellow ones go green)
LENIENT = {"milestone_overdue_yellow": False, "term_at_risk_red": False}


# --- reading --------------------------------------------------------------------------------
@pytest.mark.parametrize("typed, value", [
    ("15", Decimal("0.15")), ("15%", Decimal("0.15")), ("15个百分点", Decimal("0.15")),
    ("１５", Decimal("0.15")), (" 12.5 ", Decimal("0.125")), ("0", Decimal("0")),
    ("0.5%", Decimal("0.005")), ("100", Decimal("1")), ("1", Decimal("0.01")),
])
def test_points_are_percentage_points(typed, value):
    assert read_rule("yellow_behind", typed) == value


@pytest.mark.parametrize("typed, code", [
    ("0.15", "ambiguous"), ("0.5", "ambiguous"), ("101", "over_100"), ("-5", "not_points"),
    ("abc", "not_points"), ("", "empty"), ("1,5", "not_points"), ("15 %%", "not_points"),
])
def test_a_points_value_that_reads_two_ways_or_none_is_refused(typed, code):
    with pytest.raises(RuleRefused) as info:
        read_rule("red_behind", typed)
    assert info.value.code == code and info.value.rule == "red_behind"


def test_the_ambiguous_message_names_the_rule_the_value_and_both_readings():
    with pytest.raises(BadData) as info:
        svc.read_changes([("yellow_behind", "0.15")])
    zh, en = info.value.render("zh"), info.value.render("en")
    assert "yellow_behind" in zh and "“0.15”" in zh and "15" in zh
    assert "yellow_behind" in en and "0.15" in en and "two ways" in en


@pytest.mark.parametrize("name, typed, value", [
    ("stalled_weeks", "8", 8), ("stalled_weeks", "12周", 12), ("stalled_weeks", "520", 520),
    ("overrun_red", "否", False), ("overrun_red", "YES", True), ("overrun_red", "0", False),
    ("stalled_phases", "在建,竣工", ("在建", "竣工")), ("stalled_phases", "竣工、在建", ("在建", "竣工")),
    ("stalled_phases", "无", ()), ("stalled_phases", "construction", ("在建",)),
    ("stalled_phases", "Under construction, completed", ("在建", "竣工")),
    ("year_at_risk_below", "90", Decimal("0.90")), ("year_at_risk_below", "85%", Decimal("0.85")),
    ("year_at_risk_from", "7月1日", "07-01"), ("year_at_risk_from", "9-1", "09-01"),
    ("year_at_risk_from", "02-29", "02-29"),
])
def test_other_kinds_read_strictly(name, typed, value):
    assert read_rule(name, typed, ALIASES) == value


@pytest.mark.parametrize("name, typed, code", [
    ("stalled_weeks", "0", "weeks_range"), ("stalled_weeks", "1.5", "not_weeks"),
    ("stalled_weeks", "-2", "not_weeks"), ("stalled_weeks", "521", "weeks_range"),
    ("overrun_red", "maybe", "not_switch"), ("stalled_phases", "施工", "not_phase"),
    ("stalled_phases", "取消", "phase_without_rules"), ("stalled_phases", "在建,在建", "phase_twice"),
    ("year_at_risk_from", "02-30", "no_such_day"), ("year_at_risk_from", "7/1", "not_day"),
    ("year_at_risk_from", "13-01", "no_such_day"), ("year_at_risk_below", "0.9", "ambiguous"),
])
def test_other_kinds_refuse_what_they_cannot_read(name, typed, code):
    with pytest.raises(RuleRefused) as info:
        read_rule(name, typed, ALIASES)
    assert info.value.code == code


def test_unknown_or_repeated_rules_are_usage_errors():
    with pytest.raises(BadUsage) as info:
        svc.read_changes([("colour", "8")])
    assert "colour" in info.value.render("en") and "yellow_behind" in info.value.render("en")
    with pytest.raises(BadUsage):
        svc.read_changes([("yellow_behind", "12"), ("yellow-behind", "13")])
    assert svc.read_changes([("Yellow-Behind", "12")]) == {"yellow_behind": Decimal("0.12")}


def test_yellow_must_stay_below_red():
    with pytest.raises(BadData) as info:
        svc.apply(DEFAULT_RULES, {"red_behind": Decimal("0.08")})
    assert "10" in info.value.render("en") and "8" in info.value.render("en")
    with pytest.raises(BadData):
        svc.apply(DEFAULT_RULES, {"yellow_behind": Decimal("0.20")})  # equal is not below
    both = svc.apply(DEFAULT_RULES, {"yellow_behind": Decimal("0.25"), "red_behind": Decimal("0.30")})
    assert (both.yellow_behind, both.red_behind) == (Decimal("0.25"), Decimal("0.30"))


# --- one home for the flag logic ----------------------------------------------------------
@pytest.mark.parametrize("changes", [
    LENIENT,
    {"yellow_behind": Decimal("0.03"), "red_behind": Decimal("0.06")},
    {"stalled_weeks": 2, "stalled_phases": ("前期", "在建")},
    {"year_at_risk_below": Decimal("1"), "year_at_risk_from": "01-01", "overrun_red": False},
    {"overrun_forecast_yellow": False, "no_progress_rate_phases": ()},
])
@pytest.mark.parametrize("day", [AS_OF, dt.date(2025, 9, 30), dt.date(2024, 3, 31)])
def test_reflagged_figures_equal_figures_computed_with_the_new_rules(demo_store, changes, day):
    """What the preview shows (the figures reflagged) is what the views show after the save."""
    new = dataclasses.replace(DEFAULT_RULES, **changes)
    before = load_portfolio(demo_store, day)
    demo_store.set_setting("flag_rules", new.as_dict())
    after = load_portfolio(demo_store, day)
    assert after.rules == new
    assert before.under(new) == after
    moved = sum(v.figures.flag != w.figures.flag
                for v, w in zip(before.projects, after.projects, strict=True))
    assert moved or changes is not LENIENT or day != AS_OF  # the test sees flags change


def test_reflag_of_figures_without_points_says_no_progress_rate_only_when_points_were_given():
    from projtrack.core.figures import LedgerSums
    from projtrack.core.types import ProjectFacts

    facts = ProjectFacts(id=1, name="P", phase="在建", annual_plan={2026: Decimal("100")},
                         total_investment=Decimal("500"))
    sums = LedgerSums(actual_this_year=Decimal("10"), last_actual_date=dt.date(2026, 11, 1))
    for points in (None, ()):
        fig = project_figures(facts, sums, AS_OF, points=points)
        other = FlagRules(yellow_behind=Decimal("0.5"), red_behind=Decimal("0.95"))
        assert reflag(fig, other, points_known=points is not None) == \
            project_figures(facts, sums, AS_OF, points=points, rules=other)


# --- preview, save, audit -----------------------------------------------------------------
def test_the_preview_lists_each_project_whose_flag_changes(demo_store):
    read = svc.current(demo_store)
    assert read.stored is None and read.rules == DEFAULT_RULES
    new = svc.apply(read.rules, LENIENT)
    pv = svc.preview(demo_store, AS_OF, new)
    portfolio = load_portfolio(demo_store, AS_OF, include_withdrawn=False)
    demo_store.set_setting("flag_rules", new.as_dict())
    now = load_portfolio(demo_store, AS_OF, include_withdrawn=False)
    expected = {v.id: (v.figures.flag, now.get(v.id).figures.flag) for v in portfolio.projects
                if v.figures.flag != now.get(v.id).figures.flag}
    assert expected and {m.project_id: (m.old, m.new) for m in pv.flag_moves} == expected
    assert pv.rules_changed == ("milestone_overdue_yellow", "term_at_risk_red")
    groups = pv.by_transition()
    assert sum(len(g) for g in groups.values()) == len(expected)
    text = "\n".join(pv.lines("zh"))
    for m in pv.flag_moves:
        assert m.name in text
    assert f"{len(expected)} 个项目的标识将改变" in text


def test_a_save_is_audited_with_old_and_new_values_and_who(demo_store):
    from projtrack.store.repo import os_user

    read = svc.current(demo_store)
    new = svc.apply(read.rules, {"yellow_behind": Decimal("0.15"), "stalled_weeks": 6})
    assert svc.save(demo_store, new, read=read)
    assert svc.current(demo_store).rules == new
    row = demo_store.audit(limit=1)[0]
    assert (row.entity, row.field, row.user) == ("setting", "flag_rules", os_user())
    assert row.old_value is None and json.loads(row.new_value)["yellow_behind"] == "0.15"
    assert row.context == "yellow_behind: 0.10 → 0.15; stalled_weeks: 8 → 6"
    again = svc.current(demo_store)
    back = svc.reset_rules(again.rules, ["stalled_weeks"])
    assert svc.save(demo_store, back, read=again)
    row = demo_store.audit(limit=1)[0]
    assert json.loads(row.old_value)["stalled_weeks"] == 6
    assert json.loads(row.new_value)["stalled_weeks"] == 8
    assert row.context == "stalled_weeks: 6 → 8"
    assert not svc.save(demo_store, back, read=svc.current(demo_store))  # nothing to change
    assert demo_store.audit(limit=1)[0].id == row.id


def test_a_save_over_rules_changed_meanwhile_is_refused(demo_store):
    read = svc.current(demo_store)
    other = svc.current(demo_store)
    svc.save(demo_store, svc.apply(other.rules, {"stalled_weeks": 4}), read=other)
    with pytest.raises(Conflict):
        svc.save(demo_store, svc.apply(read.rules, {"yellow_behind": Decimal("0.05")}), read=read)
    assert svc.current(demo_store).rules.stalled_weeks == 4
    assert svc.current(demo_store).rules.yellow_behind == Decimal("0.10")


def test_reset_puts_every_rule_back_and_a_reset_that_breaks_yellow_below_red_is_refused():
    changed = svc.apply(DEFAULT_RULES, {"yellow_behind": Decimal("0.25"),
                                        "red_behind": Decimal("0.30"), "overrun_red": False})
    assert svc.reset_rules(changed) == DEFAULT_RULES
    with pytest.raises(BadData):  # red back at 20 below the yellow 25 kept
        svc.reset_rules(changed, ["red_behind"])
    with pytest.raises(BadUsage):
        svc.reset_rules(changed, ["nope"])


# --- a frozen week keeps its rules ----------------------------------------------------------
def _cells(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def _rules_line(sheet: list[list]) -> str | None:
    """The summary sheet's rules line (a cell starting 标识规则:), None when it has none."""
    found = [row[0] for row in sheet if isinstance(row[0], str) and row[0].startswith("标识规则:")]
    assert len(found) <= 1
    return found[0] if found else None


def _flags(report) -> dict[int, str]:
    return {r.id: r.flag for r in report.rows}


def test_a_reprint_after_a_rules_change_is_the_week_as_issued(demo_store, tmp_path):
    issued, files = weekly.publish(demo_store, weekly.prepare(demo_store, week=WEEK, as_of=AS_OF),
                                   formats=["xlsx"], out_dir=tmp_path / "first", lang="zh")
    assert issued.status == weekly.IssueStatus.ISSUED and issued.report.rules == DEFAULT_RULES
    first = _cells(files[0])
    summary = next(iter(first))
    assert _rules_line(first[summary]).startswith("标识规则:黄 — 滞后序时进度超过 10 个百分点、节点逾期")

    read = svc.current(demo_store)
    svc.save(demo_store, svc.apply(read.rules, {**LENIENT, "yellow_behind": Decimal("0.05"),
                                                "red_behind": Decimal("0.15")}), read=read)
    again, files = weekly.publish(demo_store, weekly.prepare(demo_store, week=WEEK, as_of=AS_OF),
                                  formats=["xlsx"], out_dir=tmp_path / "again", lang="zh")
    assert again.status == weekly.IssueStatus.REPRINTED
    assert again.report.rules == DEFAULT_RULES
    assert _flags(again.report) == _flags(issued.report)
    second = _cells(files[0])
    assert list(second) == list(first)
    for sheet in first:
        assert second[sheet] == first[sheet], sheet

    draft = weekly.prepare(demo_store, week=WEEK, as_of=AS_OF, draft=True).report
    assert draft.rules is not None and draft.rules.yellow_behind == Decimal("0.05")
    assert _flags(draft) != _flags(issued.report)
    assert _flags(draft) == {v.id: v.figures.flag for v in load_portfolio(
        demo_store, AS_OF, include_withdrawn=False).projects}
    path = weekly.render(draft, formats=["xlsx"], out_dir=tmp_path / "draft", lang="zh")[0]
    line = _rules_line(_cells(path)[summary])
    assert "5 个百分点" in line and "节点逾期" not in line and "误秋季开学" not in line


def test_a_week_frozen_before_the_rules_were_recorded_reprints_as_before(demo_store, tmp_path):
    prepared = weekly.prepare(demo_store, week=WEEK, as_of=AS_OF)
    report = prepared.report
    data = json.loads(weekly.encode(report)[0])
    del data["rules"]  # as a week issued before this change was frozen
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    import hashlib

    demo_store.freeze_snapshot("weekly", report.period, as_of=report.as_of,
                               issued_at=report.issued_at, issued_by=report.issued_by, data=text,
                               sha256=hashlib.sha256(text.encode()).hexdigest(),
                               replace_existing=False)
    old = weekly.prepare(demo_store, week=WEEK, as_of=AS_OF)
    assert old.status == weekly.IssueStatus.REPRINTED and old.report.rules is None
    assert old.report == dataclasses.replace(report, rules=None)
    path = weekly.render(old.report, formats=["xlsx"], out_dir=tmp_path, lang="zh")[0]
    summary = _cells(path)
    first = next(iter(summary))
    assert _rules_line(summary[first]) is None  # no rules line: the sheet as it was printed then
    from projtrack.i18n import t

    assert summary[first][4][0] == t("report.section.summary", lang="zh")


def test_a_save_and_its_check_on_both_engines(store):
    read = svc.current(store)
    new = svc.apply(read.rules, {"yellow_behind": Decimal("0.12")})
    assert svc.save(store, new, read=read)
    with pytest.raises(Conflict):  # read before the first save
        svc.save(store, svc.apply(read.rules, {"stalled_weeks": 3}), read=read)
    assert svc.current(store).rules == new
    assert store.audit(limit=1)[0].context == "yellow_behind: 0.10 → 0.12"
    assert len([a for a in store.audit() if a.field == "flag_rules"]) == 1


def test_the_next_week_says_the_rules_changed_since_the_previous_report(demo_store, tmp_path):
    import datetime as dt

    weekly.issue(demo_store, week="2026-W47", as_of=AS_OF)  # under the defaults
    read = svc.current(demo_store)
    svc.save(demo_store, svc.apply(read.rules, LENIENT), read=read)
    issued = weekly.issue(demo_store, week=WEEK, as_of=AS_OF + dt.timedelta(days=1))
    assert issued.report.changes.previous_rules == DEFAULT_RULES
    path = weekly.render(issued.report, formats=["xlsx"], out_dir=tmp_path, lang="zh")[0]
    sheets = _cells(path)
    from projtrack.i18n import t

    changes = sheets[t("report.sheet.changes", lang="zh")]
    assert changes[3][0].startswith("与 2026-W47 周报") and "其后标识规则已调整" in changes[3][0]
    unchanged = weekly.prepare(demo_store, week="2026-W49", as_of=dt.date(2026, 12, 6),
                               draft=True).report
    assert unchanged.changes.previous_rules == unchanged.rules  # W48 issued under these
