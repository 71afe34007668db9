"""``projtrack db copy --to URL``: move a database to another engine (SQLite → PostgreSQL, or
back) — see projtrack.store.copy."""

from __future__ import annotations

from typing import Annotated

import typer

from projtrack.cli.app import db_app, say_created, state
from projtrack.i18n import t


@db_app.command("copy", help=t("cli.help.db_copy"))
def db_copy(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", help=t("cli.opt.copy.to"))],
    chunk: Annotated[int, typer.Option("--chunk", min=100, help=t("cli.opt.copy.batch"))] = 10_000,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=t("cli.opt.copy.quiet"))] = False,
    merge: Annotated[bool, typer.Option("--merge", help=t("cli.opt.copy.merge"))] = False,
    county: Annotated[str | None, typer.Option("--county", help=t("cli.opt.copy.county"))] = None,
) -> None:
    """Copy every table of the database (--db) into a new or empty one, keeping ids; verify
    row counts and money sums.  With --merge: add its counties to a database that may hold
    others' (ids remapped, verified per county)."""
    from projtrack.errors import BadUsage
    from projtrack.services.admin import copy_database

    c = state(ctx)
    if county is not None and not merge:
        raise BadUsage("err.county_needs_merge")
    if merge:
        _merge(c, to, county, quiet)
        return
    last: dict[str, int] = {}

    def progress(table: str, rows: int) -> None:
        if not quiet and rows - last.get(table, 0) >= 100_000:
            last[table] = rows
            typer.echo(f"  {table}: {rows:,}", err=True)

    report = copy_database(c.db, to, chunk=chunk, progress=progress)
    for table in report.tables:
        if table.rows:
            typer.echo(f"  {table.name:<16} {table.rows:>12,}")
    say_created(to)  # the copy is refused unless the target is new or empty
    typer.echo(t("msg.db_copied", rows=f"{report.rows:,}", target=report.target,
                 revision=report.revision, seconds=f"{report.seconds:.1f}"))


def _merge(c, to: str, county: str | None, quiet: bool) -> None:
    from projtrack.services.admin import merge_database

    def progress(table: str, rows: int) -> None:
        if not quiet and rows % 100_000 == 0:
            typer.echo(f"  {table}: {rows:,}", err=True)

    report = merge_database(c.db, to, county=county, progress=progress)
    if report.named:
        typer.echo(t("merge.named", county=report.named))
    for tally in report.counties:
        typer.echo(t("merge.county_line", county=tally.county or "—",
                     rows=f"{sum(tally.rows.values()):,}", projects=tally.rows.get("project", 0),
                     entries=tally.rows.get("ledger_entry", 0)))
        for table, n in sorted(tally.rows.items()):
            typer.echo(f"    {table:<20} {n:>10,}")
    if report.settings:
        typer.echo(t("merge.settings", keys="、".join(report.settings)))
    if report.kept:
        typer.echo(t("merge.settings_kept", keys="、".join(report.kept)))
    typer.echo(t("msg.db_merged", rows=f"{report.rows:,}", target=report.target,
                 seconds=f"{report.seconds:.1f}"))
