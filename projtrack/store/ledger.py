"""New rows of the append-only ledger (完成投资, 到位资金, 拨付) and of 形象进度: built here,
from core types, for the writers that add many at once.  The database refuses any update or
delete of them (migration 0003); a correction is a reversal entry."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session

from projtrack.core.types import Entry, ProgressPoint
from projtrack.store.models import LedgerEntry, ProgressEntry


def add_entries(session: Session, entries: Iterable[Entry], *, origin: str, user: str) -> None:
    """Add ``entries`` (their ``id`` is ignored: the database gives one) in ``session``, in
    order, each recorded as made by ``user`` from ``origin``."""
    session.add_all(LedgerEntry(project_id=e.project_id, kind=e.kind, entry_date=e.date,
                                amount=e.amount, source=e.source, note=e.note, origin=origin,
                                created_by=user) for e in entries)


def add_progress(session: Session, points: Iterable[ProgressPoint], *, origin: str,
                 user: str) -> None:
    """Add 形象进度 ``points`` in ``session``, in order (as ``add_entries`` does)."""
    session.add_all(ProgressEntry(project_id=p.project_id, entry_date=p.date, stage=p.stage,
                                  percent=p.percent, note=p.note, origin=origin, created_by=user)
                    for p in points)
