"""Variant annex workbooks built with openpyxl in the tests (no binary fixtures).

``annex(...)`` lays out a small annex — title, 单位 row, a header, section rows with correct
subtotals, items, a notes row — and returns a :class:`Layout` that tests can alter (a bad cell, a
wrong subtotal …) before ``save``.  Subtotals are computed from the items, so an unaltered layout
reads without warnings.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

ITEMS: list[dict] = [
    dict(cat="中小学", klass="续建", name="平阳县甲小学新建工程", nature="新建", town="昆阳镇",
         content="用地约30亩,总建筑面积约1.5万平方米,设24个班", years="2019-2021", total=9000,
         plan={2021: 3000}, land=30, places=1080, unit="县教育局", remarks="省补助项目",
         code="2101-330326-04-01-123456", prior=6000, floor=15000),
    dict(cat="中小学", klass="新开工", name="平阳县乙中学迁建工程", nature="迁建", town="鳌江镇",
         content="总建筑面积32000平方米,新增10个班", years="2021-2023", total=15000,
         plan={2021: 4000, 2022: 6000, 2023: 5000}, land="/", places=500, unit="县教育局",
         remarks=None, code=None, prior=None, floor=32000),
    dict(cat="中小学", klass="新开工", name="平阳县丙学校改扩建工程", nature="改扩建", town="水头镇",
         content="总建筑面积约0.8万平方米", years="2022.3-2024.6", total=6000.5,
         plan={2022: 2000, 2023: 2500.5, 2024: 1500}, land=12.5, places=None, unit="水头镇人民政府",
         remarks="原址拆除重建", code=None, prior=None, floor=8000),
    dict(cat="幼儿园", klass="新开工", name="平阳县丁幼儿园新建工程", nature="新建", town="萧江镇",
         content="用地约10亩,总建筑面积5400平方米,设15个班", years="2023—2025", total=3000,
         plan={2023: 800, 2024: 1200, 2025: 1000}, land=10, places=450, unit="县教育局",
         remarks=None, code=None, prior=None, floor=5400),
    dict(cat="幼儿园", klass="前期", name="平阳县戊幼儿园迁建工程", nature="迁建", town="南雁镇",
         content="总建筑面积3600平方米,设12个班", years="2025-2027", total=2600, plan={2025: 300},
         land="原址", places=360, unit="县教育局", remarks=None, code=None, prior=None, floor=3600),
]
YEARS = (2021, 2022, 2023, 2024, 2025)
PERIOD_GROUP = "“十四五”计划投资"
# (key, top label, sub label); a sub label puts the column under a merged group heading
STANDARD = [("seq", "序号", None), ("name", "项目名称", None), ("nature", "建设\n性质", None),
            ("town", "建设地点", None), ("content", "建设内容及规模", None),
            ("years", "建设起止\n年限", None), ("total", "总投资", None),
            ("period", PERIOD_GROUP, "合计")] + [
    (f"y{y}", PERIOD_GROUP, f"{y}年") for y in YEARS] + [
    ("land", "用地面积\n(亩)", None), ("places", "新增学位\n(个)", None),
    ("unit", "责任单位", None), ("remarks", "备注", None)]
CLASS_ORDINAL = {"续建": "(一)", "新开工": "(二)", "前期": "(三)"}
CATEGORY_ORDINAL = {"中小学": "一、", "幼儿园": "二、", "职业教育": "三、", "特殊教育": "四、",
                    "其他": "五、"}
SUMMED = ("total", "period", "land", "places") + tuple(f"y{y}" for y in YEARS)


def value_of(item: dict, key: str, money: Decimal = Decimal(1)) -> object:
    """The cell an item shows under a column key (money divided by ``money`` units)."""
    if key.startswith("y") and key[1:].isdigit():
        v = item["plan"].get(int(key[1:]))
        return None if v is None else _money(v, money)
    if key == "period":
        return _money(sum(Decimal(str(v)) for v in item["plan"].values()), money)
    if key == "total" or key == "prior":
        return None if item.get(key) is None else _money(item[key], money)
    if key in ("start", "end"):
        first, last = item["years"].replace("—", "-").split("-")
        return int((first if key == "start" else last)[:4])
    if key == "category":
        return item["cat"]
    return item.get(key)


def _money(v: object, unit: Decimal) -> object:
    d = Decimal(str(v)) / unit
    return int(d) if d == d.to_integral_value() else float(d)


def _num(v: object) -> Decimal:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return Decimal(str(v))
    return Decimal(0)


@dataclass
class Layout:
    title: str
    rows: list[list] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    letters: dict[str, str] = field(default_factory=dict)  # column key → letter
    item_rows: dict[str, int] = field(default_factory=dict)  # name → row
    section_rows: dict[str, int] = field(default_factory=dict)  # label → row

    def set(self, key: str, row: int | str, value: object) -> str:
        """Change one cell; ``row`` is a row number or an item's name.  Returns "G12"."""
        r = self.item_rows[row] if isinstance(row, str) else row
        c = openpyxl.utils.column_index_from_string(self.letters[key])
        while len(self.rows) < r:
            self.rows.append([])
        line = self.rows[r - 1]
        line.extend([None] * (c - len(line)))
        line[c - 1] = value
        return f"{self.letters[key]}{r}"

    def get(self, key: str, row: int | str) -> object:
        r = self.item_rows[row] if isinstance(row, str) else row
        c = openpyxl.utils.column_index_from_string(self.letters[key])
        line = self.rows[r - 1]
        return line[c - 1] if c <= len(line) else None


def annex(items: list[dict] = ITEMS, columns: list[tuple] = STANDARD, *, title: str = "附件",
          sections: bool = True, unit_row: str | None = "单位:万元、亩",
          money: Decimal = Decimal(1), notes: bool = True, total_row: bool = True) -> Layout:
    lay = Layout(title)
    width = len(columns)
    lay.letters = {key: get_column_letter(i + 1) for i, (key, _, _) in enumerate(columns)}
    lay.rows.append(["附件"])
    lay.rows.append(["平阳县“十四五”教育建设项目安排表"])
    lay.merges.append(f"A2:{get_column_letter(width)}2")
    lay.rows.append([None] * (width - 1) + [unit_row] if unit_row else [])
    two_rows = any(sub for _, _, sub in columns)
    top = [t for _, t, _ in columns]
    for i, (_, t, _) in enumerate(columns):  # show a group heading once, merged over its columns
        if i and columns[i - 1][1] == t and columns[i][2]:
            top[i] = None
    lay.rows.append(top)
    if two_rows:
        lay.rows.append([s for _, _, s in columns])
        start = 0
        for i in range(1, width + 1):
            if i == width or columns[i][1] != columns[start][1] or not columns[i][2]:
                a, b = get_column_letter(start + 1), get_column_letter(i)
                if columns[start][2] is None:
                    lay.merges.append(f"{a}4:{a}5")
                elif i - 1 > start:
                    lay.merges.append(f"{a}4:{b}4")
                start = i

    def figures_row(label: str, members: list[dict]) -> None:
        row = [None] * width
        for i, (key, _, _) in enumerate(columns):
            if key == "name":
                row[i] = label
            elif key in SUMMED:
                row[i] = _money(sum((_num(value_of(m, key, money)) for m in members), Decimal(0)),
                                Decimal(1))
        lay.rows.append(row)
        lay.section_rows[label] = len(lay.rows)

    if sections and total_row:
        figures_row(f"总计({len(items)}个)", items)
    groups: dict[str, dict[str, list[dict]]] = {}
    for item in items:
        groups.setdefault(item["cat"], {}).setdefault(item["klass"], []).append(item)
    for cat, classes in groups.items():
        if sections:
            members = [m for ms in classes.values() for m in ms]
            figures_row(f"{CATEGORY_ORDINAL[cat]}{cat}项目({len(members)}个)", members)
        for klass, members in classes.items():
            if sections:
                figures_row(f"{CLASS_ORDINAL[klass]}{klass}项目({len(members)}个)", members)
            for n, item in enumerate(members, 1):
                lay.rows.append([n if key == "seq" else value_of(item, key, money)
                                 for key, _, _ in columns])
                lay.item_rows[item["name"]] = len(lay.rows)
    if notes:
        lay.rows.append([])
        lay.rows.append(["注:1.本表“十四五”计划投资为预估数;2.用地面积为新增用地。"])
        lay.merges.append(f"A{len(lay.rows)}:{get_column_letter(width)}{len(lay.rows)}")
    return lay


def save(path: Path, *layouts: Layout) -> Path:
    return save_grids(path, *(Grid(lay.title, lay.rows, lay.merges) for lay in layouts))


def replace_part(path: Path, part: str, data: bytes, out: Path | None = None) -> Path:
    """Rewrite one member of a zip package (to plant a hostile or huge sheet XML)."""
    src = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = out or path
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            zf.writestr(info.filename, data if info.filename == part else src.read(info.filename))
    return out


@dataclass
class Grid:
    """A sheet laid out cell by cell, with what Excel and WPS add around a table."""

    title: str
    rows: list[list]
    merges: list[str] = field(default_factory=list)
    hidden_columns: list[str] = field(default_factory=list)  # letters
    hidden_rows: list[int] = field(default_factory=list)
    freeze: str | None = None  # e.g. "C6"
    state: str = "visible"  # or "hidden", "veryHidden"
    formats: dict[str, str] = field(default_factory=dict)  # cell → number format


def save_grids(path: Path, *grids: Grid) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for grid in grids:
        ws = wb.create_sheet(grid.title)
        for r, line in enumerate(grid.rows, 1):
            for c, value in enumerate(line, 1):
                if value is not None:
                    ws.cell(r, c, value)
        for ref in grid.merges:
            ws.merge_cells(ref)
        for letter in grid.hidden_columns:
            ws.column_dimensions[letter].hidden = True
        for r in grid.hidden_rows:
            ws.row_dimensions[r].hidden = True
        for ref, fmt in grid.formats.items():
            ws[ref].number_format = fmt
        if grid.freeze:
            ws.freeze_panes = grid.freeze
        ws.sheet_state = grid.state
    wb.save(path)
    return path
