"""``projtrack export``: the portfolio with its figures at the as-of date, as JSON (the
README's stable contract), CSV or xlsx."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from projtrack.cli.app import app, state
from projtrack.errors import BadUsage
from projtrack.i18n import t


@app.command("export")
def export_cmd(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="json, csv or xlsx.")] = "json",
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file "
                                             "(default: stdout; required for xlsx).")] = None,
) -> None:
    """Export the portfolio with its figures at the as-of date."""
    from projtrack.export import dumps, to_csv
    from projtrack.services.portfolio import load_portfolio

    c = state(ctx)
    if fmt not in ("json", "csv", "xlsx"):
        raise BadUsage("err.bad_format", fmt=fmt)
    if fmt == "xlsx" and out is None:
        raise BadUsage("err.xlsx_needs_out")
    portfolio = load_portfolio(c.store, c.as_of)
    if fmt == "xlsx":
        from projtrack.export_xlsx import write_portfolio_xlsx

        write_portfolio_xlsx(portfolio, out)  # type: ignore[arg-type]
        typer.echo(t("msg.written", path=str(out)), err=True)
        return
    text = dumps(portfolio) if fmt == "json" else to_csv(portfolio)
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        out.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
        typer.echo(t("msg.written", path=str(out)), err=True)
