"""``projtrack breakdown township|unit|funding|county``: the portfolio's figures by township, by
responsible unit, or 到位资金 by funding source (with 拨付 against it), at the as-of date."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from projtrack.cli.app import app, state
from projtrack.i18n import current_lang, t


@app.command("breakdown", help=t("cli.breakdown.help"))
def breakdown_cmd(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(metavar="township|unit|funding|county",
                                        help=t("cli.breakdown.kind"), show_default=False)],
    output: Annotated[str, typer.Option("--format", metavar="text|csv",
                                        help=t("cli.breakdown.format"))] = "text",
) -> None:
    from projtrack.services.breakdown import breakdown_output

    c = state(ctx)
    sys.stdout.write(breakdown_output(c.store, c.as_of, kind, output=output,
                                      lang=c.lang or current_lang()))
