"""The progress fill-in round trip: a template goes out (``make_template``), returned sheets come
back (``import_progress``): read and checked cell by cell (``progress_io.reader``), planned
against the database (``progress_io.plan``), shown as a diff (``summary_text``), and recorded
in one transaction — or nothing at all when any cell is bad.  The file formats and the
planning are ``projtrack.progress_io``'s; the reads and writes the store's (``store.ledger``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from projtrack.core.calendar import resolve_week
from projtrack.core.money import format_rate, format_wan
from projtrack.core.types import ACTUAL
from projtrack.errors import BadUsage
from projtrack.i18n import t, term
from projtrack.progress_io.layout import SECRET_SETTING
from projtrack.progress_io.match import match_rows
from projtrack.progress_io.meaning import field_name
from projtrack.progress_io.plan import (
    ProgressPlan,
    answered,
    apply_plan,
    guarded_projects,
    plan_import,
    replan,
)
from projtrack.progress_io.reader import ReturnedFile, read_returned
from projtrack.progress_io.template import select_projects, write_template
from projtrack.reports.weekly import guess_county
from projtrack.safefile import check_target
from projtrack.services.county_choice import check_county
from projtrack.services.portfolio import county_portfolio
from projtrack.services.settings import county_name
from projtrack.store.ledger import ledger_read, ledger_write
from projtrack.store.repo import Store

__all__ = ["import_progress", "make_template", "summary_text"]


def make_template(store: Store, out: Path, *, week: str | None = None, as_of: dt.date,
                  township: str | None = None, unit: str | None = None,
                  include_all: bool = False, lang: str,
                  county: str | None = None) -> tuple[Path, int, str]:
    """Write the fill-in template for ``week`` (default: the ISO week containing ``as_of``),
    of ``county``'s projects alone when named (a city's database; its title names it).
    Current figures are as of ``as_of``, or the week's last day when that is earlier.
    Returns (path, number of projects, period)."""
    try:
        period, monday, sunday = resolve_week(week, as_of)
    except ValueError as exc:
        raise BadUsage("report.bad_week", week=week) from exc
    check_target(out)  # before the seconds a portfolio takes
    portfolio = county_portfolio(store, min(as_of, sunday), county, include_withdrawn=False)
    views = select_projects(portfolio, township=township, unit=unit, include_all=include_all)
    place = county.strip() if county else \
        county_name(store) or guess_county(v.facts.name for v in portfolio.projects)
    write_template(portfolio, views, out, period=period, week_start=monday, week_end=sunday,
                   lang=lang, county=place, secret=store.secret(SECRET_SETTING) or b"")
    return out, len(views), period


def import_progress(store: Store, paths: Iterable[Path], *, dry_run: bool = False,
                    week: str | None = None, as_of: dt.date | None = None,
                    county: str | None = None) -> ProgressPlan:
    """Read every file, check every cell, plan against the database; unless ``dry_run`` or any
    error, record the plan in one transaction.  Raises nothing for bad cells: the returned
    plan's ``errors`` say what is wrong (and then nothing was written).

    The plan is made outside the write transaction, in one read snapshot, so officers keep
    writing while a large return is checked; the write transaction then asks what changed
    since that snapshot in the projects the sheets name (entries newer than its newest ids, a
    name or status, a milestone) and plans those projects' rows again, inside it, against the
    latest record — never an increment counted twice, never a date written over; the plan's
    ``rechecked`` says which.  The write lock is held for that and the writing alone.

    A sheet whose template layout is not intact, or that has no template behind it, is read
    by meaning (``progress_io.meaning``); its week from its title rows or ``week``, its entries
    dated ``as_of`` when that falls in the week (else the week's last day), its rows matched to
    projects by id, 项目代码 or name (``progress_io.match``).  A return that gives figures but
    records nothing new (zeros, or all on record) still records its import run, once: the
    week's ``progress status`` counts it as returned.  ``county``: rows without an id are
    matched among that county's projects only (a name two counties share is otherwise refused,
    naming both)."""
    files, problems = [], []
    secret = store.secret(SECRET_SETTING, create=False)  # none yet: no template is signed
    for path in paths:
        f, found = read_returned(Path(path), secret=secret, week=week, as_of=as_of)
        files.append(f)
        problems.extend(found)
    readable = [f for f in files if f.week_end is not None]
    if any(not r.project_id for f in readable for r in f.rows):
        candidates = store.projects(include_withdrawn=True)
        if county is not None:
            county = check_county(county)
            candidates = [p for p in candidates if p.county == county]
        problems.extend(match_rows(readable, candidates))
    projects, with_milestones = guarded_projects(readable)
    with store.consistent(), ledger_read(store) as r:  # one snapshot: the plan and what it read
        plan = plan_import(r, readable)
        mark = r.watermark(projects, with_milestones)
    plan.files = files
    plan.errors = problems + plan.errors
    if plan.errors or dry_run:
        return plan
    if not plan.actions:  # nothing new: the files that answered are still recorded, once
        news = [f for f in readable if answered(f) and f.name not in plan.imported_before]
        if news:
            with ledger_write(store) as w:
                apply_plan(w, ProgressPlan(files=news))
        return plan
    plan.files = readable
    with ledger_write(store) as w:
        changed = w.changes(mark, ACTUAL)
        if changed:  # written meanwhile: those projects' rows planned again, under the lock
            plan = replan(plan, plan_import(w, readable, only=set(changed)), changed)
            if plan.errors:
                return plan
        apply_plan(w, plan)
    return plan


def summary_text(plan: ProgressPlan, *, dry_run: bool, lang: str | None = None) -> str:
    """The diff, file by file and project by project, and what was (or would be) recorded."""
    lines: list[str] = []
    for f in plan.files:
        lines.append(t("progress.file_head", lang=lang, file=f.name, period=f.period or "?",
                       rows=sum(1 for r in f.rows if r.filled())))
        if f.name in plan.imported_before:
            lines.append("  " + t("progress.imported_before", lang=lang,
                                  when=f"{plan.imported_before[f.name]:%Y-%m-%d %H:%M}"))
        if f.read_by == "meaning" and (f.recognized or f.ignored):
            lines.extend("  " + line for line in how_read(f, lang))
    last = None
    for a in plan.actions:
        if a.project_id != last:
            lines.append(f"  #{a.project_id} {a.project}")
            last = a.project_id
        if a.kind == "actual" and a.basis is not None:
            text = t("progress.do.cumulative_basis", lang=lang, basis=t(f"basis.{a.basis}", lang=lang),
                     typed=format_wan(a.entered_cumulative), amount=format_wan(a.amount),
                     total=format_wan(a.total_after), date=a.date.isoformat())
        elif a.kind == "actual":
            key = "progress.do.cumulative" if a.entered_cumulative is not None else "progress.do.week"
            text = t(key, lang=lang, amount=format_wan(a.amount), total=format_wan(a.total_after),
                     date=a.date.isoformat())
        elif a.kind == "progress":
            text = t("progress.do.progress", lang=lang, stage=term(a.stage, lang) or "—",
                     percent=format_rate(a.percent, decimals=0), date=a.date.isoformat())
        else:
            text = t("progress.do.milestone", lang=lang, milestone=term(a.milestone, lang),
                     date=a.date.isoformat())
        lines.append(f"      {text}  [{a.cell}]")
    for s in plan.skips:
        lines.append("  " + t("progress.skipped", lang=lang, cell=s.cell, project=s.project,
                              why=t(s.key, lang=lang, **s.params)))
    for w in plan.warnings:
        lines.append("  " + t("progress.warning", lang=lang, text=w.text(lang)))
    if plan.rechecked:
        lines.append("  " + t("progress.rechecked", lang=lang, n=len(plan.rechecked),
                              projects="; ".join(plan.rechecked)))
    counts = {k: sum(1 for a in plan.actions if a.kind == k) for k in ("actual", "progress",
                                                                         "milestone")}
    key = "progress.would_record" if dry_run else "progress.recorded"
    if plan.errors:
        key = "progress.nothing_recorded"
    elif not plan.actions:
        key = "progress.nothing_new"
    lines.append(t(key, lang=lang, actual=counts["actual"], progress=counts["progress"],
                   milestones=counts["milestone"], skipped=len(plan.skips)))
    if dry_run and not plan.errors:
        lines.append(t("import.nothing_written_dry", lang=lang))
    return "\n".join(lines)


def how_read(f: ReturnedFile, lang: str | None = None) -> list[str]:
    """How a file read by meaning was read: without or with its template's signed sheet, where
    its week came from, each column recognised (header cell, label, meaning) and each ignored."""
    lines = [t("progress.read_meaning_signed" if f.signed else "progress.read_meaning_plain",
               lang=lang)]
    where = t("progress.week_from_option", lang=lang) if f.week_from == "--week" else (
        t("progress.week_from_template", lang=lang) if f.week_from == "template" else f.week_from)
    lines.append(t("progress.week_from", lang=lang, period=f.period, where=where,
                   date=f.entry_date.isoformat() if f.entry_date else "?"))
    read = [t("progress.col_as", lang=lang, cell=r.cell, label=r.label,
              field=field_name(r.field, lang)) + (t("progress.hidden_mark", lang=lang)
                                                  if r.hidden else "")
            for r in f.recognized]
    lines.append(t("progress.columns_read", lang=lang, cols="; ".join(read) or "—"))
    if f.ignored:
        lines.append(t("progress.columns_ignored", lang=lang, cols="; ".join(
            t("progress.ignored_as", lang=lang, cell=cell, label=label,
              why=t(f"progress.why.{why}", lang=lang)) for cell, label, why in f.ignored)))
    return lines
