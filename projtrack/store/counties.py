"""Counties (区县) in the database: which counties its projects belong to, how many each, and
giving the projects without a county yet ('' — a database from before schema 0010 whose
``county`` setting was not set) the county an officer names, audited row by row."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlmodel import Session

from projtrack.core.terms import Status
from projtrack.errors import BadData
from projtrack.store.bulk import insert_columns
from projtrack.store.models import AuditLog, Project, Setting, table
from projtrack.store.repo import Store, actor, record_audit

COUNTY_SETTING = "county"


@dataclass(frozen=True)
class CountyCount:
    county: str  # '' not yet named
    active: int
    withdrawn: int

    @property
    def projects(self) -> int:
        return self.active + self.withdrawn


def county_counts(store: Store) -> list[CountyCount]:
    """Every county the projects belong to ('' first when some have none), with its active
    and withdrawn projects, by name."""
    p = table(Project).c
    with store.read() as s:
        rows = s.execute(select(p.county, p.status, func.count()).group_by(p.county, p.status)).all()
    counts: dict[str, list[int]] = {}
    for county, status, n in rows:
        slot = counts.setdefault(county or "", [0, 0])
        slot[0 if status == Status.ACTIVE else 1] += int(n)
    return [CountyCount(c, a, w) for c, (a, w) in sorted(counts.items())]


def counties_in(session: Session) -> list[str]:
    """The named counties of the stored projects, by name."""
    p = table(Project).c
    return sorted(c for (c,) in session.execute(select(p.county).distinct()) if c)


def unnamed_projects(session: Session) -> int:
    p = table(Project).c
    return session.execute(select(func.count()).select_from(table(Project))
                           .where(p.county == "")).scalar_one()


def assign_unnamed(session: Session, county: str, *, context: str) -> int:
    """Give every project without a county ``county`` (in ``session``'s write transaction),
    one audit row each: how many.  Refused by the database (uq_project_county_name) when a
    project of ``county`` already has one of their names."""
    p = table(Project).c
    ids = [pid for (pid,) in session.execute(select(p.id).where(p.county == "").order_by(p.id))]
    if not ids:
        return 0
    theirs = select(p.name).where(p.county == county)
    taken = sorted(n for (n,) in session.execute(
        select(p.name).where(p.county == "", p.name.in_(theirs))))
    if taken:
        raise BadData("err.county_name_taken", county=county, n=len(taken),
                      names="、".join(taken[:5]))
    conn = session.connection()
    conn.execute(update(table(Project)).where(p.county == "").values(
        county=county, version=p.version + 1))
    n = len(ids)
    now = dt.datetime.now(dt.UTC)
    insert_columns(conn, table(AuditLog), {
        "at": [now] * n, "user": [actor(session)] * n, "action": ["update"] * n,
        "entity": ["project"] * n, "entity_id": ids, "project_id": ids, "field": ["county"] * n,
        "old_value": [""] * n, "new_value": [county] * n, "context": [context] * n})
    return n


def setting_county(session: Session) -> str | None:
    row = session.get(Setting, COUNTY_SETTING)
    if row is None:
        return None
    value = json.loads(row.value)
    return value.strip() if isinstance(value, str) and value.strip() else None


def set_county_setting(session: Session, county: str, *, context: str) -> None:
    """The ``county`` setting, in ``session``'s write transaction (audited)."""
    text = json.dumps(county, ensure_ascii=False)
    row = session.get(Setting, COUNTY_SETTING)
    old = row.value if row else None
    if old == text:
        return
    if row is None:
        session.add(Setting(key=COUNTY_SETTING, value=text))
    else:
        row.value = text
        row.version += 1
    record_audit(session, action="update", entity="setting", entity_id=None, project_id=None,
                 field=COUNTY_SETTING, old=old, new=text, context=context)


def name_county(store: Store, county: str, *, context: str = "county set") -> tuple[int, bool]:
    """``projtrack county set``: the projects without a county get ``county`` and the
    ``county`` setting becomes it, in one transaction: (projects given it, setting changed)."""
    with store.write() as s:
        before = setting_county(s)
        n = assign_unnamed(s, county, context=context)
        set_county_setting(s, county, context=context)
        return n, before != county


def known_counties(store: Store) -> list[str]:
    """The named counties of the stored projects, by name."""
    with store.read() as s:
        return counties_in(s)
