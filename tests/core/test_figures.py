"""Figures at an as-of date: hand-worked examples (worked in the comments), then properties.

Dates are chosen where the time progress is an exact decimal when that keeps the arithmetic
by hand: in a 365-day year day 73 is 0.2, day 146 is 0.4; 2022-05-26 and 2023-05-26 are day 146,
2023-03-14 is day 73.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from projtrack.core.figures import (
    GroupFigures,
    LedgerSums,
    group_by,
    group_by_with_total,
    group_figures,
    latest_progress,
    ledger_sums,
    project_figures,
)
from projtrack.core.types import (
    ACTUAL,
    CATEGORIES,
    FUNDS,
    PAYMENT,
    PHASES,
    Entry,
    FlagRules,
    MilestoneFacts,
    ProgressPoint,
    ProjectFacts,
)

date = dt.date


def proj(**kw) -> ProjectFacts:
    kw.setdefault("id", 1)
    kw.setdefault("name", "平阳县某小学")
    return ProjectFacts(**kw)


def act(day: str, amount: str, pid: int = 1) -> Entry:
    return Entry(pid, ACTUAL, date.fromisoformat(day), D(amount))


# --- time progress -----------------------------------------------------------------------------

def test_time_progress_year_boundaries_and_leap_years():
    p = proj()
    # 1 January is day 1 of 365
    assert project_figures(p, LedgerSums(), date(2023, 1, 1)).time_progress == D(1) / D(365)
    # 31 December is day 365 of 365 → exactly 1
    assert project_figures(p, LedgerSums(), date(2023, 12, 31)).time_progress == 1
    # 2024 is a leap year: 29 February is day 31 + 29 = 60 of 366
    assert project_figures(p, LedgerSums(), date(2024, 2, 29)).time_progress == D(60) / D(366)
    # 31 December 2024 is day 366 of 366 → exactly 1
    assert project_figures(p, LedgerSums(), date(2024, 12, 31)).time_progress == 1
    # 1 March 2024 is day 61 of 366 (not 60 as it would be in 2023)
    assert project_figures(p, LedgerSums(), date(2024, 3, 1)).time_progress == D(61) / D(366)


# --- planned to date, variance, annual rate ----------------------------------------------------

def test_pv_across_years_variance_and_annual_rate():
    p = proj(annual_plan={2021: D(1000), 2022: D(2000), 2023: D(3000)})
    sums = LedgerSums(actual_to_date=D(1500), actual_this_year=D(600))
    f = project_figures(p, sums, date(2022, 5, 26))
    # 2022-05-26 is day 146 of 365 → time progress 0.4
    assert f.time_progress == D("0.4")
    assert f.annual_plan == D(2000)
    # PV = plan 2021 + plan 2022 × 0.4 = 1000 + 800 = 1800 (2023 not yet)
    assert f.planned_to_date == D(1800)
    # variance = 1500 − 1800 = −300; rate = −300 / 1800 = −1/6
    assert f.variance == D(-300)
    assert f.variance_rate == D(-300) / D(1800)
    # annual rate = 600 / 2000 = 0.3; points vs time = 0.3 − 0.4 = −0.1 (10 points behind)
    assert f.annual_completion_rate == D("0.3")
    assert f.points_vs_time == D("-0.1")
    # exactly 10 points behind is not "more than 10": green
    assert f.flag == "green" and f.flag_reasons == ()


def test_no_plan_for_the_year():
    p = proj(annual_plan={2021: D(1000)}, phase="前期")
    f = project_figures(p, LedgerSums(actual_to_date=D(900)), date(2022, 5, 26))
    assert f.annual_plan is None
    # PV = 1000 (2021 in full) + nothing for 2022
    assert f.planned_to_date == D(1000)
    assert f.variance == D(-100)
    assert f.variance_rate == D("-0.1")
    assert f.annual_completion_rate is None and f.points_vs_time is None
    assert f.flag == "green" and f.flag_reasons == ()


def test_zero_plan_for_the_year_gives_no_rate_and_no_pv_rate():
    p = proj(annual_plan={2023: D(0)})
    f = project_figures(p, LedgerSums(actual_this_year=D(5), actual_to_date=D(5)), date(2023, 7, 1))
    assert f.annual_completion_rate is None
    assert f.planned_to_date == 0 and f.variance_rate is None
    assert "lagging" not in f.flag_reasons


def test_no_total_investment():
    f = project_figures(proj(prior_actual=D(100)), LedgerSums(actual_to_date=D(50)), date(2023, 7, 1))
    assert f.cumulative_actual == D(150)
    assert f.cumulative_completion_rate is None and f.overrun is None


# --- ledger sums --------------------------------------------------------------------------------

def test_ledger_sums_ignores_later_entries_and_counts_reversals():
    as_of = date(2023, 7, 5)  # a Wednesday; its week began on Monday 2023-07-03
    entries = [
        act("2022-12-30", "400"),  # last year: to date, not this year
        act("2023-01-02", "100"),
        act("2023-06-30", "200"),  # last week
        act("2023-07-03", "50"),  # this week (Monday)
        act("2023-07-05", "-20"),  # reversal this week, on the as-of date
        act("2023-07-06", "30"),  # after the as-of date: ignored
        Entry(1, FUNDS, date(2023, 3, 1), D(500), source="省"),
        Entry(1, FUNDS, date(2023, 4, 1), D(300), source="专项债"),
        Entry(1, FUNDS, date(2023, 4, 2), D(10)),
        Entry(1, FUNDS, date(2023, 8, 1), D(100), source="省"),  # later: ignored
        Entry(1, PAYMENT, date(2023, 5, 1), D(250)),
        Entry(1, PAYMENT, date(2023, 5, 2), D(-50)),  # reversal
    ]
    s = ledger_sums(entries, as_of)
    # to date: 400 + 100 + 200 + 50 − 20 = 730; this year: 100 + 200 + 50 − 20 = 330
    assert s.actual_to_date == D(730)
    assert s.actual_this_year == D(330)
    # this week: 50 − 20 = 30
    assert s.actual_this_week == D(30)
    # the last *positive* 完成投资 entry is 07-03 (the 07-05 reversal does not count as work)
    assert s.last_actual_date == date(2023, 7, 3)
    assert s.funds_to_date == D(810)
    assert dict(s.funds_by_source) == {"省": D(500), "专项债": D(300), "": D(10)}
    assert s.payments_to_date == D(200)


def test_ledger_week_crosses_the_new_year():
    # 2021-01-01 is a Friday; its ISO week began on Monday 2020-12-28
    s = ledger_sums([act("2020-12-27", "7"), act("2020-12-29", "100"), act("2021-01-01", "5")],
                    date(2021, 1, 1))
    assert s.actual_this_week == D(105)
    assert s.actual_this_year == D(5)
    assert s.actual_to_date == D(112)


def test_ledger_sums_empty():
    assert ledger_sums([], date(2023, 1, 1)) == LedgerSums()


def test_entries_after_as_of_do_not_change_figures():
    p = proj(total_investment=D(1000), annual_plan={2023: D(1000)})
    entries = [act("2023-03-01", "100")]
    later = entries + [act("2023-03-20", "900")]
    as_of = date(2023, 3, 14)
    assert project_figures(p, ledger_sums(later, as_of), as_of) == \
        project_figures(p, ledger_sums(entries, as_of), as_of)


# --- overrun --------------------------------------------------------------------------------------

def test_overrun():
    p = proj(total_investment=D(1000), prior_actual=D(300), phase="前期")
    f = project_figures(p, LedgerSums(actual_to_date=D(800)), date(2023, 7, 1))
    # cumulative = 300 prior + 800 = 1100 → 100 above 总投资; 开累 = 1100 / 1000 = 1.1
    assert f.cumulative_actual == D(1100)
    assert f.cumulative_completion_rate == D("1.1")
    assert f.overrun == D(100)
    assert f.flag == "red" and f.flag_reasons == ("overrun",)
    # the rule can be switched off: the figure stays, the flag goes
    g = project_figures(p, LedgerSums(actual_to_date=D(800)), date(2023, 7, 1),
                        rules=FlagRules(overrun_red=False))
    assert g.overrun == D(100) and g.flag == "green"


def test_exactly_on_budget_is_not_an_overrun():
    p = proj(total_investment=D(1000), prior_actual=D(300), phase="前期")
    f = project_figures(p, LedgerSums(actual_to_date=D(700)), date(2023, 7, 1))
    assert f.cumulative_completion_rate == 1
    assert f.overrun is None and f.flag == "green"


# --- earned value -----------------------------------------------------------------------------

def test_earned_value_spi_cpi():
    p = proj(total_investment=D(5000), annual_plan={2023: D(4000)})
    point = ProgressPoint(1, date(2023, 5, 20), "主体结构", D("0.3"))
    f = project_figures(p, LedgerSums(actual_to_date=D(1200)), date(2023, 5, 26), progress=point)
    # EV = 0.3 × 5000 = 1500; PV = 4000 × 0.4 = 1600; SPI = 1500/1600; CPI = 1500/1200
    assert f.stage == "主体结构" and f.percent_complete == D("0.3")
    assert f.earned_value == D(1500)
    assert f.planned_to_date == D(1600)
    assert f.spi == D("0.9375")
    assert f.cpi == D("1.25")


def test_earned_value_without_percent_or_divisors():
    p = proj(total_investment=D(5000), annual_plan={2023: D(4000)})
    as_of = date(2023, 5, 26)
    stage_only = ProgressPoint(1, date(2023, 5, 20), "基础", None)
    f = project_figures(p, LedgerSums(actual_to_date=D(1200)), as_of, progress=stage_only)
    assert f.stage == "基础" and f.earned_value is None and f.spi is None and f.cpi is None
    f = project_figures(p, LedgerSums(actual_to_date=D(1200)), as_of)
    assert f.stage is None and f.earned_value is None
    # nothing spent → CPI undefined; no plan → PV 0 → SPI undefined
    point = ProgressPoint(1, date(2023, 5, 20), "基础", D("0.1"))
    f = project_figures(proj(total_investment=D(5000)), LedgerSums(), as_of, progress=point)
    assert f.earned_value == D(500) and f.spi is None and f.cpi is None
    # no total → no EV
    f = project_figures(proj(), LedgerSums(actual_to_date=D(1)), as_of, progress=point)
    assert f.earned_value is None
    # a progress point after the as-of date is not used
    later = ProgressPoint(1, date(2023, 6, 1), "屋面", D("0.5"))
    f = project_figures(p, LedgerSums(actual_to_date=D(1200)), as_of, progress=later)
    assert f.stage is None and f.earned_value is None


def test_latest_progress():
    pts = [ProgressPoint(1, date(2023, 5, 1), "基础", D("0.1"), id=1),
           ProgressPoint(1, date(2023, 6, 1), "屋面", D("0.5"), id=4),
           ProgressPoint(1, date(2023, 5, 20), "主体结构", D("0.3"), id=3),
           ProgressPoint(1, date(2023, 5, 20), "主体结构", D("0.25"), id=2)]
    assert latest_progress(pts, date(2023, 5, 26)).percent == D("0.3")  # same day: higher id
    assert latest_progress(pts, date(2023, 6, 1)).stage == "屋面"
    assert latest_progress(pts, date(2023, 4, 30)) is None


# --- milestones ---------------------------------------------------------------------------------

def test_milestone_slip_and_overdue():
    as_of = date(2023, 6, 15)
    ms = [  # deliberately out of order
        MilestoneFacts(1, "开工", planned=date(2023, 9, 1)),  # future
        MilestoneFacts(1, "立项", planned=date(2023, 1, 10), actual=date(2023, 1, 20)),  # late
        MilestoneFacts(1, "主体结顶", planned=date(2023, 5, 1), actual=date(2023, 7, 1)),
        MilestoneFacts(1, "可研批复", planned=date(2023, 3, 1), actual=date(2023, 2, 20)),  # early
        MilestoneFacts(1, "用地批准", planned=date(2023, 6, 1)),  # overdue
        MilestoneFacts(1, "施工许可", planned=date(2023, 6, 15)),  # due today
        MilestoneFacts(1, "初设批复", actual=date(2023, 4, 1)),  # no plan
    ]
    f = project_figures(proj(phase="前期"), LedgerSums(), as_of, milestones=ms)
    by = {m.name: m for m in f.milestones}
    assert [m.name for m in f.milestones] == ["立项", "可研批复", "用地批准", "初设批复",
                                              "施工许可", "开工", "主体结顶"]
    # done late: 01-20 − 01-10 = 10 days
    assert (by["立项"].slip_days, by["立项"].done, by["立项"].overdue) == (10, True, False)
    # done early: 02-20 − 03-01 = −9 days (February 2023 has 28 days)
    assert (by["可研批复"].slip_days, by["可研批复"].done) == (-9, True)
    # overdue: planned 06-01 passed, not done → running slip 06-15 − 06-01 = 14
    assert (by["用地批准"].slip_days, by["用地批准"].overdue) == (14, True)
    # due today: not overdue, no slip yet
    assert (by["施工许可"].slip_days, by["施工许可"].overdue) == (0, False)
    # future: no slip, not overdue
    assert (by["开工"].slip_days, by["开工"].overdue, by["开工"].done) == (0, False, False)
    # no planned date: no slip, but done
    assert (by["初设批复"].slip_days, by["初设批复"].done) == (None, True)
    # done only after the as-of date → not done at the as-of date; running slip
    # 05-01 → 06-15 = 31 (May) + 14 = 45
    assert by["主体结顶"].done is False and by["主体结顶"].overdue is True
    assert by["主体结顶"].slip_days == 45
    assert f.max_slip_days == 45
    assert f.next_milestone is not None and f.next_milestone.name == "用地批准"
    assert f.flag == "yellow" and f.flag_reasons == ("milestone_overdue",)
    # the rule is data
    g = project_figures(proj(phase="前期"), LedgerSums(), as_of, milestones=ms,
                        rules=FlagRules(milestone_overdue_yellow=False))
    assert g.flag == "green"


def test_no_milestones():
    f = project_figures(proj(), LedgerSums(), date(2023, 6, 15))
    assert f.milestones == () and f.next_milestone is None and f.max_slip_days is None


def test_next_milestone_skips_those_without_a_plan():
    ms = [MilestoneFacts(1, "立项", actual=date(2023, 1, 1)),
          MilestoneFacts(1, "可研批复"),
          MilestoneFacts(1, "用地批准", planned=date(2023, 9, 1))]
    f = project_figures(proj(), LedgerSums(), date(2023, 6, 15), milestones=ms)
    assert f.next_milestone.name == "用地批准"
    assert f.max_slip_days == 0


# --- flags at their boundaries -------------------------------------------------------------------

def _lag(actual_this_year: str, as_of: date, plan: str = "1000", **kw):
    p = proj(annual_plan={as_of.year: D(plan)}, phase="前期", **kw)
    return project_figures(p, LedgerSums(actual_this_year=D(actual_this_year)), as_of)


def test_yellow_boundary():
    as_of = date(2023, 3, 14)  # day 73 → time progress 0.2
    # 100/1000 = 0.1 → exactly 10 points behind → green
    assert _lag("100", as_of).flag == "green"
    # 99.999999/1000 = 0.099999999 → 10.0000001 points behind → yellow
    f = _lag("99.999999", as_of)
    assert f.flag == "yellow" and f.flag_reasons == ("lagging",)
    assert f.points_vs_time == D("-0.100000001")


def test_red_boundary():
    # day 73 → 0.2; nothing done: exactly 20 points behind → yellow, not red
    f = _lag("0", date(2023, 3, 14))
    assert f.flag == "yellow" and f.flag_reasons == ("lagging",)
    # day 74 → 74/365 ≈ 0.2027; nothing done → more than 20 behind → red, reason listed once
    f = _lag("0", date(2023, 3, 15))
    assert f.flag == "red" and f.flag_reasons == ("lagging_badly",)
    # ahead of time is never lagging
    assert _lag("1000", date(2023, 3, 15)).flag == "green"


def test_boundary_is_exact_when_time_progress_is_a_repeating_decimal():
    # 2023-04-10 is day 100: time progress 100/365 = 0.27397…, not a finite decimal.
    # plan 365, done 63.5 → rate 63.5/365; behind = (100 − 63.5)/365 = 36.5/365 = 0.1 exactly
    as_of = date(2023, 4, 10)
    assert _lag("63.5", as_of, plan="365").flag == "green"
    assert _lag("63.499999", as_of, plan="365").flag == "yellow"


def test_flag_thresholds_are_data():
    rules = FlagRules(yellow_behind=D("0.05"), red_behind=D("0.15"))
    p = proj(annual_plan={2023: D(1000)}, phase="前期")
    # day 73 → 0.2; rate 0.1 → 10 behind: above 5 → yellow, not above 15
    f = project_figures(p, LedgerSums(actual_this_year=D(100)), date(2023, 3, 14), rules=rules)
    assert f.flag == "yellow"
    f = project_figures(p, LedgerSums(actual_this_year=D(40)), date(2023, 3, 14), rules=rules)
    assert f.flag == "red" and f.flag_reasons == ("lagging_badly",)


def test_stalled_boundary():
    p = proj(phase="在建")
    last = date(2023, 1, 2)  # a Monday
    # Sunday 2023-02-26 is 55 days later: not yet 8 full weeks without an entry
    f = project_figures(p, LedgerSums(last_actual_date=last), date(2023, 2, 26))
    assert f.flag == "green"
    # Monday 2023-02-27 is 56 days later: 8 weeks without one → stalled, red
    f = project_figures(p, LedgerSums(last_actual_date=last), date(2023, 2, 27))
    assert f.flag == "red" and f.flag_reasons == ("stalled",)
    # never any 完成投资 while 在建 → stalled
    f = project_figures(p, LedgerSums(), date(2023, 2, 27))
    assert f.flag_reasons == ("stalled",)
    # weeks are data: 4 weeks = 28 days (01-02 → 01-30); 27 days (01-29) is not yet
    rules = FlagRules(stalled_weeks=4)
    assert project_figures(p, LedgerSums(last_actual_date=last), date(2023, 1, 29),
                           rules=rules).flag == "green"
    assert project_figures(p, LedgerSums(last_actual_date=last), date(2023, 1, 30),
                           rules=rules).flag == "red"
    assert project_figures(p, LedgerSums(last_actual_date=last), date(2023, 1, 30)).flag == "green"


def test_stalled_ignores_reversals():
    # a reversal on 02-20 is not work put in place: the last entry is still 01-02
    entries = [act("2023-01-02", "100"), act("2023-02-20", "-10")]
    as_of = date(2023, 2, 27)
    f = project_figures(proj(phase="在建"), ledger_sums(entries, as_of), as_of)
    assert f.last_actual_date == date(2023, 1, 2) and "stalled" in f.flag_reasons


def test_only_under_construction_can_be_stalled():
    for phase in ("前期", "竣工", "投用", "暂缓"):
        f = project_figures(proj(phase=phase), LedgerSums(), date(2023, 12, 1))
        assert f.flag == "green", phase


def test_suspended_project_other_rules_apply():
    p = proj(phase="暂缓", total_investment=D(100), annual_plan={2023: D(100)})
    f = project_figures(p, LedgerSums(actual_to_date=D(120), actual_this_year=D(10)),
                        date(2023, 12, 31))
    # rate 0.1 against 1.0 → 90 points behind; over budget by 20; idle but not stalled
    assert f.overrun == D(20)
    # and nothing spent of late: the year-end forecast is the 10 of the year → year at risk
    assert f.flag == "red" and f.flag_reasons == ("lagging_badly", "overrun", "year_at_risk")


def test_phase_argument_overrides_project_phase():
    p = proj(phase="前期")
    f = project_figures(p, LedgerSums(), date(2023, 6, 1), phase="在建")
    assert f.phase == "在建" and f.flag_reasons == ("stalled",)


def test_every_rule_that_fires_is_listed():
    p = proj(phase="在建", total_investment=D(100), annual_plan={2023: D(100)})
    ms = [MilestoneFacts(1, "开工", planned=date(2023, 3, 1))]
    f = project_figures(p, LedgerSums(actual_to_date=D(150), actual_this_year=D(1),
                                      last_actual_date=date(2023, 1, 5)),
                        date(2023, 6, 30), milestones=ms)
    assert f.flag == "red"
    assert f.flag_reasons == ("lagging_badly", "overrun", "stalled", "milestone_overdue")


def test_withdrawn_and_cancelled_projects_get_no_flag():
    ms = [MilestoneFacts(1, "开工", planned=date(2023, 3, 1))]
    sums = LedgerSums(actual_to_date=D(150), actual_this_year=D(1))
    for kw in ({"status": "withdrawn", "phase": "在建"}, {"phase": "取消"}):
        p = proj(total_investment=D(100), annual_plan={2023: D(100)}, **kw)
        f = project_figures(p, sums, date(2023, 6, 30), milestones=ms)
        assert f.flag == "green" and f.flag_reasons == () and not f.rules_applied
        # figures are still computed
        assert f.annual_completion_rate == D("0.01") and f.overrun == D(50)
        assert f.milestones[0].overdue
    # a cancelled phase given as the override also switches the rules off
    p = proj(phase="在建")
    assert project_figures(p, LedgerSums(), date(2023, 6, 30), phase="取消").flag == "green"


def test_figures_hold_no_floats():
    p = proj(total_investment=D(5000), prior_actual=D(10), annual_plan={2022: D(1), 2023: D(3)})
    f = project_figures(p, LedgerSums(actual_to_date=D(7), actual_this_year=D(2)),
                        date(2023, 4, 10), progress=ProgressPoint(1, date(2023, 4, 1), "基础", D("0.1")))
    for name, value in vars(f).items():
        assert not isinstance(value, float), name


# --- groups --------------------------------------------------------------------------------------

AS_OF = date(2023, 5, 26)  # day 146 → time progress 0.4


def _items():
    a = proj(id=1, category="中小学", township="昆阳镇", total_investment=D(1000),
             prior_actual=D(100), annual_plan={2023: D(400)}, land_mu=D("30.5"),
             floor_area_m2=D(12000), new_places=900)
    b = proj(id=2, category="幼儿园", township="鳌江镇", annual_plan={2023: D(100)},
             new_places=270, floor_area_m2=D(5000))
    c = proj(id=3, category="中小学", township="昆阳镇", total_investment=D(5000),
             annual_plan={2023: D(1000)}, status="withdrawn", phase="在建", new_places=2000)
    d = proj(id=4, category="中小学", township="水头镇", total_investment=D(200),
             land_mu=D("4.5"))
    sums = {1: LedgerSums(actual_to_date=D(500), actual_this_year=D(200), funds_to_date=D(300),
                          payments_to_date=D(250)),
            2: LedgerSums(actual_to_date=D(100), actual_this_year=D(100), actual_this_week=D(20)),
            3: LedgerSums(actual_to_date=D(7)),
            4: LedgerSums(actual_to_date=D(300), funds_to_date=D(50))}
    return [(p, project_figures(p, sums[p.id], AS_OF)) for p in (b, a, c, d)]


def test_group_rates_come_from_sums():
    g = group_figures(_items(), AS_OF, key="total")
    assert isinstance(g, GroupFigures) and g.key == "total"
    # the withdrawn project (id 3) is left out of everything
    assert g.count == 3
    # annual: (200 + 100) / (400 + 100) = 0.6 — not the average of 0.5 and 1.0 (0.75)
    assert g.annual_plan == D(500) and g.actual_this_year == D(300)
    assert g.annual_completion_rate == D("0.6")
    assert g.time_progress == D("0.4") and g.points_vs_time == D("0.2")
    # PV: 400 × 0.4 + 100 × 0.4 + 0 = 200; actual 500 + 100 + 300 = 900; variance 700 → 3.5
    assert g.planned_to_date == D(200) and g.actual_to_date == D(900)
    assert g.variance == D(700) and g.variance_rate == D("3.5")
    # 开累 over projects with a known total (1 and 4): (100 + 500 + 300) / (1000 + 200) = 0.75;
    # cumulative actual counts every project: 900 + 100 prior = 1000
    assert g.total_investment == D(1200)
    assert g.cumulative_actual == D(1000)
    assert g.cumulative_completion_rate == D("0.75")
    # project 4: 300 above its 200 total → overrun 100
    assert g.overrun_total == D(100) and g.overrun_count == 1
    assert g.actual_this_week == D(20)
    assert g.funds_received == D(350) and g.payments == D(250)
    assert g.land_mu == D(35) and g.floor_area_m2 == D(17000) and g.new_places == 1170
    assert g.flag_counts == {"green": 2, "yellow": 0, "red": 1}
    assert g.phase_counts == {"前期": 3}


def test_group_by_category_order_and_township_sorted():
    cats = group_by(_items(), lambda f: f.category)
    assert list(cats) == ["中小学", "幼儿园"]  # CATEGORIES order, though 幼儿园 came first
    assert cats["中小学"].count == 2 and cats["幼儿园"].count == 1
    # 中小学: (200 + 0) / 400 = 0.5
    assert cats["中小学"].annual_completion_rate == D("0.5")
    towns = group_by(_items(), lambda f: f.township)
    assert list(towns) == sorted(["昆阳镇", "鳌江镇", "水头镇"])
    assert towns["昆阳镇"].count == 1  # the withdrawn 昆阳镇 project is not counted
    # a group made only of withdrawn projects does not appear
    only = group_by(_items(), lambda f: "撤" if f.status == "withdrawn" else "在")
    assert list(only) == ["在"]


def test_group_by_mixed_keys_do_not_crash():
    groups = group_by(_items(), lambda f: f.total_investment)
    assert list(groups)[-1] is None  # unknown totals sort last


def test_group_flag_counts_lagging_and_overdue():
    as_of = date(2023, 6, 30)
    overdue = [MilestoneFacts(0, "开工", planned=date(2023, 3, 1))]
    rows = [
        # 2023-06-30 is day 181: time progress 181/365 ≈ 0.496.
        # lagging (yellow): 300/1000 = 0.3 → ≈ 19.6 points behind
        (proj(id=1, annual_plan={2023: D(1000)}), LedgerSums(actual_this_year=D(300)), ()),
        # lagging badly (red): nothing done → ≈ 49.6 points behind
        (proj(id=2, annual_plan={2023: D(1000)}), LedgerSums(), ()),
        # overdue milestone (yellow)
        (proj(id=3), LedgerSums(), overdue),
        # green
        (proj(id=4, phase="竣工"), LedgerSums(), ()),
        # cancelled with an overdue milestone: green and not counted as overdue
        (proj(id=5, phase="取消"), LedgerSums(), overdue),
        # withdrawn: excluded
        (proj(id=6, status="withdrawn", annual_plan={2023: D(1000)}), LedgerSums(), overdue),
    ]
    items = [(p, project_figures(p, s, as_of, milestones=m)) for p, s, m in rows]
    g = group_figures(items, as_of)
    assert g.count == 5
    assert g.flag_counts == {"green": 2, "yellow": 2, "red": 1}
    assert g.lagging_count == 2
    assert g.overdue_count == 1
    assert g.phase_counts == {"前期": 3, "竣工": 1, "取消": 1}  # PHASES order


def test_totals_and_groups_in_one_pass_equal_the_two_passes():
    items = _items()
    for keyfunc in (lambda f: f.category, lambda f: f.township, lambda f: f.total_investment):
        total, groups = group_by_with_total(items, keyfunc, AS_OF)
        assert total == group_figures(items, AS_OF, key="total")
        assert groups == group_by(items, keyfunc)
        assert list(groups) == list(group_by(items, keyfunc))  # same order
    assert group_by_with_total([], lambda f: f.category, AS_OF) == (group_figures([], AS_OF, key="total"), {})


def test_milestone_statuses_are_worked_out_when_read():
    as_of = date(2023, 6, 30)
    ms = [MilestoneFacts(0, "竣工验收", planned=date(2024, 6, 1)),
          MilestoneFacts(0, "开工", planned=date(2023, 3, 1), actual=date(2023, 3, 11)),
          MilestoneFacts(0, "立项", planned=date(2022, 1, 1), actual=date(2022, 2, 1)),
          MilestoneFacts(0, "主体结顶", planned=date(2023, 6, 1))]
    fig = project_figures(proj(id=1), LedgerSums(), as_of, milestones=ms)
    assert "milestones" not in vars(fig)  # nothing built yet
    assert fig.milestone_overdue and "milestones" not in vars(fig)  # the flag did not need them
    assert [m.name for m in fig.milestones] == ["立项", "开工", "主体结顶", "竣工验收"]
    assert fig.next_milestone.name == "主体结顶" and fig.next_milestone.overdue
    assert fig.max_slip_days == 31  # 立项 a month late
    assert fig.milestones is fig.milestones  # once
    assert fig == project_figures(proj(id=1), LedgerSums(), as_of, milestones=ms)


class _Unread(tuple):
    """Milestones that must not be read (as a store's packed ones are not, until shown)."""

    def __iter__(self):
        raise AssertionError("milestones were read")


def test_overdue_worked_out_by_the_caller_leaves_the_milestones_unread():
    as_of = date(2023, 6, 30)
    ms = (MilestoneFacts(0, "主体结顶", planned=date(2023, 6, 1)),)
    full = project_figures(proj(id=1, phase="在建"), LedgerSums(), as_of, milestones=ms)
    for overdue in (True, False):
        fig = project_figures(proj(id=1, phase="在建"), LedgerSums(), as_of,
                              milestones=_Unread(ms), milestone_overdue=overdue)
        assert fig.milestone_overdue is overdue
        assert ("milestone_overdue" in fig.flag_reasons) is overdue
        assert type(fig.milestone_facts) is _Unread  # kept as given
    assert fig.flag_reasons == ("stalled",) and full.flag_reasons == ("stalled", "milestone_overdue")

def test_empty_group():
    g = group_figures([], AS_OF)
    assert g.count == 0 and g.annual_completion_rate is None
    assert g.cumulative_completion_rate is None and g.variance_rate is None
    assert g.flag_counts == {"green": 0, "yellow": 0, "red": 0}
    assert group_by([], lambda f: f.category) == {}


# --- properties ---------------------------------------------------------------------------------

money = st.decimals(min_value=D(-1000), max_value=D(100000), places=6,
                    allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value=D(0), max_value=D(100000), places=6,
                       allow_nan=False, allow_infinity=False)


@st.composite
def portfolio(draw):
    as_of = draw(st.dates(min_value=date(2021, 1, 1), max_value=date(2027, 12, 31)))
    items = []
    for pid in range(draw(st.integers(0, 12))):
        p = ProjectFacts(
            id=pid, name=f"p{pid}",
            category=draw(st.sampled_from(CATEGORIES)),
            township=draw(st.sampled_from(["昆阳镇", "鳌江镇", "水头镇", None])),
            total_investment=draw(st.none() | positive),
            prior_actual=draw(st.none() | positive),
            annual_plan=draw(st.dictionaries(st.integers(2021, 2027), positive, max_size=5)),
            land_mu=draw(st.none() | positive),
            floor_area_m2=draw(st.none() | positive),
            new_places=draw(st.none() | st.integers(0, 3000)),
            phase=draw(st.sampled_from(PHASES)),
            status=draw(st.sampled_from(["active", "active", "withdrawn"])),
        )
        sums = LedgerSums(
            actual_to_date=draw(money), actual_this_year=draw(money),
            actual_this_week=draw(money), funds_to_date=draw(money),
            payments_to_date=draw(money),
            last_actual_date=draw(st.none() | st.dates(date(2020, 1, 1), as_of)),
        )
        ms = draw(st.lists(st.builds(MilestoneFacts, st.just(pid), st.sampled_from(["立项", "开工"]),
                                     st.none() | st.dates(date(2020, 1, 1), date(2028, 1, 1)),
                                     st.none() | st.dates(date(2020, 1, 1), date(2028, 1, 1))),
                           max_size=2))
        items.append((p, project_figures(p, sums, as_of, milestones=ms)))
    return as_of, items


FIELDS = ("planned_to_date", "actual_to_date", "actual_this_year", "actual_this_week",
          "cumulative_actual", "funds_received", "payments")


@settings(max_examples=150, deadline=None)
@given(portfolio())
def test_group_sums_equal_sum_of_project_figures(data):
    as_of, items = data
    kept = [(p, f) for p, f in items if p.status != "withdrawn"]
    g = group_figures(items, as_of)
    assert g.count == len(kept)
    for name in FIELDS:
        assert getattr(g, name) == sum((getattr(f, name) for _, f in kept), D(0)), name
    assert g.total_investment == sum((f.total_investment or 0 for _, f in kept), D(0))
    assert g.annual_plan == sum((f.annual_plan or 0 for _, f in kept), D(0))
    assert g.overrun_total == sum((f.overrun or 0 for _, f in kept), D(0))
    assert g.new_places == sum(p.new_places or 0 for p, _ in kept)
    assert sum(g.flag_counts.values()) == g.count == sum(g.phase_counts.values())
    assert g.variance == g.actual_to_date - g.planned_to_date
    # any grouping partitions the portfolio: the groups add up to the whole.  PV carries a
    # division (plan × day ÷ days, rounded at the 28th digit), so summing it in another order
    # may differ in that last digit; every other sum is exact.
    for keyfunc in (lambda p: p.category, lambda p: p.township):
        parts = group_by(items, keyfunc).values()
        assert sum(x.count for x in parts) == g.count
        for name in FIELDS:
            total = sum((getattr(x, name) for x in parts), D(0))
            if name == "planned_to_date":
                assert abs(total - g.planned_to_date) < D("1e-18")
            else:
                assert total == getattr(g, name), name
        for flag in ("green", "yellow", "red"):
            assert sum(x.flag_counts[flag] for x in parts) == g.flag_counts[flag]
        # the one-pass total (made of the groups' sums) is group_figures' to the last digit
        total, groups = group_by_with_total(items, keyfunc, as_of)
        assert total == group_figures(items, as_of, key="total")
        assert groups == group_by(items, keyfunc)


entries_st = st.lists(
    st.builds(Entry, st.just(1), st.sampled_from([ACTUAL, FUNDS, PAYMENT]),
              st.dates(date(2022, 1, 1), date(2024, 12, 31)), money,
              st.sampled_from([None, "省", "自筹"])),
    max_size=30)


@settings(max_examples=150, deadline=None)
@given(entries_st, st.dates(date(2022, 1, 1), date(2024, 12, 31)))
def test_ledger_sums_properties(entries, as_of):
    s = ledger_sums(entries, as_of)
    upto = [e for e in entries if e.date <= as_of]
    assert s == ledger_sums(upto, as_of)  # later entries never matter
    assert s.funds_to_date == sum(s.funds_by_source.values(), D(0))
    actual = [e for e in upto if e.kind == ACTUAL]
    assert s.actual_to_date == s.actual_this_year + sum(
        (e.amount for e in actual if e.date.year < as_of.year), D(0))
    positives = [e.date for e in actual if e.amount > 0]
    assert s.last_actual_date == (max(positives) if positives else None)


@given(day=st.integers(0, 800), plan=st.one_of(positive, money),
       actual=money, threshold=st.sampled_from([D("0.1"), D("0.2"), D("0"), D("0.15"), D("1")]))
def test_the_lag_test_is_the_exact_rational_one(day, plan, actual, threshold):
    """time progress − actual ÷ plan > threshold, decided on exact products, is what exact
    fractions decide — for any plan (a plan ≤ 0 takes the fraction route itself)."""
    from fractions import Fraction

    from projtrack.core.calendar import day_of_year, days_in_year
    from projtrack.core.figures import _behind_by_more

    if plan == 0:
        return  # no rate without a plan: never asked
    as_of = date(2023, 1, 1) + dt.timedelta(days=day)
    want = (Fraction(day_of_year(as_of), days_in_year(as_of.year)) - Fraction(actual) / Fraction(plan)
            > Fraction(threshold))
    assert _behind_by_more(as_of, actual, plan, [threshold]) == [want]
    # the same, exactly on the line: actual chosen so that the lag equals the threshold
    if plan > 0:
        on_line = (Fraction(day_of_year(as_of), days_in_year(as_of.year)) - Fraction(threshold)) * Fraction(plan)
        den = on_line.denominator
        while den % 2 == 0:
            den //= 2
        while den % 5 == 0:
            den //= 5
        if den == 1:  # a terminating decimal: the actual that is exactly on the line
            from decimal import Context

            exact = Context(prec=200).divide(D(on_line.numerator), D(on_line.denominator))
            assert Fraction(exact) == on_line
            assert _behind_by_more(as_of, exact, plan, [threshold]) == [False]


def test_lag_level_colours_by_the_rules_thresholds():
    from projtrack.core.figures import lag_level
    from projtrack.core.types import FlagRules

    assert lag_level(None) == "green"
    assert [lag_level(D(p)) for p in ("0.05", "0", "-0.1", "-0.1000001", "-0.2", "-0.2000001")] == [
        "green", "green", "green", "yellow", "yellow", "red"]
    strict = FlagRules(yellow_behind=D("0.05"), red_behind=D("0.1"))
    assert [lag_level(D(p), strict) for p in ("-0.05", "-0.06", "-0.11")] == ["green", "yellow", "red"]
