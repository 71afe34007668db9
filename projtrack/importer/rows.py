"""Rows of the annex table: section rows (category, class, totals), notes rows and items.

A section row is recognised by its whole label ("一、中小学项目(44个)", "(一)续建项目(9个)",
"总计(88个)", "幼儿园小计"), so a project named "…职业教育中心…工程" is never taken for one.
Items are read cell by cell; every cell that cannot be read becomes an issue naming the cell.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, Decimal
from functools import lru_cache

from projtrack.core.money import (
    NumberFormatError,
    NumState,
    decimal_from_float,
    normalize_text,
    read_number,
    to_plain,
)
from projtrack.core.text import MAX_NAME, MAX_TEXT, strip_invisible
from projtrack.core.units import (
    DateFormatError,
    parse_area_m2,
    parse_date,
    parse_year,
    parse_year_range,
)

from .headers import Column, Header
from .model import ERROR, WARNING, IssueLog, place, shown

_ORD = (r"(?P<of>其中[:、]?)?(?:(?P<o0>[一二三四五六七八九十]+[、.,]?)|(?P<o1>\(?[一二三四五六七八九十]+\)[、.]?)"
        r"|(?P<o3>\(?\d+\)[、.]?)|(?P<o2>\d+[、.]?))?")
_CATEGORY_LEVEL = frozenset({  # words naming a whole category (others name a part of one: 初中)
    "中小学", "基础教育", "幼儿园", "学前教育", "学前", "职业教育", "职教", "中职", "特殊教育", "特教",
    "其他", "其它"})
_COUNT = (r"(?:\((?:共|计|合计)?(?P<count>\d+)(?:个|项|所)?(?:项目)?(?:[,;、:][^()]*)?\)"
          r"|共?(?P<count2>\d+)(?:个|项)|\([^()\d]*\))?")  # "(9个)", "(9个,总投资3.2亿元)", "(储备)"
_SUB = r"(?P<sub>小计|合计)?"
_CATEGORY_RE = re.compile(
    _ORD + r"(?P<word>中小学|义务教育|普通高中|高中|基础教育|初中|小学|中学|九年一贯制|幼儿园|学前教育"
    r"|学前|职业教育|职业高中|职业中学|职业中专|职业学校|职教|中职|职高|技工|特殊教育|特教|其他|其它)"
    r"(?:教育)?(?:阶段|段)?(?:类)?(?:学校|校)?(?:教育)?(?:设施)?(?:建设)?(?:项目)?(?:类)?" + _SUB + _COUNT)
_CLASS_RE = re.compile(
    _ORD + r"(?P<word>续建|在建|收尾|计划新开工|新开工|计划开工|开工|新建|重大前期|前期储备|前期工作|前期"
    r"|储备|谋划|预备)"
    r"(?:类)?(?:项目)?(?:类)?(?:工程)?" + _SUB + _COUNT)
_NATURE_RE = re.compile(
    _ORD + r"(?P<word>原址改扩建|改扩建|迁建|扩建|改建|异地新建|易地新建|新建)(?:类)?(?:项目)?(?:类)?(?:工程)?"
    + _SUB + _COUNT)
_COUNTY_RE = re.compile(  # "一、龙湾区", "瓯海区(3个)", "(二)平阳县项目": a city table's county heading
    _ORD + r"(?P<word>[^\W\d_]{1,8}?(?:县|区|市)|市本级|市直|县直|区直|县本级|区本级)(?:本级)?(?:项目)?"
    + _SUB + _COUNT)
_BOTH_CATEGORIES = re.compile(  # "二、职业教育及特殊教育项目(2个)": one heading, two categories
    _ORD + r"(?P<word>[^\W\d_及和与、]{2,8}?(?:教育)?)(?:及|和|与|、)(?P<word2>[^\W\d_]{2,8}?(?:教育)?)"
    r"(?:阶段)?(?:学校)?(?:项目)?" + _SUB + _COUNT)
_TABLE_NO = re.compile(r"^(?:附?表|附件)[一二三四五六七八九十\d]{1,3}[:、.]?(?=.)")  # "表二:幼儿园…"
_TOTAL_RE = re.compile(_ORD + r"(?:全县|全部|项目)?(?P<word>总计|合计|共计|总合计|小计)(?:项目)?" + _COUNT)
_NOTES_RE = re.compile(r"^(?:注|附注|备注|说明|填表说明)[0-9一:;、.]|^(?:填报|制表|审核|联系|负责)"
                       r"|^(?:数据来源|资料来源|来源|数据截至|统计口径)[:;、]")
_QUOTES = str.maketrans("", "", "“”‘’\"'")
_NONE_TEXT = frozenset({"—", "——", "-", "--", "/", "／", "无", "―", "–"})
_SPACE = re.compile(r"\s+")

_CATEGORY_WORDS = (  # contains-match, in this order, for column values and sheet names
    ("幼儿园", re.compile(r"幼儿园|学前|幼教|幼儿")),
    ("职业教育", re.compile(r"职业高中|职业中学|职业中专|职业|职教|中职|职高|技工")),
    ("特殊教育", re.compile(r"特殊教育|特教|特殊学校|培智|启智|聋哑|盲校|康复学校")),
    ("中小学", re.compile(r"中小学|义务教育|高中|小学|初中|中学|普高|九年一贯|十二年一贯|一贯制|基础教育")),
    ("其他", re.compile(r"其他|其它|教师发展|教师进修|少年宫|青少年活动|校外活动|活动场所|研学|实践基地|社区教育|老年大学"
                      r"|教育培训中心|教育装备|电化教育|教育局")),
)
_CLASS_WORDS = (
    ("续建", re.compile(r"续建|在建|收尾")),
    ("新开工", re.compile(r"新开工|开工|新建开工")),
    ("前期", re.compile(r"前期|谋划|储备|预备")),
)
_SECTION_CLASS = {"新建": "新开工", "预备": "前期"}  # words that name a class only as a section row
NEW_BUILD = "新建"  # in a class column (not the construction type): a new start


def category_of(text: str | None) -> str | None:
    """The category a cell names; what it says in brackets ("小学(附设幼儿园)") only when the
    rest names none."""
    if not text:
        return None
    text = normalize_text(text)
    outside = _BRACKETS.sub("", text)
    for candidate in ((outside, text) if outside != text else (text,)):
        found = next((cat for cat, rule in _CATEGORY_WORDS if rule.search(candidate)), None)
        if found:
            return found
    return None


_BRACKETS = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]")


def class_of(text: str | None) -> str | None:
    if not text:
        return None
    text = normalize_text(text)
    return next((klass for klass, rule in _CLASS_WORDS if rule.search(text)), None)


def _only(text: str | None, words: tuple[tuple[str, re.Pattern[str]], ...]) -> str | None:
    """The one value that ``text`` names, or None when it names none or several ("中小学幼儿园").
    A matched word is blanked before the next rule, so "职业高中" is not also a 高中."""
    if not text:
        return None
    text = normalize_text(text)
    found = set()
    for value, rule in words:
        if rule.search(text):
            found.add(value)
            text = rule.sub("□", text)
    return found.pop() if len(found) == 1 else None


def categories_in(text: str | None) -> tuple[str, ...]:
    """Every category a sheet name or a title names ("职业教育和特殊教育" → both)."""
    if not text:
        return ()
    text = normalize_text(text)
    found = []
    for value, rule in _CATEGORY_WORDS:
        if rule.search(text):
            found.append(value)
            text = rule.sub("□", text)
    return tuple(found)


_ENGLISH_CATEGORY = (  # sheets named in English
    ("幼儿园", re.compile(r"kindergarten|pre-?school|nursery", re.I)),
    ("职业教育", re.compile(r"vocational|technical", re.I)),
    ("特殊教育", re.compile(r"special", re.I)),
    ("中小学", re.compile(r"primary|secondary|middle|high school|compulsory", re.I)),
)


def category_named(text: str | None) -> str | None:
    """The category a sheet name, a title or a file name names, if it names exactly one
    ("基础教育" may include kindergartens: it names none)."""
    if text and "基础教育" in normalize_text(text):
        return None
    return _only(text, _CATEGORY_WORDS) or _only(text, _ENGLISH_CATEGORY)


def class_named(text: str | None) -> str | None:
    """The annex class a sheet name, a title or a file name names, if exactly one."""
    return _only(text, _CLASS_WORDS)


@dataclass(frozen=True)
class Section:
    kind: str  # "total" (the whole sheet), "subtotal" (the innermost group), "category", "klass"
    value: str | None  # the category or class named
    closing: bool  # labelled 小计/合计: a claim about the items above it
    count: int | None  # "(9个)"
    label: str
    of_which: bool = False  # "其中:续建项目": a claim about every item of that class on the sheet
    rank: int | None = None  # the depth its numbering shows: 一、 0, (一) 1, 1. 2, (1) 3
    exact: bool = True  # the word names the whole category ("初中" is a part of 中小学)
    word: str = ""  # the word as written (新建 names a class or a construction type)
    values: tuple[str, ...] = ()  # a heading naming two categories: both


def _numbered(m: re.Match) -> bool:
    return any(m[f"o{n}"] for n in range(4)) or bool(m["count"] or m["count2"] or m["sub"])


@lru_cache(maxsize=16384)  # asked of each row up to three times (profile, prescan, read)
def section_of(label: str) -> Section | None:
    text = _TABLE_NO.sub("", normalize_text(label).translate(_QUOTES).rstrip(":"))
    if (m := _DASHED.fullmatch(text)) and m[2]:  # "一、基础教育——中小学": the finer word decides
        found = _section_of(m[1] + m[2]) or _section_of(text)
        return replace(found, label=label) if found else None
    return _section_of(text, label)


_SUM_PREFIX = re.compile(r"(?:小计|合计|总计)[:、]")
_DASHED = re.compile(r"((?:[一二三四五六七八九十]+[、.]|\(?[一二三四五六七八九十\d]+\)[、.]?|\d+[、.])?)"
                     r"[^—\-]{1,12}(?:——|—|--|-)([^—\-]{2,16})")


def _section_of(text: str, label: str | None = None) -> Section | None:
    label = label if label is not None else text
    if (m := _SUM_PREFIX.match(text)) and len(text) > m.end():  # "小计:续建项目": its subtotal
        found = _section_of(text[m.end():], label)
        if found is not None and found.kind != "total":
            return replace(found, closing=True)
    if not text:
        return None
    for kind, rule in (("category", _CATEGORY_RE), ("klass", _CLASS_RE), ("total", _TOTAL_RE),
                       ("nature", _NATURE_RE), ("both", _BOTH_CATEGORIES), ("county", _COUNTY_RE)):
        m = rule.fullmatch(text)
        if not m:
            continue
        if kind == "both":
            pair = (category_of(m["word"]), category_of(m["word2"]))
            if None in pair or pair[0] == pair[1] or m["of"]:
                continue
            count = m["count"] or m["count2"]
            return Section("category", None, bool(m["sub"]), int(count) if count else None, label,
                           rank=next((n for n in range(4) if m[f"o{n}"]), None), word=text,
                           values=pair)
        if kind in ("nature", "county"):
            if m["of"] or (kind == "county" and not _numbered(m)):
                continue
            count = m["count"] or m["count2"]
            word = m["word"]
            value = word if kind == "county" else {"改建": "改扩建", "原址改扩建": "改扩建",
                                                   "异地新建": "迁建", "易地新建": "迁建"}.get(word, word)
            return Section(kind, value, bool(m["sub"]), int(count) if count else None, label,
                           rank=next((n for n in range(4) if m[f"o{n}"]), None), word=word)
        count = m["count"] or m["count2"]
        word = m["word"]
        rank = next((n for n in range(4) if m[f"o{n}"]), None)
        if kind == "total":
            if m["of"]:
                return None
            kind = "subtotal" if word == "小计" else "total"
            return Section(kind, None, True, int(count) if count else None, label, rank=rank)
        if kind == "category":
            value = category_of(word)
        else:
            value = _SECTION_CLASS.get(word) or class_of(word)
        return Section(kind, value, bool(m["sub"]), int(count) if count else None, label,
                       of_which=bool(m["of"]), rank=rank,
                       exact=kind != "category" or word in _CATEGORY_LEVEL, word=word)
    return None


def _text(value: object) -> str | None:
    if type(value) is str:  # most cells: the same few words again and again (鳌江镇, 扩建 …)
        return _clean(value)
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _clean(str(value))


@lru_cache(maxsize=4096)
def _clean(text: str) -> str | None:
    text = strip_invisible(text).strip()  # no control, zero-width or bidi characters
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 1] + "…"
    return text or None


def squeeze(value: object) -> str | None:
    """Text with every whitespace and line break removed ("新建\\n工程 " → "新建工程")."""
    text = _text(value)
    return _squeezed(text) if text else None


@lru_cache(maxsize=4096)
def _squeezed(text: str) -> str:
    return _SPACE.sub("", text)[:MAX_NAME]


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
    """One or two filled cells, the first a note ("注:…", "填报单位:…")."""
    first, filled = None, 0
    for v in values:
        if v is not None and str(v).strip():
            filled += 1
            if filled > 2:  # a row of figures, not a note
                return False
            if filled == 1:
                first = v
    return filled > 0 and isinstance(first, str) and bool(_NOTES_RE.match(normalize_text(first)))


_INDEX_TOKEN = re.compile(r"\(?(\d{1,3})\)?(?:=[\d+\-*/×÷()]+)?|[a-z]|[甲乙丙丁戊己庚辛]")


def is_index_row(values: tuple) -> bool:
    """A row numbering the columns under the header: 1 2 3 …, 甲 乙 1 2 3=4+5 …, (1) (2) …,
    ① ② …, A B C …"""
    filled = [v for v in values if v is not None and str(v).strip()]
    numbers = []
    for value in filled:
        if isinstance(value, bool):
            return False
        if isinstance(value, (int, float)):
            if not float(value).is_integer():
                return False
            numbers.append(int(value))
            continue
        m = _INDEX_TOKEN.fullmatch(normalize_text(str(value)).lower())
        if not m:
            return False
        if m[1] is not None:
            numbers.append(int(m[1]))
    return len(filled) >= 3 and numbers == sorted(set(numbers)) and all(n <= 200 for n in numbers)


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

    def log_year(self, col: Column, raw: object, year: int) -> None:
        """A year typed into a date-formatted cell, said once a column."""
        key = (self.sheet, "year_as_date", col.index)
        if key in self.log.once:
            return
        self.log.once.add(key)
        cell = self.ref(col)
        self.log.warning("year_as_date", f"Column {col.letter} ({col.title}) of sheet "
                         f"{self.sheet} holds years typed into date-formatted cells ({cell} "
                         f"shows {raw:%Y/%m/%d}); each was read as the year typed ({year}).",
                         sheet=self.sheet, cell=cell, found=f"{raw:%Y/%m/%d}", expected=str(year))

    def log_once(self, code: str, col: Column, found: str, read: str) -> None:
        """A warning about a column said once a sheet (the first cell it concerns)."""
        key = (self.sheet, code, col.index)
        if key in self.log.once:
            return
        self.log.once.add(key)
        cell = self.ref(col)
        self.log.warning(code, f"Column {col.letter} ({col.title}) of sheet {self.sheet} holds more "
                         f"than the construction type, such as '{shown(found)}' in {cell}; each "
                         f"cell was read as its type ('{read}'), the rest is not kept.",
                         sheet=self.sheet, cell=cell, found=found, expected=read)

    def raw(self, col: Column | None) -> object:
        if col is None or col.index >= len(self.values):
            return None
        return self.values[col.index]

    def ref(self, col: Column) -> str:
        return f"{col.letter}{self.row}"

    def text(self, name: str, *, squeezed: bool = True) -> str | None:
        col = self.header.columns.get(name)
        if col is None:  # the sheet has no such column
            return None
        raw = self.raw(col)
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
        read = self._read.get(col.index)
        if read is None:
            read = self._read[col.index] = self._number(col, integer)
        return read

    def _number(self, col: Column, integer: bool) -> tuple[Decimal | None, NumState | None]:
        if col.index in self.unknown:  # already reported as formula_uncached
            self.uncertain.add(col.index)
            return None, None
        raw = self.raw(col)
        level = ERROR if self.item else WARNING
        kind = type(raw)
        if kind is int or kind is float:  # a number cell: what read_number gives, read directly
            try:
                value = Decimal(raw) if kind is int else decimal_from_float(raw)
            except NumberFormatError:  # inf or nan
                self.uncertain.add(col.index)
                self._report(level, "bad_number", col, ", which is not a number", raw)
                return None, None
            if col.scale != 1:
                value = _scaled(value, col)
            if value >= 0 and not integer:  # what _checked lets through, without the call
                return value, NumState.VALUE
            return self._checked(col, raw, value, integer=integer, level=level)
        if raw is None:
            return None, NumState.BLANK
        if isinstance(raw, str) and col.field in _COUNTED:  # "36亩", "1350个", "24个班"
            raw, scale = _unit_suffix(raw, col)
            if scale is not None:
                col = replace(col, scale=scale)
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
        if num.note:
            self._report(WARNING, "number_note", col, f": the figure {to_plain(num.value)} was "
                         f"read and the note '{num.note}' is not kept with it", raw)
        value = num.value
        if col.scale != 1 and not (isinstance(raw, str) and ("万" in raw or "亿" in raw)):
            value = _scaled(value, col)
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
        """Start and end year from 建设起止年限, or 开工/竣工 columns, completed by a duration
        (建设工期) where one is missing.  Either may be None (unknown)."""
        start = end = duration = None
        duration_col: Column | None = None
        col = self.header.get("years")
        if col is not None and _text(self.raw(col)) is not None:
            span = self._span(col, "which is not a start–end year range")
            if span is None:
                return None, None
            if span[0] == "duration":
                duration, duration_col = span[1], col
            else:
                start, end = span[1], span[2]
        if start is None:
            start = self._year("start")
        if end is None:
            end = self._year("end")
            if start and end and end < start:
                col = self.header.columns["end"]
                self._report(ERROR, "bad_years", col,
                             f", a completion year before the start year {start}", self.raw(col))
                return start, None
        col = self.header.get("duration")
        if duration_col is None and col is not None and _text(self.raw(col)) is not None:
            span = self._span(col, "which is neither a duration nor a start–end year range")
            if span is not None and span[0] == "duration":
                duration, duration_col = span[1], col
            elif span is not None:
                start, end = start or span[1], end or span[2]
        if duration_col is not None and duration_col.duration_unit != "年":
            duration = self._in_years(duration_col)
        if isinstance(duration, int) and duration > MAX_DURATION and duration_col is not None:
            raw = self.raw(duration_col)
            cell = self.ref(duration_col)
            self.log.warning(
                "duration_implausible", f"Cell {place(self.sheet, cell)} ({duration_col.title}) "
                f"holds '{shown(raw)}', read as {duration} years — longer than any school build; "
                "the years it would give are left unknown (write the unit in the header, such as "
                "建设工期(月)).", sheet=self.sheet, cell=cell, found=raw)
            duration = None
        if duration_col is not None and (start is None) != (end is None):
            if isinstance(duration, int):
                start, end = (start, start + duration - 1) if start else (end - duration + 1, end)
        elif duration_col is not None and start is None and end is None:
            raw = self.raw(duration_col)
            cell = self.ref(duration_col)
            self.log.warning(
                "duration_only", f"Cell {place(self.sheet, cell)} ({duration_col.title}) holds "
                f"'{shown(raw)}', a duration rather than the years of construction, and the sheet "
                "has no start year to count it from; the start and end years are left unknown.",
                sheet=self.sheet, cell=cell, found=raw)
        return start, end

    def _in_years(self, col: Column) -> int | None:
        """A duration column in months or days (建设工期(月)) as the calendar years it spans
        from the start of its first year: 30 months → 3 years, 12 months → 1."""
        raw = self.raw(col)
        if isinstance(raw, str):
            m = _DURATION.fullmatch(normalize_text(raw))
            if not m:
                return None
            amount, unit = Decimal(m[1]), m[2]
        elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
            amount, unit = Decimal(str(raw)), None
        else:
            return None
        unit = {"个月": "月", "日": "天"}.get(unit or col.duration_unit, unit or col.duration_unit)
        per_year = {"月": Decimal(12), "天": Decimal(365), "年": Decimal(1)}[unit]
        return int((amount / per_year).to_integral_value(rounding=ROUND_CEILING)) if amount > 0 else None

    def _span(self, col: Column, what: str) -> tuple[str, int | None, int | None] | None:
        """("span", start, end), ("duration", years or None, None); None after an error."""
        raw = self.raw(col)
        try:
            return read_span(raw)
        except DateFormatError:
            self._report(ERROR, "bad_years", col, f", {what}", raw)
            return None

    def _year(self, name: str) -> int | None:
        col = self.header.get(name)
        raw = self.raw(col)
        if col is None or _text(raw) is None:
            return None
        if isinstance(raw, (int, float)) and not isinstance(raw, bool) and _SERIALS[0] <= raw <= _SERIALS[1]:
            return parse_date(raw).year  # an Excel date serial without a date format
        if isinstance(raw, (dt.date, dt.datetime)) and not _YEARS[0] <= raw.year <= _YEARS[1]:
            # "2019" typed into a date-formatted cell shows as 1905/7/12: its day number is
            # the year that was typed
            serial = ((raw.date() if isinstance(raw, dt.datetime) else raw) - _EPOCH).days
            if _YEARS[0] <= serial <= _YEARS[1]:
                self.log_year(col, raw, serial)
                return serial
            self._report(ERROR, "bad_years", col, f", the year {raw.year}, which cannot be a "
                         "construction year", raw)
            return None
        try:
            return parse_year(raw)
        except DateFormatError:
            pass
        try:
            span = read_span(raw)
            if span[0] == "span":
                year = span[1] if name == "start" else span[2]
                if year is not None:
                    return year
        except DateFormatError:
            pass
        if isinstance(raw, str) and (m := _LOOSE_YEAR.fullmatch(normalize_text(raw))):
            return int(m[1])
        self._report(ERROR, "bad_years", col, ", which is not a year", raw)
        return None


_COUNTED = {"land": {"亩": Decimal(1), "公顷": Decimal(15), "平方米": Decimal(15) / Decimal(10000),
                     "平米": Decimal(15) / Decimal(10000), "㎡": Decimal(15) / Decimal(10000),
                     "m2": Decimal(15) / Decimal(10000)},
            "places": {"个": None, "人": None, "座": None, "个学位": None},
            "classes": {"个班": None, "班": None, "个": None}}  # land: the factor to 亩


_LAND_QUANTUM = Decimal("0.01")


def _scaled(value: Decimal, col: Column) -> Decimal:
    """A cell's figure in its field's unit.  Land converted from 平方米 or 公顷 is kept to
    0.01 亩 (6.7 m²): 53,333.33 m² is 80.00 亩, not 79.999995."""
    value = value * col.scale
    if col.field == "land":
        value = value.quantize(_LAND_QUANTUM)
        value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value
    return value


def _unit_suffix(raw: str, col: Column) -> tuple[str, Decimal | None]:
    """A count or area typed with its unit: the number's text, and the scale the unit sets
    (None: the column's own).  A bracketed note after it stays for the reader to name:
    "2000个(40班)" → "2000(40班)"."""
    text = normalize_text(raw)
    note = ""
    if m := _TRAILING_NOTE.fullmatch(text):
        text, note = m[1], m[2]
    for unit, scale in sorted(_COUNTED[col.field].items(), key=lambda kv: -len(kv[0])):
        if text.endswith(unit) and len(text) > len(unit):
            return text[: -len(unit)] + note, scale
    return raw, None


_TRAILING_NOTE = re.compile(r"(.+?)(\([^()]{1,16}\))")


_YEARS = (1990, 2100)  # a construction year
_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0
MAX_DURATION = 10  # years: no school build takes longer; more is a unit left out (月)
_DASH = "-—–―─~至到"
_SERIALS = (32874, 73051)  # Excel day numbers of 1990-01-01 and 2100-01-01
_OPEN_START = re.compile(  # "2021-", "2021年3月起", "2023年开工"
    rf"(\d{{4}})年?(?:[.\-/年]?\d{{1,2}}月?份?)?(?:[{_DASH}]+|年?(?:起|开始|开工|动工|启动))")
_END_ONLY = re.compile(  # "2023年竣工", "至2023年"
    rf"(?:(\d{{4}})年?(?:[.\-/]?\d{{1,2}}月?份?)?(?:底|末|前|内)?(?:竣工|完工|建成|投用|交付|完成)"
    rf"|[{_DASH}](\d{{4}})年?(?:[.\-/]?\d{{1,2}}月?份?)?)")
_DURATION = re.compile(r"(?:约|计划)?(\d+(?:\.\d+)?)(年|个月|月|天|日)?")
_LOOSE_YEAR = re.compile(  # a start or completion time: "2021年底", "2022年第三季度", "2024年8月底"
    r"(\d{4})(?:年|[.\-/])?(?:第?[一二三四1-4]季度|[上下]半年|\d{1,2}月份?(?:[上中下]旬|底|初|末|中)?"
    r"|年?底|年?初|年?末|年中|内|前|后|[春夏秋冬]季(?:学期|开学)?|暑期|暑假|寒假|秋季开学)?"
    r"(?:开工|竣工|完工|建成|投用|交付|投入使用|前)?")


def read_span(raw: object) -> tuple[str, int | None, int | None]:
    """A 建设起止年限 or 建设工期 cell: ("span", start, end) with either year possibly None
    ("2021-" → start only, "2023年竣工" → end only), or ("duration", whole years or None, None)
    for "3", "3年", "36个月".  Raises DateFormatError."""
    if type(raw) is str:  # a column of a few spellings ("2021-2023") repeated down the sheet
        return _read_text_span(raw)
    return _read_span(raw)


@lru_cache(maxsize=1024)
def _read_text_span(raw: str) -> tuple[str, int | None, int | None]:
    return _read_span(raw)


def _read_span(raw: object) -> tuple[str, int | None, int | None]:
    if isinstance(raw, str) and raw.lstrip().startswith(("'", "’")):  # "'2021-2023": text mark
        raw = raw.lstrip()[1:]
    if isinstance(raw, (dt.date, dt.datetime)):
        return "span", raw.year, raw.year
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and 0 < raw < 100:
        return "duration", int(raw) if float(raw).is_integer() else None, None
    try:
        span = parse_year_range(raw)
        return "span", span.start_year, span.end_year
    except DateFormatError:
        if not isinstance(raw, str):
            raise
    text = normalize_text(raw).replace("年度", "年")
    if m := _OPEN_START.fullmatch(text):
        return "span", int(m[1]), None
    if m := _END_ONLY.fullmatch(text):
        return "span", None, int(m[1] or m[2])
    if (m := _DURATION.fullmatch(text)) and float(m[1]) < 100:
        years = m[1].isdigit() and m[2] in (None, "年")
        return "duration", int(m[1]) if years else None, None
    raise DateFormatError(raw, "not a year range")
