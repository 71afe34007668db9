"""As-of dates, ISO weeks and the time progress of a year (序时进度)."""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache


def days_in_year(year: int) -> int:
    return 366 if _calendar.isleap(year) else 365


def day_of_year(d: dt.date) -> int:
    """1 January is day 1."""
    return d.timetuple().tm_yday


@lru_cache(maxsize=1024)
def year_position(d: dt.date) -> tuple[int, int]:
    """(d's day of the year, days in that year).  Cached: a portfolio asks for the same as-of
    date once per project."""
    return day_of_year(d), days_in_year(d.year)


@lru_cache(maxsize=1024)
def time_progress(d: dt.date) -> Decimal:
    """序时进度: d's day of the year ÷ days in that year, exact (e.g. 2024-12-31 → 1).
    Cached, as ``year_position`` is."""
    day, days = year_position(d)
    return Decimal(day) / Decimal(days)


_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


WEEK_YEARS = (1900, 2200)  # the years projtrack.typed takes in a date (typed.YEARS)


def parse_iso_week(text: str) -> tuple[dt.date, dt.date]:
    """'2026-W48' → (its Monday, its Sunday).  Raises ValueError."""
    m = _WEEK.match(text.strip())
    if not m:
        raise ValueError(f"not an ISO week (such as 2026-W48): {text!r}")
    year, week = int(m[1]), int(m[2])
    if not WEEK_YEARS[0] < year < WEEK_YEARS[1]:  # a slip, as projtrack.typed reads a year
        raise ValueError(f"no such ISO week: {text!r}")
    try:
        monday = dt.date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise ValueError(f"no such ISO week: {text!r}") from exc
    return monday, monday + dt.timedelta(days=6)


def iso_week_of(d: dt.date) -> str:
    """The ISO week containing ``d``: '2026-W48' (a week of early January may belong to the
    previous year, one of late December to the next)."""
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def week_bounds(d: dt.date) -> tuple[dt.date, dt.date]:
    """The Monday and the Sunday of the ISO week containing ``d`` (inclusive)."""
    monday = d - dt.timedelta(days=d.weekday())
    return monday, monday + dt.timedelta(days=6)


def resolve_week(week: str | None, as_of: dt.date) -> tuple[str, dt.date, dt.date]:
    """``week`` ("2026-W48"), else the ISO week containing ``as_of`` — the default week of the
    weekly report and of the progress fill-in sheet, in the CLI and the terminal UI alike —
    as (its name, its Monday, its Sunday).  Raises ValueError for a malformed week."""
    monday, sunday = parse_iso_week(week) if week else week_bounds(as_of)
    return iso_week_of(monday), monday, sunday


def fridays(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every Friday from start to end, inclusive."""
    d = start + dt.timedelta(days=(4 - start.weekday()) % 7)
    out = []
    while d <= end:
        out.append(d)
        d += dt.timedelta(days=7)
    return out


def autumn_term_start(year: int) -> dt.date:
    """New places are due for the autumn term: 投用 by 31 August of the end year."""
    return dt.date(year, 8, 31)
