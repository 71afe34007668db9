"""The 红黄绿 rules (``rules show / set / reset``): the verbs are projtrack.services.rules.
A change is shown first — each rule old → new, and the projects whose flag it would change at
the as-of date — and saved only when confirmed (``--yes``, or yes at the prompt)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from projtrack.cli.app import app, state
from projtrack.errors import BadUsage
from projtrack.i18n import t

if TYPE_CHECKING:
    from projtrack.core.types import FlagRules

rules_app = typer.Typer(help=t("help.rules"), short_help=t("help.rules_short"), no_args_is_help=True)
app.add_typer(rules_app, name="rules")

YES = typer.Option("--yes", help=t("help.rules.yes"))
DRY_RUN = typer.Option("--dry-run", help=t("help.rules.dry_run"))


@rules_app.command("show", help=t("help.rules.show"))
def rules_show(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help=t("help.rules.format"))] = "text",
) -> None:
    from projtrack.services.rules import current, describe, rules_json, rules_line

    if fmt not in ("text", "json"):
        raise BadUsage("err.bad_rules_format", found=fmt)
    rules = current(state(ctx).store).rules
    if fmt == "json":
        typer.echo(json.dumps(rules_json(rules), ensure_ascii=False, indent=2))
        return
    for line in describe(rules):
        typer.echo(f"{line.name}  {line.label}")
        typer.echo("    " + t("rules.value_default", value=line.value, default=line.default,
                                mark="" if line.is_default else t("rules.not_default")))
        typer.echo("    " + line.meaning)
    typer.echo(rules_line(rules))


def _save(ctx: typer.Context, change: Callable[[FlagRules], FlagRules], yes: bool,
          dry_run: bool) -> None:
    """Read the rules in force, show what ``change`` of them changes, ask, save."""
    from projtrack.services.rules import current, preview, save

    c = state(ctx)
    read = current(c.store)
    new = change(read.rules)
    pv = preview(c.store, c.as_of, new, old=read.rules)
    if not pv.rules_changed:
        typer.echo(t("rules.nothing_to_change"))
        return
    for line in pv.lines():
        typer.echo(line)
    if dry_run:
        typer.echo(t("rules.dry_run_done"))
        return
    if not yes:
        try:
            go = typer.confirm(t("rules.confirm"), default=False)
        except typer.Abort:
            go = False
        if not go:
            typer.echo(t("rules.cancelled"))
            raise typer.Exit(1)
    save(c.store, new, read=read)
    typer.echo(t("rules.saved", n=len(pv.rules_changed)))


@rules_app.command("set", help=t("help.rules.set"))
def rules_set(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help=t("help.rules.name"),
                                        show_default=False)],
    value: Annotated[str, typer.Argument(metavar="VALUE", help=t("help.rules.value"),
                                         show_default=False)],
    more: Annotated[list[str] | None, typer.Argument(metavar="NAME VALUE",
                                                     help=t("help.rules.more"),
                                                     show_default=False)] = None,
    yes: Annotated[bool, YES] = False,
    dry_run: Annotated[bool, DRY_RUN] = False,
) -> None:
    from projtrack.services.rules import apply, read_changes

    pairs = [name, value, *(more or [])]
    if len(pairs) % 2:
        raise BadUsage("err.rules_pairs", found=" ".join(pairs))
    values = read_changes(list(zip(pairs[::2], pairs[1::2], strict=True)))
    _save(ctx, lambda rules: apply(rules, values), yes, dry_run)


@rules_app.command("reset", help=t("help.rules.reset"))
def rules_reset(
    ctx: typer.Context,
    names: Annotated[list[str] | None, typer.Argument(metavar="[NAME ...]",
                                                      help=t("help.rules.names"),
                                                      show_default=False)] = None,
    yes: Annotated[bool, YES] = False,
    dry_run: Annotated[bool, DRY_RUN] = False,
) -> None:
    from projtrack.services.rules import reset_rules

    _save(ctx, lambda rules: reset_rules(rules, names or ()), yes, dry_run)
