"""A column's meaning from its header *and* its values, the officer's corrections, and the map.

The header gives each column a first meaning (``headers.classify``).  Then the values of the
data rows are looked at: a column whose values are annex-class words (续建, 新开工, 在建, 前期,
储备 …) is the class column whatever its header says (项目阶段, 开工状态, even 建设性质); one of
新建/迁建/改扩建/扩建 is the construction type; one holding both kinds feeds both; one of year
ranges is 建设起止年限; one of township names (…镇, …乡, …街道) is the township; one of
category words (幼儿园, 小学 …) is the category.  Where header and values disagree the values win
and the column map says so.  ``--map E=annex_class,K=none`` (``apply_overrides``) has the last
word.

The map (``SheetMap``) lists every column of the table: the field it fed and how that was
decided, or that it was not read, with its header and a sample of its values; and every field
the sheet has no column for, with the number of projects left without it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from projtrack.core.money import normalize_text

from .headers import (
    BEFORE,
    FUNDING_GROUP,
    LABELS,
    PARENS,
    RATIO,
    Column,
    Header,
    add_column,
    column_letter,
    make_column,
)
from .rows import is_notes, read_span, row_label, section_of, squeeze

_NONE = frozenset({"—", "——", "-", "--", "/", "／", "无", "―", "–", "原址"})
SAMPLE = 3
_SHARE = 0.8  # the share of a column's values that must be of one kind to decide it

# annex-class words (a cell's whole text, without 项目/类); 新建 is one only in a class column
CLASS_WORDS = {
    "续建": "续建", "在建": "续建", "收尾": "续建", "续建收尾": "续建", "续建在建": "续建",
    "新开工": "新开工", "开工": "新开工", "计划新开工": "新开工", "计划开工": "新开工",
    "新建开工": "新开工", "拟开工": "新开工",
    "前期": "前期", "预备": "前期", "储备": "前期", "重大前期": "前期", "前期储备": "前期",
    "前期工作": "前期", "谋划": "前期", "预备项目": "前期", "开展前期": "前期",
}
NATURE_WORDS = {
    "新建": "新建", "迁建": "迁建", "改扩建": "改扩建", "扩建": "扩建", "改建": "改扩建",
    "原址改扩建": "改扩建", "拆除重建": "改扩建", "原址重建": "改扩建", "异地新建": "迁建",
    "易地新建": "迁建", "新建迁建": "迁建", "整体迁建": "迁建", "扩建改造": "扩建",
}
_CATEGORY_VALUE = re.compile(
    r"中小学|小学|初中|中学|高中|普通高中|九年一贯制|十二年一贯制|义务教育|幼儿园|学前教育|学前"
    r"|职业教育|职高|中职|职业高中|特殊教育|特教|其他|其它")
_TOWN_VALUE = re.compile(r"[^\W\d_]{1,10}(?:镇|乡|街道|街道办事处|开发区|新区|园区|管委会)")
_STRIP = re.compile(r"(?:项目|类|工程)$")
_PARTS = re.compile(r"[()\[\]【】/、,,;;]+")  # "新建(续建)", "扩建/续建": a cell of two words

# external field names for --map (and the JSON export's words) → the importer's own
FIELD_NAMES = {
    "none": None, "seq": "seq", "project_code": "code", "code": "code",
    "prior_actual": "prior", "total_investment": "total", "total": "total",
    "period_plan": "period", "name": "name", "construction_type": "nature",
    "annex_class": "klass", "category": "category", "township": "town",
    "content": "content", "years": "years", "start_year": "start", "end_year": "end",
    "duration": "duration", "floor_area_m2": "floor", "land_mu": "land",
    "new_places": "places", "classes": "classes", "responsible_unit": "unit",
    "remarks": "remarks",
}
PUBLIC_NAME = {v: k for k, v in reversed(FIELD_NAMES.items()) if v}
PUBLIC_NAME["year"] = "plan_YEAR"
_PLAN = re.compile(r"plan_(\d{4})")
# a header may name these; values decide only among them (a name or a figure is never moved)
_BY_VALUES = frozenset({None, "klass", "nature", "category", "town", "remarks", "years"})


class MapError(ValueError):
    """An override that cannot be applied: ``code`` and what was given."""

    def __init__(self, code: str, found: str, expected: str = ""):
        super().__init__(f"{code}: {found}")
        self.code, self.found, self.expected = code, found, expected


@dataclass(frozen=True)
class Override:
    sheet: str | None  # None: every sheet
    letter: str
    field: str | None  # the importer's field name; None: not read
    year: int | None = None


def parse_map(text: str) -> list[Override]:
    """``"E=annex_class, K=none, 附件2!F=plan_2023"``; a field may also be named as the annex
    does (项目类型, 建设地点 …).  Raises MapError naming the part it cannot read."""
    out = []
    labels = {v: k for k, v in LABELS.items()}
    for part in re.split(r"[,，;；]\s*", text.strip()):
        if not part:
            continue
        if "=" not in part:
            raise MapError("map_syntax", part, "LETTER=FIELD")
        where, name = (s.strip() for s in part.split("=", 1))
        sheet, _, letter = where.rpartition("!")
        letter = letter.strip().upper()
        if not re.fullmatch(r"[A-Z]{1,3}", letter):
            raise MapError("map_column", where, "a column letter such as E")
        year = None
        key = name.lower()
        if (m := _PLAN.fullmatch(key)) or (m := re.fullmatch(r"(\d{4})年?", name)):
            fld, year = "year", int(m[1])
        elif key in FIELD_NAMES:
            fld = FIELD_NAMES[key]
        elif name in labels:
            fld = labels[name]
        else:
            raise MapError("map_field", name, ", ".join(sorted(FIELD_NAMES)))
        out.append(Override(sheet.strip() or None, letter, fld, year))
    return out


def format_map(overrides: list[Override]) -> str:
    """The inverse of ``parse_map``: what to type to make the same choice again."""
    parts = []
    for o in overrides:
        name = "none" if o.field is None else (
            f"plan_{o.year}" if o.field == "year" else PUBLIC_NAME.get(o.field, o.field))
        parts.append(f"{o.sheet + '!' if o.sheet else ''}{o.letter}={name}")
    return ",".join(parts)


@dataclass
class Profile:
    """What the data rows of one column hold."""

    index: int
    filled: int = 0  # non-empty cells
    texts: Counter = field(default_factory=Counter)  # squeezed text values
    sample: list[str] = field(default_factory=list)

    @property
    def letter(self) -> str:
        return column_letter(self.index + 1)


def data_rows(rows: list[list], header: Header) -> list[list]:
    """The rows under the header, up to a notes row."""
    out = []
    for row in rows[header.last_row:]:
        if is_notes(tuple(row)):
            break
        out.append(row)
    return out


def _last(row: list) -> int:
    """How many cells of a row reach its last non-empty one."""
    for i in range(len(row) - 1, -1, -1):
        v = row[i]
        if v is not None and not (isinstance(v, str) and not v.strip()):
            return i + 1
    return 0


def profile_columns(rows: list[list], header: Header) -> dict[int, Profile]:
    body = data_rows(rows, header)
    width = max([_last(r) for r in body] + [max(header.labels, default=-1) + 1])
    profiles = {i: Profile(i) for i in range(width)}
    for row in body:
        label = row_label(tuple(row), header)
        if label and section_of(label):  # a section or total row: its label is no value
            continue
        for i in range(min(len(row), width)):
            value = row[i]
            if value is None:
                continue
            if type(value) is str:
                if not value.strip():
                    continue
                text = squeeze(value)
                if text:
                    profiles[i].texts[text] += 1
            else:
                text = None
            p = profiles[i]
            p.filled += 1
            if len(p.sample) < SAMPLE:
                text = text if text is not None else squeeze(value)
                if text and text not in p.sample:
                    p.sample.append(text if len(text) <= 24 else text[:23] + "…")
    return profiles


@dataclass(frozen=True)
class ValueKind:
    field: str  # klass, nature, both (class and construction type), years, town, category
    words: tuple[str, ...]  # the commonest values, for the note


def word_of(text: str) -> str:
    """A class or construction-type word as a cell writes it, without 项目/类/工程."""
    return _STRIP.sub("", normalize_text(text))


def nature_in(text: str) -> str | None:
    """The construction type a cell names among its words ("改扩建(新开工)" → 改扩建), or None."""
    for word in _PARTS.split(normalize_text(text)):
        if (word := _STRIP.sub("", word)) in NATURE_WORDS:
            return NATURE_WORDS[word]
    return None


def value_kind(p: Profile) -> ValueKind | None:
    """The meaning a column's values show, when at least 80 % of its cells are of one kind."""
    values = {t: n for t, n in p.texts.items() if t not in _NONE}
    total = sum(values.values())
    if total < 1 or total < p.filled * _SHARE:
        return None
    common = tuple(t for t, _ in Counter(values).most_common(3))
    klass = nature = new = other = 0
    for text, n in values.items():
        parts = [_STRIP.sub("", w) for w in _PARTS.split(normalize_text(text)) if w]
        kinds = {"new" if w == "新建" else "klass" if w in CLASS_WORDS else
                 "nature" if w in NATURE_WORDS else "other" for w in parts} or {"other"}
        if "other" in kinds:
            other += n
        elif {"klass", "nature"} <= kinds or ("new" in kinds and "klass" in kinds):
            klass += n  # "新建(续建)", "改扩建(新开工)": both in one cell
            nature += n
        elif "klass" in kinds:
            klass += n
        elif "nature" in kinds:
            nature += n
        else:
            new += n
    if klass + nature + new >= total * _SHARE and (klass or nature or new):
        if klass and nature:
            return ValueKind("both", common)
        if klass:
            return ValueKind("klass", common)
        return ValueKind("nature", common)  # 新建 alone: the construction type
    if sum(n for t, n in values.items() if _is_range(t)) >= total * _SHARE:
        return ValueKind("years", common)
    if sum(n for t, n in values.items() if _TOWN_VALUE.fullmatch(normalize_text(t))) >= total * _SHARE:
        return ValueKind("town", common)
    if sum(n for t, n in values.items() if _CATEGORY_VALUE.fullmatch(_STRIP.sub("", normalize_text(t)))
           ) >= total * _SHARE:
        return ValueKind("category", common)
    return None


def _is_range(text: str) -> bool:
    try:
        kind, start, end = read_span(text)
    except ValueError:
        return False
    return kind == "span" and start is not None and end is not None and start != end or (
        kind == "span" and start is not None and end is not None and "-" in text)


@dataclass(frozen=True)
class Decision:
    """A column whose meaning its values decided against (or without) its header."""

    letter: str
    header_field: str | None
    field: str
    words: tuple[str, ...]


def decide_by_values(header: Header, profiles: dict[int, Profile]) -> list[Decision]:
    """Give columns the meaning their values show; rebuild ``header`` accordingly."""
    current = _current(header)
    decisions: list[Decision] = []
    chosen: dict[int, tuple[str, int | None, str]] = {}  # index → (field, year, how)
    for index, p in profiles.items():
        col = current.get(index)
        was = col.field if col else None
        if was not in _BY_VALUES:
            continue
        kind = value_kind(p)
        if kind is None or kind.field == was:
            continue
        if kind.field == "nature" and was == "klass" and set(kind.words) <= {"新建"}:
            continue  # 新建 alone in a class column: 新开工, read as the header says
        chosen[index] = (kind.field, None, "values")
        decisions.append(Decision(p.letter, was, kind.field, kind.words))
    if chosen:
        _rebuild(header, current, chosen)
    return decisions


def apply_overrides(header: Header, overrides: list[Override], sheet: str,
                    width: int) -> list[Override]:
    """The officer's choices for this sheet (``--map``); the ones that applied."""
    current = _current(header)
    chosen: dict[int, tuple[str, int | None, str]] = {}
    used = []
    for o in overrides:
        if o.sheet is not None and o.sheet != sheet:
            continue
        index = _index(o.letter)
        if index >= width:
            raise MapError("map_no_column", f"{sheet}!{o.letter}", column_letter(width))
        chosen[index] = (o.field or "none", o.year, "map")
        used.append(o)
    if chosen:
        _rebuild(header, current, chosen)
    return used


def _index(letter: str) -> int:
    n = 0
    for ch in letter:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _current(header: Header) -> dict[int, Column]:
    """Every column the header gave a meaning, by position (a mixed column once)."""
    cols: dict[int, Column] = {}
    for c in [*header.columns.values(), *header.years, *header.funding, *header.duplicates]:
        cols.setdefault(c.index, c)
    return cols


def _rebuild(header: Header, current: dict[int, Column],
             chosen: dict[int, tuple[str, int | None, str]]) -> None:
    """Re-add every column in sheet order, those in ``chosen`` under their new meaning (a
    column chosen to be ``both`` is the class and the construction-type column at once; one
    chosen to be ``none`` is not read).  Columns decided by the map, then by values, come
    first: they take their field from a column that only its header named."""
    cols: list[Column] = []
    for index, col in current.items():
        if index not in chosen:
            cols.append(col)
    for index, (fld, year, how) in chosen.items():
        old = current.get(index)
        hidden = old.hidden if old else False
        if fld == "none":
            header.ignored.add(index)
            continue
        header.ignored.discard(index)
        for name in (("klass", "nature") if fld == "both" else (fld,)):
            col = make_column(header, index, name, year, hidden=hidden, how=how)
            col.mixed = fld == "both"
            col.source = old.source if old and name == "funding" else None
            col.was = old.field if old else None
            cols.append(col)
    rank = {"map": 0, "values": 1, "header": 2}
    header.columns, header.years, header.funding, header.duplicates = {}, [], [], []
    for col in sorted(cols, key=lambda c: (rank.get(c.how, 2), c.index)):
        add_column(header, col)
    header.duplicates.sort(key=lambda c: c.index)


_LAND_NAMES = {Decimal(1): "亩", Decimal(15) / Decimal(10000): "平方米", Decimal(15): "公顷"}
_ACTUAL = re.compile(r"完成|实际|到位|拨付|支付")
# fields a sheet may lack, the facts they fill, and where the reader looks instead
_WANTED = (
    ("town", ("township",), None), ("unit", ("responsible_unit",), None),
    ("nature", ("construction_type",), None), ("klass", ("annex_class",), None),
    ("category", ("category",), None), ("years", ("start_year", "end_year"), None),
    ("land", ("land_mu",), None), ("places", ("new_places",), "content"),
    ("floor", ("floor_area_m2",), "content"), ("period", ("period_plan",), "years"),
)


def _why_not(header: Header, index: int) -> str:
    label = norm_label(header.labels.get(index, ""))
    group = header.groups.get(index, "")
    if FUNDING_GROUP.search(group) or FUNDING_GROUP.search(label):
        return "funding"
    if group and BEFORE.fullmatch(PARENS.sub("", label.split("/")[-1])):
        return "before"
    if group and _ACTUAL.search(label):
        return "actual"
    if RATIO.search(label):
        return "ratio"
    return "unknown"


def norm_label(label: str) -> str:
    return normalize_text(label).replace(" ", "")


def build_map(sheet: str, header: Header, profiles: dict[int, Profile], projects: list,
              derived: dict[str, str] | None = None):
    """The column map of one sheet (``model.SheetMap``): every labelled or filled column, and
    the fields the sheet has no column for.  ``derived`` names where a field was read instead
    of a column ("town" → "sheet 鳌江镇")."""
    from .headers import UNIT_NAMES
    from .model import ColumnUse, MissingField, SheetMap

    by_index: dict[int, list[Column]] = {}
    for c in [*header.columns.values(), *header.years, *header.funding]:
        by_index.setdefault(c.index, []).append(c)
    dupes = {c.index for c in header.duplicates}
    uses = []
    total = header.columns.get("total")
    for index in sorted(set(profiles) | set(header.labels)):
        p = profiles.get(index) or Profile(index)
        label = header.labels.get(index, "")
        if not label and not p.filled:
            continue
        sample = tuple(p.sample)
        letter = column_letter(index + 1)
        cols = sorted(by_index.get(index, []), key=lambda c: c.field != "klass")
        if index in header.ignored:
            uses.append(ColumnUse(letter, label, None, how="ignored", sample=sample))
        elif cols:
            c = cols[0]
            money = c.field in ("total", "period", "year", "prior", "funding", "funding_total")
            unit = UNIT_NAMES.get(c.scale, str(c.scale)) if money else (
                _LAND_NAMES.get(c.scale, str(c.scale)) if c.field == "land" else None)
            uses.append(ColumnUse(
                letter, label, c.field, c.year, c.how, sample, was=c.was, unit=unit,
                unit_from=(c.unit_from or None) if unit else None,
                also=cols[1].field if len(cols) > 1 else None, source=c.source))
        elif index in dupes:
            uses.append(ColumnUse(letter, label, None, how="duplicate", sample=sample))
        elif not p.filled:
            uses.append(ColumnUse(letter, label, None, how="empty"))
        else:
            uses.append(ColumnUse(letter, label, None, how=_why_not(header, index),
                                  sample=sample))
    missing = []
    derived = derived or {}
    has = set(header.columns) | ({"year"} if header.years else set())
    for fld, attrs, elsewhere in _WANTED:
        if fld in has or (fld == "years" and has & {"start", "end", "duration"}):
            continue
        unknown = sum(1 for f in projects if any(getattr(f, a) is None for a in attrs))
        got = len(projects) - unknown
        source = derived.get(fld) or (elsewhere if got else None)
        if unknown or (got and source):
            missing.append(MissingField(fld, unknown, len(projects), source, got))
    unit, unit_from = "万元", None
    if total is not None:
        unit = UNIT_NAMES.get(total.scale, str(total.scale))
        unit_from = total.unit_from or None
    signature = "|".join(norm_label(header.labels[i]) for i in sorted(header.labels))
    return SheetMap(sheet, (header.first_row, header.last_row), uses, missing, unit, unit_from,
                    signature)
