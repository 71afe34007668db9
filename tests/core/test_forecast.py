"""Forecasts and lifetime earned value: hand-worked examples (worked in the comments).

2023-10-19 is day 292 of 365: R = 365 − 292 = 73 days left.  2023-06-30 is day 181: R = 184.
A rate of progress from 40 % on 2026-09-01 to 68 % on 2026-10-27 is 28 points in 56 days,
0.5 points a day.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from projtrack.core.figures import LedgerSums, group_figures, ledger_sums, project_figures
from projtrack.core.forecast import (
    ProgressRate,
    days_left_in_year,
    eac,
    forecast_completion,
    handover_gap_days,
    progress_rate,
    term_at_risk,
    year_end_forecast,
)
from projtrack.core.types import (
    ACTUAL,
    Entry,
    FlagRules,
    MilestoneFacts,
    ProgressPoint,
)
from tests.core.test_figures import proj

date = dt.date


def pt(day: str, percent: str, pid: int = 1, id: int | None = None) -> ProgressPoint:
    return ProgressPoint(pid, date.fromisoformat(day), "主体结构", D(percent), id=id)


def ms(name: str, planned: str | None) -> MilestoneFacts:
    return MilestoneFacts(1, name, date.fromisoformat(planned) if planned else None)


# --- earned value over the whole life ---------------------------------------------------------

def test_lifetime_earned_value_of_a_continuing_project():
    # a 续建 project: 总投资 10,000, 4,000 spent before the period, 2023 plan 3,000
    p = proj(total_investment=D(10000), prior_actual=D(4000), annual_plan={2023: D(3000)},
             annex_class="续建", phase="在建")
    point = ProgressPoint(1, date(2023, 5, 20), "主体结构", D("0.5"))
    f = project_figures(p, LedgerSums(actual_to_date=D(1000), actual_this_year=D(1000)),
                        date(2023, 5, 26), progress=point)
    # 2023-05-26 is day 146 → PV = 3000 × 0.4 = 1200; PV_life = 4000 + 1200 = 5200
    assert f.planned_to_date == D(1200) and f.planned_life == D(5200)
    # AC_life = 4000 + 1000 = 5000; EV = 0.5 × 10,000 = 5000
    assert f.actual_life == D(5000) and f.earned_value == D(5000)
    # SPI = 5000 / 5200 (it read 5000 / 1200 = 4.17 before); CPI = 5000 / 5000 = 1 (was 5)
    assert f.spi == D(5000) / D(5200) and f.spi < 1
    assert f.cpi == 1


def test_lifetime_earned_value_without_prior_actual_is_the_period_one():
    p = proj(total_investment=D(5000), annual_plan={2023: D(4000)})
    point = ProgressPoint(1, date(2023, 5, 20), "主体结构", D("0.3"))
    f = project_figures(p, LedgerSums(actual_to_date=D(1200)), date(2023, 5, 26), progress=point)
    assert f.planned_life == D(1600) and f.actual_life == D(1200)
    assert f.spi == D("0.9375") and f.cpi == D("1.25")


# --- the year-end forecast --------------------------------------------------------------------

def test_year_end_forecast_and_year_at_risk():
    p = proj(annual_plan={2023: D(2000)}, phase="在建")
    as_of = date(2023, 10, 19)
    assert days_left_in_year(as_of) == 73
    # 1,000 this year, 560 in the last 56 days → r = 10 a day; 1000 + 10 × 73 = 1730
    sums = LedgerSums(actual_to_date=D(1000), actual_this_year=D(1000), actual_recent=D(560),
                      last_actual_date=date(2023, 10, 16))
    f = project_figures(p, sums, as_of)
    assert f.actual_recent == D(560)
    assert f.year_end_forecast == D(1730)
    assert f.year_end_forecast_rate == D("0.865")  # 1730 / 2000 < 0.9 → at risk
    assert "year_at_risk" in f.flag_reasons and f.flag != "green"
    # exactly 0.9 is not below it: 1070 + 730 = 1800 = 0.9 × 2000
    sums = LedgerSums(actual_to_date=D(1070), actual_this_year=D(1070), actual_recent=D(560),
                      last_actual_date=date(2023, 10, 16))
    f = project_figures(p, sums, as_of)
    assert f.year_end_forecast_rate == D("0.9") and "year_at_risk" not in f.flag_reasons


def test_year_at_risk_is_read_only_from_1_july():
    p = proj(annual_plan={2023: D(2000)}, phase="前期")
    # 30 June: R = 184; 400 + 0 × 184 = 400 → 0.2, but before 1 July: no reason
    sums = LedgerSums(actual_to_date=D(400), actual_this_year=D(400))
    f = project_figures(p, sums, date(2023, 6, 30))
    assert f.year_end_forecast == D(400) and f.year_end_forecast_rate == D("0.2")
    assert f.flag_reasons == ("lagging_badly",)
    # 1 July: R = 183, still 400 (no gain of late) → at risk
    f = project_figures(p, sums, date(2023, 7, 1))
    assert f.year_end_forecast == D(400)
    assert f.flag_reasons == ("lagging_badly", "year_at_risk")
    # the day is data: from 1 October only
    f = project_figures(p, sums, date(2023, 7, 1), rules=FlagRules(year_at_risk_from="10-01"))
    assert "year_at_risk" not in f.flag_reasons
    # without a plan there is no rate, and no reason
    f = project_figures(proj(phase="前期"), sums, date(2023, 7, 1))
    assert f.year_end_forecast_rate is None and f.flag_reasons == ()


def test_year_end_forecast_in_a_leap_year_and_the_56_days():
    # 2024-02-10 is day 41 of 366: R = 325 (in 2023 the same day leaves 324)
    assert days_left_in_year(date(2024, 2, 10)) == 325
    assert days_left_in_year(date(2023, 2, 10)) == 324
    assert days_left_in_year(date(2024, 12, 31)) == 0
    # 112 in the last 56 days → 2 a day; 100 + 2 × 325 = 750
    assert year_end_forecast(D(100), D(112), date(2024, 2, 10)) == D(750)
    # the window is the 56 days after d − 56: on 2024-03-25 from 30 January (29 February
    # counted), in 2023 from 29 January
    entries = [Entry(1, ACTUAL, date(2024, 1, 29), D(5)), Entry(1, ACTUAL, date(2024, 1, 30), D(7)),
               Entry(1, ACTUAL, date(2024, 3, 25), D(11)), Entry(1, ACTUAL, date(2024, 3, 26), D(13))]
    assert ledger_sums(entries, date(2024, 3, 25)).actual_recent == D(18)
    entries = [Entry(1, ACTUAL, date(2023, 1, 28), D(5)), Entry(1, ACTUAL, date(2023, 1, 29), D(7))]
    assert ledger_sums(entries, date(2023, 3, 25)).actual_recent == D(7)
    # the window reaches back across a new year (r is the recent rate, whatever the year)
    entries = [Entry(1, ACTUAL, date(2023, 12, 20), D(30)), Entry(1, ACTUAL, date(2024, 1, 5), D(26))]
    s = ledger_sums(entries, date(2024, 1, 10))
    assert s.actual_recent == D(56) and s.actual_this_year == D(26)
    # 26 + 1 × (366 − 10) = 382
    assert year_end_forecast(s.actual_this_year, s.actual_recent, date(2024, 1, 10)) == D(382)


# --- EAC and the forecast overrun -------------------------------------------------------------

def test_eac_and_overrun_forecast():
    p = proj(total_investment=D(1000), phase="在建")
    point = ProgressPoint(1, date(2023, 5, 20), "主体结构", D("0.5"))
    # EV = 500, AC_life = 600 → CPI = 5/6; EAC = 600 + (1000 − 500) ÷ (5/6) = 1200
    f = project_figures(p, LedgerSums(actual_to_date=D(600), last_actual_date=date(2023, 5, 1)),
                        date(2023, 5, 26), progress=point)
    assert f.eac == D(1200) and f.overrun_forecast == D(200)
    assert "overrun_forecast" in f.flag_reasons and f.flag == "yellow"
    # a 续建 one: AC_life = 4000 + 1000 = 5000, EV = 0.4 × 10,000 = 4000, CPI 0.8
    # EAC = 5000 + 6000 ÷ 0.8 = 12,500; overrun 2,500
    p = proj(total_investment=D(10000), prior_actual=D(4000), phase="在建")
    point = ProgressPoint(1, date(2023, 5, 20), "主体结构", D("0.4"))
    f = project_figures(p, LedgerSums(actual_to_date=D(1000), last_actual_date=date(2023, 5, 1)),
                        date(2023, 5, 26), progress=point)
    assert f.cpi == D("0.8") and f.eac == D(12500) and f.overrun_forecast == D(2500)
    # on budget or under: EAC ≤ 总投资, no overrun forecast
    point = ProgressPoint(1, date(2023, 5, 20), "主体结构", D("0.5"))
    f = project_figures(p, LedgerSums(actual_to_date=D(1000), last_actual_date=date(2023, 5, 1)),
                        date(2023, 5, 26), progress=point)
    assert f.eac == D(10000) and f.overrun_forecast is None
    assert "overrun_forecast" not in f.flag_reasons
    # none without EV, without spending (no CPI) or with EV 0 (CPI 0)
    assert eac(D(1000), None, D(600)) is None
    assert eac(D(1000), D(500), D(0)) is None
    assert eac(D(1000), D(0), D(600)) is None
    assert eac(None, D(500), D(600)) is None


def test_overrun_forecast_is_not_said_again_once_over_budget():
    p = proj(total_investment=D(1000), phase="在建")
    point = ProgressPoint(1, date(2023, 5, 20), "主体结构", D("0.8"))
    f = project_figures(p, LedgerSums(actual_to_date=D(1100), last_actual_date=date(2023, 5, 1)),
                        date(2023, 5, 26), progress=point)
    # EAC = 1100 + 200 ÷ (800/1100) = 1100 + 275 = 1375
    assert f.eac == D(1375) and f.overrun_forecast == D(375)
    assert "overrun" in f.flag_reasons and "overrun_forecast" not in f.flag_reasons


# --- the physical progress rate and the forecast dates -----------------------------------------

def test_progress_rate_from_the_point_closest_to_56_days_before():
    points = [pt("2026-08-20", "0.30"), pt("2026-09-05", "0.42"), pt("2026-10-01", "0.55"),
              pt("2026-10-27", "0.69")]
    rate = progress_rate(points, date(2026, 11, 1))
    # 56 days before 27 October is 1 September: 5 September (4 days off) beats 20 August (12);
    # 1 October is closer still but only 26 days before p
    assert rate == ProgressRate(points[1], points[3])
    assert rate.days == 52 and rate.gain == D("0.27")
    # (1 − 0.69) ÷ (0.27 / 52) = 59.70… days → 60, rounded up
    assert forecast_completion(rate) == date(2026, 10, 27) + dt.timedelta(days=60)


def test_forecast_dates_worked_by_hand():
    p = proj(phase="在建", end_year=2027)
    points = [pt("2026-09-01", "0.40"), pt("2026-10-27", "0.68")]
    milestones = (ms("竣工验收", "2027-06-30"), ms("投用", "2027-08-31"))
    f = project_figures(p, LedgerSums(last_actual_date=date(2026, 10, 30)), date(2026, 11, 1),
                        milestones=milestones, points=points)
    # 28 points in 56 days: 0.5 a day; 32 left → 64 days → 2026-12-30
    assert f.progress_rate.per_day == D("0.005")
    assert f.forecast_completion == date(2026, 12, 30)
    # planned 投用 − planned 竣工验收 = 62 days → 投用 2027-03-02, before 31 August 2027
    assert f.forecast_handover == date(2027, 3, 2)
    assert f.term_at_risk is False and f.flag_reasons == ()


def test_term_at_risk_is_red():
    p = proj(phase="在建", end_year=2026)
    points = [pt("2026-09-01", "0.40"), pt("2026-10-27", "0.68")]
    f = project_figures(p, LedgerSums(last_actual_date=date(2026, 10, 30)), date(2026, 11, 1),
                        points=points)
    # no planned dates: no gap, 投用 = 竣工 = 2026-12-30, after 31 August 2026
    assert f.forecast_handover == f.forecast_completion == date(2026, 12, 30)
    assert f.term_at_risk is True
    assert f.flag == "red" and f.flag_reasons == ("term_at_risk",)
    # the colour is data
    f = project_figures(p, LedgerSums(last_actual_date=date(2026, 10, 30)), date(2026, 11, 1),
                        points=points, rules=FlagRules(term_at_risk_red=False))
    assert f.term_at_risk is True and f.flag == "green"
    # the edge: 31 August is in time, 1 September is not
    assert term_at_risk(date(2027, 8, 31), 2027) is False
    assert term_at_risk(date(2027, 9, 1), 2027) is True
    assert term_at_risk(date(2027, 9, 1), None) is None and term_at_risk(None, 2027) is None


def test_no_planned_completion_date_and_a_gap_never_negative():
    assert handover_gap_days([ms("投用", "2027-08-31")]) == 0  # no 竣工验收 planned
    assert handover_gap_days([ms("竣工验收", "2027-06-30")]) == 0  # no 投用 planned
    assert handover_gap_days([ms("竣工验收", "2027-06-30"), ms("投用", None)]) == 0
    assert handover_gap_days([ms("竣工验收", "2027-09-30"), ms("投用", "2027-08-31")]) == 0
    assert handover_gap_days([ms("竣工验收", "2027-06-30"), ms("投用", "2027-08-31")]) == 62
    p = proj(phase="在建", end_year=2027)
    points = [pt("2026-09-01", "0.40"), pt("2026-10-27", "0.68")]
    f = project_figures(p, LedgerSums(last_actual_date=date(2026, 10, 30)), date(2026, 11, 1),
                        milestones=(ms("投用", "2027-08-31"),), points=points)
    assert f.forecast_handover == f.forecast_completion == date(2026, 12, 30)


def test_no_points_a_single_point_close_points_no_gain():
    p = proj(phase="在建", end_year=2027)
    sums = LedgerSums(last_actual_date=date(2026, 10, 30))
    as_of = date(2026, 11, 1)
    cases = {
        "none": [],
        "single": [pt("2026-10-27", "0.68")],
        "27 days apart": [pt("2026-09-30", "0.40"), pt("2026-10-27", "0.68")],
        "no gain": [pt("2026-09-01", "0.68"), pt("2026-10-27", "0.68")],
        "a fall": [pt("2026-09-01", "0.70"), pt("2026-10-27", "0.68")],
        "no percent": [ProgressPoint(1, date(2026, 9, 1), "基础", None), pt("2026-10-27", "0.68")],
        "after as-of": [pt("2026-09-01", "0.40"), pt("2026-11-02", "0.68")],
    }
    for name, points in cases.items():
        f = project_figures(p, sums, as_of, points=points)
        assert f.progress_rate is None, name
        assert f.forecast_completion is None and f.forecast_handover is None, name
        assert f.term_at_risk is None, name
        assert f.flag_reasons == ("no_progress_rate",) and f.flag == "green", name  # said only
    # 28 days apart is enough: 28 points in 28 days → 1 a day, 32 left → 2026-11-28
    f = project_figures(p, sums, as_of, points=[pt("2026-09-29", "0.40"), pt("2026-10-27", "0.68")])
    assert f.forecast_completion == date(2026, 11, 28) and f.flag_reasons == ()
    # no_progress_rate only while 在建; points not given: not asked, nothing said
    for phase in ("前期", "竣工", "暂缓"):
        f = project_figures(proj(phase=phase, end_year=2027), sums, as_of, points=[])
        assert "no_progress_rate" not in f.flag_reasons, phase
    f = project_figures(p, sums, as_of)
    assert f.term_at_risk is None and f.flag_reasons == ()


def test_a_project_already_in_use_has_no_forecast_and_no_term_risk():
    p = proj(phase="投用", end_year=2026)
    points = [pt("2026-05-01", "0.90"), pt("2026-06-26", "1")]
    f = project_figures(p, LedgerSums(), date(2026, 11, 1),
                        milestones=(MilestoneFacts(1, "投用", date(2026, 8, 31), date(2026, 8, 28)),),
                        points=points)
    assert f.phase == "投用"
    assert f.progress_rate is None and f.forecast_handover is None
    assert f.term_at_risk is False and f.flag_reasons == ()


def test_a_forecast_handover_is_never_before_the_next_day():
    # finished by its rate on 2026-07-25 and 投用 planned 62 days after 竣工验收 → 2026-09-25;
    # read on 2026-12-02 it has not opened: 投用 2026-12-03 at the earliest, the term missed
    p = proj(phase="竣工", end_year=2026)
    points = [pt("2026-05-01", "0.72"), pt("2026-06-26", "1")]
    milestones = (ms("竣工验收", "2026-06-30"), ms("投用", "2026-08-31"))
    f = project_figures(p, LedgerSums(), date(2026, 12, 2), milestones=milestones, points=points)
    assert f.forecast_completion == date(2026, 6, 26)
    assert f.forecast_handover == date(2026, 12, 3) and f.term_at_risk is True
    # read on 2026-07-01 the same forecast is 2026-08-27: in time
    f = project_figures(p, LedgerSums(), date(2026, 7, 1), milestones=milestones, points=points)
    assert f.forecast_handover == date(2026, 8, 27) and f.term_at_risk is False


def test_forecast_across_a_leap_day_and_at_100_percent():
    # 2028 is a leap year: 30 days from 1 February 2028 is 2 March (29 February counted)
    points = [pt("2027-12-07", "0.60"), pt("2028-02-01", "0.88")]
    rate = progress_rate(points, date(2028, 2, 5))
    # 28 points in 56 days: 0.5 a day; 12 left → 24 days → 2028-02-25
    assert forecast_completion(rate) == date(2028, 2, 25)
    points = [pt("2027-12-07", "0.76"), pt("2028-02-01", "0.88")]
    # 12 points in 56 days; 12 left → 56 days → 2028-03-28 (2027 would give 2027-03-29)
    assert forecast_completion(progress_rate(points, date(2028, 2, 5))) == date(2028, 3, 28)
    # at 100 %: 竣工 is p's date
    points = [pt("2027-12-07", "0.76"), pt("2028-02-01", "1")]
    assert forecast_completion(progress_rate(points, date(2028, 2, 5))) == date(2028, 2, 1)


def test_a_tie_takes_the_earlier_point_and_the_same_day_the_higher_id():
    # 56 days before 2026-10-27 is 2026-09-01: 08-28 and 09-05 are 4 days off each
    points = [pt("2026-08-28", "0.30", id=1), pt("2026-09-05", "0.40", id=2),
              pt("2026-10-27", "0.68", id=3)]
    assert progress_rate(points, date(2026, 11, 1)).start == points[0]
    points = [pt("2026-09-01", "0.30", id=5), pt("2026-09-01", "0.35", id=7),
              pt("2026-10-27", "0.60", id=8), pt("2026-10-27", "0.68", id=9)]
    rate = progress_rate(points, date(2026, 11, 1))
    assert rate.start.id == 7 and rate.end.id == 9


def test_rules_round_trip_with_the_forecast_keys():
    rules = FlagRules(year_at_risk_below=D("0.85"), year_at_risk_from="09-01",
                      term_at_risk_red=False, no_progress_rate_phases=("在建", "竣工"))
    assert FlagRules.from_dict(rules.as_dict()) == rules
    assert FlagRules.from_dict({}) == FlagRules()


# --- groups -----------------------------------------------------------------------------------

def test_group_forecasts_from_the_group_sums():
    as_of = date(2026, 11, 1)
    a = proj(id=1, phase="在建", end_year=2026, new_places=900, annual_plan={2026: D(1000)},
             total_investment=D(1000))
    b = proj(id=2, name="乙", phase="在建", end_year=2027, new_places=300,
             annual_plan={2026: D(3000)}, total_investment=D(2000))
    c = proj(id=3, name="丙", phase="前期", end_year=2028, new_places=50)
    pts = [pt("2026-09-01", "0.40"), pt("2026-10-27", "0.68")]
    # R = 2026-12-31 − 2026-11-01 = 60 days
    fa = project_figures(a, LedgerSums(actual_to_date=D(600), actual_this_year=D(500),
                                       actual_recent=D(112), last_actual_date=as_of),
                         as_of, progress=pts[1], points=pts)
    fb = project_figures(b, LedgerSums(actual_to_date=D(900), actual_this_year=D(900),
                                       actual_recent=D(56), last_actual_date=as_of),
                         as_of, progress=pts[1],
                         points=[ProgressPoint(2, p.date, p.stage, p.percent) for p in pts])
    fc = project_figures(c, LedgerSums(), as_of, points=[])
    # a: 500 + 2 × 60 = 620; b: 900 + 1 × 60 = 960 → group 1580 ÷ 4000 = 0.395
    assert fa.year_end_forecast == D(620) and fb.year_end_forecast == D(960)
    g = group_figures([(a, fa), (b, fb), (c, fc)], as_of)
    assert g.year_end_forecast == D(1580) and g.year_end_forecast_rate == D("0.395")
    # a: EV 680, AC 600 → no overrun; b: EV 1360, AC 900 → none: EAC sums the known ones
    assert fa.eac == D(600) + D(320) * D(600) / D(680)
    assert g.eac == fa.eac + fb.eac and g.overrun_forecast == 0
    # a's forecast 投用 2026-12-30 misses its 2026 term (900 places); b's 2027 one is kept
    assert (fa.term_at_risk, fb.term_at_risk, fc.term_at_risk) == (True, False, None)
    assert g.term_at_risk is True and g.term_at_risk_count == 1 and g.places_at_risk == 900
    assert g.forecast_completion == g.forecast_handover == date(2026, 12, 30)
    only_c = group_figures([(c, fc)], as_of)
    assert only_c.term_at_risk is None and only_c.places_at_risk == 0
    only_b = group_figures([(b, fb)], as_of)
    assert only_b.term_at_risk is False
