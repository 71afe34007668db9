"""What the annex reader hands back: the projects it read and the issues it found.

Every problem with an input file becomes an :class:`Issue` naming the file, the sheet and the cell
("附件!G23"), with a stable machine ``code`` and one English sentence.  Errors mean the file (or a
project in it) cannot be trusted as read; warnings are claims of the annex that did not check out
(a subtotal that is not the sum of its items) or figures left unknown (待定).

Issue codes
-----------
File level (errors): ``empty_file``, ``not_found``, ``not_xlsx``, ``xls_format``, ``encrypted``,
``zip_bomb``, ``unsafe_xml``, ``unreadable``, ``no_table``.
Sheet level: ``no_header`` (error), ``duplicate_column`` (warning), ``hidden_sheet`` (warning: a
hidden sheet holding a table was not read, because visible sheets hold tables).
Cell level (errors): ``bad_number``, ``negative``, ``bad_years``, ``duplicate_name``.
Cell level (warnings): ``tbd``, ``blank_total``, ``subtotal_mismatch``, ``count_mismatch``,
``formula_uncached``, ``plan_mismatch``, ``plan_exceeds_total``, ``unnamed_row``,
``unknown_category``, ``unknown_class``, ``hidden_row`` (a hidden row's project was read),
``part_row`` (a "其中:一期" row under a project is not a project), ``continuation_conflict`` (a
row continuing a project under a merged name contradicts it), ``duration_only`` (建设年限 holds a
duration such as "3" and there is no start year to count it from).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from projtrack.core.types import ProjectFacts

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    level: str  # "error" or "warning"
    file: str  # the file's name (Path.name)
    sheet: str | None
    cell: str | None  # e.g. "G23"
    code: str  # stable machine code (see the module docstring)
    message: str  # one English sentence naming the place and what was found
    found: str | None = None
    expected: str | None = None

    @property
    def where(self) -> str:
        """``file.xlsx 附件!G23`` (or less, when the issue concerns the file or a whole sheet)."""
        if self.sheet and self.cell:
            return f"{self.file} {self.sheet}!{self.cell}"
        if self.sheet:
            return f"{self.file} {self.sheet}"
        if self.cell:
            return f"{self.file} {self.cell}"
        return self.file

    def __str__(self) -> str:
        return f"{self.level}: {self.where}: {self.message} [{self.code}]"


@dataclass(frozen=True)
class ColumnUse:
    """One column of a table: the field it fed (None: not read) and what decided it."""

    letter: str
    header: str  # the header text as written ("" for a column without one)
    field: str | None  # the importer's field name ("year" with ``year``), or None
    year: int | None = None
    how: str = "header"  # header, values, map; for a column not read: unknown, actual,
    # funding, ignored (the map said none), duplicate, empty
    sample: tuple[str, ...] = ()
    was: str | None = None  # the field the header named, when values or the map decided
    unit: str | None = None  # money columns: the unit read (万元, 亿元 …)
    unit_from: str | None = None  # and where it came from (None: assumed)
    also: str | None = None  # a mixed column also feeds this field (construction type)
    source: str | None = None  # a funding column's source (中央, 省 …)


@dataclass(frozen=True)
class MissingField:
    """A field the sheet has no column for, and how many of its projects are left without it."""

    field: str
    unknown: int
    projects: int
    source: str | None = None  # where it was read from instead ("sheet 鳌江镇", "建设内容")
    derived: int = 0  # projects that got it from there


@dataclass
class SheetMap:
    sheet: str
    header_rows: tuple[int, int]
    columns: list[ColumnUse] = field(default_factory=list)
    missing: list[MissingField] = field(default_factory=list)
    money_unit: str = "万元"
    money_unit_from: str | None = None  # None: no unit found, 万元 assumed
    signature: str = ""  # the header's labels, for remembering a mapping

    @property
    def not_read(self) -> list[ColumnUse]:
        return [c for c in self.columns if c.field is None and c.how != "empty"]


@dataclass(frozen=True)
class ReadOptions:
    """What the officer told the reader: column overrides (``--map``), the money unit
    (``--unit``) and the land unit (``--land-unit``)."""

    overrides: tuple = ()  # columns.Override
    money_unit: str | None = None
    land_unit: str | None = None


@dataclass
class ParsedAnnex:
    file: str
    projects: list[ProjectFacts] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # sheets that held a table
    maps: list[SheetMap] = field(default_factory=list)  # one per sheet read
    # the counties its title rows and sheet names name: (county, "sheet!A2" or the sheet)
    counties_named: list[tuple[str, str]] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors


def place(sheet: str | None, cell: str | None) -> str:
    """``附件!G23`` for messages."""
    if sheet and cell:
        return f"{sheet}!{cell}"
    return sheet or cell or "the workbook"


def shown(value: object, limit: int = 60) -> str:
    """A found value for a message and for ``Issue.found``: text as written, shortened."""
    text = value if isinstance(value, str) else str(value)
    text = text.replace("\n", "\\n")
    return text if len(text) <= limit else text[: limit - 1] + "…"


class IssueLog:
    """Collects the issues of one file."""

    def __init__(self, file: str):
        self.file = file
        self.issues: list[Issue] = []
        self.once: set[tuple] = set()  # warnings said once a sheet and column

    def add(self, level: str, code: str, message: str, *, sheet: str | None = None,
            cell: str | None = None, found: object = None, expected: object = None) -> Issue:
        issue = Issue(
            level=level, file=self.file, sheet=sheet, cell=cell, code=code, message=message,
            found=None if found is None else shown(found, 200),
            expected=None if expected is None else str(expected),
        )
        self.issues.append(issue)
        return issue

    def error(self, code: str, message: str, **where: object) -> Issue:
        return self.add(ERROR, code, message, **where)  # type: ignore[arg-type]

    def warning(self, code: str, message: str, **where: object) -> Issue:
        return self.add(WARNING, code, message, **where)  # type: ignore[arg-type]
