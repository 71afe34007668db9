"""Breakdowns by township, by unit and by funding source on a small portfolio whose figures
were worked by hand (tests/services/breakdown_data.py), on SQLite and on PostgreSQL."""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal as D

import pytest

from projtrack.core.funding import FundingBreakdown
from projtrack.errors import BadUsage
from projtrack.services.breakdown import GroupBreakdown, breakdown, members
from projtrack.services.portfolio import load_portfolio
from tests.services.breakdown_data import AS_OF, build

# (count, 总投资, 年度计划, 本年完成, 年度完成率, PV, 累计完成 in the period, red, yellow, places)
TOWNSHIPS = {
    "昆阳镇": (1, "800", "400", "40", D("0.1"), "160", "140", 1, 0, 360),
    "鳌江镇": (2, "3000", "1500", "400", D(400) / D(1500), "600", "400", 0, 1, 540),
    "": (1, "500", "100", "0", D(0), "40", "0", 1, 0, 270),
}
UNITS = {
    "城投": (1, "2000", "1000", "250", D("0.25"), "400", "250", 0, 1, 0),
    "教育局": (2, "1500", "600", "150", D("0.25"), "240", "150", 1, 0, 810),
    "": (1, "800", "400", "40", D("0.1"), "160", "140", 1, 0, 360),
}
TOTAL = (4, "4300", "2000", "440", D("0.22"), "800", "540", 2, 1, 1170)


def _row(g) -> tuple:
    return (g.count, g.total_investment, g.annual_plan, g.actual_this_year,
            g.annual_completion_rate, g.planned_to_date, g.actual_to_date,
            g.flag_counts["red"], g.flag_counts["yellow"], g.new_places)


def _want(t: tuple) -> tuple:
    return (t[0], D(t[1]), D(t[2]), D(t[3]), t[4], D(t[5]), D(t[6]), *t[7:])


@pytest.mark.parametrize("kind, expected", [("township", TOWNSHIPS), ("unit", UNITS)])
def test_group_figures_by_hand_and_the_unfilled_group_last(store, kind, expected):
    build(store)
    b = breakdown(store, AS_OF, kind)
    assert isinstance(b, GroupBreakdown)
    assert list(b.groups) == list(expected)  # sorted by name, (未填) last
    for key, want in expected.items():
        g = b.groups[key]
        assert _row(g) == _want(want), key
        assert g.time_progress == D("0.4")
        assert g.points_vs_time == want[4] - D("0.4")
        assert g.variance == D(want[6]) - D(want[5])
    assert _row(b.total) == _want(TOTAL)
    assert b.total.variance == D(-260)


@pytest.mark.parametrize("kind", ["township", "unit"])
def test_group_totals_equal_the_portfolio_totals(store, kind):
    build(store)
    portfolio = load_portfolio(store, AS_OF)
    b = breakdown(store, AS_OF, kind)
    assert isinstance(b, GroupBreakdown)
    whole = portfolio.totals([v for v in portfolio.projects if v.facts.status == "active"])
    assert b.total == whole
    money = [f.name for f in fields(whole) if isinstance(getattr(whole, f.name), (D, int))
             and not isinstance(getattr(whole, f.name), bool)
             and f.name not in ("time_progress",) and "rate" not in f.name
             and f.name != "points_vs_time"]
    for name in money:
        assert sum(getattr(g, name) for g in b.groups.values()) == getattr(whole, name), name
    for flag in ("green", "yellow", "red"):
        assert sum(g.flag_counts[flag] for g in b.groups.values()) == whole.flag_counts[flag]
    ids = sorted(v.id for key in b.groups for v in members(portfolio, kind, key))
    assert ids == sorted(v.id for v in portfolio.projects if v.facts.status == "active")


def test_funding_by_source_by_hand(store):
    build(store)
    b = breakdown(store, AS_OF, "funding")
    assert isinstance(b, FundingBreakdown)
    got = {s.source: (s.planned, s.received, s.received_rate) for s in b.sources}
    assert got == {
        "中央": (D(300), D(180), D(180) / D(300)),  # 200 − 20; P3's 99 is after the date
        "省": (None, D(0), None),
        "市": (None, D(0), None),
        "专项债": (D(1500), D(400), D(400) / D(1500)),
        "县财政": (D(700), D(100), D(100) / D(700)),
        "自筹": (None, D(30), None),
        "": (None, D(50), None),  # the entry that named no source
    }
    assert [s.source for s in b.sources] == ["中央", "省", "市", "专项债", "县财政", "自筹", ""]
    assert (b.count, b.planned, b.received, b.payments) == (4, D(2500), D(760), D(320))
    assert b.payment_rate == D(320) / D(760)
    assert b.received_rate == D(760) / D(2500)
    # the sources add up to 到位资金 as the portfolio's figures have it
    portfolio = load_portfolio(store, AS_OF)
    active = [v for v in portfolio.projects if v.facts.status == "active"]
    assert sum(s.received for s in b.sources) == portfolio.totals(active).funds_received
    assert b.payments == portfolio.totals(active).payments


def test_the_funds_by_source_query_agrees_with_the_entries(store):
    ids = build(store)
    got = store.funds_by_source_all(AS_OF)
    assert got == {ids[0]: {"中央": D(180), "县财政": D(100)},
                   ids[1]: {"": D(50), "专项债": D(400)},
                   ids[3]: {"自筹": D(30)}, ids[4]: {"中央": D(1000)}}
    assert store.funds_by_source_all(AS_OF, [ids[1]]) == {ids[1]: {"": D(50), "专项债": D(400)}}
    later = store.funds_by_source_all(AS_OF.replace(month=12))
    assert later[ids[2]] == {"中央": D(99)}
    for pid in ids:  # the one-project query of the project view says the same
        assert store.funds_by_source(pid, AS_OF) == got.get(pid, {})


def test_an_unknown_kind_is_refused(store):
    with pytest.raises(BadUsage):
        breakdown(store, AS_OF, "village")


@pytest.mark.parametrize("kind", ["township", "unit"])
def test_on_the_sample_annex_the_groups_add_up_too(loaded_store, kind):
    import datetime as dt

    day = dt.date(2023, 6, 30)
    portfolio = load_portfolio(loaded_store, day)
    b = breakdown(loaded_store, day, kind)
    assert isinstance(b, GroupBreakdown)
    whole = portfolio.totals([v for v in portfolio.projects if v.facts.status == "active"])
    assert b.total == whole and whole.count > 80
    for name in ("count", "total_investment", "annual_plan", "actual_this_year", "new_places",
                 "funds_received", "payments", "cumulative_actual", "actual_to_date"):
        assert sum(getattr(g, name) for g in b.groups.values()) == getattr(whole, name), name
    assert sum(sum(g.flag_counts.values()) for g in b.groups.values()) == whole.count
    assert len(b.groups) > 1 and "" not in list(b.groups)[:-1]  # (未填), if any, last
