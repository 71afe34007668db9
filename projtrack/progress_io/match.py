"""Which project a row of a return read by meaning is: by the template's id column when it has
one (the plan then checks the name against it), else by 项目代码, else by the project's name as
the annex importer keeps it (``core.text.clean_name``: no line breaks, no spaces beside Chinese
text).  A code the database does not know falls back to the name (the database may not hold
codes yet), with a warning naming the cell, the code and the project the name found; a row
that matches no project, or two, is an error naming its cell and the value — and, for a name
two counties' projects share, both projects with their counties (never the first one found)."""

from __future__ import annotations

from collections.abc import Iterable

from projtrack.core.text import clean_name
from projtrack.core.types import ProjectFacts
from projtrack.progress_io.reader import ReturnedFile, SheetProblem


def _key(code: str) -> str:
    return "".join(code.split()).upper()


def _named(p: ProjectFacts, counties: int = 2) -> str:
    """"#12 城关第一小学(平阳县)" when the projects named are of ``counties`` > 1 counties (two
    counties may each have a project of that name); "#12 城关第一小学" within one county."""
    return f"#{p.id} {p.name}" + (f"({p.county})" if p.county and counties > 1 else "")


def match_rows(files: Iterable[ReturnedFile], projects: Iterable[ProjectFacts]) -> list[SheetProblem]:
    """Give every row without a project id its project (in place); the problems of those that
    have none, or two."""
    by_code: dict[str, list[ProjectFacts]] = {}
    by_name: dict[str, list[ProjectFacts]] = {}
    for p in projects:
        if p.project_code:
            by_code.setdefault(_key(p.project_code), []).append(p)
        if name := clean_name(p.name):
            by_name.setdefault(name, []).append(p)
    problems: list[SheetProblem] = []
    for f in files:
        kept = []
        for r in f.rows:
            if r.project_id:
                kept.append(r)
                continue
            hits = by_code.get(_key(r.code), []) if r.code else []
            how, value = "code", r.code
            if not hits and r.name:
                hits, how, value = by_name.get(r.name, []), "name", r.name
            cell = r.id_cell or r.cell_a
            if len(hits) == 1 and hits[0].id is not None:
                r.project_id, r.matched_by = hits[0].id, how
                kept.append(r)
                if how == "code" and r.name and r.name != clean_name(hits[0].name):
                    f.warnings.append(SheetProblem(f.name, cell, "progress.warn.name_differs", {
                        "code": r.code, "id": hits[0].id, "name": hits[0].name,
                        "sheet_name": r.name}))
                elif how == "name" and r.code:  # a code nobody has: the name alone found it
                    f.warnings.append(SheetProblem(f.name, cell, "progress.warn.code_unknown", {
                        "code": r.code, "id": hits[0].id, "name": hits[0].name,
                        "recorded": hits[0].project_code or "—"}))
            elif len(hits) > 1:
                problems.append(SheetProblem(f.name, cell, "progress.err.ambiguous", {
                    "found": value, "how": how,
                    "projects": "、".join(_named(p, len({h.county for h in hits}))
                                         for p in hits[:5])}))
            else:
                problems.append(SheetProblem(f.name, cell, "progress.err.unmatched", {
                    "code": r.code or "—", "name": r.name or "—"}))
        f.rows = kept
    return problems
