"""What officers record by hand: money entries (``spend add / list / undo``), physical
progress (``progress add``), milestone dates, a year's plan and the phase, and ``undo`` of the
last change of any kind.  Every write goes through projtrack.services.entries (undo:
projtrack.services.undo).

What was read is echoed as it is saved ("记录 完成投资 120.50 万元,日期 2024-11-27"); warnings go
to stderr and the entry is saved (exit 0); what needs ``--force`` or ``--correction`` is
refused without it (exit 1, nothing written)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from projtrack.cli.app import (
    app,
    milestone_app,
    parse_amount,
    parse_date,
    phase_app,
    plan_app,
    progress_app,
    spend_app,
    state,
    wan,
)
from projtrack.errors import BadUsage
from projtrack.i18n import t

FORCE_HELP = t("cli.opt.force_date")
IF_UNCHANGED_HELP = t("cli.opt.if_unchanged")
_NONE = ("none", "-", "")


def _is_none(text: str) -> bool:
    return text.strip().lower() in _NONE


def _warn(warnings) -> None:
    for w in warnings:
        typer.echo(t("warn.prefix") + w.text(), err=True)


def _basis(text: str | None) -> str | None:
    from projtrack.services.checks import BASIS_WORDS

    if text is None:
        return None
    basis = BASIS_WORDS.get(text.strip().lower(), "?")
    if basis not in ("year", "total"):
        raise BadUsage("err.bad_basis", found=text)
    return basis


@spend_app.command("add", help=t("cli.help.spend_add"))
def spend_add(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help=t("cli.opt.project"))],
    amount: Annotated[str, typer.Argument(help=t("cli.opt.spend.amount"))],
    date: Annotated[str, typer.Option("--date", help=t("cli.opt.spend.date"))],
    cumulative: Annotated[str | None, typer.Option(
        "--cumulative", metavar="year|total",
        help=t("cli.opt.spend.cumulative"))] = None,
    correction: Annotated[bool, typer.Option(
        "--correction", help=t("cli.opt.spend.correction"))] = False,
    force: Annotated[bool, typer.Option("--force", help=FORCE_HELP)] = False,
    kind: Annotated[str, typer.Option("--kind", help=t("cli.opt.spend.kind"))] = "完成投资",
    source: Annotated[str | None, typer.Option("--source", help=t("cli.opt.spend.source"))] = None,
    note: Annotated[str | None, typer.Option("--note", help=t("cli.opt.note"))] = None,
) -> None:
    """Record a money entry (append-only)."""
    from projtrack.core.text import clean_text
    from projtrack.services.entries import record_entry, resolve_project

    c = state(ctx)
    value = parse_amount(amount, allow_negative=correction and cumulative is None)
    day = parse_date(date, "--date")
    basis = _basis(cumulative)
    pid = resolve_project(c.store, project)
    done = record_entry(c.store, pid, amount=value, date=day, kind=kind, cumulative=basis,
                        source=source, note=clean_text(note), origin="cli", force=force,
                        correction=correction)
    typer.echo(done.echo())
    typer.echo(t("msg.entry_recorded", id=done.entry.id, project=done.project))
    _warn(done.warnings)


@spend_app.command("list", help=t("cli.help.spend_list"))
def spend_list(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help=t("cli.opt.project"))],
    kind: Annotated[str | None, typer.Option("--kind", help=t("cli.opt.spend.only_kind"))] = None,
) -> None:
    """List a project's money entries, with running totals per series."""
    from decimal import Decimal

    from projtrack.services.entries import project_entries, resolve_project

    c = state(ctx)
    pid = resolve_project(c.store, project)
    facts, entries = project_entries(c.store, pid, kind)
    typer.echo(f"{pid}  {facts.name}")
    running: dict[str, Decimal] = {}
    if not entries:
        typer.echo(t("msg.no_entries"))
    for e in entries:
        running[e.kind] = running.get(e.kind, Decimal(0)) + e.amount
        typed = t(f"basis.{e.basis}") + " " + wan(e.entered_cumulative) if e.basis else ""
        extra = " ".join(x for x in (e.source or "", f"↩#{e.reverses_id}" if e.reverses_id else "",
                                     t("label.correction") if e.correction else "", typed,
                                     e.note or "") if x)
        typer.echo(f"#{e.id:<5} {e.entry_date}  {e.kind}  {wan(e.amount):>14}  "
                   f"{t('label.running')} {wan(running[e.kind]):>14}  {extra}".rstrip())


def _undo(ctx: typer.Context, project: str | None, yes: bool, kinds) -> None:
    """Name the last change (the project's, or without one the officer's own), ask, undo it."""
    from projtrack.services.database import current_user
    from projtrack.services.entries import resolve_project
    from projtrack.services.undo import last_change, undo_change

    c = state(ctx)
    pid = resolve_project(c.store, project) if project else None
    user = None if pid is not None else current_user(c.store)  # without a project: never a colleague's
    change = last_change(c.store, project_id=pid, user=user, kinds=kinds)
    if change is None:
        raise BadUsage("err.nothing_to_undo")
    if not yes:
        typer.echo(t("change.will_undo", change=change.describe()))
        typer.echo(t("change.how"))
        try:
            go = typer.confirm(t("change.confirm"), default=False)
        except typer.Abort:
            go = False
        if not go:
            typer.echo(t("change.cancelled"))
            raise typer.Exit(1)
    done = undo_change(c.store, expected=change.audit_id, project_id=pid, user=user,
                       kinds=kinds, origin="cli")
    typer.echo(done.describe())


@spend_app.command("undo", help=t("cli.help.spend_undo"))
def spend_undo(
    ctx: typer.Context,
    project: Annotated[str | None, typer.Argument(help=t("cli.opt.spend_undo.project"))] = None,
    yes: Annotated[bool, typer.Option("--yes", help=t("cli.opt.yes"))] = False,
) -> None:
    """Undo the newest money entry by a reversal entry (nothing is deleted); names it and asks
    first."""
    _undo(ctx, project, yes, ("money",))


@app.command("undo", help=t("cli.help.undo"))
def undo_cmd(
    ctx: typer.Context,
    project: Annotated[str | None, typer.Argument(help=t("cli.opt.undo.project"))] = None,
    yes: Annotated[bool, typer.Option("--yes", help=t("cli.opt.yes"))] = False,
) -> None:
    """Undo the last change — money, progress, a milestone date, a plan, the phase or the
    remarks — by a new audited record; names it (project, what, amount, date, who) and asks
    first."""
    _undo(ctx, project, yes, None)


@progress_app.command("add", help=t("cli.help.progress_add"))
def progress_add(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help=t("cli.opt.project"))],
    date: Annotated[str, typer.Option("--date", help=t("cli.opt.progress.date"))],
    stage: Annotated[str | None, typer.Option("--stage", help=t("cli.opt.progress.stage"))] = None,
    percent: Annotated[str | None, typer.Option("--percent", help=t("cli.opt.progress.percent"))] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
    force: Annotated[bool, typer.Option("--force", help=FORCE_HELP)] = False,
) -> None:
    """Record physical progress (形象进度): a stage and a percent."""
    from projtrack.core.money import format_rate
    from projtrack.core.text import clean_text
    from projtrack.i18n import term
    from projtrack.services.entries import add_progress, resolve_project
    from projtrack.typed import read_percent

    c = state(ctx)
    day = parse_date(date, "--date")
    pct = read_percent(percent, option="--percent") if percent is not None else None
    pid = resolve_project(c.store, project)
    done = add_progress(c.store, pid, date=day, stage=stage, percent=pct, note=clean_text(note),
                        force=force)
    e = done.record
    typer.echo(t("msg.progress_recorded", id=e.id, date=day.isoformat(),
                 stage=term(stage) if stage else "—", percent=format_rate(pct, 0)))
    _warn(done.warnings)


@milestone_app.command("set", help=t("cli.help.milestone_set"))
def milestone_set(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help=t("cli.opt.project"))],
    name: Annotated[str, typer.Argument(help=t("cli.opt.milestone.name"))],
    planned: Annotated[str | None, typer.Option("--planned", help=t("cli.opt.milestone.planned"))] = None,
    actual: Annotated[str | None, typer.Option("--actual", help=t("cli.opt.milestone.actual"))] = None,
    force: Annotated[bool, typer.Option("--force", help=t("cli.opt.milestone.future"))] = False,
    if_unchanged: Annotated[str | None, typer.Option(
        "--if-unchanged", metavar="DATE", help=t("cli.opt.milestone.if_unchanged"))] = None,
) -> None:
    """Set a milestone's planned and/or actual date.  Two officers setting it at once: the
    second is refused and told the first one's change (nothing is overwritten)."""
    from projtrack.services.entries import (
        UNSET,
        record_versions,
        resolve_project,
        set_milestone,
    )

    c = state(ctx)
    dates: dict[str, dt.date | None] = {}
    for key, value in (("planned", planned), ("actual", actual)):
        if value is not None:
            dates[key] = None if _is_none(value) else parse_date(value, f"--{key}")
    expected: dict[str, object] | None = None
    if if_unchanged is not None:
        if len(dates) != 1:
            raise BadUsage("err.if_unchanged_one")
        (key,) = dates
        expected = {key: None if _is_none(if_unchanged)
                    else parse_date(if_unchanged, "--if-unchanged")}
    pid = resolve_project(c.store, project)
    version = record_versions(c.store, pid).get(f"milestone:{name}", 0)  # as the command starts
    done = set_milestone(c.store, pid, name, force=force, expected_version=version,
                         expected=expected, planned=dates.get("planned", UNSET),
                         actual=dates.get("actual", UNSET))
    m = done.record
    typer.echo(t("msg.milestone_set", name=name, planned=m.planned or "—", actual=m.actual or "—"))
    _warn(done.warnings)


@plan_app.command("set", help=t("cli.help.plan_set"))
def plan_set(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help=t("cli.opt.project"))],
    year: Annotated[int, typer.Argument(help=t("cli.opt.plan.year"))],
    amount: Annotated[str, typer.Argument(help=t("cli.opt.plan.amount"))],
    if_unchanged: Annotated[str | None, typer.Option(
        "--if-unchanged", metavar="AMOUNT", help=IF_UNCHANGED_HELP)] = None,
) -> None:
    """Set (revise) a project's plan for one year — any year, including after 2025."""
    from projtrack.services.entries import record_versions, resolve_project, set_plan

    c = state(ctx)
    value = parse_amount(amount, "plan_amount")
    extra: dict = {}
    if if_unchanged is not None:
        extra["expected_amount"] = None if _is_none(if_unchanged) \
            else parse_amount(if_unchanged, "plan_amount")
    pid = resolve_project(c.store, project)
    version = record_versions(c.store, pid).get(f"plan:{year}", 0)  # as the command starts
    set_plan(c.store, pid, year, value, expected_version=version, **extra)
    typer.echo(t("msg.plan_set", year=year, amount=wan(value)))


@phase_app.command("set", help=t("cli.help.phase_set"))
def phase_set(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help=t("cli.opt.project"))],
    phase: Annotated[str, typer.Argument(help=t("cli.opt.phase.phase"))],
    if_unchanged: Annotated[str | None, typer.Option(
        "--if-unchanged", metavar="PHASE", help=IF_UNCHANGED_HELP)] = None,
) -> None:
    """Change a project's phase."""
    from projtrack.services.entries import record_versions, resolve_project, update_project

    c = state(ctx)
    pid = resolve_project(c.store, project)
    version = record_versions(c.store, pid).get("project")  # as the command starts
    expected: dict[str, object] | None = \
        {"phase": if_unchanged.strip()} if if_unchanged is not None else None
    update_project(c.store, pid, expected_version=version, expected=expected, phase=phase)
    typer.echo(t("msg.phase_set", phase=phase))
