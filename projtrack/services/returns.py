"""Who has returned a week's progress sheet and who has not (填报情况 and the 催报 list), by
township (建设地点) or by responsible unit (责任单位).

The projects expected to answer are the active ones the template lists for the week (not
withdrawn, not 投用 or 取消 at the week's last day, or at the as-of date when earlier).  A project
has answered the week when the database records, for it (``store.ledger.week_answers``):
- a 完成投资 entry dated in the week, or made from a return of that week (its origin
  ``progress:<week>:…``), neither undone nor an undo — entered by hand or imported; or
- a progress import run of that week naming it (the import run's summary lists the projects
  the file gave a figure for, a zero included, so a return of “nothing this week” counts).
A group is 已报齐 when all its projects have answered, 部分 when some have, 未报 when none has.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from projtrack.core.calendar import resolve_week
from projtrack.errors import BadUsage
from projtrack.i18n import t
from projtrack.progress_io.template import EXCLUDED_PHASES
from projtrack.reports.export import FORMULA_START
from projtrack.services.portfolio import county_portfolio
from projtrack.store.ledger import week_answers
from projtrack.store.repo import Store

BY = ("township", "unit")


@dataclass(frozen=True)
class AnswerLine:
    """One project of the status: whether it has answered the week, and by what."""

    project_id: int
    name: str
    answered: bool
    files: tuple[str, ...] = ()  # the returns that named it
    by_entry: bool = False  # a 完成投资 entry of the week


@dataclass(frozen=True)
class ReturnGroup:
    name: str  # a township or a unit; "" for projects without one
    projects: tuple[AnswerLine, ...]
    files: tuple[str, ...]  # the returns imported for the week that named its projects

    @property
    def missing(self) -> list[AnswerLine]:
        return [p for p in self.projects if not p.answered]

    @property
    def state(self) -> str:
        """done (已报齐), partial (部分), none (未报)."""
        n = len(self.missing)
        return "done" if n == 0 else "none" if n == len(self.projects) else "partial"


@dataclass(frozen=True)
class ReturnStatus:
    period: str
    monday: dt.date
    sunday: dt.date
    as_of: dt.date
    by: str
    groups: tuple[ReturnGroup, ...]  # the 催报 order: 未报, then 部分, then 已报齐

    @property
    def projects(self) -> int:
        return sum(len(g.projects) for g in self.groups)

    @property
    def missing(self) -> int:
        return sum(len(g.missing) for g in self.groups)


def return_status(store: Store, *, week: str | None, as_of: dt.date, by: str = "township",
                  county: str | None = None) -> ReturnStatus:
    """The status of ``week`` (default: the ISO week containing ``as_of``), grouped ``by``;
    of ``county``'s projects alone when named (a city's database)."""
    if by not in BY:
        raise BadUsage("returns.bad_by", found=by, choices="、".join(BY))
    try:
        period, monday, sunday = resolve_week(week, as_of)
    except ValueError as exc:
        raise BadUsage("report.bad_week", week=week) from exc
    portfolio = county_portfolio(store, min(as_of, sunday), county, include_withdrawn=False)
    answers = week_answers(store, period, monday, sunday)
    files_of: dict[int, list[str]] = {}
    for run in answers.runs:
        for pid in run.projects:
            files_of.setdefault(pid, []).append(run.file)
    groups: dict[str, list[AnswerLine]] = {}
    for v in portfolio.projects:
        if v.facts.status == "withdrawn" or v.figures.phase in EXCLUDED_PHASES:
            continue
        key = (v.facts.township if by == "township" else v.facts.responsible_unit) or ""
        files = tuple(dict.fromkeys(files_of.get(v.id, ())))
        entered = v.id in answers.entered
        groups.setdefault(key, []).append(AnswerLine(
            v.id, v.facts.name, bool(files) or entered, files, entered))
    order = {"none": 0, "partial": 1, "done": 2}
    built = [ReturnGroup(name, tuple(lines), tuple(dict.fromkeys(
        f for line in lines for f in line.files))) for name, lines in groups.items()]
    built.sort(key=lambda g: (order[g.state], g.name == "", g.name))
    return ReturnStatus(period, monday, sunday, as_of, by, tuple(built))


def status_text(s: ReturnStatus, lang: str | None = None) -> str:
    """The status as plain text to paste into a message: the counts, then the 催报 list (each
    group not done, with its projects still without a figure), then the groups done."""
    def name(g: ReturnGroup) -> str:
        return g.name or t(f"returns.no_{s.by}", lang=lang)

    counts = {k: sum(1 for g in s.groups if g.state == k) for k in ("done", "partial", "none")}
    lines = [t("returns.title", lang=lang, period=s.period, start=s.monday.isoformat(),
               end=s.sunday.isoformat(), by=t(f"returns.by.{s.by}", lang=lang),
               as_of=s.as_of.isoformat()),
             t("returns.counts", lang=lang, projects=s.projects,
               answered=s.projects - s.missing, missing=s.missing, groups=len(s.groups),
               by=t(f"returns.by.{s.by}", lang=lang), **counts)]
    chase = [g for g in s.groups if g.state != "done"]
    if chase:
        lines += ["", t("returns.chase_head", lang=lang)]
        for g in chase:
            key = "returns.group_none" if g.state == "none" else "returns.group_partial"
            lines.append(t(key, lang=lang, group=name(g), n=len(g.missing),
                           done=len(g.projects) - len(g.missing)))
            lines += [f"  #{p.project_id} {p.name}" for p in g.missing]
    else:
        lines += ["", t("returns.all_in", lang=lang)]
    done = [g for g in s.groups if g.state == "done"]
    if done:
        lines += ["", t("returns.done_head", lang=lang)]
        for g in done:
            files = "、".join(g.files) if g.files else t("returns.by_entry", lang=lang)
            lines.append(t("returns.group_done", lang=lang, group=name(g), n=len(g.projects),
                           files=files))
    return "\n".join(lines)


def status_csv(s: ReturnStatus, lang: str | None = None) -> str:
    """One row per project: group, id, name, answered (是/否), the returns that named it."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([t(f"returns.by.{s.by}", lang=lang), t("returns.csv.id", lang=lang),
                t("returns.csv.name", lang=lang), t("returns.csv.answered", lang=lang),
                t("returns.csv.files", lang=lang)])
    for g in s.groups:
        for p in g.projects:
            w.writerow([_safe(g.name), p.project_id, _safe(p.name),
                        t("returns.yes" if p.answered else "returns.no", lang=lang),
                        _safe("、".join(p.files)) or (t("returns.by_entry", lang=lang)
                                                     if p.by_entry else "")])
    return buf.getvalue()


def _safe(text: str) -> str:
    """Text a spreadsheet would run as a formula, marked as text (as the export does)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def save_status_text(s: ReturnStatus, folder: Path, lang: str | None = None) -> Path:
    """The status as a text file to print, ``<folder>/<催报>-<week>-<by>.txt`` (the folder
    made when missing; written through ``safefile``)."""
    from projtrack.safefile import check_folder, write_text

    folder = check_folder(folder)
    folder.mkdir(parents=True, exist_ok=True)
    name = t("returns.file_name", lang=lang, period=s.period, by=t(f"returns.by.{s.by}", lang=lang))
    return write_text(folder / name, status_text(s, lang) + "\n")
