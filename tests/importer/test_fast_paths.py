"""The importer's fast paths give what the plain ways give.

Rows are read by python-calamine with one light pass over the sheet XML for what calamine does
not give (merges, hidden rows and columns, uncached formulas, error cells, exact numbers); a
sheet calamine might read otherwise goes to a subclass of openpyxl's sheet parser that converts
each cell itself.  The header check, the text normalisation and the bulk insert have cheap paths
too.  Each is compared here with the plain way it replaces: openpyxl's read-only ``iter_rows``
(every kind of cell, read both ways), the straightforward loops, SQLAlchemy's own executemany.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import warnings
import zipfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from sqlalchemy import Column, Date, Integer, MetaData, String, Table, func, insert, select

from projtrack.core.defaults import default_milestone_dates, initial_phase
from projtrack.core.money import normalize_text as core_normalize_text
from projtrack.core.types import MILESTONES
from projtrack.importer import read_annex
from projtrack.importer import workbook as wbmod
from projtrack.importer.headers import label_words, norm, normalize_text
from projtrack.importer.reader import repeats_header
from projtrack.importer.rows import is_notes, read_span
from projtrack.store.bulk import insert_columns
from projtrack.store.types import Scaled

from .builders import ITEMS, annex, replace_part, save

SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


# --- rows -----------------------------------------------------------------------------------
def reference_rows(path: Path, name: str) -> list[tuple]:
    """What the importer read before: openpyxl's read-only iter_rows, dimensions reset, up to
    the last filled row before EMPTY_ROWS_STOP empty ones."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    try:
        ws = wb[name]
        rows: list[tuple] = []
        empties = 0
        ws.reset_dimensions()
        with wbmod._parse_errors(name), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for values in ws.iter_rows(max_col=wbmod.MAX_COLUMNS, values_only=True):
                rows.append(values)
                if wbmod.is_empty(values):
                    empties += 1
                    if empties >= wbmod.EMPTY_ROWS_STOP:
                        break
                else:
                    empties = 0
        while rows and wbmod.is_empty(rows[-1]):
            rows.pop()
        return rows
    finally:
        wb.close()


def outcome(read) -> object:
    """Rows as (type, value); an empty text, or one of spaces only, as an empty cell: calamine
    gives both as empty, and the importer reads them so either way."""
    try:
        rows = read()
    except wbmod.WorkbookError as exc:
        return ("error", exc.code)
    return [[(type(None), None) if isinstance(v, str) and not v.strip() else (type(v), v)
             for v in row] for row in rows]


def read_by(sheet: wbmod.Sheet) -> str:
    """Which reader gave the sheet's rows: calamine, or openpyxl's parser instead."""
    return "openpyxl" if isinstance(sheet, wbmod.OpenpyxlSheet) or sheet._instead is not None else "calamine"


def assert_rows_as_openpyxl(path: Path, reader: str | None = "calamine") -> None:
    """Every sheet of the workbook reads as openpyxl reads it; ``reader``: the one that is to
    have read them (None: either)."""
    with wbmod.Book(path) as book:
        for sheet in book.sheets:
            new = outcome(lambda s=sheet: padded(s.read_rows()))
            assert new == outcome(lambda s=sheet: reference_rows(path, s.name)), sheet.name
            assert reader is None or read_by(sheet) == reader, sheet.name


def padded(rows: list) -> list[tuple]:
    """Rows as openpyxl gives them, MAX_COLUMNS values each: calamine's are as wide as the
    sheet's last filled column (the cells right of it are empty), never wider."""
    assert all(len(row) <= wbmod.MAX_COLUMNS for row in rows)
    assert len({len(row) for row in rows}) <= 1  # one width for the sheet
    return [tuple(row) + (None,) * (wbmod.MAX_COLUMNS - len(row)) for row in rows]


def test_every_kind_of_cell_reads_as_openpyxl_reads_it(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附件"
    rich = CellRichText(["平阳县", TextBlock(InlineFont(b=True), "甲小学"), "新建工程"])
    cells = {
        "A1": "项目名称", "B1": 12, "C1": -3.25, "D1": 10**15, "E1": True, "F1": False,
        "G1": dt.datetime(2021, 3, 1, 8, 30), "H1": dt.date(2022, 1, 1), "I1": dt.time(9, 15),
        "J1": 0.125, "K1": "#N/A", "L1": "=SUM(B1:C1)", "M1": "  有空格  ", "N1": "３６００",
        "O1": rich, "P1": 45000, "Q1": 1e-7, "R1": "第一行\n第二行", "CV1": "最后一列",
        "CW1": "第101列", "A3": "隔一行", "A300": "很远",
    }
    for ref, value in cells.items():
        ws[ref] = value
    ws["P1"].number_format = "yyyy-mm-dd"
    ws["J1"].number_format = "0.0%"
    ws["H1"].number_format = 'yyyy"年"'
    path = tmp_path / "kinds.xlsx"
    wb.save(path)
    assert_rows_as_openpyxl(path, "openpyxl")  # a cell beyond column CV: openpyxl streams past it
    del ws["CW1"]
    wb.save(path)
    assert_rows_as_openpyxl(path)
    with wbmod.Book(path) as book:
        [first, *_] = book.sheets[0].read_rows()
    assert len(first) == wbmod.MAX_COLUMNS and first[99] == "最后一列"
    assert first[6] == dt.datetime(2021, 3, 1, 8, 30) and first[14] == "平阳县甲小学新建工程"


KINDS = {  # value, number format
    "A": (12, None), "B": (12.0, None), "C": (-3.25, None), "D": (10**15, None),
    "E": (12345678901234567, None), "F": (-98765432109876543210, None), "G": (1e20, None),
    "H": (2.5e-9, None), "I": (True, None), "J": (False, None), "K": (0.05, "0%"),
    "L": (0.125, "0.00%"), "M": ("3600", "@"), "N": ("０.５", None), "O": ("'28000", None),
    "P": (dt.datetime(2021, 3, 1, 8, 30, 15, 250000), "yyyy-mm-dd hh:mm:ss"),
    "Q": (dt.date(2022, 1, 1), "yyyy-mm-dd"), "R": (dt.time(9, 15), "h:mm"),
    "S": (dt.timedelta(hours=30), "[h]:mm:ss"), "T": (45000, 'yyyy"年"m"月"d"日"'),
    "U": (45000.5, "m/d/yy h:mm"), "V": (45000, "mmm-yy"), "W": (45000, "[$-804]aaaa"),
    "X": (59, "yyyy-mm-dd"), "Y": (60, "yyyy-mm-dd"), "Z": (61, "yyyy-mm-dd"),
    "AA": (0, "yyyy-mm-dd"), "AB": (0.75, "yyyy-mm-dd hh:mm"), "AC": (45000, "#,##0.00"),
    "AD": (9000.0, '0.00"万元"'), "AE": ("=1/0", None), "AF": ("", None), "AG": (" ", None),
    "AH": ("平阳县\n甲小学", None), "AI": ("&lt;&amp;", None), "AJ": (2021, "0\"年\""),
    "AK": (1234567.891, "#,##0.00_ ;[Red]-#,##0.00 "), "AL": (3, "[DBNum1]G/通用格式"),
}


@pytest.mark.parametrize("epoch", ["1900", "1904"])
def test_every_kind_of_value_reads_as_openpyxl_reads_it(tmp_path, epoch):
    """Numbers as text, percents, dates and times of every format, 1904 workbooks, booleans,
    big integers, whole floats, strings of every sort, shared and inline; long and wide."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = openpyxl.Workbook()
    if epoch == "1904":
        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    for r in range(1, 4):
        for letter, (value, fmt) in KINDS.items():
            ws[f"{letter}{r * 3}"] = value
            if fmt:
                ws[f"{letter}{r * 3}"].number_format = fmt
    ws["CV500"] = "远处的最后一列"
    hidden = wb.create_sheet("隐藏")
    hidden.sheet_state = "hidden"
    hidden["B2"] = "隐藏的表"
    path = tmp_path / f"values{epoch}.xlsx"
    wb.save(path)
    assert_rows_as_openpyxl(path)
    with wbmod.Book(path) as book:
        assert [(s.name, s.hidden) for s in book.sheets] == [("Sheet", False), ("隐藏", True)]


def _shared_strings_book(tmp_path: Path) -> Path:
    """A workbook whose strings are in the shared table: plain, rich text with phonetic runs,
    spaces kept, escapes of XML."""
    small = save(tmp_path / "small.xlsx", annex())
    sst = ('<?xml version="1.0" encoding="UTF-8"?>'
           f'<sst xmlns="{MAIN}" count="6" uniqueCount="6">'
           "<si><t>项目名称</t></si>"
           "<si><r><t>平阳</t></r><r><rPr><b/></rPr><t>县</t></r><rPh sb=\"0\" eb=\"1\"><t>pingyang</t></rPh></si>"
           '<si><t xml:space="preserve">  留空格  </t></si>'
           "<si><t>&lt;甲&amp;乙&gt;</t></si>"
           "<si><t></t></si>"
           "<si><t>第一行\n第二行</t></si></sst>")
    body = "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(6))
    sheet = _sheet(f'<row r="1">{body}</row><row r="2"><c r="A2" t="s"><v>3</v></c>'
                   '<c r="B2"><v>7</v></c></row>')
    path = replace_part(small, SHEET, sheet, tmp_path / "sst.xlsx")
    rels = zipfile.ZipFile(path).read("xl/_rels/workbook.xml.rels").decode().replace(
        "</Relationships>", '<Relationship Id="rIdSst" Target="sharedStrings.xml" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>')
    types = zipfile.ZipFile(path).read("[Content_Types].xml").decode().replace(
        "</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    path = replace_part(path, "xl/_rels/workbook.xml.rels", rels.encode())
    path = replace_part(path, "[Content_Types].xml", types.encode())
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("xl/sharedStrings.xml", sst)
    return path


def test_shared_strings_read_as_openpyxl_reads_them(tmp_path):
    assert_rows_as_openpyxl(_shared_strings_book(tmp_path))


def test_an_escaped_control_character_is_read_as_the_officer_typed_it(tmp_path):
    """Excel writes a carriage return typed in a cell as _x000D_; calamine gives it back as the
    character (openpyxl kept the escape as text), and a literal _x000D_ is written _x005F_x000D_."""
    body = ('<row r="1"><c r="A1" t="inlineStr"><is><t>甲小学_x000D_\n新建</t></is></c>'
            '<c r="B1" t="inlineStr"><is><t>_x005F_x000D_</t></is></c></row>')
    small = save(tmp_path / "small.xlsx", annex())
    path = replace_part(small, SHEET, _sheet(body), tmp_path / "escaped.xlsx")
    with wbmod.Book(path) as book:
        [row] = book.sheets[0].read_rows()
    assert tuple(row[:2]) == ("甲小学\r\n新建", "_x000D_")


def test_a_number_too_big_for_a_date_is_read_as_the_number_written(tmp_path):
    """A date format over 3,000,000 (past year 9999): Excel shows ####; the cell holds the
    number, which is read (openpyxl made it the error #VALUE!)."""
    wb = openpyxl.Workbook()
    wb.active["A1"] = 3_000_000
    wb.active["A1"].number_format = "yyyy-mm-dd"
    path = tmp_path / "far.xlsx"
    wb.save(path)
    with wbmod.Book(path) as book:
        [row] = padded(book.sheets[0].read_rows())
    assert row == (3_000_000,) + (None,) * (wbmod.MAX_COLUMNS - 1)


def test_a_negative_date_is_read_by_openpyxl(tmp_path):
    """calamine reads a negative serial in a date cell as midnight: such a sheet goes to
    openpyxl, which gives the date before 1900 it stands for."""
    wb = openpyxl.Workbook()
    wb.active["A1"] = -5
    wb.active["A1"].number_format = "yyyy-mm-dd"
    wb.active["B1"] = 0.5
    wb.active["B1"].number_format = "h:mm"
    path = tmp_path / "negative.xlsx"
    wb.save(path)
    assert_rows_as_openpyxl(path, "openpyxl")


def test_error_cells_read_as_openpyxl_reads_them(tmp_path):
    body = ('<row r="1"><c r="A1" t="e"><v>#N/A</v></c><c r="B1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
            '<c r="C1" s="0" t="e"><v>#REF!</v></c><c r="D1"><v>5</v></c>'
            '<c r="E1" t="e"><f>A1</f><v>#VALUE!</v></c><c r="F1" t="e"/></row>'
            '<row r="3"><c r="CV3" t="e"><v>#NAME?</v></c><c r="B3" t="str"><f>"#N/A"</f><v>#N/A</v></c></row>')
    small = save(tmp_path / "small.xlsx", annex())
    for path in _with_each_prefix(small, body, tmp_path, "errors"):
        assert_rows_as_openpyxl(path, None)
    path = replace_part(small, SHEET, _sheet(body.replace('<c r="CV3"', '<c r="C3"')),
                        tmp_path / "errors.xlsx")
    assert_rows_as_openpyxl(path)


def test_numbers_a_float_would_change_read_as_written(tmp_path):
    body = ('<row r="1"><c r="A1"><v>12345678901234567</v></c><c r="B1"><v>9000.0</v></c>'
            '<c r="C1"><v>1E3</v></c><c r="D1"><v>-1.5e2</v></c><c r="E1"><v>12.</v></c>'
            '<c r="F1" t="n"><v>99999999999999999999</v></c><c r="G1" s="0"><v>7</v></c>'
            '<c r="H1"><f>A1*2</f><v>24691357802469134</v></c><c r="I1"><v>2.50</v></c></row>')
    small = save(tmp_path / "small.xlsx", annex())
    for path in _with_each_prefix(small, body, tmp_path, "numbers"):
        assert_rows_as_openpyxl(path)
    with wbmod.Book(path) as book:
        [row] = book.sheets[0].read_rows()
    assert tuple(row[:3]) == (12345678901234567, 9000.0, 1000.0) and type(row[1]) is float


def _with_each_prefix(small: Path, body: str, folder: Path, stem: str) -> list[Path]:
    """``small`` with its sheet's rows replaced by ``body``, written with the default
    namespace and with a prefixed one (``x:``): the same sheet, two ways of spelling it."""
    return [replace_part(small, SHEET, _sheet(body, prefix), folder / f"{stem}{prefix}.xlsx")
            for prefix in ("", "x")]


def _sheet(body: str, prefix: str = "") -> bytes:
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns{":" + prefix if prefix else ""}="{MAIN}"'
    body = re.sub(r"<(/?)(?!\?)", rf"<\1{p}", body) if prefix else body
    return f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {ns}><{p}sheetData>{body}</{p}sheetData></{p}worksheet>'.encode()


CELL_XML = {
    "no references": '<row><c t="inlineStr"><is><t>甲</t></is></c><c><v>1</v></c><c t="b"><v>1</v></c></row>'
                     '<row><c/><c r="D2"><v>2.5</v></c><c><v>7</v></c></row>',
    "rows out of order": '<row r="3"><c r="A3"><v>3</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>'
                         '<row r="3"><c r="B3"><v>4</v></c></row><row r="5"><c r="A5"><v>5</v></c></row>',
    "types": '<row r="1"><c r="A1" t="str"><v>公式的文字</v></c><c r="B1" t="d"><v>2021-03-01T00:00:00</v></c>'
             '<c r="C1" t="e"><v>#DIV/0!</v></c><c r="D1" t="b"><v>0</v></c><c r="E1" t="n"><v>1E3</v></c>'
             '<c r="F1" t="n"><v></v></c><c r="G1" t="x"><v>奇怪的类型</v></c><c r="H1" s=""><v>8</v></c>'
             '<c r="I1" t="inlineStr"/><c r="J1"><f>A1</f><v>9</v></c><c r="K1"><f>A1</f></c></row>',
    "inline strings": '<row r="1"><c r="A1" t="inlineStr"><is><t/></is></c>'
                      '<c r="B1" t="inlineStr"><is></is></c>'
                      '<c r="C1" t="inlineStr"><is><r><t>平阳</t></r><r><rPr><b/></rPr><t>县</t></r></is></c>'
                      '<c r="D1" t="inlineStr"><is><t>水头</t><rPh sb="0" eb="1"><t>shuitou</t></rPh></is></c>'
                      '<c r="E1" t="inlineStr"><is><t xml:space="preserve"> 留空格 </t></is></c>'
                      '<c r="F1" t="inlineStr"><is><t>a</t><r><t>b</t></r></is></c>'
                      '<c r="G1" t="inlineStr"><v>3</v><is><t>有值也有字</t></is></c>'
                      '<c r="H1" t="inlineStr"><is><t>&lt;&amp;&gt;</t></is></c></row>',
    "odd references": '<row r="1"><c r="a1"><v>1</v></c><c r="ab1"><v>2</v></c><c r="XFD1"><v>3</v></c>'
                      '<c r="C1"><v>4</v></c><c><v>5</v></c><c r="CV1"><v>6</v></c><c r="CW1"><v>7</v></c></row>'
                      '<row r="2.0"><c r="A2"><v>8</v></c></row>',
    "bad shared string": '<row r="1"><c r="A1" t="s"><v>99</v></c></row>',
    "bad reference": '<row r="1"><c r="1A"><v>1</v></c></row>',
    "reference without a row": '<row r="1"><c r="AB"><v>1</v></c></row>',
    "column beyond XFD": '<row r="1"><c r="ZZZZ1"><v>1</v></c></row>',
    "bad row number": '<row r="1.5"><c r="A1"><v>1</v></c></row>',
    "negative row number": '<row r="1"><c r="A1"><v>1</v></c></row><row r="-5"><c r="A-5"><v>1</v></c></row>',
    "negative row, bare reference": '<row r="1"><c r="A1"><v>1</v></c></row><row r="-5"><c r="A-"><v>1</v></c></row>',
    "references off their row": '<row r="2"><c r="A12"><v>1</v></c><c r="B02"><v>2</v></c><c r="AB2"><v>3</v></c>'
                                '<c r="C2"><v>4</v></c></row><row r="12"><c r="A2"><v>5</v></c><c r="b12"><v>6</v></c></row>',
    "attributes before the reference": '<row r="1"><c s="0" r="A1"><v>1</v></c><c r="B1" t="e"><v>#N/A</v></c></row>',
    "a cell repeated": '<row r="1"><c r="A1"><v>1</v></c><c r="A1"><v>2</v></c><c r="B1"><v>3</v></c></row>',
    "cells out of order": '<row r="1"><c r="C1"><v>1</v></c><c r="A1"><v>2</v></c></row>',
    "a far row": '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="A1048576"><v>2</v></c></row>',
    "spaced": '<row r="1">\n  <c r="A1" t="e">\n    <v>#N/A</v>\n  </c>\n  <c r="B1">\n    <f>A1</f>\n  </c>\n'
              '  <c r="C1"><v>1.0</v></c></row>',
    "plain": '<row r="1" spans="1:3"><c r="A1" s="1" t="inlineStr"><is><t>项目</t></is></c><c r="B1" t="b"><v>1</v></c>'
             '<c r="C1"><v>2.5</v></c></row><row r="4" hidden="1"><c r="A4"><v>4</v></c></row>',
}
# the sheets calamine reads (the others go to openpyxl's parser, or are refused by both)
CALAMINE_READS = {"inline strings", "plain", "spaced", "a cell repeated", "cells out of order"}


@pytest.mark.parametrize("case", sorted(CELL_XML))
@pytest.mark.parametrize("prefix", ["", "x"])
def test_hand_written_sheet_xml_reads_as_openpyxl_reads_it(tmp_path, case, prefix):
    small = save(tmp_path / "small.xlsx", annex())
    path = replace_part(small, SHEET, _sheet(CELL_XML[case], prefix), tmp_path / "case.xlsx")
    assert_rows_as_openpyxl(path, "calamine" if case in CALAMINE_READS else None)


@pytest.mark.parametrize("body, first", [
    ('<row r="1"><c r="A1"><v>abc</v></c></row>', "abc"),  # a number cell holding text
    ('<row r="1"><c r="A1" s="x"><v>1</v></c></row>', 1),  # a style that is no number
])
def test_what_openpyxl_refused_is_read_as_written(tmp_path, body, first):
    """openpyxl refused these sheets as unreadable; calamine reads the cell as it is written
    (and the importer then checks it as it checks any cell)."""
    small = save(tmp_path / "small.xlsx", annex())
    path = replace_part(small, SHEET, _sheet(body), tmp_path / "case.xlsx")
    assert outcome(lambda: reference_rows(path, "附件")) == ("error", "unreadable")
    with wbmod.Book(path) as book:
        [row] = book.sheets[0].read_rows()
    assert row[0] == first and read_by(book.sheets[0]) == "calamine"


def test_a_cell_in_the_middle_of_a_row_is_placed_by_its_reference(tmp_path):
    """The light pass checks that each row's first cell refers to it (a writer that numbers
    rows and cells differently does so from the first cell); a single cell in the middle of a
    row that names another row is placed where its reference says, as Excel places it."""
    body = ('<row r="2"><c r="A2"><v>1</v></c><c r="B12"><v>2</v></c><c r="C2"><v>4</v></c></row>'
            '<row r="12"><c r="A12"><v>5</v></c></row>')
    small = save(tmp_path / "small.xlsx", annex())
    path = replace_part(small, SHEET, _sheet(body), tmp_path / "case.xlsx")
    with wbmod.Book(path) as book:
        rows = book.sheets[0].read_rows()
    assert tuple(rows[1][:3]) == (1, None, 4) and tuple(rows[11][:2]) == (5, 2)


def test_the_annex_builders_workbooks_read_as_openpyxl_reads_them(tmp_path):
    lay = annex()
    lay.set("name", len(lay.rows) + 3, "平阳县远处的工程")
    assert_rows_as_openpyxl(save(tmp_path / "a.xlsx", lay, annex(ITEMS[:2], title="幼儿园")))


FORMULA_XML = (
    '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><v>2</v></c>'
    '<c r="C1"><f t="shared" ref="C1:C3" si="0">A1+B1</f></c><c r="G1"><f>B1</f><v>2</v></c></row>'
    '<row r="2"><c r="A2"><v>3</v></c><c r="B2"><v>4</v></c><c r="C2"><f t="shared" si="0"/></c>'
    '<c r="D2"><f t="shared" ref="D2:D3" si="1">SUM($A$1:A2)</f><v>4</v></c></row>'
    '<row r="3"><c r="A3"><v>5</v></c><c r="C3"><f t="shared" si="0"/><v></v></c><c r="D3"><f t="shared" si="1"/></c>'
    '<c r="E3"><f>IF(A1&lt;2,"a&amp;b",0)</f></c><c r="F3"><f t="array" ref="F3">SUM(A1:A2*2)</f></c>'
    '<c r="H3" t="str"><f>"x"</f><v></v></c><c r="I3"><f/></c></row>')


@pytest.mark.parametrize("prefix", ["", "x"])
def test_uncached_formulas_are_those_openpyxl_gives(tmp_path, prefix):
    """The light pass's formula text (shared formulas translated to their cell, XML escapes
    undone, array formulas) is openpyxl's, for every cell without a cached value."""
    small = save(tmp_path / "small.xlsx", annex())
    path = replace_part(small, SHEET, _sheet(FORMULA_XML, prefix), tmp_path / "formulas.xlsx")
    with wbmod.Book(path) as book:
        [sheet] = book.sheets
        rows = sheet.read_rows()
        ours = sheet.formulas(len(rows))
        assert sheet.scan().uncached_formulas and read_by(sheet) == "calamine"
        theirs = wbmod.OpenpyxlSheet(book, book.openpyxl()["附件"]).formulas(len(rows))
    blank = {(r, c) for r, row in enumerate(rows, 1) for c, v in enumerate(row, 1) if v is None}
    assert ours == {k: v for k, v in theirs.items() if k in blank}
    assert ours[(2, 3)] == "=A2+B2" and ours[(3, 5)] == '=IF(A1<2,"a&b",0)' and (2, 4) not in ours


def test_an_annex_is_read_by_calamine_in_one_pass_over_its_sheet(tmp_path, monkeypatch):
    """The builders' annex, and one with uncached formulas: calamine gives the values, the
    sheet's XML is opened once more for the light pass, and openpyxl is never loaded."""
    lay = annex()
    lay.set("period", 9, "=SUM(I9:M9)")
    path = save(tmp_path / "a.xlsx", lay)
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def counting_open(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", counting_open)
    monkeypatch.setattr(wbmod.Book, "openpyxl", lambda self: pytest.fail("openpyxl was loaded"))
    result = read_annex(path)
    assert len(result.projects) == 5 and [i.code for i in result.issues] == []
    assert opened.count(SHEET) == 2  # the zip check's look at its head, the light pass
    with wbmod.Book(path) as book:
        [sheet] = book.sheets
        assert sheet.formulas(100) == {(9, 8): "=SUM(I9:M9)"} and sheet.scan().uncached_formulas


# --- text and header checks -----------------------------------------------------------------
def old_norm(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.year}年" if (value.month, value.day) == (1, 1) else ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, (str, int)):
        return ""
    return label_words(core_normalize_text(str(value)).translate(
        str.maketrans("", "", "“”‘’\"'〝〞「」『』")).rstrip(":").lower())


SPACES = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from(
    list(SPACES) + list("“”‘’\"'〝〞「」『』:：ＡＢ１２３㎡①⑳ﬁ")), max_size=30)
cell_values = st.one_of(
    texts, st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.none(), st.dates(), st.datetimes(), st.times(),
    st.decimals(allow_nan=False), st.sampled_from(["项目名称", "总投资", "2021年", "序号", 2021,
                                                   2021.0, dt.datetime(2021, 1, 1), "合计"]))


@settings(max_examples=400, deadline=None)
@given(text=texts)
def test_normalize_text_is_the_core_one(text):
    assert normalize_text(text) == core_normalize_text(text)


def test_normalize_text_drops_every_whitespace_character():
    assert normalize_text("a" + SPACES + "b") == core_normalize_text("a" + SPACES + "b") == "ab"


@settings(max_examples=400, deadline=None)
@given(value=cell_values)
def test_norm_is_the_plain_one(value):
    assert norm(value) == old_norm(value)


def old_repeats_header(values: tuple, heading: list[tuple[dict[int, str], int]]) -> bool:
    for labels, needed in heading:
        if len(labels) < 2:
            continue
        same = sum(1 for i, label in labels.items()
                   if i < len(values) and values[i] is not None and old_norm(values[i]) == label)
        if same >= needed:
            return True
    return False


HEADER_WORDS = ["序号", "项目名称", "建设性质", "总投资", "合计", "2021年", "2022", "备注", 2021,
                2021.0, dt.datetime(2022, 1, 1), "1", 1, 1.0, None, " 总投资 ", "“十四五”计划投资"]


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=st.lists(st.lists(st.sampled_from(HEADER_WORDS), max_size=12), min_size=1, max_size=3),
       row=st.lists(st.one_of(st.sampled_from(HEADER_WORDS), cell_values), max_size=14))
def test_repeats_header_is_the_plain_count(header, row):
    heading = []
    for line in header:
        labels = {i: t for i, v in enumerate(line) if (t := norm(v))}
        heading.append((labels, max(2, -(-len(labels) * 3 // 5))))
    for values in (tuple(row), tuple(header[0]), tuple(header[-1][:-1])):
        assert repeats_header(values, heading) == old_repeats_header(values, heading)


@settings(max_examples=300, deadline=None)
@given(row=st.lists(st.one_of(st.sampled_from(["注:本表为预估数", "填报单位:县教育局", " ", "", "备注1"]),
                              cell_values), max_size=8))
def test_is_notes_is_the_plain_check(row):
    filled = [v for v in row if v is not None and str(v).strip()]
    plain = 0 < len(filled) <= 2 and isinstance(filled[0], str) and bool(
        re.match(r"^(?:注|附注|备注|说明|填表说明)[0-9一:;、.]|^(?:填报|制表|审核|联系|负责)",
                 core_normalize_text(filled[0])))
    assert is_notes(tuple(row)) == plain


def test_a_year_span_read_twice_is_read_the_same():
    assert read_span("2021-2023") == read_span("2021-2023") == ("span", 2021, 2023)
    assert read_span("3年") == ("duration", 3, None)
    assert read_span(2021) == ("span", 2021, 2021)


# --- bulk insert ----------------------------------------------------------------------------
def _engine(db_url):
    from projtrack.store.engine import make_engine

    return make_engine(db_url)


def _table(metadata: MetaData) -> Table:
    return Table("fast_insert", metadata,
                 Column("id", Integer, primary_key=True),
                 Column("name", String, nullable=False),
                 Column("amount", Scaled(6)),
                 Column("day", Date),
                 Column("kind", String, nullable=False, default="plain"))


def test_bulk_rows_are_stored_as_sqlalchemys_executemany_stores_them(db_url):
    engine = _engine(db_url)
    metadata = MetaData()
    table = _table(metadata)
    metadata.create_all(engine)
    day = dt.date(2025, 8, 31)
    columns = {"name": ["甲", "乙", "丙", "丁"], "amount": [Decimal("1.5"), None, Decimal("0.000001"), Decimal(12)],
               "day": [day, None, day, dt.date(2021, 12, 31)], "kind": ["a", "b", "a", "c"]}
    try:
        with engine.begin() as conn:
            insert_columns(conn, table, columns)
            fast = conn.execute(select(table).order_by(table.c.id)).all()
            conn.execute(table.delete())
            conn.execute(insert(table), [dict(zip(columns, row, strict=True))
                                         for row in zip(*columns.values(), strict=True)])
            plain = conn.execute(select(table).order_by(table.c.id)).all()
        assert [r[1:] for r in fast] == [r[1:] for r in plain]
        assert fast[0][2] == Decimal("1.5") and fast[1][3] is None
        # a column default the rows do not give: SQLAlchemy's own executemany fills it
        with engine.begin() as conn:
            conn.execute(table.delete())
            insert_columns(conn, table, {"name": ["戊"], "amount": [None], "day": [None]})
            assert conn.execute(select(table.c.kind)).scalar_one() == "plain"
        with pytest.raises(TypeError, match="never a float"), engine.begin() as conn:
            insert_columns(conn, table, {"name": ["己"], "amount": [1.5], "day": [None], "kind": ["x"]})
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 1
    finally:
        metadata.drop_all(engine)
        engine.dispose()


def test_an_import_links_each_new_project_to_its_own_rows(store, tmp_path):
    """Ids come back by name after the bulk insert: each project's plans, milestones and audit
    row are its own, in the annex's order."""
    from projtrack.importer.plan import snapshot_json
    from projtrack.services.annex import import_annex
    from projtrack.store.models import AnnualPlan, AuditLog, Milestone, Project
    from projtrack.store.repo import to_facts

    path = save(tmp_path / "附件.xlsx", annex(list(reversed(ITEMS))))
    plan = import_annex(store, path)
    assert not plan.errors and len(plan.added) == len(ITEMS)
    with store.read() as s:
        projects = s.execute(select(Project).order_by(Project.id)).scalars().all()
        assert [p.name for p in projects] == [f.name for f in plan.added]
        for p, facts in zip(projects, plan.added, strict=True):
            plans = dict(s.execute(select(AnnualPlan.year, AnnualPlan.amount)
                                   .where(AnnualPlan.project_id == p.id)).all())
            assert plans == facts.annual_plan
            ms = s.execute(select(Milestone).where(Milestone.project_id == p.id)
                           .order_by(Milestone.seq)).scalars().all()
            defaults = default_milestone_dates(facts.start_year, facts.end_year)
            assert [(m.name, m.planned) for m in ms] == [(n, defaults.get(n)) for n in MILESTONES]
            [audit] = s.execute(select(AuditLog).where(AuditLog.entity_id == p.id,
                                                       AuditLog.action == "create")).scalars().all()
            assert (audit.project_id, audit.new_value, audit.field) == (p.id, p.name, "name")
            assert p.version == 1 and p.total_investment == facts.total_investment
            # every field as the row-by-row ORM path wrote it: facts, phase, status, source, snapshot
            assert to_facts(p, plans) == replace(facts, id=p.id, phase=initial_phase(facts),
                                                 status="active")
            assert p.annex_facts == snapshot_json(facts) and p.source_file == facts.source.file


def test_new_projects_written_a_chunk_at_a_time_keep_their_own_rows(store, tmp_path, monkeypatch):
    """The bulk insert writes a province's new projects a chunk at a time: across chunk
    boundaries each project still gets its own plans, milestones and audit row."""
    import projtrack.store.annex as store_annex

    monkeypatch.setattr(store_annex, "CREATE_CHUNK", 2)
    test_an_import_links_each_new_project_to_its_own_rows(store, tmp_path)


def test_reading_pauses_the_collector_and_restores_it(tmp_path):
    import gc

    path = save(tmp_path / "a.xlsx", annex())
    assert gc.isenabled()
    read_annex(path)
    assert gc.isenabled()
    gc.disable()
    try:
        read_annex(path)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_sheet_scan_finds_what_a_plain_scan_finds(tmp_path):
    """The scan searches for merges, hidden rows and uncached formulas only in the chunks that
    hold the words they need; the words are there whatever the spacing or prefix."""
    body = ('<row r="1" hidden="1"><c r="A1"><f>SUM(B1:C1)</f></c></row><row r="2"><c r="A2"><v>1</v></c></row>'
            '</sheetData><mergeCells count="1"><mergeCell ref="A1:B2"/></mergeCells><sheetData>')
    small = save(tmp_path / "small.xlsx", annex())
    for path in _with_each_prefix(small, body, tmp_path, "scan"):
        with wbmod.Book(path) as book:
            scan = book.sheets[0].scan()
        assert scan.merges == [(1, 1, 2, 2)] and scan.hidden_rows == {1} and scan.uncached_formulas
    with wbmod.Book(small) as book:
        scan = book.sheets[0].scan()
    assert not scan.uncached_formulas and not scan.hidden_rows
