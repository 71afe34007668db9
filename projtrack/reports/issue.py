"""Issuing a weekly report: build it, freeze it in ``report_snapshot``, or reprint a frozen one.

- A week already issued is reprinted from its snapshot, exactly as issued (entries back-dated
  since then do not change it).  ``reissue`` replaces the snapshot with today's figures.
- A week that is not over at the as-of date (its Sunday is later) is printed as a draft and
  not frozen; so is any report asked for with ``draft``.
- "What changed" compares with the latest report issued for an earlier week.
- A portfolio without a project (a mistyped database, say) is refused: no empty week is issued.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, replace

from sqlalchemy.exc import IntegrityError

from projtrack.errors import BadData
from projtrack.reports.model import WeeklyReport, from_data, to_data
from projtrack.reports.weekly import build_weekly, resolve_week
from projtrack.services.portfolio import load_portfolio
from projtrack.store.repo import Store, os_user

KIND = "weekly"

ISSUED, REISSUED, REPRINTED, DRAFT = "issued", "reissued", "reprinted", "draft"


@dataclass(frozen=True)
class Issued:
    report: WeeklyReport
    status: str  # issued | reissued | reprinted | draft
    week_not_over: bool = False  # a draft because the week ends after the as-of date


def _decode(data: str) -> WeeklyReport:
    return from_data(WeeklyReport, json.loads(data))


def encode(report: WeeklyReport) -> tuple[str, str]:
    """The snapshot's JSON text and its sha256.  Keys keep the report's own order (fields as
    declared, counts in the order they were printed), not a sorted one: what is read back is
    what was printed."""
    text = json.dumps(to_data(report), ensure_ascii=False, separators=(",", ":"))
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_snapshot(store: Store, period: str) -> WeeklyReport | None:
    data = store.snapshot(KIND, period)
    return _decode(data) if data is not None else None


def previous_snapshot(store: Store, period: str) -> WeeklyReport | None:
    """The latest report issued for a week before ``period``."""
    data = store.previous_snapshot(KIND, period)
    return _decode(data) if data is not None else None


def issued_periods(store: Store) -> list[str]:
    return store.snapshot_periods(KIND)


def _freeze(store: Store, report: WeeklyReport, *,
            replace_existing: bool) -> tuple[WeeklyReport, str]:
    report = replace(report, issued_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
                     issued_by=os_user(), draft=False)
    text, digest = encode(report)
    action, data = store.freeze_snapshot(KIND, report.period, as_of=report.as_of,
                                         issued_at=report.issued_at, issued_by=report.issued_by,
                                         data=text, sha256=digest,
                                         replace_existing=replace_existing)
    if action == "kept":  # someone issued it meanwhile
        return _decode(data), REPRINTED
    return report, REISSUED if action == "reissue" else ISSUED


def county_name(store: Store) -> str | None:
    value = store.setting("county")
    return value.strip() if isinstance(value, str) and value.strip() else None


def issue_weekly(store: Store, *, week: str | None = None, as_of: dt.date,
                 draft: bool = False, reissue: bool = False) -> Issued:
    """The report for ``week`` (default: the ISO week containing ``as_of``), issued and frozen,
    reprinted, or a draft (see the module docstring).  Raises ValueError for a bad week."""
    period, monday, sunday = resolve_week(week, as_of)
    if not draft and not reissue:
        frozen = load_snapshot(store, period)
        if frozen is not None:
            return Issued(frozen, REPRINTED)
    not_over = sunday > as_of
    portfolio = load_portfolio(store, sunday, include_withdrawn=False)
    if not portfolio.projects:  # an empty week is no report: nothing issued, nothing frozen
        raise BadData("report.empty", period=period)
    report = build_weekly(portfolio, period=period, week_start=monday,
                          previous=previous_snapshot(store, period), county=county_name(store))
    if draft or not_over:
        return Issued(replace(report, draft=True), DRAFT, week_not_over=not_over)
    try:
        frozen, status = _freeze(store, report, replace_existing=reissue)
    except IntegrityError:  # issued by another process between our read and our write
        again = load_snapshot(store, period)
        if again is None:
            raise
        return Issued(again, REPRINTED)
    return Issued(frozen, status)
