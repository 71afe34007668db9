"""Header recognition by meaning, not by position.

Rows near the top of a sheet are scored by how many of their cells name a known column (under
any of its spellings); the best row, plus the rows merged into it or holding sub-labels under it
(“十四五”计划投资 over 合计 / 2021年 …), is the header.  Labels are compared after NFKC, with all
whitespace, quotes and parenthesised units removed ("用地面积\\n(亩)" → 用地面积, unit 亩).
Units in a header, in a row of bare units under it ("亿元 亩 个"), or in a 单位 row above it
("单位:万元、亩", "(亿元)", "(元)", "(万平方米)") set the factor that turns a column's values into
万元 / 亩 / m².  Year columns may be typed as numbers (2021) or dates (2021-01-01 shown as
"2021年"), and may be labelled "其中:2021年"; under a year heading, "计划" is the year's plan and
"完成" an actual the importer does not read.  Percent columns (…率, …占比, (%)) are never read as
figures.  A visible column wins over a hidden one of the same meaning.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from projtrack.core.money import normalize_text

MAX_HEADER_SCAN = 40  # rows searched for a header
NEEDED = ("name", "total")
MONEY_FIELDS = frozenset({"total", "period", "year", "prior", "funding", "funding_total"})

LABELS = {  # how messages name a field
    "seq": "序号", "code": "项目代码", "prior": "已完成投资", "year": "年度计划投资",
    "total": "总投资", "period": "“十四五”计划投资合计", "name": "项目名称", "nature": "建设性质",
    "klass": "项目类型", "category": "学段", "town": "建设地点", "content": "建设内容及规模",
    "years": "建设起止年限", "start": "开工年份", "end": "竣工年份", "duration": "建设工期",
    "floor": "建筑面积",
    "land": "用地面积", "places": "新增学位", "classes": "班级数", "unit": "责任单位",
    "remarks": "备注", "funding": "资金来源", "funding_total": "资金来源合计",
}

_YEAR = (r"(?P<year>(?:19|20|21)\d{2})年?度?(?:计划完成|计划|预计完成|预计|拟)?(?:投资|安排)?(?:计划)?(?:额)?"
         r"(?:及以后|以后)?")
_SPAN = r"(?:19|20)\d{2}年?[-—–~至到](?:19|20)\d{2}年?度?"  # "2021-2025年"
_RULES = [(f, re.compile(p)) for f, p in (
    ("seq", r"序号|序|编号|项目序号|no\.?"),
    ("code", r".*(?:项目代码|项目编码|统一代码|赋码|代码).*"),
    ("prior", r"(?!.*计划)(?:完成投资|(?=.*(?:至|截|以前|之前|以来|前|累计|已|底|往年|历年|十三五))"
              r".*(?:完成|投资).*)"),
    ("year", _YEAR),
    ("total", r"(?:计划|项目|估算|概算|批复|预计)?总投资(?:额|估算|概算)?|投资总额|总投资规模"
              r"|投资(?:估算|概算)|(?:估算|概算)投资"),
    ("period", r".*十[三四五六]五.*|合计|小计|计划投资(?:合计)?|五年计划投资|.*期间计划投资|投资计划"
               r"|五年(?:计划)?(?:投资)?(?:合计|小计)|规划期(?:内)?(?:计划)?(?:投资)?(?:合计)?"
               rf"|{_SPAN}(?:计划)?(?:投资|安排)(?:计划)?(?:合计|小计)?"),
    ("name", r"(?:项目|工程|建设项目)?名称|项目|项目名|工程项目|建设项目|学校名称"),
    ("nature", r"建设性质|建设类型|性质|建设方式"),
    ("klass", r"项目类型|类型|项目性质|项目分类|开工类型|项目状态"),
    ("category", r"学段|类别|项目类别|学校类别|学校类型|学段类别|分类"),
    ("town", r"建设地点|所在乡镇|乡镇|乡镇街道|所在地|地点|项目地点|建设地址|所属乡镇|项目所在地|地址"),
    ("content", r"(?:主要)?建设(?:内容|规模).*|建设规模|主要内容|规模"),
    ("duration", r"(?:建设)?(?:工期|周期)"),
    ("years", r".*起止.*|建设(?:年限|期限)|年限|.*开竣工.*|.*开工(?:至|[-—~/、及和与])?竣工.*"
              r"|建设(?:起讫|时间|周期起止)"),
    ("start", r"(?:计划|预计)?开工(?:年份|时间|年度|日期|年月)?"),
    ("end", r"(?:计划|预计)?(?:竣工|完工|建成|投用|交付|建成投产|建成投用|投入使用)(?:年份|时间|年度|日期|年月)?"),
    ("floor", r".*建筑面积.*|建设面积|建面"),
    ("land", r"(?:新增|建设|总|净|规划|项目)?(?:用地|占地|征地|土地)(?:面积|规模)?"),
    ("places", r"(?:新增|增加|新建|可提供|提供)?(?:学位|学额)(?:数|数量)?"),
    ("classes", r"(?:新增)?班级?数|(?:新增)?班级"),
    ("unit", r"责任单位|业主单位|建设单位|实施主体|实施单位|项目业主|牵头单位|责任主体|主管单位|业主"
             r"|项目法人|法人单位|投资主体|项目单位|承办单位|项目业主单位|业主单位名称"),
    ("remarks", r"备注|说明|备注说明"),
    # a source's own column without a 资金来源 heading: "中央资金", "县级配套", "自筹资金"
    ("funding", r"(?:中央|省级?|市级?|专项债券?|县级?|县财政|区级|本级财政?|地方|自筹|单位自筹)"
                r"(?:资金|补助|补助资金|投资|配套|配套资金|债券|债券资金)|其他资金|其他来源"),
)]
PARENS = re.compile(r"[(\[【<《](.*?)[)\]】>》]")
RATIO = re.compile(r"%|‰|率|占比|比例|比重|百分比")  # a percent column is never a figure we read
_AREA_UNIT = re.compile(r"平方米|平米|㎡|m2|m²")
_OF_WHICH = re.compile(r"^其中[:、]?")
UNIT_WORDS = frozenset({  # a row of bare units under the header: 万元 亿元 亩 个 …
    "万元", "亿元", "元", "千元", "亩", "公顷", "个", "所", "班", "年", "月", "平方米", "平米", "㎡",
    "m2", "m²", "万平方米", "万㎡", "%", "人", "座", "栋"})
_QUOTES = str.maketrans("", "", "“”‘’\"'〝〞「」『』")


def column_letter(number: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def norm(value: object) -> str:
    """A header cell as comparable text (NFKC, no whitespace or quotes); '' for non-labels."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool) or value is None:
        return ""
    elif isinstance(value, (dt.date, dt.datetime)):  # a year typed as a date, shown as "2021年"
        return f"{value.year}年" if (value.month, value.day) == (1, 1) else ""
    elif isinstance(value, float):  # digits (and a sign) only: NFKC and the rest keep them
        return str(int(value)) if value.is_integer() else ""
    elif isinstance(value, int):
        return str(value)
    else:
        return ""
    return label_words(normalize_text(text).translate(_QUOTES).rstrip(":").lower())


def label_words(text: str) -> str:
    """A normalised label as its words are read: the Chinese part of a bilingual label
    ("project name项目名称" → 项目名称), years in Chinese numerals as digits (二〇二一年)."""
    if _CJK.search(text) and (words := list(_LATIN.finditer(text))):
        # "project name项目名称", "2021 plan 2021年", "总投资total": the Chinese part decides
        parts = [text[:words[0].start()]] + [text[a.end():b.start()] for a, b in
                                             zip(words, words[1:], strict=False)] + [
            text[words[-1].end():]]
        best = max(parts, key=lambda p: len(_CJK.findall(PARENS.sub("", p))))
        if _CJK.search(PARENS.sub("", best)):  # the units in brackets elsewhere stay with it
            text = best.lstrip(")]】》>,.;:").rstrip("([【《<,.;:") + "".join(
                m[0] for p in parts if p is not best for m in PARENS.finditer(p)
                if _CJK.search(m[0]))  # a Chinese unit in brackets elsewhere stays with it
    if "〇" in text or "零" in text:  # "二〇二一年": a year in Chinese numerals
        text = _CN_YEAR.sub(lambda m: m[0].translate(_CN_DIGITS), text)
    return text


_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[a-z]{2,}[a-z.&'/_-]*")  # words (not a unit such as "m2")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_CN_YEAR = re.compile(r"[〇零一二三四五六七八九]{4}(?=年)")


def classify(label: str) -> tuple[str, int | None] | None:
    """(field, year) for one normalised label, or None."""
    if RATIO.search(label):
        return None
    core = _OF_WHICH.sub("", PARENS.sub("", label).strip("*#"))
    if not core:
        return None
    for name, rule in _RULES:
        m = rule.fullmatch(core)
        if m:
            if name == "content" and _AREA_UNIT.search(label) and core.endswith("规模"):
                return "floor", None  # 建设规模(平方米): a floor area, not a description
            return name, int(m["year"]) if name == "year" else None
    return None


def period_span(label: str) -> tuple[int, int] | None:
    """The years a period column covers: “十四五” → 2021–2025, "2021-2025年计划投资" → 2021–2025."""
    text = norm(label)
    if "十四五" in text:
        return 2021, 2025
    if "十三五" in text:
        return 2016, 2020
    if "十五五" in text:
        return 2026, 2030
    m = re.search(r"((?:19|20)\d{2})年?[-—–~至到]((?:19|20)\d{2})", text)
    return (int(m[1]), int(m[2])) if m and m[1] <= m[2] else None


def money_scale(text: str) -> Decimal | None:
    """万元 → 1, 亿元 → 10000, 元 → 0.0001 (the factor to 万元), from a label or a 单位 row."""
    if "万元" in text:
        return Decimal(1)
    if "亿元" in text:
        return Decimal(10000)
    if "千元" in text:
        return Decimal("0.1")
    if re.search(r"(?<![万亿千百])元", text):
        return Decimal("0.0001")
    return None


def _land_scale(text: str) -> Decimal:
    if "公顷" in text:
        return Decimal(15)
    if re.search(r"平方米|平米|m2|m²", text) and "亩" not in text:
        return Decimal(15) / Decimal(10000)
    return Decimal(1)


@dataclass
class Column:
    index: int  # 0-based position in a row tuple
    field: str
    label: str  # header text as written, parts joined with "/"
    year: int | None = None
    scale: Decimal = Decimal(1)  # value × scale is in the field's unit (万元, 亩, m²)
    group: str = ""  # the label of a group heading above (multi-row headers)
    hidden: bool = False  # a hidden column of the sheet
    and_later: bool = False  # a year column "2026年及以后": that year and the rest
    how: str = "header"  # what decided its meaning: header, values, map
    unit_from: str = ""  # money: where its unit came from ("header", a 单位 cell, "" assumed)
    mixed: bool = False  # holds both annex classes and construction types (read as both)
    source: str | None = None  # a funding column: its source (中央, 省 …)
    duration_unit: str = "年"  # a duration column: 年, 月 or 天 (from "建设工期(月)")
    was: str | None = None  # the field its header named, when values or the map decided

    @property
    def letter(self) -> str:
        return column_letter(self.index + 1)

    @property
    def title(self) -> str:
        return f"{self.year}年" if self.field == "year" else LABELS.get(self.field, self.label)


@dataclass
class Header:
    first_row: int  # 1-based rows of the header block
    last_row: int
    columns: dict[str, Column] = field(default_factory=dict)
    years: list[Column] = field(default_factory=list)
    funding: list[Column] = field(default_factory=list)  # 资金来源 columns, one per source
    funding_unread: list[int] = field(default_factory=list)  # 资金来源 columns of unknown sources
    duplicates: list[Column] = field(default_factory=list)
    labels: dict[int, str] = field(default_factory=dict)  # every labelled column, as written
    groups: dict[int, str] = field(default_factory=dict)  # its group heading, normalised
    sheet_unit: tuple[Decimal, str] | None = None  # the money unit declared above the header
    ignored: set[int] = field(default_factory=set)  # columns the officer said not to read
    land_unit: tuple[Decimal, str] | None = None  # a 单位 row naming 公顷 or 平方米 for land

    def get(self, name: str) -> Column | None:
        return self.columns.get(name)

    def numeric(self) -> list[Column]:
        """The columns a subtotal row can be checked on."""
        cols = [self.columns[f] for f in ("total", "period") if f in self.columns]
        return cols + self.years + [self.columns[f] for f in ("land", "places") if f in self.columns]


@dataclass
class HeaderMiss:
    """A row that looks like a header but lacks a column the importer needs."""

    row: int
    found: list[str]
    missing: list[str]


def _row_fields(row: tuple) -> set[str]:
    fields = set()
    for value in row:
        hit = classify(norm(value))
        if hit:
            fields.add(hit[0])
    return fields


def _score(row: tuple, known: dict[str, tuple[str, int | None] | None]) -> int:
    """How much a row looks like the header: the fields its labels name (+10 with every
    needed one); 0 with fewer than two labels.  Each cell is normalised once, and each
    distinct label classified once per scan (``known``): the scan reads 40 rows of mostly
    data, where a township or a class repeats on every row."""
    labels = [text for text in map(norm, row) if text]
    if len(labels) < 2:
        return 0
    fields = set()
    for label in labels:
        try:
            hit = known[label]
        except KeyError:
            hit = known[label] = classify(label)
        if hit:
            fields.add(hit[0])
    return len(fields) + (10 if _NEEDED <= fields else 0)


_NEEDED = frozenset(NEEDED)


def _labels_only(row: tuple) -> bool:
    """A row of sub-labels (合计, 2021年 …) or units under the header: two or more, all known."""
    texts = [norm(v) for v in row if v is not None and str(v).strip()]
    return len(texts) >= 2 and all(
        classify(t) or (not PARENS.sub("", t) and t) or t in UNIT_WORDS or t == "其中"
        for t in texts)


def find_header(rows: list[tuple], merges: list[tuple[int, int, int, int]],
                hidden: frozenset[int] = frozenset()) -> Header | HeaderMiss | None:
    """The header of a sheet (rows are 1-based in ``merges``; ``rows[0]`` is row 1).
    ``hidden`` holds the 1-based numbers of hidden columns: a visible column wins over a hidden
    one of the same meaning."""
    scan = rows[:MAX_HEADER_SCAN]
    known: dict[str, tuple[str, int | None] | None] = {}
    scores = [_score(r, known) for r in scan]
    if not scores or max(scores) < 2:
        return None
    best = scores.index(max(scores)) + 1
    start = end = best
    if best > 1 and any(m[0] == best - 1 and m[2] >= best for m in merges) and _score(
            rows[best - 2], known):
        start = best - 1
    while end < len(rows) and end - start < 2 and (
            any(start <= m[0] <= end < m[2] for m in merges) or _labels_only(rows[end])):
        end += 1
    header = _build(rows, merges, start, end, sheet_money_unit(rows[: start - 1]), hidden,
                    sheet_land_unit(rows[: start - 1]))
    missing = [LABELS[f] for f in NEEDED if f not in header.columns]
    if missing:
        found = [str(v).replace("\n", "") for v in rows[best - 1] if norm(v)]
        return HeaderMiss(best, found, missing)
    return header


def _texts(rows, merges, start, end) -> dict[tuple[int, int], tuple[str, bool]]:
    """(row, col) → (text as written, belongs to a group wider than one column)."""
    width = max(len(rows[r - 1]) for r in range(start, end + 1))
    out: dict[tuple[int, int], tuple[str, bool]] = {}
    for r in range(start, end + 1):
        for c in range(1, width + 1):
            row = rows[r - 1]
            value = row[c - 1] if c <= len(row) else None
            if norm(value):
                out[(r, c)] = (norm(value) if isinstance(value, dt.date) else str(value), False)
    for min_row, min_col, max_row, max_col in merges:
        if not (start <= min_row <= end) or (min_row, min_col) not in out:
            continue
        text = out[(min_row, min_col)][0]
        for r in range(min_row, min(max_row, end) + 1):
            for c in range(min_col, max_col + 1):
                out[(r, c)] = (text, max_col > min_col)
    for r in range(start, end):  # a group heading without a merge: spread it over the sub-labels
        for c in range(2, width + 1):
            if (r, c) not in out and (r + 1, c) in out and (r, c - 1) in out and (r + 1, c - 1) in out:
                out[(r, c)] = (out[(r, c - 1)][0], True)
                out[(r, c - 1)] = (out[(r, c - 1)][0], True)
    return out


def _build(rows, merges, start, end, sheet_unit: tuple[Decimal, str] | None,
           hidden: frozenset[int] = frozenset(),
           land_unit: tuple[Decimal, str] | None = None) -> Header:
    header = Header(first_row=start, last_row=end, sheet_unit=sheet_unit, land_unit=land_unit)
    texts = _texts(rows, merges, start, end)
    for c in sorted({c for _, c in texts}):
        parts: list[tuple[str, bool]] = []
        for r in range(start, end + 1):
            if (r, c) in texts and texts[(r, c)][0] not in [p[0] for p in parts]:
                parts.append(texts[(r, c)])
        header.labels[c - 1] = "/".join(p[0].replace("\n", "") for p in parts)
        if len(parts) > 1:
            header.groups[c - 1] = norm(parts[0][0])
        hit = _column_meaning(parts)
        if hit is None:
            continue
        name, year = hit
        if name == "funding_unread":  # named as not read; the 合计 is then no check on the rest
            header.funding_unread.append(c - 1)
            continue
        col = make_column(header, c - 1, name, year, hidden=c in hidden)
        if name == "funding":
            col.source = funding_source(norm(parts[-1][0]))
        add_column(header, col)
    header.duplicates.sort(key=lambda c: c.index)
    return header


BEFORE = re.compile(r"调整前|原|原计划|原批复|调整前金额|变更前|调整数|调增|调减|增减")
_AFTER = re.compile(r"调整后|调整后金额|现|现计划|最新|核定|变更后|批复后|调整后计划")
_SHORT_YEAR = re.compile(r"(\d{2})年度?(?:计划)?(?:投资)?")
FUNDING_GROUP = re.compile(r"资金来源|资金筹措|资金构成|筹资|资金渠道|资金结构|资金安排")


def make_column(header: Header, index: int, name: str, year: int | None = None, *,
                hidden: bool = False, how: str = "header") -> Column:
    """A column of ``header`` read as ``name``: its label, group and unit from the header."""
    label = header.labels.get(index, "")
    group = header.groups.get(index, "")
    joined = " ".join(norm(part) for part in label.split("/"))
    col = Column(index=index, field=name, year=year, group=group, hidden=hidden, label=label,
                 how=how, and_later=name == "year" and bool(re.search(r"及以后|以后|及后", joined)))
    if name in MONEY_FIELDS:
        own = money_scale(joined)
        if own is not None:
            col.scale, col.unit_from = own, f"{col.letter} '{shown_label(label)}'"
        elif header.sheet_unit is not None:
            col.scale, col.unit_from = header.sheet_unit
        else:
            col.scale = Decimal(1)
    elif name == "land":
        col.scale = _land_scale(joined)
        if col.scale == 1 and "亩" not in joined and header.land_unit is not None:
            col.scale, col.unit_from = header.land_unit
    elif name == "floor" and re.search(r"万(?:平方米|平米|m2)", joined):
        col.scale = Decimal(10000)
    elif name == "duration":
        col.duration_unit = "月" if "月" in joined else "天" if re.search(r"天|日", joined) else "年"
    return col


def add_column(header: Header, col: Column) -> None:
    """Put ``col`` in the header; a second column of the same meaning is a duplicate (a visible
    one wins over a hidden one)."""
    name, year = col.field, col.year
    if name == "funding":  # two columns of one source (单位自筹, 银行贷款 → 自筹) add up
        header.funding.append(col)
        return
    if name == "year":
        twin = next((i for i, y in enumerate(header.years) if y.year == year), None)
        if twin is None:
            header.years.append(col)
        elif header.years[twin].hidden and not col.hidden:
            header.duplicates.append(header.years[twin])
            header.years[twin] = col
        else:
            header.duplicates.append(col)
    elif name in header.columns:
        if header.columns[name].hidden and not col.hidden:
            header.duplicates.append(header.columns[name])
            header.columns[name] = col
        else:
            header.duplicates.append(col)
    else:
        header.columns[name] = col


_FUND_WORDS = (  # a funding source's spellings, in this order (省 before 市: 省市)
    ("专项债", re.compile(r"专项债|债券|政府债")), ("中央", re.compile(r"中央|国家")),
    ("省", re.compile(r"省")), ("市", re.compile(r"市")),
    ("县财政", re.compile(r"县|区级|区财政|本级|地方|配套|财政")),
    ("自筹", re.compile(r"自筹|单位|社会|企业|ppp", re.I)), ("其他", re.compile(r"其他|其它|银行|贷款|融资")),
)


def funding_source(label: str) -> str | None:
    """The source a 资金来源 sub-column names (中央资金 → 中央, 县级配套 → 县财政), or None."""
    core = PARENS.sub("", label)
    return next((name for name, rule in _FUND_WORDS if rule.search(core)), None)


def _column_meaning(parts: list[tuple[str, bool]]) -> tuple[str, int | None] | None:
    """Read a column's labels from the lowest: a sub-label decides, a group heading qualifies."""
    if not parts:
        return None
    *upper, (low, _) = parts
    word = PARENS.sub("", norm(low))
    if upper and BEFORE.fullmatch(word):  # "总投资/调整前": the figure it replaced, not read
        return None
    if upper and _AFTER.fullmatch(word):  # "总投资/调整后": the heading's figure, as it now stands
        for u, _ in reversed(upper):
            if up := classify(norm(u)):
                return up
    if upper and (m := _SHORT_YEAR.fullmatch(word)) and any(
            (classify(norm(u)) or ("",))[0] == "period" for u, _ in upper):
        return "year", 2000 + int(m[1])  # "21年" under “十四五”计划投资
    if any(FUNDING_GROUP.search(norm(u)) for u, _ in upper):  # under 资金来源
        word = PARENS.sub("", norm(low))
        if re.fullmatch(r"合计|小计|总计|计|共计|总额|资金总额", word):
            return "funding_total", None
        if funding_source(norm(low)) and not classify(norm(low)):
            return "funding", None
        if not classify(norm(low)):
            return "funding_unread", None  # a source projtrack has no name for (上级补助)
    hit = classify(norm(low))
    above = [h for u, _ in upper if (h := classify(norm(u))) and h[0] == "year"]
    if above:  # "2021年" over "计划投资" / "完成投资": the year's plan, and an actual we do not read
        word = PARENS.sub("", norm(low))
        if re.search(r"完成|实际|到位|拨付|支付", word):
            return None
        if hit is None and re.fullmatch(r"计划(?:投资|安排)?(?:额|金额)?|投资|安排|金额", word) or (
                hit and hit[0] == "period"):
            return above[-1]
    if hit and hit[0] == "period" and norm(low) in ("合计", "小计", "总计"):
        # 合计 under a heading is that heading's figure: "总投资/合计", "新增学位(个)/合计",
        # "建筑面积/合计" (the period plan only under a plan heading, or alone)
        for u, _ in reversed(upper):
            up = classify(norm(u))
            if up and up[0] not in ("period", "year", "content"):
                return up[0], None
            if up and up[0] in ("period", "year"):
                break
        return hit
    if hit:
        return hit
    for text, is_group in reversed(upper):  # a lone heading with a unit or note below it
        if not is_group and (up := classify(norm(text))):
            return up
    return None


def guess_header(rows: list[tuple]) -> HeaderMiss | None:
    """A row that looks like the header of a table the importer does not understand: three or
    more text cells with something below them."""
    for i, row in enumerate(rows[:MAX_HEADER_SCAN]):
        texts = [v.replace("\n", "") for v in row if isinstance(v, str) and v.strip()]
        below = any(v is not None and str(v).strip() for r in rows[i + 1:] for v in r)
        if len(texts) >= 3 and below:
            fields = _row_fields(row)
            return HeaderMiss(i + 1, texts, [LABELS[f] for f in NEEDED if f not in fields])
    return None


def sheet_money_unit(rows: list[tuple]) -> tuple[Decimal, str] | None:
    """The money unit the rows above the header declare, and where: a 单位 row ("单位:万元、亩",
    "金额单位:亿元"), a unit in brackets ending a title ("…投资计划表(亿元)", "(单位:元)"), or
    a cell holding only a unit ("万元").  ``(1, "A2 '单位:万元'")``; None when none is found."""
    # the nearest to the header first, and a 单位 cell before a unit in brackets: a box of key
    # figures above the table ("总投资(亿元) 6.75") does not set the table's unit
    for kind in ("单位", "other"):
        for r in range(len(rows), 0, -1):
            for c, value in enumerate(rows[r - 1], start=1):
                text = norm(value)
                if not text:
                    continue
                scale = None
                if kind == "单位" and "单位" in text:
                    scale = money_scale(text.split("单位", 1)[1])
                elif kind == "other" and (m := _TRAILING_UNIT.search(text)):
                    scale = money_scale(m[1])
                elif kind == "other" and text in ("万元", "亿元", "元", "千元"):
                    scale = money_scale(text)
                if scale is not None:
                    return scale, f"{column_letter(c)}{r} '{shown_label(value)}'"
    return None


def sheet_land_unit(rows: list[tuple]) -> tuple[Decimal, str] | None:
    """The land unit a 单位 row declares when it is 公顷 ("单位:万元、公顷"); a 平方米 there may
    be the floor area's, so it is left to the land check."""
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            text = norm(value)
            if "单位" in text and "亩" not in text and "公顷" in text.split("单位", 1)[1]:
                return Decimal(15), f"{column_letter(c)}{r} '{shown_label(value)}'"
    return None


_TRAILING_UNIT = re.compile(
    r"[(\[【](?:[^()\[\]【】:：]{0,6}[:：])?((?:人民币)?(?:万元|亿元|千元|元)[^)\]】]*)[)\]】]$")
UNIT_NAMES = {Decimal(1): "万元", Decimal(10000): "亿元", Decimal("0.0001"): "元",
              Decimal("0.1"): "千元"}


def shown_label(value: object, limit: int = 40) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
