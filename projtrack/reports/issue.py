"""Issuing a weekly report: build it, freeze it in ``report_snapshot``, or reprint a frozen one.

- A week already issued is reprinted from its snapshot, exactly as issued (entries back-dated
  since then do not change it).  ``reissue`` replaces the snapshot with today's figures.
- A week that is not over at the as-of date (its Sunday is later) is printed as a draft and
  not frozen; so is any report asked for with ``draft``.
- "What changed" compares with the latest report issued for an earlier week.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from projtrack.reports.model import WeeklyReport, from_data, to_data
from projtrack.reports.weekly import build_weekly, resolve_week
from projtrack.services.portfolio import load_portfolio
from projtrack.store.models import ReportSnapshot
from projtrack.store.repo import Store, os_user, record_audit

KIND = "weekly"

ISSUED, REISSUED, REPRINTED, DRAFT = "issued", "reissued", "reprinted", "draft"


@dataclass(frozen=True)
class Issued:
    report: WeeklyReport
    status: str  # issued | reissued | reprinted | draft
    week_not_over: bool = False  # a draft because the week ends after the as-of date


def _decode(row: ReportSnapshot) -> WeeklyReport:
    return from_data(WeeklyReport, json.loads(row.data))


def encode(report: WeeklyReport) -> tuple[str, str]:
    """The snapshot's JSON text and its sha256."""
    text = json.dumps(to_data(report), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_snapshot(store: Store, period: str) -> WeeklyReport | None:
    with store.read() as s:
        row = s.execute(select(ReportSnapshot).where(ReportSnapshot.kind == KIND,
                                                     ReportSnapshot.period == period)
                        ).scalar_one_or_none()
        return _decode(row) if row else None


def previous_snapshot(store: Store, period: str) -> WeeklyReport | None:
    """The latest report issued for a week before ``period`` (ISO week strings sort in order)."""
    with store.read() as s:
        row = s.execute(select(ReportSnapshot)
                        .where(ReportSnapshot.kind == KIND, ReportSnapshot.period < period)
                        .order_by(ReportSnapshot.period.desc()).limit(1)).scalar_one_or_none()
        return _decode(row) if row else None


def issued_periods(store: Store) -> list[str]:
    with store.read() as s:
        return list(s.execute(select(ReportSnapshot.period).where(ReportSnapshot.kind == KIND)
                              .order_by(ReportSnapshot.period)).scalars())


def _freeze(store: Store, report: WeeklyReport, *,
            replace_existing: bool) -> tuple[WeeklyReport, str]:
    report = replace(report, issued_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
                     issued_by=os_user(), draft=False)
    text, digest = encode(report)
    with store.write() as s:
        row = s.execute(select(ReportSnapshot).where(ReportSnapshot.kind == KIND,
                                                     ReportSnapshot.period == report.period)
                        ).scalar_one_or_none()
        old = row.sha256 if row else None
        if row is None:
            row = ReportSnapshot(kind=KIND, period=report.period)
            s.add(row)
        elif not replace_existing:  # someone issued it meanwhile
            return _decode(row), REPRINTED
        row.as_of, row.issued_at, row.issued_by = report.as_of, report.issued_at, report.issued_by
        row.data, row.sha256 = text, digest
        s.flush()
        record_audit(s, action="reissue" if old else "issue", entity="report_snapshot",
                     entity_id=row.id, project_id=None, field=f"{KIND} {report.period}",
                     old=old, new=digest)
    return report, REISSUED if old else ISSUED


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
