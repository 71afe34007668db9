"""Commands: ``report weekly`` (the weekly variance printout) and the progress fill-in round
trip, ``progress template`` and ``progress import``, and who has returned a week's sheet,
``progress status``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from projtrack.cli.app import parse_date, progress_app, report_app, state
from projtrack.errors import BadData, BadUsage
from projtrack.i18n import current_lang, t


def _formats(text: str) -> list[str]:
    from projtrack.services.weekly import check_formats

    formats = check_formats(f.strip().lower() for f in text.split(",") if f.strip())
    if not formats:
        raise BadUsage("report.bad_format", fmt=text)
    return list(dict.fromkeys(formats))


@report_app.command("weekly")
def report_weekly(
    ctx: typer.Context,
    week: Annotated[str | None, typer.Option("--week", help="ISO week, e.g. 2026-W48 "
                                             "(default: the week containing the as-of date).")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="The week containing this date "
                                              "(default: the global --as-of, or today).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="xlsx, pdf or both: xlsx,pdf.")] = "xlsx,pdf",
    out: Annotated[Path, typer.Option("--out", help="Folder for the files (created if missing).")] = Path("."),
    draft: Annotated[bool, typer.Option("--draft", help="Print without issuing: the figures "
                                        "are not frozen.")] = False,
    reissue: Annotated[bool, typer.Option("--reissue", help="Issue again with today's figures, "
                                          "replacing the frozen report of that week.")] = False,
) -> None:
    """The weekly variance report, as of the week's last day.  The first print of a finished
    week issues it and freezes its figures; later prints reproduce it exactly."""
    from projtrack.services import weekly

    c = state(ctx)
    day = parse_date(as_of, "--as-of") if as_of else c.as_of
    formats = _formats(fmt)
    if out.exists() and not out.is_dir():
        raise BadUsage("err.not_a_folder", path=str(out))
    prepared = weekly.prepare(c.store, week=week, as_of=day, draft=draft, reissue=reissue)
    issued, paths = weekly.publish(c.store, prepared, formats=formats, out_dir=out,
                                   lang=c.lang or current_lang())
    r = issued.report
    if issued.status == weekly.IssueStatus.REPRINTED:
        typer.echo(t("report.msg.reprinted", period=r.period,
                     issued=r.issued_at.date().isoformat() if r.issued_at else "?"))
    elif issued.status == weekly.IssueStatus.DRAFT:
        if issued.week_not_over:
            typer.echo(t("report.msg.week_not_over", period=r.period, end=r.week_end.isoformat(),
                         as_of=day.isoformat()))
        typer.echo(t("report.msg.draft", period=r.period))
    else:
        typer.echo(t(f"report.msg.{issued.status}", period=r.period))
    for p in paths:
        typer.echo(t("report.msg.written", path=str(p)))


@progress_app.command("template")
def progress_template(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="The xlsx file to write.")],
    week: Annotated[str | None, typer.Option("--week", help="ISO week being reported, e.g. "
                                             "2026-W48 (default: the week containing the as-of "
                                             "date).")] = None,
    township: Annotated[str | None, typer.Option("--township", help="Only this township's "
                                                 "projects (建设地点).")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Only this responsible unit's "
                                             "projects (责任单位).")] = None,
    include_all: Annotated[bool, typer.Option("--all", help="Also projects in use (投用) or "
                                              "cancelled (取消).")] = False,
) -> None:
    """Write the progress fill-in sheet to send out: one row per active project, protected,
    with validated cells for 本周完成投资 / 累计完成投资, 形象进度, milestone dates and a note."""
    from projtrack.services.progress import make_template

    c = state(ctx)
    if out.suffix.lower() != ".xlsx":
        raise BadUsage("progress.out_xlsx", path=str(out))
    if not out.parent.exists():
        raise BadUsage("err.no_such_folder", folder=str(out.parent))
    path, n, period = make_template(c.store, out, week=week, as_of=c.as_of, township=township,
                                    unit=unit, include_all=include_all,
                                    lang=c.lang or current_lang())
    typer.echo(t("progress.template_written", path=str(path), n=n, period=period))


@progress_app.command("import")
def progress_import(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Returned fill-in sheets (xlsx, xls).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be recorded; "
                                          "write nothing.")] = False,
    week: Annotated[str | None, typer.Option("--week", help=t("cli.help.progress_import_week"))
                    ] = None,
) -> None:
    """Import returned fill-in sheets (.xlsx or .xls): every cell is checked (errors name the
    file and the cell, and then nothing is written), the diff is shown, the entries are
    recorded.  A sheet not laid out as its template is read by meaning, and the summary says
    which columns were read as what."""
    from projtrack.services.progress import import_progress, summary_text

    c = state(ctx)
    for f in files:
        if not f.exists():
            raise BadUsage("err.no_such_file", file=str(f))
    plan = import_progress(c.store, files, dry_run=dry_run, week=week, as_of=c.as_of)
    typer.echo(summary_text(plan, dry_run=dry_run))
    if plan.errors:
        lines = "\n".join("  " + p.text() for p in plan.errors)
        raise BadData("progress.errors", n=len(plan.errors), errors=lines)


@progress_app.command("status", help=t("cli.help.progress_status"))
def progress_status(
    ctx: typer.Context,
    week: Annotated[str | None, typer.Option("--week", help=t("cli.help.progress_status_week"))
                    ] = None,
    by: Annotated[str, typer.Option("--by", help=t("cli.help.progress_status_by"))] = "township",
    fmt: Annotated[str, typer.Option("--format", help=t("cli.help.progress_status_format"))
                   ] = "text",
) -> None:
    from projtrack.services.returns import return_status, status_csv, status_text

    c = state(ctx)
    if fmt not in ("text", "csv"):
        raise BadUsage("returns.bad_format", found=fmt)
    status = return_status(c.store, week=week, as_of=c.as_of, by=by.strip().lower())
    lang = c.lang or current_lang()
    typer.echo(status_csv(status, lang) if fmt == "csv" else status_text(status, lang),
               nl=fmt != "csv")
