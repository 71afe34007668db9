"""The issues log (``issue add / update / close / list``): 存在问题及协调事项.  The verbs are
projtrack.services.issues; a date option is read as every command's --date (a date refused is a
usage error, exit 2), and a state, a text, or a date out of order with the issue's is bad data
(exit 1); each refusal names the field and the value, and nothing is written."""

from __future__ import annotations

from typing import Annotated

import typer

from projtrack.cli.app import app, parse_date, state
from projtrack.i18n import t

issue_app = typer.Typer(help=t("help.issue"), no_args_is_help=True)
app.add_typer(issue_app, name="issue")


def _date(text: str | None, field: str, option: str):
    """An optional date option, read as every command's --date is (cli.app.parse_date: a date
    refused is a usage error, exit 2, naming the field, the option and the value)."""
    return parse_date(text, option, field) if text is not None else None


def _said(done, c) -> None:
    """The issue as just written: at the as-of date, or at its latest date when that is later."""
    from projtrack.services.issues import issue_line

    typer.echo(issue_line(done, max(c.as_of, done.last_date)))


# the options update and close share
IssueIdArg = Annotated[int, typer.Argument(metavar="ID", help=t("help.issue_id"))]
UpdateDateOpt = Annotated[str | None, typer.Option("--date", help=t("help.issue_update_date"))]
ByOpt = Annotated[str | None, typer.Option("--by", help=t("help.issue_by"))]


@issue_app.command("add", help=t("help.issue_add"))
def issue_add(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help=t("help.issue_project"))],
    text: Annotated[str, typer.Argument(help=t("help.issue_text"))],
    owner: Annotated[str | None, typer.Option("--owner", help=t("help.issue_owner"))] = None,
    due: Annotated[str | None, typer.Option("--due", help=t("help.issue_due"))] = None,
    date: Annotated[str | None, typer.Option("--date", help=t("help.issue_date"))] = None,
) -> None:
    from projtrack.services.entries import resolve_project
    from projtrack.services.issues import add

    c = state(ctx)
    due_day = _date(due, "due", "--due")
    day = _date(date, "issue_date", "--date")
    pid = resolve_project(c.store, project)
    done = add(c.store, pid, text, owner=owner, due=due_day, raised_on=day)
    typer.echo(t("msg.issue_added", id=done.id, project=done.project))
    _said(done, c)


@issue_app.command("update", help=t("help.issue_update"))
def issue_update(
    ctx: typer.Context,
    issue_id: IssueIdArg,
    text: Annotated[str, typer.Argument(help=t("help.issue_update_text"))],
    status: Annotated[str | None, typer.Option("--status", help=t("help.issue_status"))] = None,
    date: UpdateDateOpt = None,
    who: ByOpt = None,
) -> None:
    from projtrack.services.issues import update

    c = state(ctx)
    day = _date(date, "update_date", "--date")
    done = update(c.store, issue_id, text, status=status, date=day, who=who)
    typer.echo(t("msg.issue_updated", id=done.id, project=done.project))
    _said(done, c)


@issue_app.command("close", help=t("help.issue_close"))
def issue_close(
    ctx: typer.Context,
    issue_id: IssueIdArg,
    text: Annotated[str | None, typer.Argument(help=t("help.issue_close_text"))] = None,
    date: UpdateDateOpt = None,
    who: ByOpt = None,
) -> None:
    from projtrack.services.issues import close

    c = state(ctx)
    day = _date(date, "update_date", "--date")
    done = close(c.store, issue_id, text, date=day, who=who)
    typer.echo(t("msg.issue_closed", id=done.id, project=done.project))
    _said(done, c)


@issue_app.command("list", help=t("help.issue_list"))
def issue_list(
    ctx: typer.Context,
    only_open: Annotated[bool, typer.Option("--open/--all", help=t("help.issue_open"))] = True,
    project: Annotated[str | None, typer.Option("--project", help=t("help.issue_list_project"))] = None,
    fmt: Annotated[str, typer.Option("--format", help=t("help.issue_format"))] = "text",
) -> None:
    from projtrack.errors import BadUsage
    from projtrack.services.entries import resolve_project
    from projtrack.services.issues import csv_text, issue_line, issues

    if fmt not in ("text", "csv"):
        raise BadUsage("err.issue_bad_format", fmt=fmt)
    c = state(ctx)
    pids = [resolve_project(c.store, project)] if project is not None else None
    found = issues(c.store, day=c.as_of, only_open=only_open, project_ids=pids)
    if fmt == "csv":
        typer.echo(csv_text(found, c.as_of), nl=False)
        return
    if not found:
        typer.echo(t("msg.no_open_issues" if only_open else "msg.no_issues"))
        return
    for i in found:
        typer.echo(issue_line(i, c.as_of))
    typer.echo(t("msg.issues_count_open" if only_open else "msg.issues_count", n=len(found),
                 as_of=c.as_of.isoformat()))

