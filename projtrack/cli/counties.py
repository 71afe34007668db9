"""``projtrack county list`` and ``projtrack county set NAME``: the counties (区县) of the
database, through ``services.counties``."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from projtrack.cli.app import app, state
from projtrack.i18n import t

county_app = typer.Typer(help=t("cli.help.county"), no_args_is_help=True)
app.add_typer(county_app, name="county")


@county_app.command("list", help=t("cli.help.county_list"))
def county_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help=t("cli.opt.county.json"))] = False,
) -> None:
    from projtrack.services.counties import county_lines, list_counties

    store = state(ctx).store
    if as_json:
        typer.echo(json.dumps([{"county": c.county, "projects": c.projects, "active": c.active,
                                "withdrawn": c.withdrawn} for c in list_counties(store)],
                              ensure_ascii=False, indent=2))
        return
    typer.echo("\n".join(county_lines(store)))


@county_app.command("set", help=t("cli.help.county_set"))
def county_set(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help=t("cli.opt.county.name"))],
) -> None:
    from projtrack.services.counties import set_county

    county, n, changed = set_county(state(ctx).store, name)
    typer.echo(t("county.set_done", county=county, n=n) if n or changed
               else t("county.set_same", county=county))
