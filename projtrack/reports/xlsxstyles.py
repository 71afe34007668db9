"""openpyxl's styles for the workbooks openpyxl still writes (the progress fill-in sheet:
``put``, ``BOX``, ``FILLS``), and the quick way of styling rows that look alike in openpyxl.

The weekly report's workbook is no longer written with openpyxl (``reports.xlsxbook``, with
XlsxWriter in constant memory); ``Looks`` and ``style_row`` are the quick way it was styled
while it was, kept for a big openpyxl sheet and held to the slow way by
tests/reports/test_xlsx_writer.py.  They rely on openpyxl internals that are not its public API:

- ``Cell._style`` is a ``StyleArray`` of indices into the workbook's style tables, which can be
  copied from one cell to another of the same workbook (``Looks``, ``style_row``);
- ``Cell(ws, row=, column=, style_array=)`` takes such an array, ``cell._value`` and
  ``cell.data_type`` can be set directly, and ``ws._add_cell`` adds a new cell to the sheet.

What catches a change of those internals in a new openpyxl:
``test_rows_that_look_alike_get_the_cells_of_the_slow_way`` in tests/reports/test_xlsx_writer.py
compares the quick cells with the ones written the slow way.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from copy import copy
from decimal import Decimal

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from projtrack.reports.cells import Exact, store
from projtrack.reports.cells import text as cell_text
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
BOLD = Font(bold=True)
RATE_PRECISION = Decimal("0.000001")
_NUMBERS = (int, float)  # what openpyxl stores as a number, as it is (a Decimal: Exact)


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


class Looks:
    """The styles of rows that look alike, worked out once per sheet.

    openpyxl registers every font, fill, border, alignment and number format a cell is given
    in the workbook's tables, hashing each one: for a big sheet that is most of the time.  A
    row's look is the caller's ``look`` key (fill, bold, flag…) and the type of each cell's
    value (None, text, a number…).  The first row of each look is written with ``put``
    and styled by ``style(row)`` attribute by attribute; later rows of that look get copies of
    the resulting style arrays (indices into the same workbook tables), so every cell ends
    with exactly the style it would have had.  ``style`` may style only the row's cells
    1..len(values) and may depend on nothing but the look; rows are new (nothing written in
    them before)."""

    def __init__(self, ws):
        self.ws = ws
        self.styles: dict[tuple, list] = {}

    def row(self, row: int, values: list[tuple[object, str | None]], look: tuple,
            style: Callable[[int], None]) -> list:
        """Write ``values`` ((value, kind) for columns 1, 2, …) in ``row``; returns the cells."""
        key = (look, *(type(v) for v, _ in values))
        styles = self.styles.get(key)
        ws = self.ws
        if styles is None:
            cells = [put(ws, row, col, v, kind) for col, (v, kind) in enumerate(values, 1)]
            style(row)
            self.styles[key] = [copy(c._style) for c in cells]
            return cells
        cells = []
        for col, ((v, kind), done) in enumerate(zip(values, styles, strict=True), 1):
            cell = Cell(ws, row=row, column=col, style_array=done)  # a copy of ``done``
            # the value as ``_store`` leaves it, without openpyxl's checks of each value
            if type(v) is str:  # free of illegal characters after the substitution
                cell._value = cell_text(v)
                cell.data_type = "s"
            elif type(v) is Decimal and v.is_finite():  # exact digits (reports.cells)
                cell._value = Exact(v.quantize(RATE_PRECISION) if kind == "rate" else v)
            elif type(v) in _NUMBERS:
                cell._value = v
            elif v is not None:
                _store(cell, v, kind)
            ws._add_cell(cell)
            cells.append(cell)
        return cells


def style_row(ws, row: int, ncols: int, fill: PatternFill | None, bold: bool = False) -> None:
    """Border, fill, bold and alignment for a row.  openpyxl hashes every style object it is
    given to find it in the workbook's tables (over half the time of a 10,000-row report), so
    the resulting style of each (starting style, options) pair is worked out once per workbook
    and then copied to the cells that share it."""
    cache = _style_cache(ws.parent)
    for col in range(1, ncols + 1):
        c = ws.cell(row=row, column=col)
        # fills are the module-level FILLS (or None), so their ids are stable keys
        key = (tuple(c._style) if c._style is not None else (), id(fill), bold,
               isinstance(c.value, str))
        done = cache.get(key)
        if done is not None:
            c._style = copy(done)
            continue
        c.border = BOX
        if fill is not None:
            c.fill = fill
        if bold:
            c.font = BOLD
        if c.alignment.horizontal is None:
            c.alignment = Alignment(vertical="center", wrap_text=isinstance(c.value, str))
        cache[key] = copy(c._style)


_CACHES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _style_cache(wb) -> dict:
    """Style indices belong to one workbook: one cache per workbook."""
    cache = _CACHES.get(wb)
    if cache is None:
        cache = _CACHES[wb] = {}
    return cache


