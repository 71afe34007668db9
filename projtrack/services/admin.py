"""Looking after the database: backup and restore (SQLite), the schema upgrade, the check of the
sums it keeps (and their repair), the copy to another engine, and the audit trail.

Backup, restore and upgrade take the database's path or URL rather than an open Store: they
work on a database that still needs ``projtrack db upgrade`` (opening a Store refuses it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from projtrack.core.records import AuditRecord
from projtrack.errors import BadData
from projtrack.services.database import require_database
from projtrack.store.backup import (
    BackupResult,
    DbSummary,
    RestoreResult,
    backup,
    restore,
    seal_check,
)
from projtrack.store.check import CheckResult, rebuild_ledger_sums
from projtrack.store.check import check_database as check_tables
from projtrack.store.copy import CopyReport
from projtrack.store.engine import Engine, make_engine, sqlite_path
from projtrack.store.migrate import current_revision, head_revision, is_empty, known_revisions
from projtrack.store.migrate import upgrade as upgrade_schema
from projtrack.store.repo import Store

__all__ = ["BackupResult", "CheckResult", "DbSummary", "RestoreResult", "audit_trail", "backup", "check_database",
           "copy_database", "rebuild_ledger_sums", "restore", "upgrade_database"]


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


def audit_trail(store: Store, project_id: int | None = None,
                limit: int | None = 50) -> list[AuditRecord]:
    """Recorded changes (one project's when given), newest first."""
    return store.audit(project_id, limit)
