"""Rows of the annex table: section rows (category, class, totals), notes rows and items.

A section row is recognised by its whole label ("一、中小学项目(44个)", "(一)续建项目(9个)",
"总计(88个)", "幼儿园小计"), so a project named "…职业教育中心…工程" is never taken for one.
Items are read cell by cell; every cell that cannot be read becomes an issue naming the cell.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from projtrack.core.money import NumberFormatError, NumState, normalize_text, read_number
from projtrack.core.units import DateFormatError, parse_area_m2, parse_year, parse_year_range

from .headers import Column, Header
from .model import ERROR, WARNING, IssueLog, place, shown

_ORD = r"(?:[一二三四五六七八九十]+[、.,]?|\(?[一二三四五六七八九十\d]+\)[、.]?|\d+[、.])?"
_COUNT = r"(?:\((?:共|计|合计)?(?P<count>\d+)(?:个|项|所)?(?:项目)?\)|共?(?P<count2>\d+)(?:个|项))?"
_SUB = r"(?P<sub>小计|合计)?"
_CATEGORY_RE = re.compile(
    _ORD + r"(?P<word>中小学|义务教育|普通高中|高中|基础教育|幼儿园|学前教育|学前|职业教育|职教|中职"
    r"|特殊教育|特教|其他|其它)(?:教育)?(?:类|学校)?(?:建设)?(?:项目)?(?:类)?" + _SUB + _COUNT)
_CLASS_RE = re.compile(
    _ORD + r"(?P<word>续建|计划新开工|新开工|计划开工|开工|前期工作|前期)(?:类)?(?:项目)?(?:类)?"
    + _SUB + _COUNT)
_TOTAL_RE = re.compile(_ORD + r"(?:全县|全部|项目)?(?P<word>总计|合计|共计|总合计|小计)(?:项目)?" + _COUNT)
_NOTES_RE = re.compile(r"^(?:注|附注|备注|说明|填表说明)[0-9一:;、.]|^(?:填报|制表|审核|联系|负责)")
_QUOTES = str.maketrans("", "", "“”‘’\"'")
_NONE_TEXT = frozenset({"—", "——", "-", "--", "/", "／", "无", "―", "–"})

_CATEGORY_WORDS = (  # contains-match, in this order, for column values and sheet names
    ("幼儿园", re.compile(r"幼儿园|学前|幼教|幼儿")),
    ("职业教育", re.compile(r"职业|职教|中职|职高|技工")),
    ("特殊教育", re.compile(r"特殊教育|特教|特殊学校")),
    ("中小学", re.compile(r"中小学|义务教育|高中|小学|初中|中学|普高|九年一贯|基础教育")),
    ("其他", re.compile(r"其他|其它")),
)
_CLASS_WORDS = (
    ("续建", re.compile(r"续建")),
    ("新开工", re.compile(r"新开工|开工|新建开工")),
    ("前期", re.compile(r"前期|谋划|储备")),
)


def category_of(text: str | None) -> str | None:
    if not text:
        return None
    text = normalize_text(text)
    return next((cat for cat, rule in _CATEGORY_WORDS if rule.search(text)), None)


def class_of(text: str | None) -> str | None:
    if not text:
        return None
    text = normalize_text(text)
    return next((klass for klass, rule in _CLASS_WORDS if rule.search(text)), None)


@dataclass(frozen=True)
class Section:
    kind: str  # "total" (the whole sheet), "subtotal" (the innermost group), "category", "klass"
    value: str | None  # the category or class named
    closing: bool  # labelled 小计/合计: a claim about the items above it
    count: int | None  # "(9个)"
    label: str


def section_of(label: str) -> Section | None:
    text = normalize_text(label).translate(_QUOTES).rstrip(":")
    if not text:
        return None
    for kind, rule in (("category", _CATEGORY_RE), ("klass", _CLASS_RE), ("total", _TOTAL_RE)):
        m = rule.fullmatch(text)
        if not m:
            continue
        count = m["count"] or m["count2"]
        word = m["word"]
        if kind == "total":
            kind = "subtotal" if word == "小计" else "total"
            return Section(kind, None, True, int(count) if count else None, label)
        value = category_of(word) if kind == "category" else class_of(word)
        return Section(kind, value, bool(m["sub"]), int(count) if count else None, label)
    return None


def _text(value: object) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def squeeze(value: object) -> str | None:
    """Text with every whitespace and line break removed ("新建\\n工程 " → "新建工程")."""
    text = _text(value)
    return re.sub(r"\s+", "", text) if text else None


def row_label(values: tuple, header: Header) -> str:
    """The text a section row is recognised by: 序号 and 项目名称 cells, or the first text."""
    parts = []
    for name in ("seq", "name"):
        col = header.get(name)
        if col and col.index < len(values) and isinstance(values[col.index], str):
            parts.append(values[col.index])
    if parts:
        return "".join(parts)
    return next((v for v in values if isinstance(v, str) and v.strip()), "")


def is_notes(values: tuple) -> bool:
    filled = [v for v in values if v is not None and str(v).strip()]
    return 0 < len(filled) <= 2 and isinstance(filled[0], str) and bool(
        _NOTES_RE.match(normalize_text(filled[0])))


def is_index_row(values: tuple) -> bool:
    """A row numbering the columns under the header: 1 2 3 … or 甲 乙 1 2 …"""
    filled = [v for v in values if v is not None and str(v).strip()]
    ints = [int(v) for v in filled if isinstance(v, (int, float)) and not isinstance(v, bool)
            and float(v).is_integer()]
    words = [v for v in filled if isinstance(v, str) and normalize_text(v) in ("甲", "乙", "丙", "丁")]
    return len(filled) >= 3 and len(ints) + len(words) == len(filled) and ints == sorted(ints) and (
        len(set(ints)) == len(ints))


@dataclass
class Cells:
    """One row of a sheet with the means to read its cells and report on them."""

    sheet: str
    row: int
    values: tuple
    header: Header
    log: IssueLog
    item: bool = True  # problems in an item are errors; in a subtotal row, warnings
    uncertain: set[int] = field(default_factory=set)  # columns whose figure is unknown (待定, bad)
    unknown: frozenset[int] = frozenset()  # columns holding a formula that could not be computed
    _read: dict[int, tuple[Decimal | None, NumState | None]] = field(default_factory=dict)

    def raw(self, col: Column | None) -> object:
        if col is None or col.index >= len(self.values):
            return None
        return self.values[col.index]

    def ref(self, col: Column) -> str:
        return f"{col.letter}{self.row}"

    def text(self, name: str, *, squeezed: bool = True) -> str | None:
        raw = self.raw(self.header.get(name))
        text = squeeze(raw) if squeezed else _text(raw)
        return None if text is None or text in _NONE_TEXT else text

    def _report(self, level: str, code: str, col: Column, what: str, raw: object) -> None:
        cell = self.ref(col)
        self.log.add(level, code, f"Cell {place(self.sheet, cell)} ({col.title}) holds "
                     f"'{shown(raw)}'{what}.", sheet=self.sheet, cell=cell, found=raw)

    def number(self, col: Column | None, *, integer: bool = False) -> tuple[Decimal | None, NumState | None]:
        """The figure of a cell in its field's unit, and what the cell held (None: unreadable).
        Each cell is read (and reported on) once."""
        if col is None:
            return None, NumState.BLANK
        if col.index not in self._read:
            self._read[col.index] = self._number(col, integer)
        return self._read[col.index]

    def _number(self, col: Column, integer: bool) -> tuple[Decimal | None, NumState | None]:
        if col.index in self.unknown:  # already reported as formula_uncached
            self.uncertain.add(col.index)
            return None, None
        raw = self.raw(col)
        level = ERROR if self.item else WARNING
        try:
            num = read_number(raw)
        except NumberFormatError:
            num = None
        if col.field == "floor" and isinstance(raw, str) and (num is None or num.known):
            try:  # "2.54万平方米", "25400㎡"
                area = parse_area_m2(raw)
            except NumberFormatError:
                area = None
            if area is not None:
                scale = 1 if "万" in raw else col.scale
                return self._checked(col, raw, area * scale, integer=False, level=level)
        if num is None:
            self.uncertain.add(col.index)
            self._report(level, "bad_number", col, ", which is not a number", raw)
            return None, None
        if num.state is NumState.TBD:
            self.uncertain.add(col.index)
            self._report(WARNING, "tbd", col, " (to be decided); the figure is left unknown", raw)
            return None, NumState.TBD
        if num.value is None:
            return None, num.state
        value = num.value
        if col.scale != 1 and not (isinstance(raw, str) and re.search("[万亿]", raw)):
            value *= col.scale
        return self._checked(col, raw, value, integer=integer, level=level)

    def _checked(self, col: Column, raw: object, value: Decimal, *, integer: bool, level: str
                 ) -> tuple[Decimal | None, NumState | None]:
        if value < 0:
            self.uncertain.add(col.index)
            self._report(level, "negative", col, ", a negative amount", raw)
            return None, None
        if integer and value != value.to_integral_value():
            self.uncertain.add(col.index)
            self._report(level, "bad_number", col, ", which is not a whole number", raw)
            return None, None
        return value, NumState.VALUE

    def years(self) -> tuple[int | None, int | None]:
        col = self.header.get("years")
        if col is not None:
            raw = self.raw(col)
            if _text(raw) is None:
                return None, None
            if isinstance(raw, (dt.date, dt.datetime)):
                return raw.year, raw.year
            try:
                span = parse_year_range(raw)
            except DateFormatError:
                self._report(ERROR, "bad_years", col, ", which is not a start–end year range", raw)
                return None, None
            return span.start_year, span.end_year
        start, end = self._year("start"), self._year("end")
        if start and end and end < start:
            col = self.header.columns["end"]
            self._report(ERROR, "bad_years", col, f", a completion year before the start year {start}",
                         self.raw(col))
            return start, None
        return start, end

    def _year(self, name: str) -> int | None:
        col = self.header.get(name)
        raw = self.raw(col)
        if col is None or _text(raw) is None:
            return None
        try:
            return parse_year(raw)
        except DateFormatError:
            pass
        try:
            span = parse_year_range(raw)
            return span.start_year if name == "start" else span.end_year
        except DateFormatError:
            self._report(ERROR, "bad_years", col, ", which is not a year", raw)
            return None
