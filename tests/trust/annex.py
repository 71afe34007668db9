"""Annex workbooks built for the trust tests (openpyxl), shaped like the county's real annex:
a title, a 单位 row, a two-row merged header, section rows, items, a notes row."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import Cell

YEARS = (2021, 2022, 2023, 2024, 2025)
HEADER = ["序号", "项目名称", "建设\n性质", "建设地点", "建设内容及规模", "建设起止\n年限", "总投资",
          "“十四五”计划投资", None, None, None, None, None, "用地面积\n(亩)", "新增学位\n(个)",
          "责任单位", "备注"]
SUBHEADER = [None] * 7 + ["合计"] + [f"{y}年" for y in YEARS] + [None] * 4


@dataclass
class Item:
    name: object
    total: object
    plans: dict[int, object] = field(default_factory=dict)
    period: object = None  # “十四五”计划投资合计; None → left blank
    nature: object = "新建"
    town: object = "昆阳镇"
    content: object = "用地约20亩,总建筑面积约1.2万平方米"
    years: object = "2022-2024"
    land: object = None
    places: object = None
    unit: object = "县教育局"
    remarks: object = None
    category: str = "中小学"
    klass: str = "新开工"


def put(cell: Cell, value: object) -> None:
    """Strings are written as text, whatever they start with (never as formulas)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def build(items: list[Item], path: Path | None = None, *, sheet: str = "附件") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    put(ws.cell(1, 1), "附件")
    put(ws.cell(2, 1), "平阳县“十四五”教育建设项目安排表")
    ws.merge_cells("A2:Q2")
    put(ws.cell(3, 16), "单位:万元、亩")
    for c, v in enumerate(HEADER, 1):
        put(ws.cell(4, c), v)
    for c, v in enumerate(SUBHEADER, 1):
        put(ws.cell(5, c), v)
    for col in "ABCDEFGNOPQ":
        ws.merge_cells(f"{col}4:{col}5")
    ws.merge_cells("H4:M4")
    row = 6
    sections: list[tuple[str, str]] = []
    for item in items:
        if not sections or sections[-1][0] != item.category:
            put(ws.cell(row, 2), f"{'一二三四五六七'[len({s[0] for s in sections})]}、{item.category}项目")
            row += 1
            sections.append((item.category, ""))
        if sections[-1][1] != item.klass:
            put(ws.cell(row, 2), f"({'一二三四五六'[0]}){item.klass}项目")
            row += 1
            sections[-1] = (item.category, item.klass)
        values = [row - 5, item.name, item.nature, item.town, item.content, item.years,
                  item.total, item.period] + [item.plans.get(y) for y in YEARS] + [
            item.land, item.places, item.unit, item.remarks]
        for c, v in enumerate(values, 1):
            put(ws.cell(row, c), v)
        row += 1
    put(ws.cell(row + 1, 1), "注:本表“十四五”计划投资为预估数。")
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data


def rezip(data: bytes, replace: dict[str, bytes], *, extra: dict[str, bytes] | None = None,
          compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The same xlsx with some members' bytes replaced (and others added)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as dst:
        for info in src.infolist():
            body = replace.get(info.filename, src.read(info.filename))
            dst.writestr(info.filename, body)
        for name, body in (extra or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}
