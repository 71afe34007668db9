"""The fill-in template prints legibly on A4 landscape: fitted one page wide at a scale of at
least PRINT_SCALE_MIN, the header rows repeated on every page, the instructions on their own
row across the table, wrapped — read back from the written file."""

from __future__ import annotations

import openpyxl
from openpyxl.utils import get_column_letter

from projtrack.cli import main
from projtrack.progress_io.layout import GROUP_ROW, HEADER_ROW, columns
from projtrack.progress_io.template import PRINT_SCALE_MIN
from projtrack.reports.xlsx import print_scale
from tests.reports.demo import AS_OF


def test_the_template_prints_on_a4_landscape_at_a_legible_scale(demo_db, tmp_path, capsys):
    path = tmp_path / "t.xlsx"
    assert main(["--db", demo_db, "--as-of", AS_OF.isoformat(), "progress", "template",
                 "--out", str(path)]) == 0
    capsys.readouterr()
    ws = openpyxl.load_workbook(path).worksheets[0]
    setup = ws.page_setup
    assert (setup.orientation, int(setup.paperSize)) == ("landscape", int(ws.PAPERSIZE_A4))
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)  # one page wide, as long as needed
    assert ws.print_title_rows == f"${GROUP_ROW}:${HEADER_ROW}"
    scale = print_scale(ws)
    assert PRINT_SCALE_MIN <= scale <= 1, scale
    # the headers wrap in their sized columns, and their row is tall enough for two lines
    last = get_column_letter(len(columns()))
    for c in range(1, len(columns()) + 1):
        assert ws.cell(row=HEADER_ROW, column=c).alignment.wrap_text
    assert ws.row_dimensions[HEADER_ROW].height >= 26
    # the instructions: their own row above the table, merged across it, wrapped
    assert f"A3:{last}3" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A3"].alignment.wrap_text and "黄色" in ws["A3"].value


def test_the_scale_is_what_fitting_gives(demo_db, tmp_path):
    """print_scale against a hand count: 23 columns of the template's widths, A4 landscape
    less 0.25 in margins; and the same sheet at the old widths (about 5 pt type) below 60 %."""
    wb = openpyxl.Workbook()
    ws = wb.active
    cols = columns()
    for i, c in enumerate(cols, 1):
        ws.cell(row=1, column=i).value = "x"
        ws.column_dimensions[get_column_letter(i)].width = c.width
    ws.page_margins.left = ws.page_margins.right = 0.25
    points = sum((c.width * 7 + 5) * 0.75 for c in cols)
    assert abs(print_scale(ws) - (297 / 25.4 - 0.5) * 72 / points) < 1e-9
    old = [7, 34, 9, 14, 6, 11, 10, 11, 13, 11, 11, 10, 8] + [10.5] * 9 + [24]
    for i, width in enumerate(old, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.page_margins.left = ws.page_margins.right = 0.4
    assert print_scale(ws) < 0.55
