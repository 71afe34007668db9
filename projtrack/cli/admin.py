"""Looking after the database: ``backup FILE`` and ``restore FILE`` (SQLite; PostgreSQL:
pg_dump), ``db upgrade``, ``db check`` and ``audit list``.

Backup, restore and upgrade do not open the database through the schema check, so a database
that still needs ``projtrack db upgrade`` can be backed up first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from projtrack.cli.app import app, audit_app, check_limit, db_app, state
from projtrack.errors import BadData
from projtrack.i18n import t


@app.command("backup")
def backup_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Where to write the copy (a new .db file).")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Copy the database to FILE — consistent even while others use it (SQLite backup API)."""
    from projtrack.services.admin import backup

    c = state(ctx)
    summary = backup(c.db, file, overwrite=force)
    typer.echo(t("msg.backup_done", file=str(file), projects=summary.projects,
                 entries=summary.ledger_entries, rev=summary.revision))


@app.command("restore")
def restore_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A backup made by `projtrack backup`.")],
) -> None:
    """Put a backup back as the database, after checking it; the current one is kept beside it."""
    from projtrack.services.admin import restore

    c = state(ctx)
    summary, kept = restore(c.db, file)
    typer.echo(t("msg.restore_done", file=str(file), projects=summary.projects,
                 entries=summary.ledger_entries, rev=summary.revision))
    if kept is not None:
        typer.echo(t("msg.restore_kept", file=str(kept)))
    if summary.needs_upgrade:
        typer.echo(t("msg.restore_needs_upgrade", rev=summary.revision))


@audit_app.command("list")
def audit_list(
    ctx: typer.Context,
    project: Annotated[str | None, typer.Argument(help="Only this project.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="How many, newest first (1 to 1,000,000).")] = 50,
) -> None:
    """List recorded changes: when, who, what, old → new."""
    from projtrack.services.admin import audit_trail
    from projtrack.services.entries import resolve_project

    c = state(ctx)
    check_limit(limit)
    pid = resolve_project(c.store, project) if project else None
    for a in audit_trail(c.store, pid, limit):
        typer.echo(f"{a.at:%Y-%m-%d %H:%M:%S}  {a.user:<10} {a.action:<8} {a.entity}"
                   f"#{a.entity_id or ''} p{a.project_id or ''} {a.field or ''}: "
                   f"{a.old_value if a.old_value is not None else '∅'} → "
                   f"{a.new_value if a.new_value is not None else '∅'}  {a.context or ''}".rstrip())


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Upgrade the database's schema to this program's version, keeping the data."""
    from projtrack.services.admin import upgrade_database

    rev, head = upgrade_database(state(ctx).db)
    typer.echo(t("msg.db_upgraded", old=rev or "∅", new=head))


@db_app.command("check")
def db_check(
    ctx: typer.Context,
    repair: Annotated[bool, typer.Option(
        "--repair", help="Recompute the yearly and monthly sums (ledger_year, ledger_month) "
                         "from the entries when they disagree.")] = False,
) -> None:
    """Check the database: SQLite's own checks, and that the yearly and monthly sums it keeps
    match the ledger entries. Exit 1 when something is wrong."""
    from projtrack.services.admin import check_database, rebuild_ledger_sums

    c = state(ctx)
    engine = c.store.engine
    result = check_database(engine)
    for problem in result.problems:
        typer.echo(f"  {problem}", err=True)
    if result.ok:
        typer.echo(t("msg.db_check_ok", entries=f"{result.entries_checked:,}",
                     sums=f"{result.sums_checked:,}"))
        return
    drift = any(p.startswith(("ledger_year", "ledger_month", "…")) for p in result.problems)
    if repair and drift:
        rows = rebuild_ledger_sums(engine)
        again = check_database(engine)
        if again.ok:
            typer.echo(t("msg.db_check_repaired", sums=f"{rows:,}"))
            return
        for problem in again.problems:
            typer.echo(f"  {problem}", err=True)
        result = again
    raise BadData("err.db_check_failed", problems=len(result.problems))
