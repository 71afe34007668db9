"""What officers record by hand: money entries (``spend add / list / undo``), physical
progress (``progress add``), milestone dates, a year's plan and the phase.  Every write goes
through projtrack.services.entries."""

from __future__ import annotations

from typing import Annotated

import typer

from projtrack.cli.app import (
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
from projtrack.errors import BadData
from projtrack.i18n import t


@spend_app.command("add")
def spend_add(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="Project id or (part of) its name.")],
    amount: Annotated[str, typer.Argument(help="Amount in 万元 (1,200.5 or １２００).")],
    date: Annotated[str, typer.Option("--date", help="Date of the entry.")],
    cumulative: Annotated[bool, typer.Option("--cumulative", help="AMOUNT is the new cumulative "
                                             "total; the increment is derived.")] = False,
    kind: Annotated[str, typer.Option("--kind", help="完成投资 (default), 到位资金 or 拨付.")] = "完成投资",
    source: Annotated[str | None, typer.Option("--source", help="Fund source for 到位资金: "
                                               "中央, 省, 专项债, 县财政, 自筹.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note.")] = None,
) -> None:
    """Record a money entry (append-only)."""
    from projtrack.core.text import clean_text
    from projtrack.services.entries import record_entry, resolve_project

    c = state(ctx)
    value = parse_amount(amount)
    day = parse_date(date, "--date")
    pid = resolve_project(c.store, project)
    e = record_entry(c.store, pid, amount=value, date=day, kind=kind, cumulative=cumulative,
                     source=source, note=clean_text(note), origin="cli")
    typer.echo(t("msg.entry_recorded", id=e.id, kind=kind, date=day.isoformat(),
                 amount=wan(e.amount)))


@spend_app.command("list")
def spend_list(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="Project id or (part of) its name.")],
    kind: Annotated[str | None, typer.Option("--kind", help="Only this series.")] = None,
) -> None:
    """List a project's money entries, with running totals per series."""
    from projtrack.services.entries import resolve_project

    c = state(ctx)
    pid = resolve_project(c.store, project)
    facts = c.store.project(pid)
    typer.echo(f"{pid}  {facts.name}")
    running: dict[str, object] = {}
    from decimal import Decimal

    entries = c.store.entries(pid, kind)
    if not entries:
        typer.echo(t("msg.no_entries"))
    for e in entries:
        running[e.kind] = running.get(e.kind, Decimal(0)) + e.amount  # type: ignore[operator]
        extra = " ".join(x for x in (e.source or "", f"↩#{e.reverses_id}" if e.reverses_id else "",
                                     e.note or "") if x)
        typer.echo(f"#{e.id:<5} {e.entry_date}  {e.kind}  {wan(e.amount):>14}  "
                   f"{t('label.running')} {wan(running[e.kind]):>14}  {extra}".rstrip())


@spend_app.command("undo")
def spend_undo(
    ctx: typer.Context,
    project: Annotated[str | None, typer.Argument(help="Project id or name; default: the newest "
                                                  "entry of any project.")] = None,
) -> None:
    """Undo the newest entry by a reversal entry (nothing is deleted)."""
    from projtrack.services.entries import resolve_project, undo_last_entry

    c = state(ctx)
    pid = resolve_project(c.store, project) if project else None
    rev = undo_last_entry(c.store, pid, origin="cli")
    typer.echo(t("msg.undone", id=rev.reverses_id, rid=rev.id, amount=wan(rev.amount)))


@progress_app.command("add")
def progress_add(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="Project id or (part of) its name.")],
    date: Annotated[str, typer.Option("--date", help="Date of the observation.")],
    stage: Annotated[str | None, typer.Option("--stage", help="基础, 主体结构, 屋面, 装饰装修, "
                                              "收尾 or 竣工.")] = None,
    percent: Annotated[str | None, typer.Option("--percent", help="Percent complete, 0–100 "
                                                "(40 or 40%).")] = None,
    note: Annotated[str | None, typer.Option("--note")] = None,
) -> None:
    """Record physical progress (形象进度): a stage and a percent."""
    from projtrack.core.money import NumberFormatError
    from projtrack.core.text import clean_text
    from projtrack.core.units import parse_percent
    from projtrack.services.entries import add_progress, resolve_project

    c = state(ctx)
    day = parse_date(date, "--date")
    pct = None
    if percent is not None:
        try:
            pct = parse_percent(percent)
        except NumberFormatError as exc:
            raise BadData("err.bad_percent", found=percent) from exc
    pid = resolve_project(c.store, project)
    e = add_progress(c.store, pid, date=day, stage=stage, percent=pct, note=clean_text(note))
    typer.echo(t("msg.progress_recorded", id=e.id, date=day.isoformat(), stage=stage or "—",
                 percent=percent or "—"))


@milestone_app.command("set")
def milestone_set(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="Project id or (part of) its name.")],
    name: Annotated[str, typer.Argument(help="立项, 可研批复, 用地批准, 初设批复, 施工许可, 开工, "
                                        "主体结顶, 竣工验收 or 投用.")],
    planned: Annotated[str | None, typer.Option("--planned", help="Planned date ('none' clears).")] = None,
    actual: Annotated[str | None, typer.Option("--actual", help="Actual date ('none' clears).")] = None,
) -> None:
    """Set a milestone's planned and/or actual date."""
    from projtrack.services.entries import resolve_project, set_milestone

    c = state(ctx)
    kwargs = {}
    for key, value in (("planned", planned), ("actual", actual)):
        if value is not None:
            kwargs[key] = None if value.strip().lower() in ("none", "-", "") else parse_date(value, f"--{key}")
    pid = resolve_project(c.store, project)
    m = set_milestone(c.store, pid, name, **kwargs)
    typer.echo(t("msg.milestone_set", name=name, planned=m.planned or "—", actual=m.actual or "—"))


@plan_app.command("set")
def plan_set(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="Project id or (part of) its name.")],
    year: Annotated[int, typer.Argument(help="The year, e.g. 2026.")],
    amount: Annotated[str, typer.Argument(help="Planned investment for the year, 万元.")],
) -> None:
    """Set (revise) a project's plan for one year — any year, including after 2025."""
    from projtrack.services.entries import resolve_project, set_plan

    c = state(ctx)
    value = parse_amount(amount)
    pid = resolve_project(c.store, project)
    set_plan(c.store, pid, year, value)
    typer.echo(t("msg.plan_set", year=year, amount=wan(value)))


@phase_app.command("set")
def phase_set(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="Project id or (part of) its name.")],
    phase: Annotated[str, typer.Argument(help="前期, 在建, 竣工, 投用, 暂缓 or 取消.")],
) -> None:
    """Change a project's phase."""
    from projtrack.services.entries import resolve_project, update_project

    c = state(ctx)
    pid = resolve_project(c.store, project)
    update_project(c.store, pid, phase=phase)
    typer.echo(t("msg.phase_set", phase=phase))

