"""A city's figures are its counties' added up (core.groups.by_county): every sum to the last
digit, the rates from the sums; a county's database has one county and no county level."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from projtrack.core.groups import GroupFigures
from projtrack.services.portfolio import load_portfolio
from tests.conftest import COUNTIES
from tests.reports.demo import AS_OF

SUMMED = [f.name for f in dataclasses.fields(GroupFigures)
          if f.type in ("Decimal", "int") and f.name not in ("new_places",)] + ["new_places"]
RATES = ("annual_completion_rate", "cumulative_completion_rate", "points_vs_time",
         "variance_rate", "year_end_forecast_rate", "time_progress")


def test_city_is_the_sum_of_its_counties(county_store):
    p = load_portfolio(county_store, AS_OF)
    assert p.counties == COUNTIES and p.multi_county
    city, counties = p.totals_and_by_county()
    assert list(counties) == list(COUNTIES)
    sums = [n for n in SUMMED if n not in RATES]
    assert "annual_plan" in sums and "planned_to_date" in sums and "variance" in sums
    for name in sums:
        total = sum((getattr(g, name) for g in counties.values()),
                    Decimal(0) if isinstance(getattr(city, name), Decimal) else 0)
        assert getattr(city, name) == total, name  # exact, PV and 偏差 included
    for flag in city.flag_counts:
        assert city.flag_counts[flag] == sum(g.flag_counts[flag] for g in counties.values())
    assert city.count == sum(1 for v in p.projects if v.facts.status != "withdrawn")
    # the rates from the city's sums, never an average of the counties' rates
    assert city.annual_completion_rate == city.actual_this_year / city.annual_plan
    assert city.points_vs_time == city.annual_completion_rate - city.time_progress
    # and the exact sums are those of the whole portfolio, project by project
    whole = p.totals()
    for name in ("annual_plan", "actual_this_year", "total_investment", "count"):
        assert getattr(city, name) == getattr(whole, name), name


def test_a_county_portfolio_holds_its_projects_only(county_store):
    p = load_portfolio(county_store, AS_OF)
    _, counties = p.totals_and_by_county()
    for county in COUNTIES:
        mine = p.of_county(county)
        assert {v.facts.county for v in mine.projects} == {county}
        assert dataclasses.replace(mine.totals(), key=county) == counties[county]
        assert not mine.multi_county


def test_one_county_has_no_county_level(demo_store):
    p = load_portfolio(demo_store, AS_OF)  # the demo is one county's, 平阳县 (its annex's title)
    assert p.counties == ("平阳县",) and not p.multi_county
    city, counties = p.totals_and_by_county()
    assert list(counties) == ["平阳县"]
    assert city.annual_plan == p.totals().annual_plan
