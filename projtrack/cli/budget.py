"""Baselines (``baseline set / list / show``) and budget changes with their approval (``budget
change / list / approve / reject``).  The verbs are projtrack.services.baseline and
projtrack.services.budget; amounts and dates are read as everywhere else (projtrack.typed)."""

from __future__ import annotations

import json
import unicodedata
from typing import Annotated

import typer

from projtrack.cli.app import baseline_app, budget_app, parse_date, state, wan
from projtrack.errors import BadData
from projtrack.i18n import t, term


# --- baselines -------------------------------------------------------------------------------
@baseline_app.command("set", help=t("cli.help.baseline_set"))
def baseline_set(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help=t("cli.opt.baseline.name"))],
) -> None:
    """Freeze every active project's annual plans, milestone planned dates and 总投资 as the
    baseline NAME; it becomes the current baseline."""
    from projtrack.services.baseline import set_baseline

    info = set_baseline(state(ctx).store, name)
    typer.echo(t("msg.baseline_set", name=info.name, n=info.projects))


def _when(at) -> str:
    import datetime as dt

    local = at.replace(tzinfo=dt.UTC).astimezone() if at.tzinfo is None else at.astimezone()
    return f"{local:%Y-%m-%d %H:%M}"


@baseline_app.command("list", help=t("cli.help.baseline_list"))
def baseline_list(ctx: typer.Context) -> None:
    """The baselines, newest first (* marks the current one)."""
    from projtrack.services.baseline import baselines

    found = baselines(state(ctx).store)
    if not found:
        typer.echo(t("msg.no_baselines"))
        return
    for b in found:
        typer.echo(f"{'*' if b.current else ' '} #{b.id:<4} {b.name}  {_when(b.created_at)}  "
                   f"{b.created_by}  {b.source}  " + t("baseline.projects", n=b.projects))


def _signed(value) -> str:
    from projtrack.services.budget import signed

    return signed(value)


@baseline_app.command("show", help=t("cli.help.baseline_show"))
def baseline_show(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help=t("cli.opt.baseline.which"))] = None,
    as_json: Annotated[bool, typer.Option("--json", help=t("cli.opt.baseline.json"))] = False,
) -> None:
    """What a baseline holds and what differs now, at the as-of date: milestone slip against
    the baseline date, plan changes since the baseline, 总投资 changes, and PV to date by the
    baseline's plans and by the current ones."""
    from projtrack.services.baseline import compare_portfolio, report_json

    c = state(ctx)
    report = compare_portfolio(c.store, c.as_of, name)
    if as_json:
        typer.echo(json.dumps(report_json(report), ensure_ascii=False, indent=2))
        return
    info = report.info
    typer.echo(t("baseline.head", name=info.name, id=info.id, at=_when(info.created_at),
                 by=info.created_by, source=info.source, n=info.projects,
                 current=t("baseline.current") if info.current else ""))
    from projtrack.core.money import ZERO

    base = sum((p.pv_baseline or ZERO for p in report.projects if p.in_baseline), ZERO)
    now = sum((p.pv_current for p in report.projects if p.in_baseline), ZERO)
    typer.echo(t("baseline.pv_total", as_of=c.as_of.isoformat(), baseline=wan(base),
                 current=wan(now), delta=_signed(now - base)))
    differing = report.differing
    for p in differing:
        typer.echo(f"#{p.project_id} {p.name}")
        if not p.in_baseline:
            typer.echo("    " + t("baseline.not_in"))
            continue
        if p.pv_delta:
            typer.echo("    " + t("baseline.pv", baseline=wan(p.pv_baseline), current=wan(p.pv_current),
                                  delta=_signed(p.pv_delta)))
        if p.total_changed:
            typer.echo("    " + t("baseline.total", baseline=wan(p.total_baseline),
                                  current=wan(p.total_current), delta=_signed(p.total_delta)))
        for pc in p.plan_changes:
            typer.echo("    " + t("baseline.plan", year=pc.year, baseline=wan(pc.baseline),
                                  current=wan(pc.current), delta=_signed(pc.delta)))
        for m in p.moved_milestones:
            typer.echo("    " + t("baseline.milestone", name=term(m.name),
                                  baseline=m.baseline or "—", planned=m.planned or "—",
                                  moved=f"{m.moved_days:+d}" if m.moved_days is not None else "—",
                                  slip=m.slip_days if m.slip_days is not None else "—"))
    for g in report.gone:
        typer.echo(f"#{g.project_id} {g.name}\n    " + t("baseline.gone"))
    if not differing and not report.gone:
        typer.echo(t("baseline.no_difference"))
    else:
        typer.echo(t("baseline.summary", n=len(differing), total=sum(p.total_changed for p in differing),
                     plans=sum(bool(p.plan_changes) for p in differing),
                     milestones=sum(bool(p.moved_milestones) for p in differing),
                     added=sum(not p.in_baseline for p in differing), gone=len(report.gone)))


# --- budget changes ----------------------------------------------------------------------------
def _split(text: str, option: str) -> tuple[str, str]:
    """"2025=1,200" → ("2025", "1,200"); refused (exit 1) without its "=" or a side."""
    norm = unicodedata.normalize("NFKC", text).strip()
    left, eq, right = norm.partition("=")
    if not eq or not left.strip() or not right.strip():
        raise BadData("err.budget_bad_option", option=option, found=text,
                      example=t(f"budget.example{option.replace('-', '_')}"))
    return left.strip(), right.strip()


_ARROWS = ("→", "->", ">")


def _move(text: str):
    from projtrack.typed import read_amount, read_year

    years, amount = _split(text, "--move")
    for arrow in _ARROWS:
        if arrow in years:
            a, _, b = years.partition(arrow)
            break
    else:
        raise BadData("err.budget_bad_option", option="--move", found=text,
                      example=t("budget.example__move"))
    return (read_year(a.strip(), "year", option="--move"),
            read_year(b.strip(), "year", option="--move"),
            read_amount(amount, "move_amount", option="--move"))


@budget_app.command("change", help=t("cli.help.budget_change"))
def budget_change(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help=t("cli.opt.project"))],
    reason: Annotated[str, typer.Option("--reason", help=t("cli.opt.budget.reason"))],
    total: Annotated[str | None, typer.Option("--total", help=t("cli.opt.budget.total"))] = None,
    plan: Annotated[list[str] | None, typer.Option(
        "--plan", metavar="YEAR=N", help=t("cli.opt.budget.plan"))] = None,
    move: Annotated[list[str] | None, typer.Option(
        "--move", metavar="FROM→TO=N", help=t("cli.opt.budget.shift"))] = None,
) -> None:
    """Propose a budget change (拟调整) of 总投资 and/or annual plans; nothing moves until it is
    approved (``budget approve ID --doc 文号``)."""
    from projtrack.services.budget import line_text, propose
    from projtrack.services.entries import resolve_project
    from projtrack.typed import read_amount, read_year

    c = state(ctx)
    new_total = read_amount(total, "total_investment", option="--total") if total is not None \
        else None
    plans = {}
    for text in plan or []:
        year, amount = _split(text, "--plan")
        y = read_year(year, "year", option="--plan")
        if y in plans:
            from projtrack.errors import BadUsage

            raise BadUsage("err.budget_year_twice", year=y)
        plans[y] = read_amount(amount, "plan_amount", option="--plan")
    moves = [_move(text) for text in move or []]
    pid = resolve_project(c.store, project)
    done = propose(c.store, pid, total=new_total, plans=plans, moves=moves, reason=reason)
    typer.echo(t("msg.budget_proposed", id=done.id, project=done.project))
    for ln in done.lines:
        typer.echo("    " + line_text(ln))
    typer.echo(t("msg.budget_pending_how", id=done.id))


@budget_app.command("list", help=t("cli.help.budget_list"))
def budget_list(
    ctx: typer.Context,
    pending: Annotated[bool, typer.Option("--pending", help=t("cli.opt.budget.pending"))] = False,
) -> None:
    """Budget changes, oldest first: state, project, each figure old → new, 文号, date, who,
    source; then the pending ones summed."""
    from projtrack.core.budget import pending_summary
    from projtrack.services.budget import change_text, changes, pending_text

    c = state(ctx)
    found = changes(c.store, pending=pending)
    if not found:
        typer.echo(t("msg.no_budget_changes"))
    for ch in found:
        typer.echo(change_text(ch))
    typer.echo(pending_text(pending_summary(found)))


@budget_app.command("approve", help=t("cli.help.budget_approve"))
def budget_approve(
    ctx: typer.Context,
    change_id: Annotated[int, typer.Argument(metavar="ID", help=t("cli.opt.budget.change_id"))],
    doc: Annotated[str, typer.Option("--doc", help=t("cli.opt.budget.doc"))],
    date: Annotated[str | None, typer.Option("--date", help=t("cli.opt.budget.approve_date"))] = None,
) -> None:
    """Approve a proposed change (已批复): its 总投资 and plans move now, audited."""
    from projtrack.services.budget import approve, line_text

    c = state(ctx)
    day = parse_date(date, "--date") if date is not None else None
    done = approve(c.store, change_id, doc_no=doc, date=day)
    typer.echo(t("msg.budget_approved", id=done.id, project=done.project, doc=done.doc_no,
                 on=done.decided_on.isoformat() if done.decided_on else ""))
    for ln in done.lines:
        typer.echo("    " + line_text(ln))


@budget_app.command("reject", help=t("cli.help.budget_reject"))
def budget_reject(
    ctx: typer.Context,
    change_id: Annotated[int, typer.Argument(metavar="ID", help=t("cli.opt.budget.change_id"))],
    doc: Annotated[str | None, typer.Option("--doc", help=t("cli.opt.budget.reject_doc"))] = None,
    reason: Annotated[str | None, typer.Option("--reason", help=t("cli.opt.budget.reject_reason"))] = None,
    date: Annotated[str | None, typer.Option("--date", help=t("cli.opt.budget.reject_date"))] = None,
) -> None:
    """Reject a proposed change (未批准): nothing moves."""
    from projtrack.services.budget import reject

    c = state(ctx)
    day = parse_date(date, "--date") if date is not None else None
    done = reject(c.store, change_id, doc_no=doc, reason=reason, date=day)
    typer.echo(t("msg.budget_rejected", id=done.id, project=done.project))
