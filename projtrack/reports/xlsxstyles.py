"""openpyxl's styles for the workbooks openpyxl still writes (the progress fill-in sheet:
``put``, ``BOX``, ``FILLS``).

The report workbooks are written with XlsxWriter in constant memory (``reports.xlsxbook``).
"""

from __future__ import annotations

from decimal import Decimal

from openpyxl.styles import Border, PatternFill, Side

from projtrack.reports.cells import store
from projtrack.reports.text import XLSX_FORMATS

FILLS = {
    "header": PatternFill("solid", fgColor="D9D9D9"),
    "total": PatternFill("solid", fgColor="BFBFBF"),
    "category": PatternFill("solid", fgColor="D9D9D9"),
    "class": PatternFill("solid", fgColor="EDEDED"),
    "red": PatternFill("solid", fgColor="F4B6B6"),
    "yellow": PatternFill("solid", fgColor="FFE699"),
    "green": PatternFill("solid", fgColor="C6E0B4"),
}
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
RATE_PRECISION = Decimal("0.000001")


def put(ws, row: int, col: int, value: object, kind: str | None = None):
    """Write one cell (``reports.cells``: text as text, never a formula; a Decimal exactly),
    numbers with the number format of their ``kind``."""
    cell = ws.cell(row=row, column=col)
    _store(cell, value, kind)
    if value is not None and not isinstance(value, str) and kind in XLSX_FORMATS:
        cell.number_format = XLSX_FORMATS[kind]
    return cell


def _store(cell, value: object, kind: str | None) -> None:
    """A cell's value as ``put`` writes it, without its number format (a rate to 6 decimals)."""
    if isinstance(value, Decimal) and kind == "rate":
        value = value.quantize(RATE_PRECISION)
    store(cell, value)
