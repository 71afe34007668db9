"""``projtrack import FILE``: an annex (附件:项目安排表) into the database, through the
annex service."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from projtrack.cli.app import app, state
from projtrack.errors import BadUsage


@app.command("import")
def import_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The annex workbook (.xlsx).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the diff; write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON object.")] = False,
    keep_missing: Annotated[bool, typer.Option("--keep-missing", help="Do not withdraw stored "
                                               "projects that this annex does not list.")] = False,
    column_map: Annotated[str | None, typer.Option(
        "--map", help="What columns mean, overriding the importer: 'E=annex_class,K=none' "
        "(fields as in the JSON export, plan_2023, or none; SHEET!E for one sheet). Remembered "
        "for workbooks with the same header.")] = None,
    unit: Annotated[str | None, typer.Option(
        "--unit", help="The money unit of every amount: 万元, 亿元 or 元.")] = None,
    land_unit: Annotated[str | None, typer.Option(
        "--land-unit", help="The unit of the land column: 亩, 平方米 or 公顷.")] = None,
) -> None:
    """Import an annex (附件:项目安排表): add, update, withdraw; report every warning and error."""
    from projtrack.services.annex import import_annex, summary_json, summary_text

    c = state(ctx)
    if not file.exists():
        raise BadUsage("err.no_such_file", file=str(file))
    plan = import_annex(c.store, file, dry_run=dry_run, keep_missing=keep_missing,
                        column_map=column_map, unit=unit, land_unit=land_unit)
    if as_json:
        typer.echo(json.dumps(summary_json(plan, dry_run=dry_run), ensure_ascii=False, indent=2))
    else:
        typer.echo(summary_text(plan, dry_run=dry_run))
    if plan.errors:
        raise typer.Exit(1)
