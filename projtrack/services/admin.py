"""Looking after the database: backup and restore (SQLite), the schema upgrade, the check of the
sums it keeps (and their repair), the copy to another engine, and the audit trail.

Backup, restore and upgrade take the database's path or URL rather than an open Store: they
work on a database that still needs ``projtrack db upgrade`` (opening a Store refuses it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from projtrack.core.records import AuditRecord
from projtrack.errors import BadData
from projtrack.services.database import require_database
from projtrack.store.backup import BackupResult, DbSummary, RestoreResult, backup, seal_check
from projtrack.store.backup import restore as restore_file
from projtrack.store.check import CheckResult, repair_sums
from projtrack.store.check import check_database as check_tables
from projtrack.store.copy import CopyReport
from projtrack.store.engine import Engine, make_engine, sqlite_path
from projtrack.store.merge import MergeReport
from projtrack.store.migrate import current_revision, head_revision, is_empty, known_revisions
from projtrack.store.migrate import upgrade as upgrade_schema
from projtrack.store.repo import Store

__all__ = ["BackupResult", "CheckResult", "DbCheck", "DbSummary", "RestoreResult", "audit_trail",
           "backup", "check_and_repair", "check_database",
           "copy_database", "merge_database", "repair_ledger_sums", "restore", "upgrade_database"]


def restore(target: str | None, source: Path, *,
            keep_current: bool = True) -> RestoreResult:
    """Put the backup ``source`` back as the database ``target`` (``store.backup.restore``:
    checked first, its hash chain included), then record it in the restored database's audit
    trail — which backup, what it held, where the database as it was is kept — through the
    store, so the row is chained like any other.  A backup of an older schema is restored
    without that row: this program writes only its own schema (``db upgrade`` first)."""
    result = restore_file(target, source, keep_current=keep_current)
    summary, kept = result.summary, result.kept
    if not summary.needs_upgrade:
        store = Store.open(target, create=False)
        try:
            store.audit_event(action="restore", entity="database", field="backup",
                              old=str(kept) if kept else None,
                              new=f"{Path(source).expanduser().resolve()}: {summary.projects} "
                                  f"projects, {summary.ledger_entries} entries, schema "
                                  f"{summary.revision}", context="restore")
        finally:
            store.close()
    return result


def repair_ledger_sums(store: Store, result: CheckResult) -> int:
    """Recompute the yearly and monthly sums from the entries (``db check --repair``), in one
    transaction with an audit row saying what was wrong; returns the rows they hold.  Refused
    (BadData) when the append-only tables are not intact: sums recomputed from entries that
    were changed after the fact would hide it."""
    if result.tampered:
        raise BadData("err.db_check_no_repair", what=result.tampered[0].render())
    drift = [p for p in result.problems if p.startswith(("ledger_year", "ledger_month"))]
    return repair_sums(store, drift)


def upgrade_database(target: str | None) -> tuple[str | None, str]:
    """Upgrade the schema of the database ``target`` to this program's, in place, keeping the
    data: (the revision it had, None for a new one; the revision it has now).  Refused, with
    nothing changed, for a database made by a newer projtrack or by another program, and with
    a usage error for a SQLite file that does not exist (nothing is created)."""
    require_database(target)
    engine = make_engine(target)
    rev = current_revision(engine)
    if rev is not None and rev not in known_revisions():
        raise BadData("err.db_newer", rev=rev)
    if rev is None and not is_empty(engine):  # another program's database: leave it alone
        raise BadData("err.schema_foreign")
    upgrade_schema(engine)
    return rev, head_revision()


def check_database(engine: Engine) -> CheckResult:
    """``db check``: SQLite's own checks and the sums the database keeps (``store.check``),
    and, for a sealed backup file, its content against the checksum sealed into it."""
    result = check_tables(engine)
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    sealed = seal_check(path) if path is not None else []
    if not sealed:
        return result
    return replace(result, problems=(*result.problems, *sealed))


@dataclass(frozen=True)
class DbCheck:
    """What ``db check`` found (``first``), and with ``--repair`` of drifted sums, the rows
    recomputed and what a second check found (``after``; None when nothing was repaired)."""

    first: CheckResult
    repaired: int | None = None
    after: CheckResult | None = None
    refused: BadData | None = None  # the repair refused (the append-only tables not intact)

    @property
    def result(self) -> CheckResult:
        """The last check's result: what is wrong now."""
        return self.after if self.after is not None else self.first

    @property
    def ok(self) -> bool:
        return self.result.ok


def check_and_repair(store: Store, *, repair: bool = False) -> DbCheck:
    """``db check``: check the database; with ``repair``, when only the sums it keeps drifted
    from the entries, recompute them (``repair_ledger_sums``: refused, BadData, when the
    append-only tables are not intact: returned as ``refused``, for the caller to raise once it
    has said what the check found) and check again."""
    first = check_database(store.engine)
    if first.ok or not (repair and first.drift):
        return DbCheck(first)
    try:
        rows = repair_ledger_sums(store, first)
    except BadData as exc:
        return DbCheck(first, refused=exc)
    return DbCheck(first, rows, check_database(store.engine))


def copy_database(target: str | None, to: str, *, chunk: int,
                  progress: Callable[[str, int], None]) -> CopyReport:
    """Copy every table of the database ``target`` into the new or empty database ``to``,
    ids kept, row counts and money sums verified (``store.copy``); ``progress(table, rows)``
    is called as rows go."""
    from projtrack.store.copy import copy_database as copy

    require_database(target)  # do not create an empty file to copy from
    source = make_engine(target)
    try:
        return copy(source, to, chunk=chunk, progress=progress)
    finally:
        source.dispose()


def merge_database(target: str | None, to: str, *, county: str | None = None,
                   progress: Callable[[str, int], None] | None = None) -> MergeReport:
    """Merge the database ``target`` (one county's, or several) into the database ``to``,
    which may hold other counties' (``store.merge``): ids remapped, the append-only rows
    stamped into its chain, verified per county by row counts and money sums, in one
    transaction.  ``county`` names the county of the source's projects that have none."""
    from projtrack.services.county_choice import check_county
    from projtrack.store.merge import merge_database as merge

    if county is not None:
        county = check_county(county)
    require_database(target)
    source = make_engine(target)
    try:
        return merge(source, to, county=county, progress=progress)
    finally:
        source.dispose()


def audit_trail(store: Store, project_id: int | None = None,
                limit: int | None = 50) -> list[AuditRecord]:
    """Recorded changes (one project's when given), newest first."""
    return store.audit(project_id, limit)
