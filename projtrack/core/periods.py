"""Report periods: an ISO week (2026-W48), a month (2026-11) or a quarter (2026-Q4).

A period is named by its kind and its text; its days run from ``start`` to ``end`` inclusive.
Names sort in time order within a kind (weeks and months zero-padded, Q1 … Q4), which is what
"the previous report of the same kind" relies on (``store.repo.Store.previous_snapshot``).
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from projtrack.core.calendar import WEEK_YEARS, resolve_week
from projtrack.core.figures import LedgerSums
from projtrack.core.money import ZERO

KINDS = ("weekly", "monthly", "quarterly")
COUNTY_MARK = "@"  # between a report's kind and its county in ``report_snapshot.kind``


def snapshot_kind(kind: str, county: str | None = None) -> str:
    """The ``report_snapshot.kind`` a report is frozen under: its kind ("weekly") for the report
    of the whole database (a county's own, or a city's consolidated one), "weekly@苍南县" for
    the report of one county of a city's database — so each county's reports, and the city's,
    have a history of their own ("what changed" compares a county's report with that county's
    previous one).  The one home of this encoding (the store and the services both use it)."""
    return kind if county is None else f"{kind}{COUNTY_MARK}{county}"


def snapshot_scope(stored: str) -> tuple[str, str | None]:
    """``snapshot_kind`` read back: (kind, county or None)."""
    kind, mark, county = stored.partition(COUNTY_MARK)
    return (kind, county) if mark else (kind, None)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    kind: str  # one of KINDS
    name: str  # "2026-W48", "2026-11", "2026-Q4"
    start: dt.date
    end: dt.date  # inclusive


def _year(text: str, raw: str) -> int:
    year = int(text)
    if not WEEK_YEARS[0] < year < WEEK_YEARS[1]:
        raise ValueError(f"no such period: {raw!r}")
    return year


def month_period(year: int, month: int) -> Period:
    last = _calendar.monthrange(year, month)[1]
    return Period("monthly", f"{year}-{month:02d}", dt.date(year, month, 1),
                  dt.date(year, month, last))


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * quarter - 2
    last = _calendar.monthrange(year, first + 2)[1]
    return Period("quarterly", f"{year}-Q{quarter}", dt.date(year, first, 1),
                  dt.date(year, first + 2, last))


def parse_period(kind: str, text: str) -> Period:
    """'2026-W48' / '2026-11' / '2026-Q4' for ``kind``.  Raises ValueError."""
    raw = text.strip()
    if kind == "weekly":
        name, monday, sunday = resolve_week(raw, dt.date.today())
        return Period(kind, name, monday, sunday)
    if kind == "monthly":
        m = _MONTH.match(raw)
        if not m or not 1 <= int(m[2]) <= 12:
            raise ValueError(f"not a month (such as 2026-11): {text!r}")
        return month_period(_year(m[1], raw), int(m[2]))
    if kind == "quarterly":
        m = _QUARTER.match(raw)
        if not m:
            raise ValueError(f"not a quarter (such as 2026-Q4): {text!r}")
        return quarter_period(_year(m[1], raw), int(m[2]))
    raise ValueError(f"no such kind of period: {kind!r}")


def period_of(kind: str, d: dt.date) -> Period:
    """The period of ``kind`` containing ``d``."""
    if kind == "weekly":
        name, monday, sunday = resolve_week(None, d)
        return Period(kind, name, monday, sunday)
    if kind == "monthly":
        return month_period(d.year, d.month)
    if kind == "quarterly":
        return quarter_period(d.year, (d.month - 1) // 3 + 1)
    raise ValueError(f"no such kind of period: {kind!r}")


def resolve_period(kind: str, text: str | None, as_of: dt.date) -> Period:
    """``text``, else the period of ``kind`` containing ``as_of`` (the default of every report
    command).  Raises ValueError for a malformed period."""
    return parse_period(kind, text) if text else period_of(kind, as_of)


def actual_in_period(at_end: Mapping[int, LedgerSums],
                     before_start: Mapping[int, LedgerSums]) -> dict[int, Decimal]:
    """Each project's Σ 完成投资 dated in a period (reversals count): its cumulative 完成投资 at
    the period's last day (``at_end``) less the one on the day before its first
    (``before_start``); a project with no entries by the last day is absent."""
    return {pid: s.actual_to_date - (before_start[pid].actual_to_date
                                     if pid in before_start else ZERO)
            for pid, s in at_end.items()}
