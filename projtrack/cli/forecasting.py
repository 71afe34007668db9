"""``projtrack forecast``: will we make it?  The projects with their forecasts at the as-of
date and the term-risk list (a table; ``--json`` the same data)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from projtrack.cli.app import app, state
from projtrack.i18n import current_lang, t


@app.command("forecast", help=t("cli.help.forecast"))
def forecast_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help=t("cli.opt.json"))] = False,
    county: Annotated[str | None, typer.Option("--county", help=t("cli.opt.forecast.county"))
                      ] = None,
) -> None:
    """The year-end forecast, EAC and forecast overrun, forecast 竣工 and 投用 of every project,
    and the projects whose forecast 投用 misses their autumn term, with the places they carry."""
    from projtrack.services.forecast import forecasts_json, forecasts_text, load_forecasts

    c = state(ctx)
    fc = load_forecasts(c.store, c.as_of, county)
    if as_json:
        sys.stdout.write(json.dumps(forecasts_json(fc), ensure_ascii=False, indent=2) + "\n")
        return
    sys.stdout.write(forecasts_text(fc, c.lang or current_lang()))
