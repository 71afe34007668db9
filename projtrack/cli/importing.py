"""``projtrack import FILE``: an annex (附件:项目安排表) into the database, through the
annex service; ``projtrack import list`` and ``projtrack import undo``: its history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
import typer.core

from projtrack.cli.app import app, check_limit, state
from projtrack.errors import BadUsage
from projtrack.i18n import t


class _ImportGroup(typer.core.TyperGroup):
    """`projtrack import FILE …` is `projtrack import annex FILE …`: a first word that names no
    command of the group (list, undo) is the annex's FILE (``default_command`` is its name)."""

    default_command = "annex"

    def parse_args(self, ctx, args):
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


import_app = typer.Typer(cls=_ImportGroup, no_args_is_help=False,
                         subcommand_metavar="FILE [--county C] [--dry-run] [--json] [--keep-missing] [--yes] | list | undo [ID] [--county C]",
                         help=t("cli.help.import"))
app.add_typer(import_app, name="import")


@import_app.command("annex", help=t("cli.help.import_file"))
def import_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help=t("cli.opt.import.file"))],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=t("cli.opt.import.dry_run"))] = False,
    as_json: Annotated[bool, typer.Option("--json", help=t("cli.opt.import.json"))] = False,
    keep_missing: Annotated[bool, typer.Option("--keep-missing", help=t("cli.opt.import.keep_missing"))] = False,
    column_map: Annotated[str | None, typer.Option(
        "--map", help=t("cli.opt.import.map"))] = None,
    unit: Annotated[str | None, typer.Option(
        "--unit", help=t("cli.opt.import.unit"))] = None,
    land_unit: Annotated[str | None, typer.Option(
        "--land-unit", help=t("cli.opt.import.land_unit"))] = None,
    yes: Annotated[bool, typer.Option("--yes", help=t("cli.opt.import.yes"))] = False,
    county: Annotated[str | None, typer.Option(
        "--county", help=t("cli.opt.import.county"))] = None,
) -> None:
    """Import an annex (附件:项目安排表): add, update, withdraw; report every warning and error.
    `projtrack import FILE` is the short form."""
    from projtrack.services.annex import import_annex, summary_json, summary_text

    c = state(ctx)
    if not file.exists():
        raise BadUsage("err.no_such_file", file=str(file))
    plan = import_annex(_target(c, dry_run), file, dry_run=dry_run, keep_missing=keep_missing,
                        column_map=column_map, unit=unit, land_unit=land_unit, confirmed=yes,
                        county=county)
    if as_json:
        typer.echo(json.dumps(summary_json(plan, dry_run=dry_run), ensure_ascii=False, indent=2))
    else:
        typer.echo(summary_text(plan, dry_run=dry_run))
    if plan.errors or plan.held:
        raise typer.Exit(1)


def _target(c, dry_run: bool):
    """The database to import into, made if missing; a dry run makes nothing and compares a
    missing database's (empty) contents, in memory."""
    if not dry_run:
        return c.create_store()
    try:
        return c.store
    except BadUsage as exc:
        if exc.key != "err.no_database":
            raise
        from projtrack.services.database import open_store

        typer.echo(t("msg.dry_run_no_database", db=exc.params["db"]), err=True)
        return open_store("sqlite://")


@import_app.command("list", help=t("cli.help.import_list"))
def import_list(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", help=t("cli.opt.limit"))] = 50,
) -> None:
    """Past annex imports, newest first: id, when, who, file, +added ~changed -withdrawn."""
    from projtrack.services.history import history_line, list_imports

    check_limit(limit)
    runs = list_imports(state(ctx).store, limit)
    typer.echo("\n".join(history_line(r) for r in runs) if runs else t("history.none"))


@import_app.command("undo", help=t("cli.help.import_undo"))
def import_undo(
    ctx: typer.Context,
    run_id: Annotated[int | None, typer.Argument(metavar="ID", help=t("cli.opt.import_undo.id"))] = None,
    yes: Annotated[bool, typer.Option("--yes", help=t("cli.opt.yes"))] = False,
    county: Annotated[str | None, typer.Option(
        "--county", help=t("cli.opt.import_undo.county"))] = None,
) -> None:
    """Put the database back as it was before the latest import (entries made since are kept)."""
    from projtrack.services.history import preview_undo, undo, undo_lines

    c = state(ctx)
    preview = preview_undo(c.store, run_id, county)
    if not yes:
        typer.echo("\n".join(undo_lines(preview)))
        try:
            go = typer.confirm(t("undo.confirm"), default=False)
        except typer.Abort:
            go = False
        if not go:
            typer.echo(t("undo.cancelled"))
            raise typer.Exit(1)
    done = undo(c.store, preview.run.id)
    typer.echo("\n".join(undo_lines(done, since=None if yes else preview)))
