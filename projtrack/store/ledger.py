"""The append-only ledger (完成投资, 到位资金, 拨付) and 形象进度: its one writer.  ``Ledger`` is
what a verb reads and appends inside one transaction (``ledger_write``: a cumulative entry's
read-modify-write, a progress return's plan and its entries); ``add_entries`` and
``add_progress`` build rows from core types for the writers that add many at once.  The database refuses any update or
delete of them (migration 0003); a correction is a reversal entry.  Being append-only, they
also say cheaply what changed since a moment (``watermark``, ``changes``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select, type_coerce
from sqlmodel import Session

from projtrack.core.money import ZERO
from projtrack.core.records import LedgerRecord, ProgressRecord
from projtrack.core.types import ACTUAL, Entry, ProgressPoint, ProjectFacts
from projtrack.errors import BadUsage
from projtrack.store.edits import Edits
from projtrack.store.models import (
    ImportRun,
    LedgerEntry,
    Milestone,
    ProgressEntry,
    Project,
    table,
)
from projtrack.store.repo import MAX_ID, Store, actor, record_audit, to_facts
from projtrack.store.types import Scaled


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


@dataclass(frozen=True)
class Watermark:
    """What a plan made outside the write transaction was made against, for the projects it
    read: the newest ledger and 形象进度 entry ids (both tables are append-only, so any entry
    added later has a higher id — writers are serialised, so ids are given in commit order),
    each project's name and status, and the milestones' dates and versions.  ``changes`` tells,
    inside the write transaction, which of those projects changed since."""

    ledger_max: int
    progress_max: int
    projects: dict[int, tuple[str, str]]
    milestones: dict[tuple[int, str], tuple[object, int]]
    milestone_projects: frozenset[int]


def _chunks(ids: Iterable[int], size: int = 5000) -> Iterator[list[int]]:
    """Ids in chunks under every engine's limit of bound parameters."""
    items = sorted(ids)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _project_rows(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    c = table(Project).c
    out: dict[int, tuple[str, str]] = {}
    for chunk in _chunks(ids):
        out.update((pid, (name, status)) for pid, name, status in session.connection().execute(
            select(c.id, c.name, c.status).where(c.id.in_(chunk))))
    return out


def _milestone_rows(session: Session, ids: Iterable[int]
                    ) -> dict[tuple[int, str], tuple[object, int]]:
    c = table(Milestone).c
    out: dict[tuple[int, str], tuple[object, int]] = {}
    for chunk in _chunks(ids):
        out.update(((pid, name), (actual, version)) for pid, name, actual, version in
                   session.connection().execute(select(c.project_id, c.name, c.actual, c.version)
                                                .where(c.project_id.in_(chunk))))
    return out


def _max_id(session: Session, model: type) -> int:
    return session.connection().execute(select(func.max(table(model).c.id))).scalar() or 0


def watermark(session: Session, project_ids: Iterable[int],
              milestone_projects: Iterable[int]) -> Watermark:
    """The state of ``project_ids`` (and the milestones of ``milestone_projects``) as
    ``session`` sees it: read in the same snapshot as the plan it guards."""
    ms = frozenset(milestone_projects)
    return Watermark(_max_id(session, LedgerEntry), _max_id(session, ProgressEntry),
                     _project_rows(session, project_ids), _milestone_rows(session, ms), ms)


def changes(session: Session, mark: Watermark, kind: str) -> dict[int, list[str]]:
    """The projects of ``mark`` that changed since it was taken, as ``session`` sees them (the
    write transaction), each with what changed: a new ``kind`` (完成投资) or 形象进度 entry
    ("完成投资 #812 wang"), its name or status, a milestone's date."""
    out: dict[int, list[str]] = {}
    le = table(LedgerEntry).c
    for eid, pid, created_by in session.connection().execute(
            select(le.id, le.project_id, le.created_by)
            .where(le.id > mark.ledger_max, le.kind == kind).order_by(le.id)):
        if pid in mark.projects:
            out.setdefault(pid, []).append(f"{kind} #{eid} {created_by}".rstrip())
    pe = table(ProgressEntry).c
    for eid, pid, created_by in session.connection().execute(
            select(pe.id, pe.project_id, pe.created_by)
            .where(pe.id > mark.progress_max).order_by(pe.id)):
        if pid in mark.projects:
            out.setdefault(pid, []).append(f"形象进度 #{eid} {created_by}".rstrip())
    now = _project_rows(session, mark.projects)
    for pid, before in mark.projects.items():
        if now.get(pid) != before:
            out.setdefault(pid, []).append("项目")
    milestones = _milestone_rows(session, mark.milestone_projects)
    for key in sorted(set(milestones) | set(mark.milestones)):
        if milestones.get(key) != mark.milestones.get(key):
            out.setdefault(key[0], []).append(key[1])
    return out


# --- one transaction's work on the ledger -------------------------------------------------------

@dataclass(frozen=True)
class NewEntry:
    """A money entry to add (``amount`` the increment; ``entered_cumulative`` and ``basis``
    how a cumulative figure was typed; ``origin`` where it came from, also its audit context)."""

    project_id: int
    kind: str
    date: dt.date
    amount: Decimal
    origin: str
    entered_cumulative: Decimal | None = None
    basis: str | None = None
    correction: bool = False
    source: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class NewProgress:
    """A 形象进度 entry to add (as ``NewEntry``)."""

    project_id: int
    date: dt.date
    stage: str | None
    percent: Decimal | None
    origin: str
    note: str | None = None


@contextmanager
def ledger_write(store: Store) -> Iterator[Ledger]:
    """One write transaction on the ledger (``BEGIN IMMEDIATE`` on SQLite): what a writer
    reads through the ``Ledger`` it is given is what it writes against.  Committed when the
    block ends, rolled back on error."""
    with store.write() as session:
        yield Ledger(session)


@contextmanager
def ledger_read(store: Store) -> Iterator[Ledger]:
    """The ledger as a read transaction sees it (the ``consistent()`` one when inside it)."""
    with store.read() as session:
        yield Ledger(session)


class Ledger:
    """The ledger, 形象进度 and what they are checked against, inside one transaction: reads
    that return core types, and the appends (each entry with its audit row)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # --- reads ---------------------------------------------------------------------------------
    def project(self, project_id: int) -> ProjectFacts:
        """The project's facts (its plans left out); a usage error when there is none."""
        p = self.session.get(Project, project_id) if 0 < project_id <= MAX_ID else None
        if p is None:
            raise BadUsage("err.project_not_found", ref=project_id)
        return to_facts(p)

    def find_project(self, project_id: int) -> ProjectFacts | None:
        """The project's facts (its plans left out), or None."""
        p = self.session.get(Project, project_id) if 0 < project_id <= MAX_ID else None
        return to_facts(p) if p is not None else None

    def amounts(self, project_id: int, kind: str, upto: dt.date) -> list[tuple[dt.date, Decimal]]:
        """The project's ``kind`` entries dated up to ``upto``: (date, increment)."""
        e = table(LedgerEntry).c
        return [(d, a) for d, a in self.session.execute(
            select(e.entry_date, e.amount)
            .where(e.project_id == project_id, e.kind == kind, e.entry_date <= upto)).all()]

    def total(self, project_id: int, kind: str, upto: dt.date) -> Decimal:
        """Σ of the project's ``kind`` entries dated up to ``upto`` (exact, in the database)."""
        e = table(LedgerEntry).c
        return self.session.execute(
            select(type_coerce(func.coalesce(func.sum(e.amount), 0), Scaled(6)))
            .where(e.project_id == project_id, e.kind == kind, e.entry_date <= upto)
        ).scalar_one() or ZERO

    def unreversed_amounts(self, project_id: int, kind: str, origin_like: str) -> list[Decimal]:
        """The increments of the project's ``kind`` entries whose origin is like
        ``origin_like``, given as increments (no cumulative typed) and not reversed since."""
        e = table(LedgerEntry).c
        reversed_ids = select(e.reverses_id).where(e.reverses_id.is_not(None))
        return list(self.session.execute(
            select(e.amount).where(e.project_id == project_id, e.kind == kind,
                                   e.origin.like(origin_like), e.entered_cumulative.is_(None),
                                   e.id.not_in(reversed_ids))).scalars())

    def last_percent(self, project_id: int, upto: dt.date) -> tuple[dt.date, Decimal] | None:
        """The latest percent recorded up to ``upto`` (neither undone nor an undo), with its
        date."""
        e = table(ProgressEntry).c
        undone = select(e.reverses_id).where(e.reverses_id.is_not(None))
        row = self.session.execute(
            select(e.entry_date, e.percent)
            .where(e.project_id == project_id, e.entry_date <= upto, e.percent.is_not(None),
                   e.reverses_id.is_(None), e.id.not_in(undone))
            .order_by(e.entry_date.desc(), e.id.desc()).limit(1)).first()
        return (row[0], row[1]) if row else None

    def progress_on(self, project_id: int, day: dt.date) -> list[tuple[str | None, Decimal | None]]:
        """The (stage, percent) of every 形象进度 entry of the project dated ``day``."""
        e = table(ProgressEntry).c
        return [(s, p) for s, p in self.session.execute(
            select(e.stage, e.percent).where(e.project_id == project_id,
                                             e.entry_date == day)).all()]

    def milestone_actual(self, project_id: int, name: str) -> dt.date | None:
        m = table(Milestone).c
        return self.session.execute(select(m.actual).where(
            m.project_id == project_id, m.name == name)).scalar_one_or_none()

    def first_import(self, kind: str, sha256: str) -> dt.datetime | None:
        """When a file of this content was first imported as ``kind``, if ever."""
        r = table(ImportRun).c
        return self.session.execute(select(func.min(r.at)).where(
            r.kind == kind, r.sha256 == sha256)).scalar_one_or_none()

    def watermark(self, project_ids: Iterable[int], milestone_projects: Iterable[int]) -> Watermark:
        """``watermark`` in this transaction."""
        return watermark(self.session, project_ids, milestone_projects)

    def changes(self, mark: Watermark, kind: str) -> dict[int, list[str]]:
        """``changes`` in this transaction."""
        return changes(self.session, mark, kind)

    # --- appends -------------------------------------------------------------------------------
    def insert(self, items: Sequence[NewEntry | NewProgress]) -> list[LedgerRecord | ProgressRecord]:
        """Add ``items`` in order, in one flush, without audit rows (``audit`` adds them: a
        batch keeps its write transaction short that way); their records, ids given."""
        user = actor(self.session)
        rows: list[LedgerEntry | ProgressEntry] = []
        for i in items:
            if isinstance(i, NewEntry):
                rows.append(LedgerEntry(
                    project_id=i.project_id, kind=i.kind, entry_date=i.date, amount=i.amount,
                    entered_cumulative=i.entered_cumulative, basis=i.basis,
                    correction=i.correction, source=i.source, note=i.note, origin=i.origin,
                    created_by=user))
            else:
                rows.append(ProgressEntry(
                    project_id=i.project_id, entry_date=i.date, stage=i.stage,
                    percent=i.percent, note=i.note, origin=i.origin, created_by=user))
        self.session.add_all(rows)
        self.session.flush()
        return [entry_record(r) for r in rows]

    def audit(self, record: LedgerRecord | ProgressRecord) -> None:
        """The audit row of an entry just added, its origin as the context."""
        if isinstance(record, LedgerRecord):
            record_audit(self.session, action="entry", entity="ledger_entry",
                         entity_id=record.id, project_id=record.project_id, field=record.kind,
                         new=f"{record.entry_date} {record.amount}", context=record.origin)
        else:
            record_audit(self.session, action="entry", entity="progress_entry",
                         entity_id=record.id, project_id=record.project_id, field="形象进度",
                         new=f"{record.entry_date} {record.stage or ''} {record.percent}",
                         context=record.origin)

    def add_entry(self, entry: NewEntry) -> LedgerRecord:
        """Append a money entry with its audit row."""
        (record,) = self.insert([entry])
        assert isinstance(record, LedgerRecord)
        self.audit(record)
        return record

    def add_progress(self, point: NewProgress) -> ProgressRecord:
        """Append a 形象进度 entry with its audit row."""
        (record,) = self.insert([point])
        assert isinstance(record, ProgressRecord)
        self.audit(record)
        return record

    def set_milestone_actual(self, project_id: int, name: str, day: dt.date, *,
                             context: str) -> None:
        """Set a milestone's actual date (its row made when it has none), audited."""
        Edits(self.session).set_milestone(project_id, name, {"actual": day}, context=context,
                                          audit_all=True)

    def add_import_run(self, *, kind: str, file: str, sha256: str, summary: str) -> None:
        """Record that a file was imported (its counts in ``summary``, JSON)."""
        self.session.add(ImportRun(user=actor(self.session), kind=kind, file=file, sha256=sha256,
                                   summary=summary))
        self.session.flush()


def entry_record(row: LedgerEntry | ProgressEntry) -> LedgerRecord | ProgressRecord:
    """The record of a row just flushed (every column set in Python or by the flush)."""
    assert row.id is not None
    if isinstance(row, LedgerEntry):
        return LedgerRecord(row.id, row.project_id, row.kind, row.entry_date, row.amount,
                            row.entered_cumulative, row.source, row.note, row.reverses_id,
                            row.origin, row.created_at, row.created_by, row.correction,
                            row.basis)
    return ProgressRecord(row.id, row.project_id, row.entry_date, row.stage, row.percent,
                          row.note, row.reverses_id, row.origin, row.created_at, row.created_by)


# --- who has returned a week's figures ------------------------------------------------------------

@dataclass(frozen=True)
class ReturnRun:
    """A progress return imported for a week: the file, when, by whom, and the projects it gave
    a figure for (its import run's summary; runs recorded before that was kept list none)."""

    file: str
    at: dt.datetime
    user: str
    projects: tuple[int, ...]


@dataclass(frozen=True)
class WeekAnswers:
    """What the database records of a week's 完成投资: the returns imported for it, and the
    projects with an entry (by hand or from a return) dated in the week or made from a return
    of that week, neither undone nor an undo."""

    runs: tuple[ReturnRun, ...]
    entered: frozenset[int]


def week_answers(store: Store, period: str, monday: dt.date, sunday: dt.date) -> WeekAnswers:
    """``WeekAnswers`` of the ISO week ``period`` (``monday`` … ``sunday``, inclusive)."""
    import json

    e = table(LedgerEntry).c
    r = table(ImportRun).c
    with store.read() as s:
        undone = select(e.reverses_id).where(e.reverses_id.is_not(None))
        entered = frozenset(s.execute(
            select(e.project_id).distinct().where(
                e.kind == ACTUAL, e.reverses_id.is_(None), e.id.not_in(undone),
                (e.entry_date.between(monday, sunday)) | e.origin.like(f"progress:{period}:%"))
        ).scalars())
        rows = s.execute(select(r.file, r.at, r.user, r.summary).where(
            r.kind == "progress", r.summary.like(f'%"{period}"%')).order_by(r.id)).all()
    runs = []
    for file, at, user, summary in rows:
        try:
            data = json.loads(summary or "{}")
        except ValueError:
            continue
        if data.get("period") == period:
            runs.append(ReturnRun(file, at, user, tuple(int(i) for i in data.get("projects", ()))))
    return WeekAnswers(tuple(runs), entered)
