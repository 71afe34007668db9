"""Commands: ``report weekly`` (the weekly variance printout), ``report monthly`` and
``report quarterly`` (the same for a month, a quarter), ``report brief`` (the 通报 paragraph),
the progress fill-in round trip, ``progress template`` and ``progress import``, and who has
returned a week's sheet, ``progress status``."""

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


@report_app.command("weekly", help=t("cli.help.report_weekly"))
def report_weekly(
    ctx: typer.Context,
    week: Annotated[str | None, typer.Option("--week", help=t("cli.opt.report.week"))] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help=t("cli.opt.report.as_of"))] = None,
    fmt: Annotated[str, typer.Option("--format", help=t("cli.opt.report.format"))] = "xlsx,pdf",
    out: Annotated[Path, typer.Option("--out", help=t("cli.opt.report.out"))] = Path("."),
    draft: Annotated[bool, typer.Option("--draft", help=t("cli.opt.report.draft"))] = False,
    reissue: Annotated[bool, typer.Option("--reissue", help=t("cli.opt.report.reissue"))] = False,
    county: Annotated[str | None, typer.Option("--county", help=t("help.report.county"))] = None,
) -> None:
    """The weekly variance report, as of the week's last day.  The first print of a finished
    week issues it and freezes its figures; later prints reproduce it exactly."""
    c = state(ctx)
    day = parse_date(as_of, "--as-of") if as_of else c.as_of
    _print_report(c, "weekly", week, day, fmt, out, draft, reissue, county)


def _print_report(c, kind: str, period: str | None, day, fmt: str, out: Path, draft: bool,
                  reissue: bool, county: str | None = None) -> None:
    """Prepare, write and (for a finished period) issue the ``kind`` report; say what it did."""
    from projtrack.services import weekly

    formats = _formats(fmt)
    if out.exists() and not out.is_dir():
        raise BadUsage("err.not_a_folder", path=str(out))
    prepared = weekly.prepare(c.store, week=period, as_of=day, draft=draft, reissue=reissue,
                              kind=kind, county=county)
    issued, paths = weekly.publish(c.store, prepared, formats=formats, out_dir=out,
                                   lang=c.lang or current_lang())
    r = issued.report

    def key(k: str) -> str:
        return weekly.period_key(k, kind)

    if issued.status == weekly.IssueStatus.REPRINTED:
        typer.echo(t(key("report.msg.reprinted"), period=r.period,
                     issued=r.issued_at.date().isoformat() if r.issued_at else "?"))
    elif issued.status == weekly.IssueStatus.DRAFT:
        if issued.week_not_over:
            typer.echo(t(key("report.msg.week_not_over"), period=r.period,
                         end=r.week_end.isoformat(), as_of=day.isoformat()))
        typer.echo(t(key("report.msg.draft"), period=r.period))
    else:
        typer.echo(t(key(f"report.msg.{issued.status}"), period=r.period))
    for p in paths:
        typer.echo(t("report.msg.written", path=str(p)))


FormatOpt = Annotated[str, typer.Option("--format", help=t("help.report.format"))]
OutOpt = Annotated[Path, typer.Option("--out", help=t("help.report.out"))]
DraftOpt = Annotated[bool, typer.Option("--draft", help=t("help.report.draft"))]
ReissueOpt = Annotated[bool, typer.Option("--reissue", help=t("help.report.reissue"))]
CountyOpt = Annotated[str | None, typer.Option("--county", help=t("help.report.county"))]


@report_app.command("monthly", help=t("help.report.monthly"))
def report_monthly(
    ctx: typer.Context,
    month: Annotated[str | None, typer.Option("--month", help=t("help.report.month"))] = None,
    fmt: FormatOpt = "xlsx,pdf",
    out: OutOpt = Path("."),
    draft: DraftOpt = False,
    reissue: ReissueOpt = False,
    county: CountyOpt = None,
) -> None:
    c = state(ctx)
    _print_report(c, "monthly", month, c.as_of, fmt, out, draft, reissue, county)


@report_app.command("quarterly", help=t("help.report.quarterly"))
def report_quarterly(
    ctx: typer.Context,
    quarter: Annotated[str | None, typer.Option("--quarter", help=t("help.report.quarter"))] = None,
    fmt: FormatOpt = "xlsx,pdf",
    out: OutOpt = Path("."),
    draft: DraftOpt = False,
    reissue: ReissueOpt = False,
    county: CountyOpt = None,
) -> None:
    c = state(ctx)
    _print_report(c, "quarterly", quarter, c.as_of, fmt, out, draft, reissue, county)


@report_app.command("brief", help=t("help.report.brief"))
def report_brief(
    ctx: typer.Context,
    week: Annotated[str | None, typer.Option("--week", help=t("help.report.brief_week"))] = None,
    month: Annotated[str | None, typer.Option("--month", help=t("help.report.brief_month"))] = None,
    quarter: Annotated[str | None, typer.Option("--quarter",
                                                help=t("help.report.brief_quarter"))] = None,
    county: CountyOpt = None,
) -> None:
    from projtrack.services import weekly

    c = state(ctx)
    chosen = [(k, v) for k, v in (("weekly", week), ("monthly", month), ("quarterly", quarter))
              if v is not None]
    if len(chosen) > 1:
        raise BadUsage("brief.one_period")
    kind, period = chosen[0] if chosen else ("weekly", None)
    b = weekly.brief(c.store, period=period, as_of=c.as_of, lang=c.lang or current_lang(),
                     kind=kind, county=county)
    r = b.report
    if b.draft:  # on stderr: what is pasted is the paragraph alone
        typer.echo(t("brief.msg.draft", period=r.period), err=True)
    else:
        typer.echo(t("brief.msg.issued", period=r.period,
                     issued=r.issued_at.date().isoformat() if r.issued_at else "?"), err=True)
    typer.echo(b.text)


@progress_app.command("template", help=t("cli.help.progress_template"))
def progress_template(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help=t("cli.opt.template.out"))],
    week: Annotated[str | None, typer.Option("--week", help=t("cli.opt.template.week"))] = None,
    township: Annotated[str | None, typer.Option("--township", help=t("cli.opt.template.township"))] = None,
    unit: Annotated[str | None, typer.Option("--unit", help=t("cli.opt.template.unit"))] = None,
    include_all: Annotated[bool, typer.Option("--all", help=t("cli.opt.template.all"))] = False,
    county: Annotated[str | None, typer.Option("--county", help=t("cli.opt.template.county"))
                      ] = None,
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
                                    lang=c.lang or current_lang(), county=county)
    typer.echo(t("progress.template_written", path=str(path), n=n, period=period))


@progress_app.command("import", help=t("cli.help.progress_import"))
def progress_import(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help=t("cli.opt.progress_import.files"))],
    dry_run: Annotated[bool, typer.Option("--dry-run",
                                          help=t("cli.opt.progress_import.dry_run"))] = False,
    week: Annotated[str | None, typer.Option("--week",
                                             help=t("cli.help.progress_import_week"))] = None,
    county: Annotated[str | None, typer.Option("--county",
                                               help=t("cli.opt.progress_import.county"))] = None,
) -> None:
    from projtrack.services.progress import import_progress, summary_text

    c = state(ctx)
    for f in files:
        if not f.exists():
            raise BadUsage("err.no_such_file", file=str(f))
    plan = import_progress(c.store, files, dry_run=dry_run, week=week, as_of=c.as_of,
                           county=county)
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
    county: Annotated[str | None, typer.Option("--county", help=t("cli.opt.status.county"))
                      ] = None,
) -> None:
    from projtrack.services.returns import return_status, status_csv, status_text

    c = state(ctx)
    if fmt not in ("text", "csv"):
        raise BadUsage("returns.bad_format", found=fmt)
    status = return_status(c.store, week=week, as_of=c.as_of, by=by.strip().lower(),
                           county=county)
    lang = c.lang or current_lang()
    typer.echo(status_csv(status, lang) if fmt == "csv" else status_text(status, lang),
               nl=fmt != "csv")
