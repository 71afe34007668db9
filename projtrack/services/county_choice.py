"""Which county (区县) an annex import is for — never guessed silently.

In this order: ``--county`` (checked against what the annex itself names); a city table's
county sections ("一、龙湾区(3个)", "鹿城区小计": each project into its own county); the one
county the annex's title rows name ("平阳县“十四五”…项目安排表"), else its sheet names, else
its file name;
the database's ``county`` setting; the database's only county.  None of these, or an annex
naming two counties: refused, naming the file (and the cells), asking for ``--county``.

With ``--county`` a city table's sections are cut to that county's (the others are left out
and counted in the summary); a county the sections do not list is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from projtrack.errors import BadUsage
from projtrack.i18n import t
from projtrack.importer.county import county_named, valid_county
from projtrack.importer.model import ERROR, Issue, ParsedAnnex
from projtrack.services.settings import county_name
from projtrack.store.counties import known_counties
from projtrack.store.repo import Store

OPTION, SECTIONS, CELL, SHEET, FILE, SETTING, DATABASE = (
    "option", "sections", "cell", "sheet", "file", "setting", "database")


def check_county(county: str) -> str:
    """A county's name as given (``--county``), stripped; BadUsage for one that cannot be."""
    name = county.strip()
    if not valid_county(name):
        raise BadUsage("err.bad_county", found=county)
    return name


@dataclass
class CountyChoice:
    counties: tuple[str, ...] = ()  # the counties the import is for
    source: str = ""  # OPTION, SECTIONS, CELL, SHEET, FILE, SETTING, DATABASE
    where: str = ""  # the cell, the sheet or the file that named it
    unnamed_to: str | None = None  # the county projects without one are given
    only: str | None = None  # --county cutting a city table to its section
    left_out: dict[str, int] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)

    def apply(self, parsed: ParsedAnnex) -> ParsedAnnex:
        """The annex's projects, each with its county (those of ``only``'s section alone)."""
        if self.only is not None:
            kept = [p for p in parsed.projects if p.county == self.only]
        else:
            default = self.counties[0] if len(self.counties) == 1 else ""
            kept = [p if p.county else replace(p, county=default) for p in parsed.projects]
        return replace(parsed, projects=kept)


def _issue(parsed: ParsedAnnex, code: str, *, where: str = "", found: str = "",
           expected: str = "") -> Issue:
    sheet, _, cell = where.partition("!")
    message = t(f"issue.{code}", lang="en", where=f"{parsed.file} {where}".strip(), found=found,
                expected=expected, message="")
    return Issue(level=ERROR, file=parsed.file, sheet=sheet or None, cell=cell or None,
                 code=code, message=message, found=found, expected=expected)


def _named(parsed: ParsedAnnex, path: Path) -> list[tuple[str, str, str]]:
    """(county, source, where) for each place of the annex that names one."""
    out = []
    for county, where in parsed.counties_named:
        out.append((county, CELL if "!" in where else SHEET, where))
    if in_name := county_named(path.stem):
        out.append((in_name, FILE, path.name))
    return out


def choose_county(store: Store, parsed: ParsedAnnex, path: Path,
                  county: str | None) -> CountyChoice:
    """The county (or counties) ``parsed`` is imported into, or the issue refusing it."""
    sections = list(dict.fromkeys(p.county for p in parsed.projects if p.county))
    if sections:
        return _sections(parsed, path, sections, county)
    named = _named(parsed, path)
    for level in (CELL, SHEET, FILE):  # a title cell says it first, then a sheet's name
        if any(n[1] == level for n in named):
            named = [n for n in named if n[1] == level]
            break
    if county is not None:
        other = next((n for n in named if n[0] != county), None)
        if other is not None:
            return CountyChoice(issues=[_issue(parsed, "county_conflict", where=other[2],
                                               found=other[0], expected=county)])
        return CountyChoice((county,), OPTION, "", unnamed_to=county)
    distinct = list(dict.fromkeys(n[0] for n in named))
    if len(distinct) == 1:
        first = named[0]
        return CountyChoice((first[0],), first[1], first[2], unnamed_to=first[0])
    if len(distinct) > 1:
        listed = "、".join(f"{c}({w})" for c, _s, w in named)
        return CountyChoice(issues=[_issue(parsed, "county_several", found=listed)])
    if setting := county_name(store):
        return CountyChoice((setting,), SETTING, "", unnamed_to=setting)
    known = known_counties(store)
    if len(known) == 1:
        return CountyChoice((known[0],), DATABASE, "", unnamed_to=known[0])
    return CountyChoice(issues=[_issue(parsed, "county_unknown", found="、".join(known))])


def _sections(parsed: ParsedAnnex, path: Path, sections: list[str],
              county: str | None) -> CountyChoice:
    sheets = "、".join(dict.fromkeys(p.source.sheet for p in parsed.projects
                                      if p.county and p.source))
    if county is not None:
        if county not in sections:
            return CountyChoice(issues=[_issue(parsed, "county_not_section", found=county,
                                               expected="、".join(sections))])
        left = {c: sum(1 for p in parsed.projects if p.county == c)
                for c in sections if c != county}
        unplaced = sum(1 for p in parsed.projects if not p.county)
        if unplaced:
            left[""] = unplaced
        return CountyChoice((county,), OPTION, sheets, unnamed_to=county, only=county,
                            left_out=left)
    above = [p for p in parsed.projects if not p.county]
    if above:  # projects above the first county heading: whose?
        first = above[0]
        row = f"{first.source.sheet} row {first.source.row}" if first.source else ""
        return CountyChoice(issues=[_issue(parsed, "county_unplaced", where="",
                                           found=f"{first.name} ({row})" if row else first.name,
                                           expected=str(len(above)))])
    return CountyChoice(tuple(sections), SECTIONS, sheets)


def export_county(store: Store, parsed: ParsedAnnex, choice: CountyChoice) -> CountyChoice:
    """A projtrack export names no county and may hold several counties' projects: taken
    into the setting's (or the only) county only when the database holds one county at most,
    else refused until --county says which."""
    if choice.source in (SETTING, DATABASE) and len(known_counties(store)) > 1:
        return CountyChoice(issues=[_issue(parsed, "county_export", found="、".join(
            known_counties(store)))])
    return choice
