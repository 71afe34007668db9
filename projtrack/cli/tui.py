"""``projtrack tui`` (the same as ``projtrack`` alone), ``projtrack init`` and ``projtrack
demo``: the terminal UI, on the database, a new empty one or a demo portfolio built for it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from projtrack.cli.app import app, db_name, say_created, state
from projtrack.i18n import t


@app.command("demo", help=t("cli.help.demo"))
def demo_cmd(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", help=t("cli.opt.demo.db"))] = None,
    annex: Annotated[Path | None, typer.Option("--annex", help=t("cli.opt.demo.annex"))] = None,
    run: Annotated[bool, typer.Option("--run/--no-run", help=t("cli.opt.demo.run"))] = False,
) -> None:
    """Build a demo database: the sample annex plus a deterministic weekly history."""
    from projtrack.services.demo import build_demo
    from projtrack.services.portfolio import project_count

    c = state(ctx)
    target = db or c.db or str(Path("db") / "demo.db")
    store = build_demo(target, c.as_of, annex)
    say_created(target)
    typer.echo(t("msg.demo_built", db=target, n=project_count(store), as_of=c.as_of.isoformat()))
    if run:
        from projtrack.tui.run import run_tui

        run_tui(store, c.as_of, c.lang)


@app.command("tui", help=t("cli.help.tui"))
def tui_cmd(ctx: typer.Context) -> None:
    """Open the terminal UI (the same as running projtrack with no command)."""
    from projtrack.tui.run import run_tui_on

    c = state(ctx)
    run_tui_on(c.db, c.as_of, c.lang, lambda: c.store)


@app.command("init", help=t("cli.help.init"))
def init_cmd(ctx: typer.Context) -> None:
    """Create a new, empty database at --db (its folder too); an existing one is left as it
    is.  Every other command refuses a database that does not exist (only init, import, demo
    and db copy --to make one)."""
    c = state(ctx)
    store = c.create_store()
    if not store.created:
        typer.echo(t("msg.database_exists", db=db_name(c.db)))
