"""``projtrack backup FILE`` and ``projtrack restore FILE`` (SQLite; PostgreSQL: pg_dump).

Neither opens the database through the schema check, so a database that still needs
``projtrack db upgrade`` can be backed up first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from projtrack.cli import _ctx, app, db_app
from projtrack.i18n import t


@app.command("backup")
def backup_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Where to write the copy (a new .db file).")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Copy the database to FILE — consistent even while others use it (SQLite backup API)."""
    from projtrack.store.backup import backup

    c = _ctx(ctx)
    summary = backup(c.db, file, overwrite=force)
    typer.echo(t("msg.backup_done", file=str(file), projects=summary.projects,
                 entries=summary.ledger_entries, rev=summary.revision))


@app.command("restore")
def restore_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A backup made by `projtrack backup`.")],
) -> None:
    """Put a backup back as the database, after checking it; the current one is kept beside it."""
    from projtrack.store.backup import restore

    c = _ctx(ctx)
    summary, kept = restore(c.db, file)
    typer.echo(t("msg.restore_done", file=str(file), projects=summary.projects,
                 entries=summary.ledger_entries, rev=summary.revision))
    if kept is not None:
        typer.echo(t("msg.restore_kept", file=str(kept)))
    if summary.needs_upgrade:
        typer.echo(t("msg.restore_needs_upgrade", rev=summary.revision))


@db_app.command("check")
def db_check(
    ctx: typer.Context,
    repair: Annotated[bool, typer.Option(
        "--repair", help="Recompute the yearly and monthly sums (ledger_year, ledger_month) "
                         "from the entries when they disagree.")] = False,
) -> None:
    """Check the database: SQLite's own checks, and that the yearly and monthly sums it keeps
    match the ledger entries. Exit 1 when something is wrong."""
    from projtrack.errors import BadData
    from projtrack.store.check import check_database, rebuild_ledger_sums

    c = _ctx(ctx)
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
