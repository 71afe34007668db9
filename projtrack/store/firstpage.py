"""The first screen's rows of a SQLite database, read with the standard library's ``sqlite3``
alone — no SQLAlchemy, no SQLModel, no Alembic, whose imports cost more than the read — so the
terminal UI can paint its first page while the whole portfolio loads behind it.

Only what the portfolio table can order and filter in SQL exactly as the loaded table does
(``tui.model``: a stable sort on the raw value, a missing value last in either direction, ties
by id; grouped by category in the categories' order) is read here; anything else (a sort on a
figure, a filter on a figure or a text) is not this module's (the caller waits for the load).
What comes back is the raw data of those projects — their facts, ledger entries, progress
points and milestones, as stored — from which ``services.firstpage`` works out every figure with
the same ``core.figures`` functions, over those projects alone.

One read transaction: every query sees the same moment.  A database whose schema is not this
program's (``alembic_version`` is not the newest migration's), that cannot be opened or read,
gives None: the full load (``Store.open``) then says what is wrong with it.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from projtrack.core.frozen import maker
from projtrack.core.groups import county_of
from projtrack.core.terms import Category, Status
from projtrack.core.types import (
    CATEGORIES,
    Entry,
    MilestoneFacts,
    ProgressPoint,
    ProjectFacts,
)
from projtrack.store.exact import from_units
from projtrack.store.factrows import FACT_COLUMNS, facts_of
from projtrack.store.revisions import head_revision

RULES_KEY = "flag_rules"  # the setting the 红黄绿 rules are kept under (as store.repo's)

# the portfolio table's sort keys (tui.model.SORT_KEYS) that are a stored column, as SQL; the
# category's key is its place among CATEGORIES (another category: none)
_CATEGORY_PLACE = "CASE p.category " + " ".join(
    f"WHEN '{c.value}' THEN {i}" for i, c in enumerate(CATEGORIES)) + " END"
SQL_SORTS: dict[str, str] = {
    "id": "p.id", "name": "p.name", "category": _CATEGORY_PLACE, "annex_class": "p.annex_class",
    "township": "p.township", "total_investment": "p.total_investment", "land_mu": "p.land_mu",
    "new_places": "p.new_places",
}
# the group a project is under (core.groups.category_of: its own, else 其他)
_GROUP = f"COALESCE(NULLIF(p.category, ''), '{Category.OTHER.value}')"


_make_entry = maker(Entry)


@dataclass(frozen=True)
class Ask:
    """The first screen's rows: the filters SQL can apply, the order, how many projects."""

    sort: str = "id"
    descending: bool = False
    grouped: bool = True
    county: str | None = None  # core.groups.county_of's name
    category: str | None = None  # core.groups.category_of's
    annex_class: str | None = None
    show_withdrawn: bool = False
    limit: int = 60


@dataclass
class Read:
    """What the database holds for the first screen's projects, as stored."""

    facts: list[ProjectFacts]  # in the table's order
    entries: dict[int, list[Entry]]  # every ledger entry dated <= as_of
    points: dict[int, list[ProgressPoint]]  # 形象进度 points dated <= as_of, undone ones left out
    milestones: dict[int, tuple[MilestoneFacts, ...]]  # in their order
    rules: object | None  # the flag_rules setting as stored (JSON), None when never set
    project_count: int  # projects that pass the filter
    group_rows: dict[str, int] = field(default_factory=dict)  # of those, per category group
    group_counts: dict[str, int] = field(default_factory=dict)  # the same, withdrawn ones not counted
    counties: tuple[str, ...] = ()  # the counties of the projects not withdrawn (county_of)


def connect(path: str | Path) -> sqlite3.Connection | None:
    """The SQLite file at ``path`` opened read-only, when its schema is this program's."""
    try:
        conn = sqlite3.connect(f"file:{Path(path).as_posix()}?mode=ro", uri=True,
                               isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        found = [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
    except sqlite3.Error:
        conn.close()
        return None
    if found != [head_revision()]:
        conn.close()
        return None
    return conn


def read(path: str | Path, as_of: dt.date, ask: Ask) -> Read | None:
    """The first screen's projects of the database at ``path`` at ``as_of``; None when the
    database cannot be read this way (see the module's docstring) or ``ask`` cannot be ordered
    or filtered in SQL as the table does."""
    if ask.sort not in SQL_SORTS:
        return None
    conn = connect(path)
    if conn is None:
        return None
    try:
        conn.execute("BEGIN")  # one snapshot for every query below
        try:
            return _read(conn, as_of, ask)
        finally:
            conn.execute("ROLLBACK")
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def _read(conn: sqlite3.Connection, as_of: dt.date, ask: Ask) -> Read | None:
    """The queries read the project table's indexes where they can (its rows are wide — the
    annex's text and facts — and a scan of 100,000 of them took seconds): the categories,
    counties and counts from the category and county indexes, the withdrawn projects (few)
    through the status index and left out in Python, the order from an index holding the
    columns it sorts on when there is one.  A filter on the county or the annex class reads
    the rows themselves."""
    withdrawn_value = Status.WITHDRAWN.value
    categories = {r[0] for r in conn.execute("SELECT DISTINCT category FROM project")}
    if categories - {None, ""} - {c.value for c in CATEGORIES}:
        return None  # a category the table groups by first appearance: left to the full load
    withdrawn = {pid: (category, county) for pid, category, county in conn.execute(
        "SELECT id, category, county FROM project WHERE status = ?", (withdrawn_value,))}
    per_county: dict[str, int] = {}
    for raw, n in conn.execute("SELECT county, COUNT(*) FROM project GROUP BY county"):
        per_county[raw] = n
    for _, raw in withdrawn.values():
        per_county[raw] -= 1
    counties = tuple(sorted({county_of(_county_only(c)) for c, n in per_county.items() if n > 0},
                            key=lambda k: (k == "", k)))
    where: list[str] = []
    params: list[object] = []
    if ask.county is not None:  # county_of trims in Python: the stored spellings that trim to it
        spelled = [c for c in per_county if county_of(_county_only(c)) == ask.county]
        where.append(f"p.county IN ({', '.join('?' * len(spelled)) or 'NULL'})")
        params.extend(spelled)
    if ask.annex_class:
        where.append("p.annex_class = ?")
        params.append(ask.annex_class)
    by_rows = bool(where)  # filters the indexes do not hold
    if ask.category:
        cond, values = _group_is(ask.category)
        where.append(cond)
        params.extend(values)
    skip: set[int] = set() if ask.show_withdrawn else set(withdrawn)
    if by_rows and not ask.show_withdrawn:
        where.append("p.status <> ?")
        params.append(withdrawn_value)
    scope = (" WHERE " + " AND ".join(where)) if where else ""
    counts: dict[str, int] = {}
    active: dict[str, int] = {}
    if by_rows:
        for group, n, kept in conn.execute(
                f"SELECT {_GROUP}, COUNT(*), SUM(CASE WHEN p.status <> ? THEN 1 ELSE 0 END) "
                f"FROM project p{scope} GROUP BY 1", [withdrawn_value, *params]):
            counts[str(group)], active[str(group)] = n, kept
    else:
        for category, n in conn.execute(f"SELECT p.category, COUNT(*) FROM project p{scope} "
                                        "GROUP BY p.category", params):
            group = category or Category.OTHER.value  # core.groups.category_of
            counts[group] = active[group] = counts.get(group, 0) + n
        for category, _ in withdrawn.values():
            group = category or Category.OTHER.value
            if group not in counts:
                continue  # not in the category asked for
            active[group] -= 1
            if not ask.show_withdrawn:
                counts[group] -= 1
        counts = {g: n for g, n in counts.items() if n > 0}
        active = {g: active[g] for g in counts}
    ids = _ordered_ids(conn, ask, where, params, skip)
    place = {pid: i for i, pid in enumerate(ids)}
    rows = sorted(conn.execute(
        f"SELECT {_PROJECT_COLUMNS} FROM project p WHERE p.id IN ({_in(ids)})").fetchall(),
        key=lambda r: place[r[0]])
    facts = _facts(conn, rows, ids)
    stored = conn.execute("SELECT value FROM setting WHERE key = ?", (RULES_KEY,)).fetchone()
    return Read(facts=facts, entries=_entries(conn, ids, as_of),
                points=_points(conn, ids, as_of), milestones=_milestones(conn, ids),
                rules=json.loads(stored[0]) if stored else None,
                project_count=sum(counts.values()), group_rows=counts, group_counts=active,
                counties=counties)


def _group_is(group: str) -> tuple[str, list[object]]:
    """SQL for "in the category group ``group``" (``core.groups.category_of``) that the category
    index can answer."""
    if group == Category.OTHER.value:
        return "(p.category = ? OR p.category = '' OR p.category IS NULL)", [group]
    return "p.category = ?", [group]


def _ordered_ids(conn: sqlite3.Connection, ask: Ask, where: list[str], params: list[object],
                 skip: set[int]) -> list[int]:
    """The first ``ask.limit`` ids in the table's order (``skip`` left out): grouped, one
    query per category group in the groups' order (each from the category index, already in
    id order for the default sort), read only as far as the page needs."""
    key, direction = SQL_SORTS[ask.sort], "DESC" if ask.descending else "ASC"
    if ask.sort == "id":  # never missing
        order = f"p.id {direction}"
    else:  # tui.model.sort_views: known values by (value, id) either way, then the missing by id
        order = ", ".join((f"({key}) IS NULL", f"CASE WHEN ({key}) IS NULL THEN p.id END",
                           f"{key} {direction}", f"p.id {direction}"))
    blocks: list[tuple[list[str], list[object]]] = [([], [])]
    if ask.grouped:
        blocks = [([cond], values) for cond, values in
                  (_group_is(c.value) for c in CATEGORIES if not ask.category or c == ask.category)]
    ids: list[int] = []
    for extra, values in blocks:
        if len(ids) >= ask.limit:
            break
        clauses = [*where, *extra]
        scope = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        for (pid,) in conn.execute(f"SELECT p.id FROM project p{scope} ORDER BY {order}",
                                   [*params, *values]):
            if pid not in skip:
                ids.append(pid)
                if len(ids) >= ask.limit:
                    break
    return ids


def _county_only(county: str | None) -> ProjectFacts:
    return ProjectFacts(id=None, name="", county=county or "")


_PROJECT_COLUMNS = ", ".join("p." + c for c in FACT_COLUMNS)


def _in(ids: Sequence[int]) -> str:
    return ", ".join(str(int(i)) for i in ids) or "NULL"


def _money(value: int | None) -> Decimal | None:
    return None if value is None else from_units(int(value))


def _day(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(str(value))


def _facts(conn: sqlite3.Connection, rows: list, ids: list[int]) -> list[ProjectFacts]:
    """The projects as ``Store.projects`` builds them (the same fields, types and defaults)."""
    plans: dict[int, dict[int, Decimal]] = {}
    for pid, year, amount in conn.execute(
            f"SELECT project_id, year, amount FROM annual_plan WHERE project_id IN ({_in(ids)}) "
            "ORDER BY project_id, year"):
        plans.setdefault(pid, {})[year] = from_units(int(amount))
    funding: dict[int, dict[str, Decimal]] = {}
    for pid, source, amount in conn.execute(
            f"SELECT project_id, source, amount FROM funding_plan WHERE project_id IN ({_in(ids)}) "
            "ORDER BY project_id, source"):
        funding.setdefault(pid, {})[source] = from_units(int(amount))
    return facts_of(rows, plans, funding, _money)


def _entries(conn: sqlite3.Connection, ids: list[int], as_of: dt.date) -> dict[int, list[Entry]]:
    out: dict[int, list[Entry]] = {pid: [] for pid in ids}
    days: dict[str, dt.date] = {}
    amounts: dict[int, Decimal] = {}  # a weekly figure repeats: each distinct one converted once
    for pid, kind, day, amount, source, note, pk in conn.execute(
            "SELECT project_id, kind, entry_date, amount, source, note, id FROM ledger_entry "
            f"WHERE project_id IN ({_in(ids)}) AND entry_date <= ? ORDER BY project_id, id",
            (as_of.isoformat(),)):
        try:
            date = days[day]
        except KeyError:
            date = days[day] = dt.date.fromisoformat(day)
        try:
            value = amounts[amount]
        except KeyError:
            value = amounts[amount] = from_units(int(amount))
        out[pid].append(_make_entry(project_id=pid, kind=kind, date=date, amount=value,
                                    source=source, note=note, id=pk))
    return out


def _points(conn: sqlite3.Connection, ids: list[int],
            as_of: dt.date) -> dict[int, list[ProgressPoint]]:
    """An undone point and the entry that undid it (services.undo, which undoes a point by a
    new entry of the same project) are not progress, as in ``Store.latest_progress`` and
    ``Store.progress_points``."""
    rows = conn.execute(
        "SELECT project_id, entry_date, stage, percent, note, id, reverses_id FROM progress_entry "
        f"WHERE project_id IN ({_in(ids)}) ORDER BY project_id, entry_date, id").fetchall()
    undone = {r[6] for r in rows if r[6] is not None}
    day = as_of.isoformat()
    out: dict[int, list[ProgressPoint]] = {pid: [] for pid in ids}
    for pid, date, stage, percent, note, pk, reverses in rows:
        if reverses is None and pk not in undone and date <= day:
            out[pid].append(ProgressPoint(pid, dt.date.fromisoformat(date), stage,
                                          _money(percent), note, pk))
    return out


def _milestones(conn: sqlite3.Connection,
                ids: list[int]) -> dict[int, tuple[MilestoneFacts, ...]]:
    out: dict[int, list[MilestoneFacts]] = {pid: [] for pid in ids}
    for pid, name, planned, actual in conn.execute(
            "SELECT project_id, name, planned, actual FROM milestone "
            f"WHERE project_id IN ({_in(ids)}) ORDER BY project_id, seq"):
        out[pid].append(MilestoneFacts(pid, name, _day(planned), _day(actual)))
    return {pid: tuple(ms) for pid, ms in out.items()}
