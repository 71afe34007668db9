"""A returned progress sheet read by meaning, as the annex importer reads an annex: for a sheet
whose layout is not the template's (renamed, pasted into a new workbook, columns added, hidden
or moved, saved as .xls) or that has no template behind it at all.

The header is the row, among the first ``MAX_HEADER_SCAN``, whose labels name the most of the
return's fields (it must name a project — its id, 项目代码 or name — and something filled in);
a row of group headings above it (the template's 现有数据 / 本周填报) is read with it.  Labels are
compared as the importer compares them (``importer.headers.norm``: NFKC, no spaces or quotes),
and the importer's own recognition names 项目代码, 项目名称, 建设地点 and 责任单位.  The figures:
- 本周完成投资 (本周, 当周 …): this week's amount;
- 累计完成投资 as the template says it: the new total of the entries on record;
- 本年累计 (本年完成, 1-11月 …): this year to date, basis ``year``;
- 开累 (开工累计, 自开工以来 …): since the project began, prior actual included, basis ``total``;
then 形象进度 stage and percent, a date column per milestone, 备注.  A column under the heading
of the template's figures on record, or a figure other than these (总投资, 本年计划, 完成率 …), is
ignored and named as such (a label with 计划 is a plan, never what was done); so is a label
nothing recognises.  Of two columns of one meaning a
visible one wins over a hidden one; two visible ones are an error naming both.

The week comes from the template's signed sheet when there is one, else from the rows above
the header ("2026-W48", "2026年第48周", "2026-11-23 至 2026-11-29"), else from ``--week``;
two weeks that disagree, or none, refuse the file naming it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from projtrack.core.calendar import resolve_week
from projtrack.core.money import normalize_text
from projtrack.core.types import MILESTONES
from projtrack.i18n import t, term
from projtrack.importer.headers import PARENS, RATIO, classify, column_letter, norm, shown_label
from projtrack.progress_io.grid import SheetGrid
from projtrack.progress_io.layout import columns, header_key

MAX_HEADER_SCAN = 40
FILL = ("week_actual", "cumulative", "cumulative_year", "cumulative_total", "stage", "percent",
        "note")
IDENTITY = ("id", "code", "name")
_MONEY = ("week_actual", "cumulative", "cumulative_year", "cumulative_total")
BASIS = {"cumulative": None, "cumulative_year": "year", "cumulative_total": "total"}
PRINTED = ("phase", "total_investment", "annual_plan", "actual_to_date", "progress")

_WEEK = re.compile(r"(?<!\d)(\d{4})\s*-?\s*[wW]\s*(\d{1,2})(?!\d)")
_CN_WEEK = re.compile(r"(\d{4})\s*年\s*第\s*(\d{1,2})\s*周")
_DAY = r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?"
_RANGE = re.compile(_DAY + r"\s*(?:至|到|—+|–|~|～|-)\s*" + _DAY)
_TOTAL_ROW = re.compile(r"^(?:合计|小计|总计|全县合计|共计)$")
_IMPORTER = {"code": "code", "name": "name", "town": "township", "unit": "unit",
             "remarks": "note"}


@dataclass(frozen=True)
class Recognized:
    """A column read: its header cell ("Sheet!K5"), its label as written, what it was read as."""

    cell: str
    label: str
    field: str
    hidden: bool = False


@dataclass
class Layout:
    sheet: str
    header_row: int
    cols: dict[str, int] = field(default_factory=dict)  # field → 1-based column
    recognized: list[Recognized] = field(default_factory=list)
    ignored: list[tuple[str, str, str]] = field(default_factory=list)  # cell, label, why
    duplicates: list[tuple[str, str, str]] = field(default_factory=list)  # field, cell, cell


def _text(value: object) -> str:
    if value is None or isinstance(value, bool):
        return ""
    return re.sub(r"\s+", "", normalize_text(str(value))).lower()


@functools.cache
def _own_labels() -> dict[str, str]:
    """The template's own headers in both languages, as compared (with their units)."""
    out: dict[str, str] = {}
    for lang in ("en", "zh"):
        for c in columns():
            out[_text(t(header_key(c.code), lang=lang))] = c.code
    return out


def meaning(value: object, group: str = "") -> str | None:
    """The field a header label names (a FILL or IDENTITY field, township, unit, ``ms:<name>``,
    ``printed:<code>`` for a figure the template printed), or None."""
    raw = _text(value)
    if not raw:
        return None
    core = PARENS.sub("", raw).strip("*#:")
    own = _own_labels().get(raw)
    if own in PRINTED or (own is None and _text(group) and any(
            _text(t("progress.group.current", lang=lang, as_of="")).rstrip("()") in _text(group)
            for lang in ("zh", "en"))):
        return f"printed:{own or 'figure'}"
    if own is not None:
        return own
    for m in MILESTONES:
        names = {m, _text(term(m, "en"))}
        if core in names or any(core == f"{pre}{n}{post}" for n in names
                                for pre in ("", "实际")
                                for post in ("日期", "时间", "完成日期", "实际日期", "完成时间")):
            return f"ms:{m}"
    if core in ("项目编号", "系统编号", "项目id", "id", "projectid"):
        return "id"
    if ("%" in raw or "百分" in core or "比例" in core) and "进度" in core:
        return "percent"
    if "阶段" in core and ("形象" in core or "施工" in core or "进度" in core) or core == "形象部位":
        return "stage"
    if RATIO.search(core):
        return None
    if "计划" in raw:  # 本周计划, 本年计划投资 …: a plan, never what was done
        return "printed:plan"
    if re.search(r"本周|当周|周完成|本期完成", core):
        return "week_actual"
    if re.search(r"开累|开工累计|自开工|开工以来|开工至今|建设以来|项目累计|总累计|含以前年度|含往年", raw):
        return "cumulative_total"
    if re.search(r"本年累计|本年度累计|本年完成|本年度完成|今年累计|今年完成|年初至今|年度累计"
                 r"|(?:^|\()1[-—~至到]\d{1,2}月|\((?:本年|本年度|今年)\)", raw):
        return "cumulative_year"  # (in the label or in its brackets: 累计完成投资(本年))
    if re.fullmatch(r"累计完成(?:投资)?(?:额)?|累计投资(?:完成)?(?:额)?|累计完成投资额|新累计", core):
        return "cumulative"
    if re.fullmatch(r"备注|说明|情况说明|存在问题|备注说明|问题及说明|进展情况", core):
        return "note"
    hit = classify(norm(value))
    if hit and hit[0] in _IMPORTER:
        return _IMPORTER[hit[0]]
    return None


def field_name(what: str, lang: str | None = None) -> str:
    """What a column read by meaning was read as, in words."""
    if what.startswith("ms:"):
        return t("progress.field.milestone", lang=lang, milestone=term(what[3:], lang))
    return t(f"progress.field.{what}", lang=lang)


def _groups(g: SheetGrid, header_row: int) -> dict[int, str]:
    """The group heading above each column (the row above the header, merges spread)."""
    if header_row < 2:
        return {}
    out = {c: str(v) for c, v in enumerate(g.rows[header_row - 2], 1) if v not in (None, "")}
    for r0, c0, _r1, c1 in g.merges:
        if r0 == header_row - 1 and c0 in out:
            for c in range(c0, c1 + 1):
                out[c] = out[c0]
    return out


def _score(row: tuple) -> int:
    fields = {f for v in row if (f := meaning(v)) and not f.startswith("printed")}
    if not fields & set(IDENTITY) or not (fields & set(FILL) or any(
            f.startswith("ms:") for f in fields)):
        return 0
    return len(fields)


def find_layout(g: SheetGrid) -> Layout | None:
    """The header of a sheet read by meaning, or None when no row names a project and a figure."""
    scores = [_score(r) for r in g.rows[:MAX_HEADER_SCAN]]
    if not scores or max(scores) == 0:
        return None
    header_row = scores.index(max(scores)) + 1
    groups = _groups(g, header_row)
    out = Layout(g.name, header_row)
    found: dict[str, list[int]] = {}
    ignored: dict[int, str] = {}  # column → why
    for c, value in enumerate(g.rows[header_row - 1], 1):
        if value in (None, ""):
            continue
        what = meaning(value, groups.get(c, ""))
        if what is None:
            ignored[c] = "unknown"
        elif what.startswith("printed:"):
            ignored[c] = "printed"
        else:
            found.setdefault(what, []).append(c)
    if not any(f in found for f in _MONEY):  # the template's 累计完成投资 alone, pasted
        # without its group row: the new total
        for c in [c for c, why in ignored.items() if why == "printed"
                  and _own_labels().get(_text(g.value(header_row, c))) == "actual_to_date"]:
            del ignored[c]
            found.setdefault("cumulative", []).append(c)  # two of them: an error naming both
    out.ignored = [(f"{g.name}!{column_letter(c)}{header_row}",
                    shown_label(g.value(header_row, c)), why) for c, why in ignored.items()]
    for what, cols in found.items():
        visible = [c for c in cols if c not in g.hidden_columns] or cols
        chosen = visible[0]
        if len(visible) > 1:
            a, b = (f"{g.name}!{column_letter(c)}{header_row}" for c in visible[:2])
            out.duplicates.append((what, a, b))
        out.cols[what] = chosen
        for c in cols:
            cell = f"{g.name}!{column_letter(c)}{header_row}"
            label = shown_label(g.value(header_row, c))
            if c == chosen:
                out.recognized.append(Recognized(cell, label, what, c in g.hidden_columns))
            elif c not in visible[:2]:
                out.ignored.append((cell, label, "hidden_twin"))
    out.recognized.sort(key=lambda r: out.cols[r.field])
    return out


def is_total_row(name: object) -> bool:
    return bool(_TOTAL_ROW.match(_text(name)))


def weeks_in_title(g: SheetGrid, header_row: int
                   ) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """(period, cell, text) of every week the rows above the header name, and (cell, text) of
    every mention written as a week or a range of days that names none: a week the year does not
    have (2026-W60), a day that does not exist, a range of days not within one ISO week."""
    found: list[tuple[str, str, str]] = []
    doubtful: list[tuple[str, str]] = []
    for r in range(1, header_row):
        for c, value in enumerate(g.rows[r - 1], 1):
            if not isinstance(value, str):
                continue
            text = normalize_text(value)
            cell, shown = f"{g.name}!{column_letter(c)}{r}", shown_label(value)
            for m in list(_WEEK.finditer(text)) + list(_CN_WEEK.finditer(text)):
                try:
                    found.append((resolve_week(f"{m[1]}-W{int(m[2]):02d}", dt.date.today())[0],
                                  cell, shown))
                except ValueError:
                    doubtful.append((cell, shown))
            for m in _RANGE.finditer(text):
                try:
                    start = dt.date(int(m[1]), int(m[2]), int(m[3]))
                    end = dt.date(int(m[4]), int(m[5]), int(m[6]))
                except ValueError:
                    doubtful.append((cell, shown))
                    continue
                if start.isocalendar()[:2] == end.isocalendar()[:2] and start <= end:
                    found.append((resolve_week(None, end)[0], cell, shown))
                else:
                    doubtful.append((cell, shown))
    return found, list(dict.fromkeys(doubtful))


# --- the rows -------------------------------------------------------------------------------------
_KIND = {"week_actual": "week_actual", "cumulative": "cumulative", "cumulative_year": "cumulative",
         "cumulative_total": "cumulative", "stage": "stage", "percent": "percent", "note": "text"}


@dataclass(frozen=True)
class _Format:
    number_format: str


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_rows(out, g: SheetGrid, lay: Layout, problems: list) -> None:
    """The filled rows of ``g`` under ``lay`` into ``out`` (a ``reader.ReturnedFile`` whose
    week is known); every bad cell a problem naming it."""
    from projtrack.core.text import clean_name
    from projtrack.progress_io.reader import (
        _NO_CACHE,
        FilledRow,
        SheetProblem,
        _read_cell,
        _show,
        _stage_words,
        id_of,
    )

    name, stages = out.name, _stage_words()
    for what, a, b in lay.duplicates:
        problems.append(SheetProblem(name, a, "progress.err.duplicate_column",
                                     {"other": b, "field": field_name(what)}))
    if lay.duplicates:
        return
    fill_fields = [f for f in lay.cols if f in _KIND or f.startswith("ms:")]
    assert out.week_end is not None
    for r in range(lay.header_row + 1, len(g.rows) + 1):
        def ref(what: str, r: int = r) -> str:
            return f"{g.name}!{column_letter(lay.cols[what])}{r}"

        def get(what: str, r: int = r) -> object:
            c = lay.cols[what]
            return _NO_CACHE if (r, c) in g.uncached else g.value(r, c)

        fills = {f: get(f) for f in fill_fields}
        if all(_blank(v) for v in fills.values()):
            continue  # a row left empty, a title, a notes row
        ident = {f: get(f) for f in IDENTITY if f in lay.cols}
        if "name" in ident and is_total_row(ident["name"]) and all(
                _blank(ident.get(f)) for f in ("id", "code")):
            out.warnings.append(SheetProblem(name, ref("name"), "progress.warn.total_row",
                                             {"found": _show(ident["name"])}))
            continue
        if all(_blank(v) for v in ident.values()):
            first = next(f for f in IDENTITY if f in lay.cols)
            problems.append(SheetProblem(name, ref(first), "progress.err.no_identity"))
            continue
        pid, id_cell = 0, None
        if "id" in ident and not _blank(ident["id"]):
            if (given := id_of(ident["id"])) is None:
                problems.append(SheetProblem(name, ref("id"), "progress.err.no_id",
                                             {"found": _show(ident["id"])}))
                continue
            pid, id_cell = given, ref("id")
        code = str(ident.get("code") or "").strip()
        row_name = clean_name(str(ident["name"])) if not _blank(ident.get("name")) else ""
        if id_cell is None:
            id_cell = ref("code") if code else ref("name")
        row = FilledRow(name, g.name, r, pid, row_name or "", code=code, id_cell=id_cell)
        money: list[str] = []
        for what, value in fills.items():
            c = lay.cols[what]
            fmt = "0%" if (r, c) in g.percent else "General"
            if g.kind == "xls" and what == "percent" and value == 1 and not isinstance(value, bool):
                # 100% typed in a percent cell and 1 typed as 1 are the same number in an .xls
                problems.append(SheetProblem(name, ref(what), "progress.err.xls_percent_one",
                                             {"found": _show(value)}))
                continue
            if g.kind == "xls" and what == "percent" and isinstance(value, float) and 0 < value < 1:
                fmt = "0%"  # .xls keeps no format: a fraction below 1 is read as a percentage
                out.warnings.append(SheetProblem(name, ref(what), "progress.warn.xls_percent",
                                                 {"found": _show(value),
                                                  "percent": f"{value * 100:g}"}))
            kind = _KIND.get(what, "date")
            got = _read_cell(kind, _Format(fmt), value, ref(what), name, out.week_end,
                             problems, stages)
            if got is None:
                continue
            if what.startswith("ms:"):  # a date a signed template printed (locked; an .xls
                # keeps no locks): the same date as on record is no news, another an error
                printed = out.signed and (g.kind == "xls" or (r, c) in g.locked)
                row.milestones.append((what[3:], got, printed))
            elif what in _MONEY:
                money.append(what)
                if what == "week_actual":
                    row.week_actual = got
                else:
                    row.cumulative, row.basis = got, BASIS[what]
            else:
                setattr(row, what, got)
        if len(money) > 1:
            problems.append(SheetProblem(name, ref(money[1]), "progress.err.two_figures",
                                         {"other": ref(money[0])}))
        if not row.empty():
            out.rows.append(row)
