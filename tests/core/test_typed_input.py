"""Dates and amounts as officers type them — and refused, with a code saying why, when they
could mean two things or lack a part."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from projtrack.core.money import NumberFormatError, parse_amount, read_number
from projtrack.core.units import DateFormatError, parse_date


@pytest.mark.parametrize("typed,code", [
    ("11/27", "no_year"), ("11-27", "no_year"), ("11.27", "no_year"), ("11月27日", "no_year"),
    ("11/27/24", "no_year"), ("Nov 27", "no_year"), ("03/04/2024", "ambiguous_order"),
    ("12/11/2024", "ambiguous_order"), ("31/02/2024", "no_such_day"), ("2024-02-30", "no_such_day"),
    ("", "required"), ("明天", "not_a_date"),
])
def test_dates_refused_with_their_reason(typed, code):
    with pytest.raises(DateFormatError) as exc:
        parse_date(typed)
    assert exc.value.code == code and exc.value.found == typed


@pytest.mark.parametrize("typed,day", [
    ("2024/11/27", dt.date(2024, 11, 27)), ("27/11/2024", dt.date(2024, 11, 27)),
    ("11/27/2024", dt.date(2024, 11, 27)), ("04/04/2024", dt.date(2024, 4, 4)),
    ("2024/3/4", dt.date(2024, 3, 4)), ("2024年3月4日", dt.date(2024, 3, 4)),
    ("27 Nov 2024", dt.date(2024, 11, 27)), ("２０２４－１１－２７", dt.date(2024, 11, 27)),
])
def test_dates_read_when_only_one_reading_exists(typed, day):
    assert parse_date(typed) == day


@pytest.mark.parametrize("typed", ["120,5", "12,05", "120，5", "1,2000", "1,20,000", ",500", "1,"])
def test_a_comma_that_does_not_group_three_digits_is_refused(typed):
    with pytest.raises(NumberFormatError) as exc:
        parse_amount(typed)
    assert exc.value.code == "bad_grouping" and exc.value.found == typed


@pytest.mark.parametrize("typed,value", [
    ("1,205", "1205"), ("3,600.5", "3600.5"), ("12,345,678.25", "12345678.25"),
    ("１，２００", "1200"), ("约2,000", "2000"),
])
def test_commas_grouping_thousands_are_read(typed, value):
    assert parse_amount(typed) == Decimal(value)


def test_an_annex_cell_with_a_stray_comma_is_not_read_as_a_bigger_number():
    with pytest.raises(NumberFormatError):
        read_number("3600,5")
