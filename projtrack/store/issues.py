"""The issues log's rows (``issue``, ``issue_update``, migration 0009): written and read here, every
SQL statement of it, and handed out as core records (``core.issues``).  Both tables are
append-only and hash-chained: an issue is raised once, each update is a new row, and every
write is audited with the database user.  The rules (the state moves forward, dates in order,
texts cleaned) are services.issues'; this module checks, inside the write transaction, what
only the stored rows can say (the project and the issue exist, the latest update as written)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable

from sqlalchemy import func, select
from sqlmodel import Session

from projtrack.core.issues import IssueUpdate, ProjectIssue
from projtrack.errors import BadUsage
from projtrack.store.models import IssueRow, IssueUpdateRow, Project, table
from projtrack.store.repo import MAX_ID, Store, actor, record_audit

CHUNK = 5000


def _updates(session: Session, issue_ids: list[int]) -> dict[int, list[IssueUpdate]]:
    c = table(IssueUpdateRow).c
    out: dict[int, list[IssueUpdate]] = defaultdict(list)
    for start in range(0, len(issue_ids), CHUNK):
        for r in session.execute(
                select(c.id, c.issue_id, c.update_date, c.text, c.status, c.who, c.created_at,
                       c.created_by)
                .where(c.issue_id.in_(issue_ids[start:start + CHUNK]))
                .order_by(c.issue_id, c.update_date, c.id)):
            out[r.issue_id].append(IssueUpdate(r.id, r.issue_id, r.update_date, r.text,
                                               r.status, r.who, r.created_at, r.created_by))
    return out


def read_issues(session: Session, *, project_ids: Iterable[int] | None = None,
                ids: Iterable[int] | None = None, raised_by: dt.date | None = None
                ) -> list[ProjectIssue]:
    """Issues (of ``project_ids``, or ``ids``; raised on or before ``raised_by``) with their
    updates, oldest first (raised earliest, then by id), read in ``session``."""
    c, p = table(IssueRow).c, table(Project).c
    stmt = (select(c.id, c.project_id, p.name, c.raised_on, c.text, c.owner, c.due,
                   c.created_at, c.created_by)
            .join_from(table(IssueRow), table(Project), p.id == c.project_id)
            .order_by(c.raised_on, c.id))
    if project_ids is not None:
        stmt = stmt.where(c.project_id.in_(list(project_ids)))
    if ids is not None:
        stmt = stmt.where(c.id.in_(list(ids)))
    if raised_by is not None:
        stmt = stmt.where(c.raised_on <= raised_by)
    rows = session.execute(stmt).all()
    updates = _updates(session, [r.id for r in rows])
    return [ProjectIssue(r.id, r.project_id, r.name, r.raised_on, r.text, r.owner, r.due,
                         r.created_at, r.created_by, tuple(updates.get(r.id, ())))
            for r in rows]


def issues(store: Store, *, project_ids: Iterable[int] | None = None,
           raised_by: dt.date | None = None) -> list[ProjectIssue]:
    with store.read() as s:
        return read_issues(s, project_ids=project_ids, raised_by=raised_by)


def issue(store: Store, issue_id: int) -> ProjectIssue:
    """One issue; BadUsage (exit 2) when there is none of that id."""
    with store.read() as s:
        found = read_issues(s, ids=[issue_id]) if 0 < issue_id <= MAX_ID else []
    if not found:
        raise BadUsage("err.issue_not_found", id=issue_id)
    return found[0]


def add_issue(store: Store, project_id: int, *, raised_on: dt.date, text: str,
              owner: str | None, due: dt.date | None, origin: str) -> ProjectIssue:
    """Raise an issue of ``project_id`` (BadUsage for no such project), audited."""
    with store.write() as s:
        if not (0 < project_id <= MAX_ID) or s.get(Project, project_id) is None:
            raise BadUsage("err.project_not_found", ref=project_id)
        row = IssueRow(project_id=project_id, raised_on=raised_on, text=text, owner=owner,
                       due=due, origin=origin, created_by=actor(s))
        s.add(row)
        s.flush()
        assert row.id is not None
        record_audit(s, action="create", entity="issue", entity_id=row.id,
                     project_id=project_id, field="issue", old=None, new=text,
                     context=_context(origin, owner, due))
        s.flush()
        return read_issues(s, ids=[row.id])[0]


def _context(origin: str, owner: str | None, due: dt.date | None) -> str:
    parts = [origin]
    if owner:
        parts.append(f"owner={owner}")
    if due is not None:
        parts.append(f"due={due.isoformat()}")
    return " ".join(parts)


def add_update(store: Store, issue_id: int, check: Callable[[ProjectIssue], None], *,
               update_date: dt.date, text: str | None, status: str | None, who: str,
               origin: str) -> ProjectIssue:
    """A new update of ``issue_id``, after ``check`` (the service's rules) accepted it against
    the issue as this write transaction reads it; audited (the state's move, or the update's
    text when the state stays).  BadUsage for no such issue."""
    with store.write() as s:
        if 0 < issue_id <= MAX_ID:
            # the issue row locked for this transaction on PostgreSQL (SQLite's write is
            # BEGIN IMMEDIATE already): two updates of one issue are checked one after the other
            locked = select(table(IssueRow).c.id).where(table(IssueRow).c.id == issue_id)
            if s.get_bind().dialect.name == "postgresql":
                locked = locked.with_for_update()
            s.execute(locked)
        found = read_issues(s, ids=[issue_id]) if 0 < issue_id <= MAX_ID else []
        if not found:
            raise BadUsage("err.issue_not_found", id=issue_id)
        current = found[0]
        check(current)
        row = IssueUpdateRow(issue_id=issue_id, project_id=current.project_id,
                             update_date=update_date, text=text, status=status, who=who,
                             origin=origin, created_by=actor(s))
        s.add(row)
        s.flush()
        if status is not None and status != current.state:
            record_audit(s, action="update", entity="issue", entity_id=issue_id,
                         project_id=current.project_id, field="status", old=current.state,
                         new=status, context=f"{origin} issue_update:#{row.id}")
        else:
            record_audit(s, action="entry", entity="issue_update", entity_id=row.id,
                         project_id=current.project_id, field="update", old=None, new=text,
                         context=f"{origin} issue:#{issue_id}")
        s.flush()
        return read_issues(s, ids=[issue_id])[0]


def projects_with_issues(session: Session, project_ids: Iterable[int]) -> set[int]:
    """Which of ``project_ids`` have issues (an annex import's undo keeps those projects: the
    issues' foreign key, and their history)."""
    c = table(IssueRow).c
    ids = list(project_ids)
    out: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        out.update(session.execute(select(c.project_id).where(
            c.project_id.in_(ids[start:start + CHUNK]))).scalars())
    return out


def count_issues(store: Store) -> int:
    with store.read() as s:
        return s.execute(select(func.count()).select_from(table(IssueRow))).scalar_one()
