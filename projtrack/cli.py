"""The command line: each command parses its arguments, calls a service and prints.

Exit codes: 0 done, 1 bad data (nothing written), 2 bad usage.  No traceback reaches the user:
an unexpected error prints one line and the details go to a log file.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
import typer.core

from projtrack import __version__
from projtrack.errors import BadData, BadUsage, ProjtrackError
from projtrack.i18n import set_lang, t

app = typer.Typer(add_completion=False, no_args_is_help=False, rich_markup_mode=None,
                  help="projtrack — capital-project portfolio tracker (项目安排表跟踪).")
spend_app = typer.Typer(help="Money entries: 完成投资, 到位资金, 拨付.", no_args_is_help=True)
progress_app = typer.Typer(help="Physical progress (形象进度).", no_args_is_help=True)
milestone_app = typer.Typer(help="Milestones (节点).", no_args_is_help=True)
plan_app = typer.Typer(help="Annual plans (年度计划投资).", no_args_is_help=True)
phase_app = typer.Typer(help="Project phase (阶段).", no_args_is_help=True)
db_app = typer.Typer(help="The database: schema upgrade.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail (变更记录).", no_args_is_help=True)
for sub, name in ((spend_app, "spend"), (progress_app, "progress"), (milestone_app, "milestone"),
                  (plan_app, "plan"), (phase_app, "phase"), (db_app, "db"), (audit_app, "audit")):
    app.add_typer(sub, name=name)


class Ctx:
    def __init__(self, db: str | None, as_of: dt.date, lang: str | None):
        self.db = db
        self.as_of = as_of
        self.lang = lang
        self._store = None

    @property
    def store(self):
        if self._store is None:
            from projtrack.store.repo import Store

            self._store = Store.open(self.db)
        return self._store


def _parse_date(text: str, what: str = "date") -> dt.date:
    from projtrack.core.units import DateFormatError, parse_date

    try:
        return parse_date(text)
    except DateFormatError as exc:
        raise BadUsage("err.bad_date", what=what, found=text) from exc


def _ctx(ctx: typer.Context) -> Ctx:
    return ctx.ensure_object(Ctx) if isinstance(ctx.obj, Ctx) else ctx.find_root().obj


@app.callback(invoke_without_command=True)
def main_options(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", envvar="PROJTRACK_DB",
                                           help="Database: a file path or an SQLAlchemy URL "
                                                "(default db/projtrack.db).")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Figures as of this date "
                                              "(default today): 2024-03-01, 2024/3/1, 2024年3月1日.")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="zh (default) or en.")] = None,
    version: Annotated[bool, typer.Option("--version", help="Print the version.")] = False,
) -> None:
    if version:
        typer.echo(f"projtrack {__version__}")
        raise typer.Exit(0)
    if lang is not None and lang not in ("zh", "en"):
        raise BadUsage("err.bad_lang", lang=lang)
    set_lang(lang)
    day = _parse_date(as_of, "--as-of") if as_of else dt.date.today()
    ctx.obj = Ctx(db, day, lang)
    if ctx.invoked_subcommand is None:
        from projtrack.tui.run import run_tui

        run_tui(ctx.obj.store, ctx.obj.as_of, lang)


# --- import and export ---------------------------------------------------------------------
class _ImportGroup(typer.core.TyperGroup):
    """`projtrack import FILE …` is `projtrack import annex FILE …`: a first word that names no
    command of the group (list, undo) is the annex's FILE (``default_command`` is its name)."""

    default_command = "annex"

    def parse_args(self, ctx, args):
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


import_app = typer.Typer(cls=_ImportGroup, no_args_is_help=False,
                         subcommand_metavar="FILE [--dry-run] [--json] [--keep-missing] [--yes] | list | undo [ID]",
                         help="Import an annex (附件:项目安排表), list past imports, undo the last one.")
app.add_typer(import_app, name="import")


@import_app.command("annex")
def import_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The annex workbook (.xlsx).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the diff; write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as one JSON object.")] = False,
    keep_missing: Annotated[bool, typer.Option("--keep-missing", help="Do not withdraw stored "
                                               "projects that this annex does not list.")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Go ahead even when the import blanks fields "
                                      "an earlier annex filled or withdraws more than a tenth "
                                      "of the projects.")] = False,
) -> None:
    """Import an annex (附件:项目安排表): add, update, withdraw; report every warning and error.
    `projtrack import FILE` is the short form."""
    from projtrack.services.annex import import_annex, summary_json, summary_text

    c = _ctx(ctx)
    if not file.exists():
        raise BadUsage("err.no_such_file", file=str(file))
    plan = import_annex(c.store, file, dry_run=dry_run, keep_missing=keep_missing, confirmed=yes)
    if as_json:
        typer.echo(json.dumps(summary_json(plan, dry_run=dry_run), ensure_ascii=False, indent=2))
    else:
        typer.echo(summary_text(plan, dry_run=dry_run))
    if plan.errors or plan.held:
        raise typer.Exit(1)


@import_app.command("list")
def import_list(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", help="How many, newest first.")] = 50,
) -> None:
    """Past annex imports, newest first: id, when, who, file, +added ~changed -withdrawn."""
    from projtrack.services.history import history_line, list_imports

    runs = list_imports(_ctx(ctx).store, limit)
    typer.echo("\n".join(history_line(r) for r in runs) if runs else t("history.none"))


@import_app.command("undo")
def import_undo(
    ctx: typer.Context,
    run_id: Annotated[int | None, typer.Argument(metavar="ID", help="The import to undo "
                                                 "(default: the latest not undone).")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Put the database back as it was before the latest import (entries made since are kept)."""
    from projtrack.services.history import preview_undo, undo, undo_lines

    c = _ctx(ctx)
    preview = preview_undo(c.store, run_id)
    if not yes:
        typer.echo("\n".join(undo_lines(preview)))
        try:
            go = typer.confirm(t("undo.confirm"), default=False)
        except typer.Abort:
            go = False
        if not go:
            typer.echo(t("undo.cancelled"))
            raise typer.Exit(1)
    done = undo(c.store, preview.run.id)
    typer.echo("\n".join(undo_lines(done, since=None if yes else preview)))


@app.command("export")
def export_cmd(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="json, csv or xlsx.")] = "json",
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file "
                                             "(default: stdout; required for xlsx).")] = None,
) -> None:
    """Export the portfolio with its figures at the as-of date."""
    from projtrack.export import dumps, to_csv
    from projtrack.services.portfolio import load_portfolio

    c = _ctx(ctx)
    if fmt not in ("json", "csv", "xlsx"):
        raise BadUsage("err.bad_format", fmt=fmt)
    if fmt == "xlsx" and out is None:
        raise BadUsage("err.xlsx_needs_out")
    portfolio = load_portfolio(c.store, c.as_of)
    if fmt == "xlsx":
        from projtrack.export_xlsx import write_portfolio_xlsx

        write_portfolio_xlsx(portfolio, out)  # type: ignore[arg-type]
        typer.echo(t("msg.written", path=str(out)), err=True)
        return
    text = dumps(portfolio) if fmt == "json" else to_csv(portfolio)
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        out.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
        typer.echo(t("msg.written", path=str(out)), err=True)


# --- spend ---------------------------------------------------------------------------------
def _amount(text: str):
    from projtrack.core.money import NumberFormatError, parse_amount

    try:
        return parse_amount(text)
    except NumberFormatError as exc:
        raise BadData("err.bad_amount", found=text, why=exc.why) from exc


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

    c = _ctx(ctx)
    value = _amount(amount)
    day = _parse_date(date, "--date")
    pid = resolve_project(c.store, project)
    e = record_entry(c.store, pid, amount=value, date=day, kind=kind, cumulative=cumulative,
                     source=source, note=clean_text(note), origin="cli")
    typer.echo(t("msg.entry_recorded", id=e.id, kind=kind, date=day.isoformat(),
                 amount=_fmt(e.amount)))


@spend_app.command("list")
def spend_list(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="Project id or (part of) its name.")],
    kind: Annotated[str | None, typer.Option("--kind", help="Only this series.")] = None,
) -> None:
    """List a project's money entries, with running totals per series."""
    from projtrack.services.entries import resolve_project

    c = _ctx(ctx)
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
        typer.echo(f"#{e.id:<5} {e.entry_date}  {e.kind}  {_fmt(e.amount):>14}  "
                   f"{t('label.running')} {_fmt(running[e.kind]):>14}  {extra}".rstrip())


@spend_app.command("undo")
def spend_undo(
    ctx: typer.Context,
    project: Annotated[str | None, typer.Argument(help="Project id or name; default: the newest "
                                                  "entry of any project.")] = None,
) -> None:
    """Undo the newest entry by a reversal entry (nothing is deleted)."""
    from projtrack.services.entries import resolve_project, undo_last_entry

    c = _ctx(ctx)
    pid = resolve_project(c.store, project) if project else None
    rev = undo_last_entry(c.store, pid, origin="cli")
    typer.echo(t("msg.undone", id=rev.reverses_id, rid=rev.id, amount=_fmt(rev.amount)))


def _fmt(value) -> str:
    from projtrack.core.money import format_wan

    return format_wan(value)


# --- progress, milestones, plans, phase ------------------------------------------------------
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

    c = _ctx(ctx)
    day = _parse_date(date, "--date")
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

    c = _ctx(ctx)
    kwargs = {}
    for key, value in (("planned", planned), ("actual", actual)):
        if value is not None:
            kwargs[key] = None if value.strip().lower() in ("none", "-", "") else _parse_date(value, f"--{key}")
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

    c = _ctx(ctx)
    value = _amount(amount)
    pid = resolve_project(c.store, project)
    set_plan(c.store, pid, year, value)
    typer.echo(t("msg.plan_set", year=year, amount=_fmt(value)))


@phase_app.command("set")
def phase_set(
    ctx: typer.Context,
    project: Annotated[str, typer.Argument(help="Project id or (part of) its name.")],
    phase: Annotated[str, typer.Argument(help="前期, 在建, 竣工, 投用, 暂缓 or 取消.")],
) -> None:
    """Change a project's phase."""
    from projtrack.services.entries import resolve_project, update_project

    c = _ctx(ctx)
    pid = resolve_project(c.store, project)
    update_project(c.store, pid, phase=phase)
    typer.echo(t("msg.phase_set", phase=phase))


# --- audit, db, demo, tui ----------------------------------------------------------------------
@audit_app.command("list")
def audit_list(
    ctx: typer.Context,
    project: Annotated[str | None, typer.Argument(help="Only this project.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="How many, newest first.")] = 50,
) -> None:
    """List recorded changes: when, who, what, old → new."""
    from projtrack.services.entries import resolve_project

    c = _ctx(ctx)
    pid = resolve_project(c.store, project) if project else None
    for a in c.store.audit(pid, limit):
        typer.echo(f"{a.at:%Y-%m-%d %H:%M:%S}  {a.user:<10} {a.action:<8} {a.entity}"
                   f"#{a.entity_id or ''} p{a.project_id or ''} {a.field or ''}: "
                   f"{a.old_value if a.old_value is not None else '∅'} → "
                   f"{a.new_value if a.new_value is not None else '∅'}  {a.context or ''}".rstrip())


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Upgrade the database's schema to this program's version, keeping the data."""
    from projtrack.store.engine import make_engine
    from projtrack.store.migrate import (
        current_revision,
        head_revision,
        is_empty,
        known_revisions,
        upgrade,
    )

    c = _ctx(ctx)
    engine = make_engine(c.db)
    rev = current_revision(engine)
    if rev is not None and rev not in known_revisions():
        raise BadData("err.db_newer", rev=rev)
    if rev is None and not is_empty(engine):  # another program's database: leave it alone
        raise BadData("err.schema_foreign")
    upgrade(engine)
    typer.echo(t("msg.db_upgraded", old=rev or "∅", new=head_revision()))


@app.command("demo")
def demo_cmd(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", help="Where to build the demo database "
                                           "(default: the global --db).")] = None,
    annex: Annotated[Path | None, typer.Option("--annex", help="Annex to start from "
                                               "(default: imports/sample-annex.xlsx).")] = None,
    run: Annotated[bool, typer.Option("--run/--no-run", help="Open the app on it afterwards.")] = False,
) -> None:
    """Build a demo database: the sample annex plus a deterministic weekly history."""
    from projtrack.demo import build_demo

    c = _ctx(ctx)
    target = db or c.db or str(Path("db") / "demo.db")
    store = build_demo(target, c.as_of, annex)
    typer.echo(t("msg.demo_built", db=target, n=len(store.projects()), as_of=c.as_of.isoformat()))
    if run:
        from projtrack.tui.run import run_tui

        run_tui(store, c.as_of, c.lang)


@app.command("tui")
def tui_cmd(ctx: typer.Context) -> None:
    """Open the terminal UI (the same as running projtrack with no command)."""
    from projtrack.tui.run import run_tui

    c = _ctx(ctx)
    run_tui(c.store, c.as_of, c.lang)


# --- commands defined in their own modules register themselves on the apps above -------------
# (each module imports what it needs from this one; keep these imports here, below the apps)
import projtrack.cli_modules  # noqa: E402,F401


def _log_crash(exc: BaseException) -> Path | None:
    import tempfile
    import traceback

    try:
        path = Path(tempfile.gettempdir()) / "projtrack-error.log"
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"--- {dt.datetime.now().isoformat()} {' '.join(sys.argv)}\n")
            fh.write("".join(traceback.format_exception(exc)))
        return path
    except OSError:
        return None


_HOISTED = ("--as-of", "--lang")  # global options also accepted after the command


def hoist_global_options(argv: list[str]) -> list[str]:
    """`projtrack demo --as-of 2026-11-29` means `projtrack --as-of 2026-11-29 demo`: move the
    global options that no command defines to the front (up to a `--`)."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest.extend(argv[i:])
            break
        name = arg.split("=", 1)[0]
        if name in _HOISTED:
            if "=" in arg:
                front.append(arg)
            else:
                front.extend(argv[i:i + 2])
                i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


def main(argv: list[str] | None = None) -> int:
    """Console entry point: runs the Typer app and turns every error into a message."""
    from projtrack.store.migrate import SchemaError

    argv = hoist_global_options(list(sys.argv[1:] if argv is None else argv))
    try:
        rv = app(args=argv, prog_name="projtrack", standalone_mode=False)
        return rv if isinstance(rv, int) else 0
    except typer.Exit as exc:
        return exc.exit_code
    except ProjtrackError as exc:
        typer.echo(t("err.prefix") + exc.render(), err=True)
        return exc.exit_code
    except SchemaError as exc:
        typer.echo(t("err.prefix") + t("err.schema", why=str(exc)), err=True)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # click usage errors and anything unexpected
        try:  # typer ≥ 0.2x carries its own copy of click
            from typer._click.exceptions import ClickException
        except ImportError:  # pragma: no cover - older typer uses click itself
            from click import ClickException

        if isinstance(exc, typer.Abort):
            return 1
        if isinstance(exc, ClickException):
            exc.show()
            return exc.exit_code
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):
            typer.echo(t("err.prefix") + t("err.database", why=str(exc.orig)), err=True)
            return 1
        log = _log_crash(exc)
        typer.echo(t("err.prefix") + t("err.internal", what=type(exc).__name__, log=log), err=True)
        return 1


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
