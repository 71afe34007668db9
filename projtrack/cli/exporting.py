"""``projtrack export``: the portfolio with its figures at the as-of date, as JSON (the
README's stable contract), CSV or xlsx."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from projtrack.cli.app import app, state
from projtrack.i18n import t


@app.command("export", help=t("cli.help.export"))
def export_cmd(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help=t("cli.opt.export.format"))] = "json",
    out: Annotated[Path | None, typer.Option("--out", help=t("cli.opt.export.out"))] = None,
    county: Annotated[str | None, typer.Option("--county", help=t("cli.opt.export.county"))
                      ] = None,
) -> None:
    """Export the portfolio with its figures at the as-of date."""
    from projtrack.services.export import check_export, export_file, export_text

    c = state(ctx)
    check_export(fmt, out)
    if out is None:
        text = export_text(c.store, c.as_of, fmt, county)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    export_file(c.store, c.as_of, fmt, out, county)
    typer.echo(t("msg.written", path=str(out)), err=True)
