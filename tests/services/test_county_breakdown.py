"""``breakdown county``: a line per county, the total the city's (the sum of its counties')."""

from __future__ import annotations

from projtrack.services.breakdown import GroupBreakdown, breakdown, breakdown_output, members
from projtrack.services.portfolio import load_portfolio
from tests.conftest import COUNTIES
from tests.reports.demo import AS_OF


def test_by_county_the_total_is_the_sum_of_the_counties(county_store):
    b = breakdown(county_store, AS_OF, "county")
    assert isinstance(b, GroupBreakdown) and list(b.groups) == list(COUNTIES)
    assert b.total.annual_plan == sum(g.annual_plan for g in b.groups.values())
    assert b.total.variance == sum(g.variance for g in b.groups.values())
    assert b.total.count == sum(g.count for g in b.groups.values())
    portfolio = load_portfolio(county_store, AS_OF)
    for county, g in b.groups.items():
        listed = members(portfolio, "county", county)
        assert len(listed) == g.count and {v.facts.county for v in listed} == {county}


def test_the_csv_has_a_line_per_county_and_the_city(county_store):
    text = breakdown_output(county_store, AS_OF, "county", output="csv", lang="zh")
    lines = text.splitlines()
    assert lines[0].startswith("区县,项目数")
    assert [ln.split(",")[0] for ln in lines[1:]] == [*COUNTIES, "总计"]
    b = breakdown(county_store, AS_OF, "county")
    assert lines[-1].split(",")[1] == str(b.total.count)


def test_a_county_database_has_one_line(demo_store):
    """The demo is one county's (its annex's title names 平阳县): one line, the county's."""
    b = breakdown(demo_store, AS_OF, "county")
    assert isinstance(b, GroupBreakdown) and list(b.groups) == ["平阳县"]
    text = breakdown_output(demo_store, AS_OF, "county", lang="zh")
    assert "平阳县" in text and "(未填)" not in text


def test_in_a_city_a_township_is_one_countys(county_store):
    b = breakdown(county_store, AS_OF, "township")
    assert isinstance(b, GroupBreakdown)
    named = [k for k in b.groups if k]
    assert named and all(k.split("·")[0] in COUNTIES for k in named)
    assert "平阳县·鳌江镇" in b.groups and "苍南县·鳌江镇" in b.groups  # two groups, not one
    portfolio = load_portfolio(county_store, AS_OF)
    listed = members(portfolio, "township", "苍南县·鳌江镇")
    assert listed and {(v.facts.county, v.facts.township) for v in listed} == {("苍南县", "鳌江镇")}
    assert sum(g.count for g in b.groups.values()) == b.total.count
