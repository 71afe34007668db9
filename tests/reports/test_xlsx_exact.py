"""The report workbook as XlsxWriter writes it (``reports.xlsxbook``): every number a cell holds
reads back from the file as exactly the report's Decimal, rows go out in order, and a failed
write leaves nothing behind."""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from projtrack import marks
from projtrack.reports import xlsx
from projtrack.reports.text import Fmt, main_columns
from projtrack.reports.xlsxbook import Look, ReportBook, RowOrderError
from projtrack.services.weekly import issue as issue_weekly
from tests.reports.demo import AS_OF

PRINTED = dt.date(2026, 11, 30)
# many digits, a float's trouble (0.0933), trailing zeros, an exponent, beyond a double's 17
# digits, finer than 6 decimals (rounded half up to 6, as projtrack keeps money), negatives
MANY = [Decimal("123456789012.345678"), Decimal("0.0933"), Decimal("-1200.50"),
        Decimal("98765432109876543210.123456"), Decimal("1.2E+3"), Decimal("0.1234565"),
        Decimal("-0.000001"), Decimal("0E-6"), Decimal("4.5E-5"), Decimal("1200.5000000000002")]
MONEY = ("total_investment", "annual_plan", "actual_this_week", "actual_this_year",
         "cumulative_actual", "funds_received", "payments", "variance")


def _numbers(path: Path, sheet: int) -> dict[str, str]:
    """Cell reference → the text of its <v>, for the numbers of the ``sheet``-th worksheet."""
    with zipfile.ZipFile(path) as zf:
        xml = zf.read(f"xl/worksheets/sheet{sheet}.xml").decode("utf-8")
    return dict(re.findall(r'<c r="([A-Z]+\d+)"[^>]*?(?<!/)><v>([^<]*)</v></c>', xml))


def _expected(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.000001"), rounding="ROUND_HALF_UP") \
        if value.as_tuple().exponent < -6 else value  # type: ignore[operator]


@pytest.fixture
def report(demo_store):
    """The demo's week with the figures of its projects replaced by awkward Decimals."""
    r = issue_weekly(demo_store, as_of=AS_OF).report
    k = iter(range(10**6))
    cats = tuple(replace(c, classes=tuple(
        replace(b, rows=tuple(replace(row, **{f: MANY[next(k) % len(MANY)] for f in MONEY},
                                      annual_completion_rate=Decimal(333) / Decimal(365))
                              for row in b.rows)) for b in c.classes)) for c in r.categories)
    return replace(r, categories=cats)


def test_every_money_cell_reads_back_as_the_report_s_decimal(report, tmp_path):
    path = xlsx.write_xlsx(report, tmp_path / "r.xlsx", lang="zh", printed_on=PRINTED)
    numbers = _numbers(path, 2)  # 项目明细
    cols = main_columns("zh")
    letters = {c.key: openpyxl.utils.get_column_letter(i) for i, c in enumerate(cols, 1)}
    ws = openpyxl.load_workbook(path)["项目明细"]
    names = {ws[f"{letters['name']}{r}"].value: r for r in range(6, ws.max_row + 1)}
    checked = 0
    for row in report.rows:
        r = names[row.name]
        for key in MONEY:
            text = numbers[f"{letters[key]}{r}"]
            assert "E" not in text.upper() and Decimal(text) == _expected(getattr(row, key)), (
                key, text, getattr(row, key))
            checked += 1
        rate = numbers[f"{letters['annual_completion_rate']}{r}"]
        assert rate == "0.912329"  # 333/365 to the sixth decimal, its exact digits
    assert checked == 8 * 88
    # and the grand total line: the summary's Decimal, exact
    total = numbers[f"{letters['total_investment']}6"]
    assert Decimal(total) == report.summary.total_investment


def test_the_digits_as_written(tmp_path):
    path = tmp_path / "d.xlsx"
    with ReportBook(path, marks.WEEKLY_REPORT) as book:
        s = book.sheet("x")
        for i, v in enumerate(MANY, 1):
            s.put(i, 1, v, "money")
        s.put(len(MANY) + 1, 1, 12345678901234567890123, "int")  # a count beyond a double
        s.put(len(MANY) + 2, 1, Decimal("NaN"), "money")  # not a number: an empty cell
        s.put(len(MANY) + 3, 1, "=1+1")  # text stays text
    assert list(_numbers(path, 1).values()) == [
        "123456789012.345678", "0.0933", "-1200.5", "98765432109876543210.123456", "1200",
        "0.123457", "-0.000001", "0", "0.000045", "1200.5", "12345678901234567890123"]
    ws = openpyxl.load_workbook(path)["x"]
    assert ws.cell(row=1, column=1).number_format == "#,##0.00"
    assert ws.cell(row=len(MANY) + 2, column=1).value is None
    formula = ws.cell(row=len(MANY) + 3, column=1)
    assert formula.value == "=1+1" and formula.data_type == "s"


def test_rows_go_out_in_order(tmp_path):
    with pytest.raises(RowOrderError, match="row 2 after row 3"), \
            ReportBook(tmp_path / "o.xlsx", marks.WEEKLY_REPORT) as book:
        s = book.sheet("x")
        s.put(2, 1, "a")
        s.put(3, 1, "b")
        s.put(2, 2, "late")
    assert not (tmp_path / "o.xlsx").exists()  # a failed book writes nothing


def test_a_failed_book_leaves_no_file_and_no_temporaries(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    with pytest.raises(RuntimeError), ReportBook(tmp_path / "f.xlsx", marks.WEEKLY_REPORT) as book:
        s = book.sheet("x")
        for r in range(1, 500):
            s.put(r, 1, "row", look=Look(bold=True))
        raise RuntimeError("disk full")
    assert not (tmp_path / "f.xlsx").exists()
    assert os.listdir(tmp_path / "tmp") == []


def test_a_file_that_cannot_be_made_is_the_system_s_error(tmp_path):
    with pytest.raises(FileNotFoundError), \
            ReportBook(tmp_path / "no-such-folder" / "f.xlsx", marks.WEEKLY_REPORT) as book:
        book.sheet("x").put(1, 1, "a")


def test_the_detail_holds_the_raw_values_of_the_row_cells(report):
    """``xlsx.project_values`` is ``Fmt.row_cells`` without the PDF's text: the same values."""
    for lang in ("zh", "en"):
        fmt = Fmt(lang)
        for seq, row in enumerate(report.rows, 1):
            cells = fmt.row_cells(row, seq)
            assert xlsx.project_values(fmt, row, seq) == {k: v for k, (v, _) in cells.items()}


def test_fit_to_one_page_wide_is_written_out(report, tmp_path):
    path = xlsx.write_xlsx(report, tmp_path / "p.xlsx", lang="zh", printed_on=PRINTED)
    with zipfile.ZipFile(path) as zf:
        setups = [re.search(r"<pageSetup [^>]*>", zf.read(n).decode()).group(0)
                  for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
    assert setups and all('fitToWidth="1"' in s and 'fitToHeight="0"' in s for s in setups)


def _sheet_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read("xl/worksheets/sheet1.xml")


def test_cells_are_written_as_xlsxwriter_writes_them(tmp_path):
    """The report's own cell writer gives XlsxWriter's XML, byte for byte (numbers, texts with
    spaces to keep, characters to escape, styled blanks, with and without a format)."""
    import xlsxwriter

    from projtrack.reports import xlsxbook

    def fill(ws, bold) -> None:
        for r in range(40):
            ws.write_number(r, 0, r * 1.5, bold if r % 2 else None)
            ws.write_string(r, 1, [" lead", "a & b < c", "平阳县\u0007", "_x0041_", "x"][r % 5],
                            bold if r % 3 else None)
            ws.write_blank(r, 2, None, bold)
            ws.write_number(r, 3, xlsxbook.exact(Decimal("123456789012.345678")), bold)
        ws.set_row(3, 30)
        ws.set_column(1, 1, 40)

    paths = []
    for own in (True, False):
        path = tmp_path / f"{own}.xlsx"
        wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        ws = wb.add_worksheet("x", worksheet_class=xlsxbook._Worksheet if own else None)
        fill(ws, wb.add_format({"bold": True}))
        wb.close()
        paths.append(path)
    ours, theirs = (_sheet_xml(p) for p in paths)
    # the page set-up is the one difference: fit to one page wide written out (none here)
    assert ours == theirs


def test_a_text_like_a_rich_string_is_text(report, tmp_path):
    rows = report.rows
    names = ["<r>平阳</r>", "<r></is></c></row></r>", "<r><t>x</t></r>"]
    renamed = {rows[i].id: n for i, n in enumerate(names)}
    cats = tuple(replace(c, classes=tuple(replace(b, rows=tuple(
        replace(r, name=renamed.get(r.id, r.name)) for r in b.rows)) for b in c.classes))
        for c in report.categories)
    path = xlsx.write_xlsx(replace(report, categories=cats), tmp_path / "rich.xlsx", lang="zh",
                           printed_on=PRINTED)
    ws = openpyxl.load_workbook(path)["项目明细"]  # the file opens: no raw XML from a name
    held = {c.value for row in ws.iter_rows(min_row=6) for c in row if isinstance(c.value, str)}
    assert set(names) <= held
