"""Merge a county's database into a city's: ``projtrack --db county.db db copy --to URL --merge``.

Unlike ``store.copy`` (a whole database into a new or empty one, ids and hashes kept), a merge
adds one database's counties to a target that may already hold others':

- The source must be at this program's schema and its hash chain intact (``chain.verify``).
  Its projects keep their county; those without one ('') take ``county`` (``--county``) or the
  source's ``county`` setting — neither: refused.  A county the target already holds is
  refused, naming it: nothing is ever doubled (merge a county once).
- Every row is given a new id: the table's highest id in the target plus its id in the source,
  so the rows keep their order (a reversal still follows the entry it reverses), and every
  column that names a row of another table follows it (``project_id``, ``reverses_id``,
  ``issue_id``, ``baseline_id``, ``change_id``, ``import_run_id``, and the audit log's
  ``entity_id`` by its ``entity``).
- The append-only rows (ledger, progress, audit, issues, report snapshots) are stamped into the
  target's hash chain as they are inserted (``chain.before_execute``), so ``db check`` on the
  target passes; the yearly and monthly sums are rebuilt from the entries.  Every row keeps
  the user it records (``roles.keep_users``, for the target's owner; another login's merge is
  recorded as that login, as the database records it); the audit rows of the settings the
  merge writes name the merge's own user.
- What is a county's own is kept as such: a report snapshot's ``kind`` becomes
  ``<kind>@<county>`` ("weekly@平阳县"); a baseline whose name the target has already gets
  "@<county>" after it, and stays current only when the target has no current baseline;
  the source's ``county`` and ``targets`` settings become ``county@<county>`` and
  ``targets@<county>``; its other settings (rules, remembered column maps, the fill-in
  sheets' secret) are copied only where the target has none of that key.  Its import runs
  cannot be undone in the target (their before-state names the source's ids): ``undo`` is
  left empty, and ``import list`` says so.
- Verified before the commit, per county: every table's row count and the sum of each money
  column of the rows merged, against the source's; any difference rolls everything back.
  One transaction on the target.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import BigInteger, Connection, Engine, Table, func, inspect, select, type_coerce
from sqlalchemy import insert as sa_insert
from sqlalchemy.exc import SQLAlchemyError

from projtrack.errors import BadData
from projtrack.store.chain import verify
from projtrack.store.check import rebuild_sums
from projtrack.store.copy import checked_pair, reset_sequences, sums_trigger
from projtrack.store.engine import make_engine
from projtrack.store.migrate import current_revision, upgrade
from projtrack.store.models import DERIVED_TABLES, metadata
from projtrack.store.roles import keep_users, recorded_user
from projtrack.store.types import Scaled

CHUNK = 5_000
KEPT_APART = ("county", "targets")  # settings that are one county's: key@county
SKIPPED = {"chain_head", "setting"} | set(DERIVED_TABLES)  # kept by the target, or handled apart
# the columns naming a row of another table (besides project_id, and audit_log.entity_id)
REFERENCES = {"baseline_id": "baseline", "change_id": "budget_change", "issue_id": "issue",
              "import_run_id": "import_run"}


@dataclass
class CountyTally:
    """What one county brought: rows and Σ of each money column (scaled integers), by table."""

    county: str
    rows: dict[str, int] = field(default_factory=dict)
    money: dict[str, int] = field(default_factory=dict)  # "table.column" → Σ


@dataclass
class MergeReport:
    source: str
    target: str
    counties: list[CountyTally]
    seconds: float
    named: str | None = None  # the county given to the source's projects without one
    settings: list[str] = field(default_factory=list)  # the settings copied, as their keys
    kept: list[str] = field(default_factory=list)  # the target's own, where the source's differ

    @property
    def rows(self) -> int:
        return sum(sum(c.rows.values()) for c in self.counties)


def _money(t: Table) -> list[str]:
    return [c.name for c in t.columns if isinstance(c.type, Scaled)]


def _max_id(conn: Connection, t: Table) -> int:
    return int(conn.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar_one())


def _county_of_projects(src: Connection, fallback: str | None) -> dict[int, str]:
    p = metadata.tables["project"].c
    out: dict[int, str] = {}
    for pid, county in src.execute(select(p.id, p.county)):
        out[pid] = county or (fallback or "")
    return out


def _setting(conn: Connection, key: str) -> object:
    s = metadata.tables["setting"].c
    row = conn.execute(select(s.value).where(s.key == key)).first()
    return json.loads(row[0]) if row else None


def _row_county(t: Table, row: dict, counties: dict[int, str], lone: str,
                runs: dict[int, str]) -> str:
    """The county a source row belongs to: its project's; an import run's own; else (a
    setting's audit row, a report snapshot, a baseline) the source's county when it has one
    only, else ''."""
    pid = row.get("project_id")
    if pid is not None and pid in counties:
        return counties[pid]
    if t.name == "import_run":
        return runs.get(row["id"], lone)
    return lone


def merge_database(source: Engine, target_url: str, *, county: str | None = None,
                   progress: Callable[[str, int], None] | None = None) -> MergeReport:
    """Merge the database ``source`` into the one at ``target_url`` (made when new).  BadData
    for a refusal or a mismatch; nothing is then kept in the target."""
    started = time.perf_counter()
    target_url, src_url, head = checked_pair(source, target_url)
    reader = source.execution_options(projtrack_readonly=True)
    if source.dialect.name == "postgresql":
        reader = reader.execution_options(isolation_level="REPEATABLE READ")
    target = make_engine(target_url)
    try:
        names = set(inspect(target).get_table_names())
        ours = {t.name for t in metadata.sorted_tables} | {"alembic_version"}
        if names - ours:
            raise BadData("merge.foreign", tables=", ".join(sorted(names - ours)[:5]))
        if names:
            rev = current_revision(target)
            if rev != head:
                raise BadData("merge.target_schema", rev=rev or "∅", head=head)
        else:
            upgrade(target)
        with reader.connect() as src, src.begin():
            problems = verify(src)
            if problems:
                raise BadData("merge.source_chain", what=problems[0].render())
            named = _setting(src, "county")
            fallback = county or (named.strip() if isinstance(named, str) else None) or None
            counties = _county_of_projects(src, fallback)
            if any(not c for c in counties.values()):
                raise BadData("merge.no_county", n=sum(1 for c in counties.values() if not c))
            run_rows = metadata.tables["import_run"].c
            runs = {rid: (c or fallback or "") for rid, c in src.execute(
                select(run_rows.id, run_rows.county))}
            theirs = sorted(set(counties.values()))
            lone = theirs[0] if len(theirs) == 1 else (fallback or "")
            try:
                report = _in_one_transaction(src, target, src_url, theirs, counties, lone, runs,
                                             fallback, progress)
            except SQLAlchemyError as exc:  # a constraint of the target's: nothing kept
                raise BadData("merge.failed", why=str(exc.orig if hasattr(exc, "orig") else exc)
                              .splitlines()[0]) from exc
        reset_sequences(target)
        report.seconds = time.perf_counter() - started
        return report
    finally:
        target.dispose()


def _in_one_transaction(src: Connection, target: Engine, src_url: str, theirs: list[str],
                        counties: dict[int, str], lone: str, runs: dict[int, str],
                        fallback: str | None,
                        progress: Callable[[str, int], None] | None) -> MergeReport:
    # checked on a connection of its own: ``verify`` leaves its connection streaming results
    with target.execution_options(projtrack_readonly=True).connect() as check:
        problems = verify(check)
    if problems:  # stamping onto a broken chain would hide where it broke
        raise BadData("merge.target_chain", what=problems[0].render())
    with target.begin() as dst:
        dst = keep_users(dst)  # the county's rows keep who made them (store.roles)
        p = metadata.tables["project"].c
        present = sorted({c for (c,) in dst.execute(select(p.county).distinct())}
                         & set(theirs))
        if present:
            raise BadData("merge.county_present", county="、".join(present))
        unnamed = any(not c for c in _county_of_projects(src, None).values())
        report = MergeReport(src_url, target.url.render_as_string(hide_password=True),
                             [CountyTally(c) for c in theirs], 0.0,
                             named=fallback if unnamed else None)
        _merge(src, dst, counties, lone, runs, report, progress)
        report.settings, report.kept = _settings(src, dst, lone)
    return report


def _merge(src: Connection, dst: Connection, counties: dict[int, str], lone: str,
           runs: dict[int, str], report: MergeReport,
           progress: Callable[[str, int], None] | None) -> None:
    tables = [t for t in metadata.sorted_tables if t.name not in SKIPPED]
    offsets = {t.name: _max_id(dst, t) for t in tables}
    b = metadata.tables["baseline"]
    current_taken = bool(dst.execute(select(func.count()).select_from(b)
                                     .where(b.c.current)).scalar_one())
    baseline_names = {n for (n,) in dst.execute(select(b.c.name))}
    trigger = sums_trigger(dst, on=False)  # the sums are rebuilt once, below
    for t in tables:
        done = 0
        result = src.execute(select(t).order_by(t.c.id).execution_options(stream_results=True))
        for part in result.mappings().partitions(CHUNK):
            rows = []
            for r in part:
                row = dict(r)
                owner = _owner(t, row, counties, runs, lone)
                rows.append(_moved(t, row, offsets, counties, owner, current_taken,
                                   baseline_names))
            dst.execute(sa_insert(t), rows)
            done += len(rows)
            if progress:
                progress(t.name, done)
    sums_trigger(dst, on=True, sql=trigger)
    rebuild_sums(dst)
    # what each county brought, counted in the source and again in the target
    p, ir = metadata.tables["project"], metadata.tables["import_run"]
    got_projects = {pid - offsets["project"]: c for pid, c in dst.execute(
        select(p.c.id, p.c.county).where(p.c.id > offsets["project"]))}
    got_runs = {rid - offsets["import_run"]: c for rid, c in dst.execute(
        select(ir.c.id, ir.c.county).where(ir.c.id > offsets["import_run"]))}
    want: dict[str, dict[str, int]] = defaultdict(dict)
    got: dict[str, dict[str, int]] = defaultdict(dict)
    for t in tables + [metadata.tables[n] for n in sorted(DERIVED_TABLES)]:
        _count(src, t, 0, 0, counties, runs, lone, want)
        shift = offsets.get(t.name, 0)
        _count(dst, t, shift, offsets["project"], got_projects, got_runs, lone, got)
    for owner in sorted(set(want) | set(got)):
        if want.get(owner, {}) != got.get(owner, {}):
            raise BadData("merge.mismatch", county=owner or "—",
                          what=_difference(want.get(owner, {}), got.get(owner, {})))
    by_county = {c.county: c for c in report.counties}
    for owner, counted in want.items():
        tally = by_county.get(owner) or by_county.setdefault(owner, CountyTally(owner))
        if tally not in report.counties:
            report.counties.append(tally)
        tally.rows = {k: v for k, v in counted.items() if "." not in k}
        tally.money = {k: v for k, v in counted.items() if "." in k}


def _owner(t: Table, row: dict, counties: dict[int, str], runs: dict[int, str],
           lone: str) -> str:
    """The county a row belongs to: its project's; an import run's own; else (a setting's
    audit row, a report snapshot, a baseline, the row of a project since deleted) the
    source's county when it has only one, else ''."""
    if t.name == "project":
        return counties.get(row["id"], lone)
    pid = row.get("project_id")
    if pid is not None and pid in counties:
        return counties[pid]
    if t.name == "import_run":
        return runs.get(row["id"], lone) or lone
    return lone


def _count(conn: Connection, t: Table, shift: int, project_shift: int,
           counties: dict[int, str], runs: dict[int, str], lone: str,
           into: dict[str, dict[str, int]]) -> None:
    """Count the rows of ``t`` (those above ``shift`` by id: the merged ones) and sum its
    money columns, by the county each row belongs to (ids taken back by ``shift`` and
    ``project_shift`` to the source's)."""
    money = _money(t)
    cols: list = [t.c[n] for n in ("id", "project_id") if n in t.c]
    cols += [type_coerce(t.c[m], BigInteger()).label(m) for m in money]
    stmt = select(*cols)
    if "id" in t.c:
        stmt = stmt.where(t.c.id > shift)
    else:  # a derived table: the merged projects' rows
        stmt = stmt.where(t.c.project_id > project_shift)
    for row in conn.execute(stmt.execution_options(stream_results=True)).mappings():
        data = dict(row)
        if "id" in data:
            data["id"] -= shift
        if data.get("project_id") is not None:
            data["project_id"] -= project_shift
        owner = _owner(t, data, counties, runs, lone)
        slot = into[owner]
        slot[t.name] = slot.get(t.name, 0) + 1
        for m in money:
            key = f"{t.name}.{m}"
            slot[key] = slot.get(key, 0) + int(data[m] or 0)


def _moved(t: Table, row: dict, offsets: dict[str, int], counties: dict[int, str],
           owner: str, current_taken: bool, baseline_names: set[str]) -> dict:
    """A source row as the target's: new ids, what it names followed, a county's own kept."""
    row["id"] = row["id"] + offsets[t.name]
    if "project_id" in row and row["project_id"] is not None:
        row["project_id"] += offsets["project"]
    if row.get("reverses_id") is not None:
        row["reverses_id"] += offsets[t.name]
    for col, other in REFERENCES.items():
        if row.get(col) is not None:
            row[col] += offsets[other]
    if t.name == "audit_log" and row.get("entity_id") is not None and row["entity"] in offsets:
        row["entity_id"] += offsets[row["entity"]]
    if t.name == "project":
        row["county"] = counties[row["id"] - offsets["project"]]
    elif t.name == "import_run":
        row["undo"] = None  # its before-state names the source's ids
        row["county"] = row["county"] or owner
    elif t.name == "report_snapshot":
        row["kind"] = f"{row['kind']}@{owner}" if owner else row["kind"]
    elif t.name == "baseline":
        if row["name"] in baseline_names:
            row["name"] = f"{row['name']}@{owner}"
        if row["current"] and current_taken:
            row["current"] = False
    if "row_hash" in row:
        row.pop("row_hash")  # stamped again into the target's chain
    return row


def _difference(want: dict[str, int], got: dict[str, int]) -> str:
    for key in sorted(set(want) | set(got)):
        if want.get(key, 0) != got.get(key, 0):
            return f"{key}: {want.get(key, 0)} in the source, {got.get(key, 0)} merged"
    return "?"


def _settings(src: Connection, dst: Connection, lone: str) -> tuple[list[str], list[str]]:
    """The source's settings into the target: a county's own (KEPT_APART) as key@county, the
    others where the target has none of the key.  The keys written, and the keys whose
    source value differs from the target's, which the target keeps (said, never dropped
    unseen)."""
    s = metadata.tables["setting"]
    have = {key: value for key, value in dst.execute(select(s.c.key, s.c.value))}
    written, kept = [], []
    audit = metadata.tables["audit_log"]
    now = dt.datetime.now(dt.UTC)
    for key, value, version in src.execute(select(s.c.key, s.c.value, s.c.version).order_by(s.c.key)):
        new_key = f"{key}@{lone}" if key in KEPT_APART and lone else key
        if new_key in have:
            if have[new_key] != value:
                kept.append(new_key)
            continue
        dst.execute(sa_insert(s), [{"key": new_key, "value": value, "version": version}])
        dst.execute(sa_insert(audit), [{  # an explicit id: the sequence moves on after the commit
            "id": _max_id(dst, audit) + 1, "at": now, "user": recorded_user(dst), "action": "merge", "entity": "setting",
            "entity_id": None, "project_id": None, "field": new_key, "old_value": None,
            "new_value": value, "context": "db merge"}])
        written.append(new_key)
    return written, kept


def merged_counties(report: MergeReport) -> Iterable[str]:
    return (c.county for c in report.counties)
