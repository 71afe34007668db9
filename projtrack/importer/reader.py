"""The entry point: ``read_annex(path) -> ParsedAnnex``.  It never raises for a bad input file.

Each visible sheet of the workbook is read; a sheet without a project table is skipped (a
workbook without any is an error ``no_table``).  Hidden sheets are read only when no visible sheet
holds a table (else a hidden one with a table is a warning: it is often an old copy).  In a table,
rows are section rows (category, class, totals, "其中:" breakdowns: checked against their items),
notes rows (the table ends), column-number rows right under the header (1 2 3 …, 甲 乙 3=4+5),
the header repeated for a second page, "其中:一期" parts of the project above (a warning), or
projects.  A project written over several rows under one merged name cell is folded into one.
A project's category and class come from its own columns, else the section rows above it, else
the sheet's name, the title rows above the header or the file's name — when that names exactly
one ("中小学幼儿园" names none).  Ordinals and key-project marks typed into a name ("1、", "★")
are not part of it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache
from itertools import chain
from pathlib import Path

from projtrack.core.money import SEE_REMARKS, NumState, to_plain
from projtrack.core.terms import Phase, Status
from projtrack.core.types import ProjectFacts, SourceRef
from projtrack.core.units import (
    area_from_content,
    classes_from_content,
    land_from_content,
    places_from_content,
)
from projtrack.gcpause import collector_paused

from .columns import (
    CLASS_WORDS,
    MapError,
    apply_overrides,
    build_map,
    decide_by_values,
    nature_in,
    profile_columns,
    word_of,
)
from .county import county_named
from .formulas import Resolver, Unresolvable
from .headers import (
    MONEY_FIELDS,
    Column,
    Header,
    HeaderMiss,
    classify,
    column_letter,
    find_header,
    guess_header,
    money_scale,
    norm,
    normalize_text,
    period_span,
)
from .model import IssueLog, ParsedAnnex, ReadOptions, place, shown
from .plausible import LAND_SCALES, check_units
from .rows import (
    NEW_BUILD,
    Cells,
    Section,
    categories_in,
    category_named,
    category_of,
    class_named,
    class_of,
    is_index_row,
    is_notes,
    row_label,
    section_of,
    squeeze,
)
from .tally import Claim, ItemFigures, Tally
from .workbook import Book, Sheet, WorkbookError, is_empty

_ACTUAL_ROW = re.compile(r"(?:实际)?完成(?:数|额|投资|情况)?|实际|执行(?:数|情况)?|已完成")
_FILLED_DOWN = ("nature", "town", "unit", "klass", "category", "years", "start", "end", "duration",
               "remarks")
_FORMULA_FIELDS = ("total", "period", "land", "places", "prior", "floor", "classes")
_NEEDED = "项目名称 and 总投资"
_HAS_WORD = re.compile(r"[^\W\d_]")
_DIGITS = frozenset("0123456789")
_PART = re.compile(r"其中\s*[:：、]?")  # "其中:一期" under a project: a part of it
_MARKS = re.compile(r"^[★☆*※▲△●◆■]+|[★☆*※▲△●◆■]+$")  # marks of key projects: ★平阳县…
_ORDINAL = re.compile(  # "1、", "2.", "(3)", "十、" typed before a name
    r"^(?:\d{1,3}[、.．]|[(（]\d{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十]{1,3}[)）])"
    r"(?=[^\W\d_])")


def read_annex(path: str | Path, options: ReadOptions | None = None) -> ParsedAnnex:
    path = Path(path)
    run = _Run(path.name, options or ReadOptions())
    try:
        with collector_paused(), Book(path) as book:
            misses: list[tuple[str, HeaderMiss]] = []
            visible = [s for s in book.sheets if not s.hidden]
            for sheet in visible + [s for s in book.sheets if s.hidden]:
                if sheet.hidden and run.result.projects:  # an old copy, a lookup list …
                    run.hidden_sheet(sheet)
                    continue
                if sheet.hidden and run.result.sheets:  # the visible tables hold totals only
                    run.log.warning(
                        "hidden_sheet_read", f"Sheet {sheet.name} is hidden; it was read because "
                        "the visible sheets hold no projects.", sheet=sheet.name)
                found = run.sheet(sheet)
                if isinstance(found, HeaderMiss) and not sheet.hidden:
                    misses.append((sheet.name, found))
            run.no_table(misses)
            run.duplicates()
            run.summaries()
            run.township_spellings()
            if run.result.ok:
                check_units(run.result, run.options, run.log)
    except WorkbookError as exc:
        run.fail(exc.code, exc.message, exc.sheet, found=exc.found, expected=exc.expected)
    except Exception as exc:  # noqa: BLE001 - never raise for a bad file
        run.fail("unreadable", f"The workbook could not be read ({type(exc).__name__}: {exc}).")
    return run.result


class _Run:
    def __init__(self, file: str, options: ReadOptions):
        self.file = file
        self.options = options
        self.log = IssueLog(file)
        self.result = ParsedAnnex(file=file, issues=self.log.issues)
        self.name_cells: list[str] = []  # parallel to result.projects
        self.summary_claims: list[tuple[str, list]] = []  # sheets of totals only
        self._sections: dict[str, Section | None] = {}  # section_of of each row label, once

    def _section(self, label: str) -> Section | None:
        """``section_of(label)``, worked out once a read (a table's rows are looked at in
        several passes; a label is most often a project's, which is no section)."""
        try:
            return self._sections[label]
        except KeyError:
            found = self._sections[label] = section_of(label)
            return found

    def fail(self, code: str, message: str, sheet: str | None = None, *,
             found: str | None = None, expected: str | None = None) -> None:
        self.result.projects.clear()
        self.result.sheets.clear()
        self.log.error(code, message, sheet=sheet, found=found, expected=expected)

    def no_table(self, misses: list[tuple[str, HeaderMiss]]) -> None:
        tables = bool(self.result.sheets)
        for sheet, miss in misses:
            self.log.add(
                "warning" if tables else "error", "no_header",
                f"Sheet {sheet} has no header the importer recognises: row {miss.row} has the "
                f"columns {', '.join(miss.found) or '(none)'}; it needs at least {_NEEDED} (missing: "
                f"{', '.join(miss.missing)}){'; the sheet was skipped' if tables else ''}.",
                sheet=sheet, cell=f"A{miss.row}", found=", ".join(miss.found),
                expected=", ".join(miss.missing))
        if not tables and not misses:
            self.log.error("no_table", "No sheet of the workbook holds a project table (a header "
                           f"with {_NEEDED} above rows of projects).")

    def duplicates(self) -> None:
        seen: dict[str, int] = {}
        for i, project in enumerate(self.result.projects):
            first = seen.setdefault(normalize_text(project.name), i)
            if first == i:
                continue
            a = self.result.projects[first].source
            b = project.source
            assert a is not None and b is not None
            here, there = place(b.sheet, self.name_cells[i]), place(a.sheet, self.name_cells[first])
            self.log.error("duplicate_name", f"The project name '{project.name}' appears twice: "
                           f"{there} and {here}.", sheet=b.sheet, cell=self.name_cells[i],
                           found=project.name, expected=there)

    def township_spellings(self) -> None:
        """"鳌江" beside "鳌江镇": one township, written the short way in some rows — read as
        the full name, said once for each."""
        towns = {p.township for p in self.result.projects if p.township}
        full = {}
        for t in towns:
            if t.endswith(("镇", "乡", "街道")):
                stem = t[:-2] if t.endswith("街道") else t[:-1]
                full.setdefault(stem, []).append(t)
        fixed: dict[str, list[str]] = {}
        for i, p in enumerate(self.result.projects):
            names = full.get(p.township or "")
            if p.township and len(names or ()) == 1:
                self.result.projects[i] = replace(p, township=names[0])  # type: ignore[index]
                fixed.setdefault(p.township, []).append(p.name)
        for short, projects in fixed.items():
            self.log.warning(
                "township_spelling", f"The township '{short}' of {len(projects)} projects "
                f"({'、'.join(projects[:3])}{' …' if len(projects) > 3 else ''}) was read as "
                f"'{full[short][0]}', as other rows write it.", found=short,
                expected=full[short][0])

    def summaries(self) -> None:
        """Sheets of totals only (汇总, a cover page's table): checked against the projects of
        the other sheets by category; a workbook of totals alone is an error."""
        if self.result.sheets and not self.result.projects and self.result.ok:
            self.log.error("no_projects", "The workbook's tables hold totals only ("
                           f"{'、'.join(self.result.sheets)}), no projects: nothing can be imported.")
            return
        for sheet, claims in self.summary_claims:
            self.log.warning("summary_sheet", f"Sheet {sheet} holds totals only, no projects; "
                             "its rows were not read as projects.", sheet=sheet,
                             found=", ".join(c.section.label for c in claims[:5]))
            for claim in claims:
                self._check_summary(sheet, claim)

    def _check_summary(self, sheet: str, claim) -> None:
        """A summary row's 总投资 and count against the workbook's projects of its category."""
        section = claim.section
        if section.kind == "category" and section.value:
            items = [p for p in self.result.projects if p.category == section.value]
        elif section.kind == "total":
            items = list(self.result.projects)
        else:
            return
        if section.count is not None and section.count != len(items):
            self.log.warning("summary_mismatch", f"Row {claim.label_cell} of sheet {sheet} "
                             f"('{section.label}') counts {section.count} projects; the other "
                             f"sheets list {len(items)}.", sheet=sheet, cell=claim.label_cell,
                             found=str(section.count), expected=str(len(items)))
        total = claim.total
        if total is not None:
            expected = sum((p.total_investment or Decimal(0) for p in items), Decimal(0))
            if total != expected:
                self.log.warning("summary_mismatch", f"Row {claim.label_cell} of sheet {sheet} "
                                 f"('{section.label}') says 总投资 {to_plain(total)}; the other "
                                 f"sheets' projects sum to {to_plain(expected)}.", sheet=sheet,
                                 cell=claim.label_cell, found=to_plain(total),
                                 expected=to_plain(expected))

    def hidden_sheet(self, sheet: Sheet) -> None:
        """A hidden sheet next to visible tables is not read; say so when it holds a table."""
        rows = _as_lists(sheet.read_rows())
        if isinstance(find_header(rows, sheet.scan().merges), Header):
            self.log.warning("hidden_sheet", f"Sheet {sheet.name} is hidden and holds a project "
                             "table; it was not read (unhide it to import it).", sheet=sheet.name)

    def sheet(self, sheet: Sheet) -> Header | HeaderMiss | None:
        rows = _as_lists(sheet.read_rows())
        scan = sheet.scan()
        header = find_header(rows, scan.merges, frozenset(scan.hidden_columns))
        if header is None:
            return guess_header(rows)
        if isinstance(header, HeaderMiss):
            return header
        self.result.sheets.append(sheet.name)
        profiles = profile_columns(rows, header)
        decisions = decide_by_values(header, profiles)
        try:
            apply_overrides(header, list(self.options.overrides), sheet.name, len(profiles))
        except MapError as exc:
            self.log.error("map_no_column", f"--map names column {exc.found}, but the table of "
                           f"sheet {sheet.name} ends at column {exc.expected}.", sheet=sheet.name,
                           found=exc.found, expected=exc.expected)
            return header
        self._units(header)
        beside = [d for d in header.duplicates if d.field in ("seq", "name")
                  and d.index > header.columns["name"].index]
        if beside and any(d.field == "total" for d in header.duplicates):
            start = min(d.index for d in beside)
            labels = [header.labels[i] for i in sorted(header.labels) if i >= start][:4]
            letter = column_letter(start + 1)
            self.log.error(
                "side_by_side", f"Sheet {sheet.name} holds a second table beside the first, from "
                f"column {letter} ({', '.join(labels)} …); projtrack reads one table a sheet: "
                "move the second to a sheet of its own.", sheet=sheet.name,
                cell=f"{letter}{header.first_row}", found=", ".join(labels))
            return header
        del decisions  # the map shows them (a column read by its values names its header's field)
        for col in header.duplicates:
            kept = header.columns.get(col.field) if col.field != "year" else next(
                (y for y in header.years if y.year == col.year), None)
            self.log.warning(
                "duplicate_column", f"Column {place(sheet.name, col.letter)} ('{col.label}')"
                f"{' is hidden and' if col.hidden else ''} repeats {col.title}; column "
                f"{kept.letter if kept else '?'} is read instead.",
                sheet=sheet.name, cell=f"{col.letter}{header.last_row}", found=col.label)
        unknown: set[tuple[int, int]] = set()
        if scan.uncached_formulas:
            unknown = self._formulas(sheet, rows, header)
        self._dittos(sheet.name, rows, header)
        _fill_down(rows, scan.merges, header)
        self._fold_continuations(sheet.name, rows, scan.merges, header)
        self._counties_named(sheet.name, rows, header)
        first = len(self.result.projects)
        derived = self._table(sheet.name, rows, header, unknown, scan.hidden_rows)
        self.result.maps.append(build_map(sheet.name, header, profiles,
                                          self.result.projects[first:], derived))
        return header

    def _counties_named(self, sheet: str, rows: list[list], header: Header) -> None:
        """The counties the title rows above the header and the sheet's name name."""
        for r, values in enumerate(rows[: header.first_row - 1], start=1):
            for c, value in enumerate(values):
                if county := county_named(value):
                    self.result.counties_named.append((county, f"{sheet}!{column_letter(c + 1)}{r}"))
        if county := county_named(sheet):
            self.result.counties_named.append((county, sheet))

    def _units(self, header: Header) -> None:
        """The officer's --unit and --land-unit replace what the sheet declared.  Without them
        and without a 单位 row, money columns without a unit of their own take the one unit the
        others name ("总投资(亿元)" over plain year columns)."""
        cols = [*header.columns.values(), *header.years, *header.duplicates]
        money_cols = [c for c in cols if c.field in MONEY_FIELDS]
        named = {c.scale: c for c in money_cols if c.unit_from}
        if header.sheet_unit is None and len(named) == 1:
            (scale, source), = named.items()
            for col in money_cols:
                if not col.unit_from:
                    col.scale, col.unit_from = scale, source.unit_from
        money = self.options.money_unit
        if money:
            scale = money_scale(money)
            for col in [*header.columns.values(), *header.years, *header.duplicates]:
                if col.field in MONEY_FIELDS and scale is not None:
                    col.scale, col.unit_from = scale, "--unit"
        land = header.get("land")
        if self.options.land_unit and land is not None:
            land.scale, land.unit_from = LAND_SCALES[self.options.land_unit], "--land-unit"

    def _parents(self, sheet: str, rows: list[list], header: Header,
                 parents: dict[int, tuple[str, Decimal | None] | None]) -> None:
        """Say that each parent row was read as the heading of its numbered parts, and check
        its 总投资 against theirs."""
        if not parents:
            return
        seq = header.columns["seq"]
        mine = {p.source.row: p for p in self.result.projects if p.source and p.source.sheet == sheet}
        for r, read in parents.items():
            if read is None:
                continue
            label, total = read
            number = _seq_text(rows[r - 1][seq.index])
            parts = [p for row, p in mine.items()
                     if _seq_text(rows[row - 1][seq.index]).startswith(number + ".")]
            cell = f"{header.columns['name'].letter}{r}"
            found = sum((p.total_investment or Decimal(0) for p in parts), Decimal(0))
            self.log.warning(
                "parent_row", f"Row {r} of sheet {sheet} ('{shown(label)}', 序号 {number}) heads "
                f"the {len(parts)} projects numbered {number}.1 … under it; it was read as their "
                "heading, not as a project of its own"
                + ("" if total is None or total == found else
                   f" — and its 总投资 {to_plain(total)} is not their sum {to_plain(found)}")
                + ".", sheet=sheet, cell=cell, found=label,
                expected=None if total is None else to_plain(found))

    def _dittos(self, sheet: str, rows: list[list], header: Header) -> None:
        """同上 and 〃 ("the same as above") in a column: the value of the project above, said
        once per column with its cells."""
        cols = [c for c in [*header.columns.values(), *header.years, *header.funding]
                if c.field not in ("name", "seq", "content")]
        # row by row (a sheet's rows lie apart in memory: a column at a time over 100,000 rows
        # was slower per row than over 10,000); each column's cells in their order, as before
        above: list[object] = [None] * len(cols)
        said: list[list[str]] = [[] for _ in cols]
        for r in range(header.last_row + 1, len(rows) + 1):
            row = rows[r - 1]
            section: bool | None = None  # the row is a section row (by its label, once a row)
            for k, col in enumerate(cols):
                value = row[col.index] if col.index < len(row) else None
                if isinstance(value, str) and _is_ditto(value):
                    if above[k] is None:
                        continue  # nothing above to repeat: read (and reported) as it is
                    row[col.index] = above[k]
                    section = None  # the row changed: its label may have
                    said[k].append(f"{col.letter}{r}")
                elif value is not None and not (isinstance(value, str) and not value.strip()):
                    if section is None:
                        label = row_label(tuple(row), header)
                        section = bool(label and self._section(label))
                    if not section:
                        above[k] = value
        for col, cells in zip(cols, said, strict=True):
            if cells:
                self.log.warning(
                    "ditto", f"Sheet {sheet}: {len(cells)} cells of column {col.letter} "
                    f"({col.title}) say 同上/〃; each was read as the value above it "
                    f"({', '.join(cells[:6])}{' …' if len(cells) > 6 else ''}).", sheet=sheet,
                    cell=cells[0], found=", ".join(cells[:6]))

    def _fold_continuations(self, sheet: str, rows: list[list],
                            merges: list[tuple[int, int, int, int]], header: Header) -> None:
        """A project written over several rows under one merged name cell: the rows below the
        first add what the first lacks (text of 建设内容 and 备注 is joined); a figure that
        contradicts the first row is a warning, and the first row's figure stands."""
        name = header.columns["name"]
        by_index = {c.index: c for c in [*header.columns.values(), *header.years]}
        for min_row, min_col, max_row, max_col in merges:
            if not (min_col <= name.index + 1 <= max_col) or max_row == min_row or (
                    min_row <= header.last_row or min_row > len(rows)):
                continue
            top = rows[min_row - 1]
            label = row_label(tuple(top), header)
            if not squeeze(top[name.index] if name.index < len(top) else None) or (
                    label and section_of(label)) or repeats_header(tuple(top), _heading(rows, header)):
                continue
            for r in range(min_row + 1, min(max_row, len(rows)) + 1):
                row = rows[r - 1]
                said = next((v for v in row if isinstance(v, str) and _ACTUAL_ROW.fullmatch(
                    normalize_text(v))), None)
                if said is not None:  # "计划" above, "完成" here: the project's actuals
                    self.log.warning(
                        "actual_row", f"Row {r} of sheet {sheet} holds the actual figures "
                        f"('{shown(said)}') of the project in row {min_row}; they were not read "
                        "(the import reads plans; record actuals as entries).", sheet=sheet,
                        cell=f"{name.letter}{r}", found=said)
                    rows[r - 1] = [None] * len(row)
                    continue
                for i, value in enumerate(row):
                    if value is None or (isinstance(value, str) and not value.strip()):
                        continue
                    top.extend([None] * (i + 1 - len(top)))
                    current, col = top[i], by_index.get(i)
                    if current is None or (isinstance(current, str) and not current.strip()):
                        top[i] = value
                    elif col and col.field in ("content", "remarks") and isinstance(current, str):
                        top[i] = current.rstrip() + str(value).strip()
                    elif col and current != value:
                        cell = f"{col.letter}{r}"
                        self.log.warning(
                            "continuation_conflict", f"Cell {place(sheet, cell)} ({col.title}) "
                            f"holds '{shown(value)}' on a continuation row of the project in row "
                            f"{min_row}, which already has '{shown(current)}' there; the value of "
                            f"row {min_row} is kept.", sheet=sheet, cell=cell, found=value,
                            expected=current)
                rows[r - 1] = [None] * len(row)

    def _formulas(self, sheet: Sheet, rows: list[list], header: Header) -> set[tuple[int, int]]:
        """Compute the simple formulas whose cached value is missing; warn about the others
        and return their cells (row, column index)."""
        cols = [c for f in _FORMULA_FIELDS if (c := header.get(f))] + header.years
        first = header.last_row + 1
        blanks = {(r, c.index + 1): c for r in range(first, len(rows) + 1) for c in cols
                  if c.index < len(rows[r - 1]) and rows[r - 1][c.index] is None}
        unknown: set[tuple[int, int]] = set()
        if not blanks:
            return unknown
        formulas = sheet.formulas(len(rows))
        resolver = Resolver(rows, formulas)
        for (r, c), col in sorted(blanks.items()):
            if (r, c) not in formulas:
                continue
            try:
                rows[r - 1][c - 1] = resolver.compute(r, c)
            except Unresolvable:
                unknown.add((r, col.index))
                cell = f"{col.letter}{r}"
                self.log.warning(
                    "formula_uncached", f"Cell {place(sheet.name, cell)} ({col.title}) holds the "
                    f"formula '{shown(formulas[(r, c)])}' without a saved value and it cannot be "
                    "computed here; the figure is left blank (open and save the file in Excel or "
                    "WPS to store the values).", sheet=sheet.name, cell=cell, found=formulas[(r, c)])
        return unknown

    def _table(self, sheet: str, rows: list[list], header: Header,
               unknown: set[tuple[int, int]], hidden_rows: set[int] = frozenset()
               ) -> dict[str, str]:
        """Read the projects of a table; what was read from outside its columns (the
        township from the sheet's name …), by field."""
        tally = Tally(sheet, header, self.log)
        title = " ".join(v for row in rows[: header.first_row - 1] for v in row if isinstance(v, str))
        stem = Path(self.file).stem
        by_sheet = (category_named(sheet) or category_named(title) or category_named(stem),
                    class_named(sheet) or class_named(title) or class_named(stem))
        derived: dict[str, str] = {}
        towns: list[str] = []  # no location column: the townships the sheet or title names
        if header.get("town") is None:
            for where, text in (("sheet", sheet), ("title", title)):
                if towns := towns_in(text):
                    derived["town"] = f"{where}: {'、'.join(towns)}"
                    break
        # a sheet named for two categories ("职业教育和特殊教育") leaves each project to its name
        sheet_categories = categories_in(sheet) if by_sheet[0] is None else ()
        sheet_source = {}  # category, class: which of sheet, title, file name named it
        for i, fld in enumerate(("category", "klass")):
            if by_sheet[i]:
                named = category_named if fld == "category" else class_named
                where = next(w for w, text in (("sheet", sheet), ("title", title), ("file", stem))
                             if named(text))
                sheet_source[fld] = f"{where}: {by_sheet[i]}"
        sources: dict[str, Counter] = {f: Counter() for f in ("category", "klass", "nature")}
        name_col = header.columns["name"]
        heading = _heading(rows, header)
        numeric = header.numeric()
        period = _period_columns(header)
        name_letter = name_col.letter
        unknown_by_row: dict[int, set[int]] = {}
        for row, c in unknown:
            unknown_by_row.setdefault(row, set()).add(c)
        under_header = True  # column numbers (1 2 3 …) come right under a header
        # a sheet grouped by construction type (改扩建类, 迁建类 …): its 新建 heading is one too
        by_nature = any(
            (sec := self._section(lab)) and sec.kind == "nature" and sec.word != "新建"
            for r in range(header.last_row + 1, len(rows) + 1)
            if (lab := row_label(tuple(rows[r - 1]), header)))
        counties: list[str] = []
        county_now = ""  # the county heading the rows now fall under ("一、龙湾区")
        since_county = len(self.result.projects)  # the projects read since the last one
        parents = _parent_rows(rows, header)
        footnotes = _footnotes(rows, header)
        meanings = dict(footnotes.values())
        for r in range(header.last_row + 1, len(rows) + 1):
            values = tuple(rows[r - 1])
            if is_empty(values):
                continue
            if r in footnotes:  # "*  省重点建设项目": what a mark after a name means
                continue
            if is_notes(values):
                if not _projects_follow(rows, r, header, name_col):
                    break
                note = next(v for v in values if isinstance(v, str) and v.strip())
                after = _AFTER_NOTE.search(normalize_text(note))
                if after and (section := section_of(after[1])) is not None:  # 以下为储备项目
                    tally.section(Claim(section, r, ItemFigures(r, {}), f"{name_letter}{r}"))
                self.log.warning(
                    "notes_row", f"Row {r} of sheet {sheet} is a note ('{shown(note)}') with "
                    "projects under it; they were read"
                    + (f" as {section.value or section.label}" if after and section else "")
                    + ".", sheet=sheet, cell=f"A{r}", found=note)
                continue
            if repeats_header(values, heading):  # the header again, pasted from another page
                under_header = True
                continue
            if under_header and is_index_row(values):
                continue
            under_header = False
            label = row_label(values, header)
            section = self._section(label) if label else None
            if section is not None and by_nature and section.kind == "klass" and \
                    section.word == "新建" and not section.of_which:
                section = replace(section, kind="nature", value="新建")
            if section is not None and section.kind == "county":
                if section.value not in counties:
                    counties.append(section.value or "")
                if section.closing:  # "鹿城区小计" under its projects: theirs when no heading said
                    for i in range(since_county, len(self.result.projects)):
                        if not self.result.projects[i].county:
                            self.result.projects[i] = replace(self.result.projects[i],
                                                              county=section.value or "")
                else:
                    county_now = section.value or ""
                since_county = len(self.result.projects)
            cells = Cells(sheet, r, values, header, self.log, item=section is None,
                          unknown=frozenset(unknown_by_row.get(r, ())))
            if section is not None:
                label_col = next((i for i, v in enumerate(values) if isinstance(v, str) and v.strip()), 0)
                tally.section(Claim(section, r, _figures(cells, numeric, claim=True),
                                    f"{column_letter(label_col + 1)}{r}"))
                continue
            if r in parents:  # "1 …学校群" over "1.1 …", "1.2 …": their heading, not a project
                total_col = header.columns["total"]
                parents[r] = (squeeze(cells.raw(name_col)) or "", cells.number(total_col)[0])
                continue
            name = squeeze(cells.raw(name_col))
            if name and _PART.match(name):
                self.log.warning("part_row", f"Row {r} of sheet {sheet} ('{shown(name)}') is a part of "
                                 "the project above it, not a project of its own; it was not read.",
                                 sheet=sheet, cell=f"{name_letter}{r}", found=name)
                continue
            name_class = None
            mark = None
            if name:
                mark = (m := _TRAILING_MARK.search(name)) and m[0]
                name = _MARKS.sub("", _ORDINAL.sub("", _MARKS.sub("", name)))
                if (m := _CLASS_IN_NAME.search(name)) and m.start() > 0:  # "…新建工程(续建)"
                    name, name_class = name[:m.start()], CLASS_WORDS[m[1]]
                    derived["klass"] = "name"
            if not name or not _HAS_WORD.search(name):
                if any(cells.raw(c) is not None for c in numeric):
                    self.log.warning("unnamed_row", f"Row {r} of sheet {sheet} has figures but no "
                                     "project name; it was skipped.", sheet=sheet,
                                     cell=f"{name_letter}{r}")
                continue
            figures = _figures(cells, numeric, claim=False)
            tally.item(figures)
            context = (tally.context("category"), tally.context("klass"),
                       tally.context("nature"), tally.choices("category"))
            town = None
            if header.get("town") is None:
                town = towns[0] if len(towns) == 1 else _town_by_name(name, towns)
                if town and not towns:
                    derived["town"] = "name"
            if context[3] == () and sheet_categories:
                context = (*context[:3], sheet_categories)
            if name_class and not cells.text("klass"):  # the name's word above any heading
                context = (context[0], name_class, *context[2:])
            project = _project(self.file, cells, name, context, by_sheet, period, town)
            if county_now:
                project = replace(project, county=county_now)
            _count_sources(sources, sheet_source, header, cells, context, project, name_class)
            figures.kinds = {"category": project.category, "klass": project.annex_class}
            if mark and mark in meanings:  # the footnote of its mark joins its remarks
                remarks = f"{project.remarks};{meanings[mark]}" if project.remarks \
                    else meanings[mark]
                project = replace(project, remarks=remarks)
            self.result.projects.append(project)
            self.name_cells.append(f"{name_letter}{r}")
            if r in hidden_rows:
                cell = f"{name_letter}{r}"
                self.log.warning("hidden_row", f"Row {r} of sheet {sheet} is hidden in the workbook; "
                                 f"its project '{name}' was read all the same (check that it belongs "
                                 "to the plan).", sheet=sheet, cell=cell, found=name)
        self._parents(sheet, rows, header, parents)
        if tally.items:
            tally.finish()
        elif tally.claims():  # totals only: checked against the other sheets at the end
            total_col = header.get("total")
            claims = tally.claims()
            for claim in claims:
                claim.total = claim.figures.values.get(total_col.index) if total_col else None
            self.summary_claims.append((sheet, claims))
        if counties:
            self.log.warning(
                "county_sections", f"Sheet {sheet} groups its projects by county or district "
                f"({'、'.join(counties)}); the headings were not read as projects, and each "
                "project is imported into the county it is listed under.", sheet=sheet,
                found="、".join(counties))
        for fld, counted in sources.items():
            if counted and fld not in derived:  # the source most of the sheet's projects had
                derived[fld] = counted.most_common(1)[0][0]
        return derived


_DITTO = frozenset({"同上", "〃", "\"", "”", "''", "同前", "同上栏", "仝上", "々"})


def _as_lists(rows: list) -> list[list]:
    """A sheet's rows as lists the reader may change (calamine's come as lists already)."""
    return [r if type(r) is list else list(r) for r in rows]


@lru_cache(maxsize=8192)
def _is_ditto(text: str) -> bool:
    """The cell says 同上 (cells of a column repeat the same few words: asked once each)."""
    return normalize_text(text) in _DITTO
_AFTER_NOTE = re.compile(r"以下(?:为|是|均为)(.+?项目)")
_TRAILING_MARK = re.compile(r"[*※△▲☆★#]+$")
_MARK_ONLY = re.compile(r"[*※△▲☆★#]+|[①②③④⑤⑥⑦⑧⑨⑩]")


def _projects_follow(rows: list[list], r: int, header: Header, name_col: Column) -> bool:
    """Whether rows below row ``r`` hold projects: a name and a 总投资 figure."""
    total = header.columns["total"].index
    for row in rows[r:]:
        name = row[name_col.index] if name_col.index < len(row) else None
        value = row[total] if total < len(row) else None
        if isinstance(name, str) and _HAS_WORD.search(name) and not is_notes(tuple(row)) and (
                isinstance(value, (int, float)) or (isinstance(value, str) and _DIGIT.search(value))):
            return True
    return False


_DIGIT = re.compile(r"\d")


def _footnotes(rows: list[list], header: Header) -> dict[int, tuple[str, str]]:
    """Rows under the table that say what a mark means ("*  省重点建设项目"): row → (mark, text)."""
    out: dict[int, tuple[str, str]] = {}
    for r in range(header.last_row + 1, len(rows) + 1):
        cells = [v for v in rows[r - 1] if v is not None and str(v).strip()]
        if len(cells) == 2 and isinstance(cells[0], str) and _MARK_ONLY.fullmatch(cells[0].strip()) \
                and isinstance(cells[1], str) and _HAS_WORD.search(cells[1]):
            out[r] = (cells[0].strip(), cells[1].strip())
    return out


def _count_sources(sources: dict[str, Counter], sheet_source: dict[str, str], header: Header,
                   cells: Cells, context: tuple, project: ProjectFacts,
                   name_class: str | None) -> None:
    """Where a project's category, class and construction type came from when no column of the
    sheet gave them: section rows, the sheet's name (title, file name) or the project's name."""
    given = {"category": (context[0], project.category), "klass": (context[1], project.annex_class),
             "nature": (context[2], project.construction_type)}
    columns = {"category": "category", "klass": "klass", "nature": "nature"}
    for fld, (from_context, value) in given.items():
        if value is None or (header.get(columns[fld]) is not None and cells.text(fld)):
            continue
        if fld == "klass" and name_class and value == name_class:
            sources[fld]["name"] += 1
        elif from_context is not None and from_context == value:
            sources[fld]["section"] += 1
        elif fld in sheet_source and sheet_source[fld].endswith(f": {value}"):
            sources[fld][sheet_source[fld]] += 1
        else:
            sources[fld]["name"] += 1


def _seq_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_text(str(value)) if value is not None else ""


def _parent_rows(rows: list[list], header: Header) -> dict[int, None]:
    """Rows numbered N whose next rows are numbered N.1, N.2 …: a parent over its parts."""
    seq = header.get("seq")
    if seq is None:
        return {}
    numbers = [(r, _seq_text(rows[r - 1][seq.index]) if seq.index < len(rows[r - 1]) else "")
               for r in range(header.last_row + 1, len(rows) + 1)]
    parents: dict[int, None] = {}
    for i, (r, number) in enumerate(numbers):
        if number.isdigit() and i + 1 < len(numbers) and \
                numbers[i + 1][1].startswith(number + ".") and numbers[i + 1][1][len(number) + 1:].isdigit():
            parents[r] = None
    return parents


def _heading(rows: list[list], header: Header) -> list[tuple[dict[int, str], int]]:
    """The header's rows as labels by column, with the number of votes a repeat needs."""
    heading = []
    for r in range(header.first_row, header.last_row + 1):
        labels = {i: t for i, v in enumerate(rows[r - 1]) if (t := norm(v))}
        heading.append((labels, max(2, -(-len(labels) * 3 // 5))))
    return heading


def repeats_header(values: tuple, heading: list[tuple[dict[int, str], int]]) -> bool:
    """A row that repeats a row of the header (a header pasted again for a second page): at
    least ``needed`` of its labels.  A header row is given up on as soon as too many of its
    labels are missing for the rest to make up the count, so a row of figures costs a few
    comparisons, not one per label."""
    for labels, needed in heading:
        if len(labels) < 2:
            continue
        texts: list[tuple[str, str]] = []
        same, spare = 0, len(labels) - needed  # labels that may be missing
        # cells of figures and blanks first (they settle most rows by themselves), text
        # cells after them
        for hit in chain(_figures_match(values, labels, texts),
                         (norm(value) == label for value, label in texts)):
            if hit:
                same += 1
                if same >= needed:
                    return True
            else:
                spare -= 1
                if spare < 0:
                    break
    return False


def _figures_match(values: tuple, labels: dict[int, str], texts: list[tuple[str, str]]):
    """For each label whose cell is not text, whether the cell says it (a number's label is
    its digits, so it ends with one); the text cells are put in ``texts``, for later."""
    width = len(values)
    for i, label in labels.items():
        value = values[i] if i < width else None
        if isinstance(value, str):
            texts.append((value, label))
        else:
            yield value is not None and (type(value) not in (int, float)
                                         or label[-1] in _DIGITS) and norm(value) == label


def _fill_down(rows: list[list], merges: list[tuple[int, int, int, int]], header: Header) -> None:
    """A text cell merged down over several projects (建设地点, 责任单位 …) applies to each."""
    cols = {c.index + 1 for f in _FILLED_DOWN if (c := header.get(f))}
    for min_row, min_col, max_row, max_col in merges:
        if min_row <= header.last_row or max_row == min_row or min_row > len(rows):
            continue
        for c in range(min_col, max_col + 1):
            if c not in cols or c - 1 >= len(rows[min_row - 1]):
                continue
            for r in range(min_row + 1, min(max_row, len(rows)) + 1):
                if c - 1 < len(rows[r - 1]) and rows[r - 1][c - 1] is None:
                    rows[r - 1][c - 1] = rows[min_row - 1][c - 1]


def _figures(cells: Cells, numeric: list[Column], *, claim: bool) -> ItemFigures:
    """The checkable figures of a row (a claim's "—" counts as 0); ``numeric`` is
    ``header.numeric()``."""
    values: dict[int, Decimal | None] = {}
    for col in numeric:
        value, state = cells.number(col, integer=col.field == "places")
        values[col.index] = Decimal(0) if claim and state is NumState.NONE else value
    return ItemFigures(cells.row, values, cells.uncertain)


def _kinds(cells: Cells) -> tuple[str | None, str | None, str | None]:
    """Category, annex class and construction type from 学段/类别, 项目类型 and 建设性质
    columns, read by what they hold: 新建 in a class column is a new start; a column holding
    both classes and construction types gives each cell to the one it names."""
    h = cells.header
    klass_col, nature_col = h.get("klass"), h.get("nature")
    cat_text, klass_text = cells.text("category"), cells.text("klass")
    nature_text = cells.text("nature")
    category = category_of(cat_text) or category_of(klass_text)
    annex_class = class_of(klass_text) or class_of(cat_text)
    mixed = klass_col is not None and klass_col.mixed
    if annex_class is None and klass_text and not mixed and word_of(klass_text) == NEW_BUILD:
        annex_class = "新开工"
    if nature_col is not None and nature_col.mixed and nature_text:
        nature_text = nature_in(nature_text)  # the construction type among the cell's words
    elif nature_col is not None and nature_text:
        word = nature_in(nature_text)
        if word is None and not class_of(nature_text):
            cell = cells.ref(nature_col)
            cells.log.warning("unknown_nature", f"Cell {place(cells.sheet, cell)} (建设性质) holds "
                              f"'{shown(nature_text)}', which is none of 新建, 迁建, 改扩建, 扩建; "
                              "the construction type is left unknown.", sheet=cells.sheet,
                              cell=cell, found=nature_text)
        elif word is not None and word != nature_text:  # "新建(一期)": the type, said once a sheet
            cells.log_once("nature_trimmed", nature_col, nature_text, word)
        nature_text = word
    for name, text, known, code in (("category", cat_text, category, "unknown_category"),
                                    ("klass", klass_text, annex_class, "unknown_class")):
        col = h.get(name)
        if mixed and name == "klass" and text and nature_in(text):
            continue
        if col and text and not known and not (category_of(text) or class_of(text)):
            cell = cells.ref(col)
            cells.log.warning(code, f"Cell {place(cells.sheet, cell)} ({col.title}) holds "
                              f"'{shown(text)}', which is not a known category or class; it was "
                              "ignored.", sheet=cells.sheet, cell=cell, found=text)
    return category, annex_class, nature_text


_CLASS_IN_NAME = re.compile(
    r"[(（](" + "|".join(sorted(CLASS_WORDS, key=len, reverse=True)) + r")(?:项目|类)?[)）]$")
_NATURE_IN_NAME = re.compile(r"(原址改扩建|改扩建|迁建|扩建|新建)(?:工程|项目)?(?:[(（][^()（）]*[)）])?$")
_NATURE_NAMES = {"原址改扩建": "改扩建"}


def nature_named(name: str) -> str | None:
    """The construction type a project's name ends with ("…中学迁建工程(二期)" → 迁建)."""
    m = _NATURE_IN_NAME.search(name)
    return _NATURE_NAMES.get(m[1], m[1]) if m else None


def towns_in(text: str | None) -> list[str]:
    """The townships a sheet's name, a title or a project's name names ("鳌江镇",
    "平阳县昆阳镇第一小学", "新兴镇、赤寿乡" → both), in order."""
    if not text:
        return []
    found: list[str] = []
    for town in _TOWN_IN.findall(normalize_text(text)):
        if town not in found:
            found.append(town)
    return found


def _town_by_name(name: str, towns: list[str]) -> str | None:
    """A project's township from its name: the one it names (among ``towns`` when the sheet
    names several)."""
    named = [t for t in towns_in(name) if not towns or t in towns]
    return named[0] if len(named) == 1 else None


_VILLAGE = re.compile(r"([^\W\d_]{1,8}?(?:镇|乡|街道))([^\W\d_]{1,10}(?:村|社区|居委会|片区|小区))")
_TOWN_IN = re.compile(
    r"(?:(?<=县)|(?<=市)|(?<=区)|(?<=[、,，和及与])|^)([^\W\d_县省、,，和及与]{1,6}?(?:镇|乡|街道))")


def _project(file: str, cells: Cells, name: str,
             context: tuple[str | None, str | None, str | None, tuple[str, ...]],
             by_sheet: tuple[str | None, str | None],
             period: tuple[Column | None, list[Column], bool], town: str | None = None) -> ProjectFacts:
    h = cells.header
    category, annex_class, nature = _kinds(cells)
    start, end = cells.years()
    total_col = h.columns["total"]
    total, state = cells.number(total_col)
    if state in (NumState.BLANK, NumState.NONE):
        cell = cells.ref(total_col)
        cells.log.warning("blank_total", f"Cell {place(cells.sheet, cell)} (总投资) of project "
                          f"'{name}' is blank; its total investment is unknown.",
                          sheet=cells.sheet, cell=cell, found=cells.raw(total_col))
    plan = {c.year: v for c in h.years if (v := cells.number(c)[0]) and c.year is not None}
    funding = _funding(cells, name)
    period_plan = _period(cells, total, *period)
    content = cells.text("content", squeezed=False)
    floor_col, classes_col, places_col = h.get("floor"), h.get("classes"), h.get("places")
    floor = cells.number(floor_col)[0] if floor_col else area_from_content(content)
    classes: int | None
    if classes_col:  # the column, else the content's "设27个班"
        value = cells.number(classes_col, integer=True)[0]
        classes = int(value) if value is not None else None
    else:
        classes = classes_from_content(content)
    places: int | None
    if places_col:
        value, state = cells.number(places_col, integer=True)
        places = int(value) if value is not None else (
            0 if state in (NumState.BLANK, NumState.NONE) else None)
    else:
        places = places_from_content(content)
    township, remarks = cells.text("town") or town, cells.text("remarks", squeezed=False)
    if township and (m := _VILLAGE.fullmatch(township)):  # "履坦镇坛头村": the township is 履坦镇;
        # the full place is kept in the remarks
        township, where = m[1], f"建设地点:{township}"
        remarks = f"{remarks};{where}" if remarks else where
    if category is None and context[0] is None and context[3]:  # "职业教育及特殊教育": by name
        named = category_named(name)
        category = named if named in context[3] else None
    return ProjectFacts(
        id=None, name=name,
        category=category or context[0] or by_sheet[0] or (
            None if h.get("category") else category_named(name)),  # "…幼儿园新建工程"
        annex_class=annex_class or context[1] or by_sheet[1],
        construction_type=nature or context[2] or (None if h.get("nature") else nature_named(name)),
        township=township,
        responsible_unit=cells.text("unit"), start_year=start, end_year=end,
        total_investment=total, period_plan=period_plan, annual_plan=plan,
        land_mu=_land(cells, remarks, name), floor_area_m2=floor, classes=classes,
        new_places=places, content=content, remarks=remarks,
        project_code=normalize_text(code) if (code := cells.text("code")) else None,
        prior_actual=cells.number(h.get("prior"))[0], funding_plan=funding,
        phase=Phase.PREPARATION, status=Status.ACTIVE, source=SourceRef(file, cells.sheet, cells.row),
    )


def _land(cells: Cells, remarks: str | None, name: str) -> Decimal | None:
    """The land column's figure; "见备注" there sends the reader to the remarks ("新征用地60亩")."""
    col = cells.header.get("land")
    value, state = cells.number(col)
    raw = cells.raw(col)
    if value is None and state is NumState.TBD and isinstance(raw, str) and \
            normalize_text(raw) in SEE_REMARKS and (found := land_from_content(remarks)) is not None:
        cell = cells.ref(col)  # type: ignore[arg-type]
        cells.log.issues[:] = [i for i in cells.log.issues  # not "left unknown" after all
                               if not (i.code == "tbd" and i.sheet == cells.sheet and i.cell == cell)]
        cells.log.warning("from_remarks", f"Cell {place(cells.sheet, cell)} (用地面积) of project "
                          f"'{name}' says '{shown(raw)}'; {to_plain(found)} 亩 was read from its "
                          f"remarks ('{shown(remarks)}').", sheet=cells.sheet, cell=cell,
                          found=to_plain(found), expected=remarks)
        return found
    return value


def _funding(cells: Cells, name: str) -> dict[str, Decimal]:
    """The annex's funding plan by source (资金来源 columns), checked against its 合计."""
    h = cells.header
    funding: dict[str, Decimal] = {}
    for col in h.funding:
        value = cells.number(col)[0]
        if value and col.source:
            funding[col.source] = funding.get(col.source, Decimal(0)) + value
    total_col = h.get("funding_total")
    if total_col is not None and h.funding:
        total, state = cells.number(total_col)
        parts = sum(funding.values(), Decimal(0))
        if state is NumState.VALUE and total is not None and total != parts and all(
                cells.number(c)[1] is not None for c in h.funding) and not h.funding_unread:
            cell = cells.ref(total_col)
            cells.log.warning("funding_mismatch", f"Cell {place(cells.sheet, cell)} (资金来源合计) "
                              f"of project '{name}' says {to_plain(total)} but its sources sum to "
                              f"{to_plain(parts)}; the sources are kept.", sheet=cells.sheet,
                              cell=cell, found=to_plain(total), expected=to_plain(parts))
    return funding


def _period_columns(h: Header) -> tuple[Column | None, list[Column], bool]:
    """The “十四五” 合计 column and the year columns it sums: the years under the same heading,
    else all; within the period's span; and whether they are every year of it (only then is
    the 合计 checked against their sum)."""
    col = h.get("period")
    years = [y for y in h.years if not y.and_later]  # "2026年及以后" is past the period
    if col is not None:
        years = [y for y in years if col.group and y.group == col.group] or years
        if span := period_span(f"{col.group} {col.label}"):
            years = [y for y in years if y.year is not None and span[0] <= y.year <= span[1]]
            # a year that heads columns of its own ("2023年计划投资" over 调整前/调整后) is one
            # year picked out, not the period's breakdown: its sum is no check on the 合计
            picked = any(y.group and (classify(y.group) or ("",))[0] == "year" for y in years)
            if picked and {y.year for y in years} != set(range(span[0], span[1] + 1)):
                return col, years, False
    return col, years, True


def _period(cells: Cells, total: Decimal | None, col: Column | None, years: list[Column],
            complete: bool = True) -> Decimal | None:
    """The “十四五” plan: the 合计 column, or the sum of its year columns; checked against both
    (``col`` and ``years`` from ``_period_columns``)."""
    h = cells.header
    read = [cells.number(y) for y in years]
    known = all(state is not None and state is not NumState.TBD for _, state in read)
    year_sum = sum((v for v, _ in read if v is not None), Decimal(0))
    value, state = cells.number(col) if col is not None else (None, NumState.BLANK)
    if state in (NumState.BLANK, NumState.NONE):  # the sum of the years, when any has a figure
        value = year_sum if years and known and any(v is not None for v, _ in read) else None
    elif col is not None and state is NumState.VALUE and years and known and complete and \
            value != year_sum:
        cell = cells.ref(col)
        cells.log.warning("plan_mismatch", f"Cell {place(cells.sheet, cell)} ({col.title}) says "
                          f"{to_plain(value)} but the year columns of the row sum to "
                          f"{to_plain(year_sum)}.", sheet=cells.sheet, cell=cell,
                          found=to_plain(value), expected=to_plain(year_sum))
    if value is not None and total is not None and value > total:
        cell = cells.ref(col) if col is not None else cells.ref(h.columns["total"])
        cells.log.warning("plan_exceeds_total", f"Cell {place(cells.sheet, cell)}: the period plan "
                          f"{to_plain(value)} exceeds the total investment {to_plain(total)}.",
                          sheet=cells.sheet, cell=cell, found=to_plain(value),
                          expected=to_plain(total))
    return value
