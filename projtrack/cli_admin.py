"""``projtrack backup FILE`` and ``projtrack restore FILE`` (SQLite; PostgreSQL: pg_dump).

Neither opens the database through the schema check, so a database that still needs
``projtrack db upgrade`` can be backed up first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from projtrack.cli import _ctx, app
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
