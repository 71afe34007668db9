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


@app.command("backup", help=t("cli.help.backup"))
def backup_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=t("cli.opt.backup.file"))],
    force: Annotated[bool, typer.Option("--force", help=t("cli.opt.force_overwrite"))] = False,
) -> None:
    """Copy the database to FILE — consistent even while others use it (SQLite backup API)."""
    from projtrack.services.admin import backup

    c = state(ctx)
    result = backup(c.db, file, overwrite=force)
    _say_leftovers(result.leftovers)
    summary = result.summary
    typer.echo(t("msg.backup_done", file=str(file), projects=summary.projects,
                 entries=summary.ledger_entries, rev=summary.revision))
    typer.echo(t("msg.backup_sealed"))
    if summary.broken:
        typer.echo(t("msg.backup_broken", what=summary.broken[0], n=len(summary.broken)), err=True)


def _say_leftovers(leftovers) -> None:
    for left in leftovers:
        size = f"{left.bytes / 1_000_000:.1f} MB" if left.bytes >= 100_000 else f"{left.bytes / 1000:.0f} kB"
        typer.echo(t("msg.leftover_removed", file=str(left.path), size=size,
                     job=t(f"job.{left.job}")), err=True)


@app.command("restore", help=t("cli.help.restore"))
def restore_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=t("cli.opt.restore.file"))],
) -> None:
    """Put a backup back as the database, after checking it; the current one is kept beside it."""
    from projtrack.services.admin import restore
    from projtrack.services.database import database_name

    c = state(ctx)
    result = restore(c.db, file)
    _say_leftovers(result.leftovers)
    summary, kept, replaced = result.summary, result.kept, result.replaced
    db = database_name(c.db)
    if replaced.state == "new":
        typer.echo(t("msg.created_database", db=db))
    elif replaced.state == "damaged":
        typer.echo(t("msg.restore_replaced_damaged", db=db))
    elif replaced.summary is not None:
        old = replaced.summary
        typer.echo(t("msg.restore_replaced", db=db, projects=old.projects,
                     entries=old.ledger_entries, rev=old.revision))
    typer.echo(t("msg.restore_done", file=str(file), projects=summary.projects,
                 entries=summary.ledger_entries, rev=summary.revision))
    if summary.sealed:
        typer.echo(t("msg.restore_sealed", made_at=summary.made_at or "?"))
    else:
        typer.echo(t("msg.restore_unsealed", file=str(file)), err=True)
    if kept is not None:
        typer.echo(t("msg.restore_kept", file=str(kept)))
    if summary.needs_upgrade:
        typer.echo(t("msg.restore_needs_upgrade", rev=summary.revision))


@audit_app.command("list", help=t("cli.help.audit_list"))
def audit_list(
    ctx: typer.Context,
    project: Annotated[str | None, typer.Argument(help=t("cli.opt.only_project"))] = None,
    limit: Annotated[int, typer.Option("--limit", help=t("cli.opt.limit"))] = 50,
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


@db_app.command("upgrade", help=t("cli.help.db_upgrade"))
def db_upgrade(ctx: typer.Context) -> None:
    """Upgrade the database's schema to this program's version, keeping the data."""
    from projtrack.services.admin import upgrade_database

    rev, head = upgrade_database(state(ctx).db)
    typer.echo(t("msg.db_upgraded", old=rev or "∅", new=head))


@db_app.command("check", help=t("cli.help.db_check"))
def db_check(
    ctx: typer.Context,
    repair: Annotated[bool, typer.Option(
        "--repair", help=t("cli.opt.db_check.repair"))] = False,
) -> None:
    """Check the database: SQLite's own checks, that the yearly and monthly sums it keeps
    match the ledger entries, and that the ledger, progress, audit and issued-report rows are
    as written (append-only triggers, hash chain). Exit 1 when something is wrong."""
    from projtrack.services.admin import check_and_repair

    done = check_and_repair(state(ctx).store, repair=repair)
    for problem in done.first.problems:
        typer.echo(f"  {problem}", err=True)
    if done.refused is not None:  # the sums are not recomputed from entries changed after the fact
        raise done.refused
    if done.first.ok:
        typer.echo(t("msg.db_check_ok", entries=f"{done.first.entries_checked:,}",
                     sums=f"{done.first.sums_checked:,}"))
        typer.echo(t("msg.db_check_chain_ok"))
        return
    if done.after is not None:
        if done.after.ok:
            typer.echo(t("msg.db_check_repaired", sums=f"{done.repaired:,}"))
            return
        for problem in done.after.problems:
            typer.echo(f"  {problem}", err=True)
    raise BadData("err.db_check_failed", problems=len(done.result.problems))
