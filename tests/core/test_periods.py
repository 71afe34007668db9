"""Report periods: months and quarters with their first and last days, names that sort in time
order within a kind, and malformed ones refused."""

from __future__ import annotations

import datetime as dt

import pytest

from projtrack.core.periods import parse_period, period_of, resolve_period


@pytest.mark.parametrize("kind, text, name, start, end", [
    ("monthly", "2026-11", "2026-11", "2026-11-01", "2026-11-30"),
    ("monthly", "2024-2", "2024-02", "2024-02-01", "2024-02-29"),  # a leap February
    ("monthly", "2026-12", "2026-12", "2026-12-01", "2026-12-31"),
    ("quarterly", "2026-Q4", "2026-Q4", "2026-10-01", "2026-12-31"),
    ("quarterly", "2026q1", "2026-Q1", "2026-01-01", "2026-03-31"),
    ("quarterly", "2026-Q2", "2026-Q2", "2026-04-01", "2026-06-30"),
    ("weekly", "2026-W48", "2026-W48", "2026-11-23", "2026-11-29"),
])
def test_a_period_and_its_days(kind, text, name, start, end):
    p = parse_period(kind, text)
    assert (p.kind, p.name, p.start.isoformat(), p.end.isoformat()) == (kind, name, start, end)


@pytest.mark.parametrize("kind, text", [
    ("monthly", "2026-13"), ("monthly", "2026-0"), ("monthly", "2026-W48"), ("monthly", "11"),
    ("monthly", "1800-01"), ("quarterly", "2026-Q5"), ("quarterly", "2026-4"),
    ("weekly", "2026-48"), ("yearly", "2026"),
])
def test_malformed_periods_are_refused(kind, text):
    with pytest.raises(ValueError):
        parse_period(kind, text)


def test_the_default_period_contains_the_day():
    day = dt.date(2026, 12, 31)
    assert period_of("monthly", day).name == "2026-12"
    assert period_of("quarterly", day).name == "2026-Q4"
    assert period_of("quarterly", dt.date(2026, 4, 1)).name == "2026-Q2"
    assert resolve_period("weekly", None, day).name == "2026-W53"
    assert resolve_period("monthly", "2026-03", day).name == "2026-03"


def test_names_sort_in_time_order_within_a_kind():
    months = [period_of("monthly", dt.date(2026, m, 1)).name for m in range(1, 13)]
    assert months == sorted(months)
    quarters = [period_of("quarterly", dt.date(2026, m, 1)).name for m in (1, 4, 7, 10)]
    assert quarters == sorted(quarters) and sorted(["2027-Q1", "2026-Q4"])[0] == "2026-Q4"


def test_actual_in_period_is_the_difference_of_the_cumulative_sums():
    from decimal import Decimal as D

    from projtrack.core.figures import LedgerSums
    from projtrack.core.periods import actual_in_period

    at_end = {1: LedgerSums(actual_to_date=D("130.75")), 2: LedgerSums(actual_to_date=D("5")),
              3: LedgerSums(actual_to_date=D("40"))}
    before = {1: LedgerSums(actual_to_date=D("100")), 3: LedgerSums(actual_to_date=D("50"))}
    # 2 had nothing before the period; 3 was reversed in it; 4 has nothing at all
    assert actual_in_period(at_end, before) == {1: D("30.75"), 2: D("5"), 3: D("-10")}
