"""openpyxl's reading of a sheet, for the sheets python-calamine might read otherwise (rows out of
order, cells far beyond the table, unusual XML; ``workbook``) or cannot read — with the speedups
that rely on openpyxl's private API.

- ``ValuesParser``: openpyxl's own sheet parser (``openpyxl.worksheet._reader.WorkSheetParser``,
  with the same defused XML parsing) whose row step is replaced: each cell's value is converted
  as ``WorkSheetParser.parse_cell`` converts it (``_cast_number``, ``INLINE_STRING``,
  ``VALUE_TAG``, shared strings, date formats, ``from_excel``, ``from_ISO8601``) and put
  straight into the row's tuple, without a dict per cell and a second pass to lay the row out.
- ``unsized_sheets``: ``ReadOnlyWorksheet._get_size`` switched off while a workbook loads (a
  sheet without a <dimension> record was parsed whole to measure it; dimensions are ignored).
- ``translate_shared_formula``: openpyxl's public Translator, for the light pass's shared formulas.
- ``sheet_values``: the rows of a read-only sheet (its private ``_get_source`` and
  ``_shared_strings``, the workbook's ``_date_formats`` and ``_timedelta_formats``).

openpyxl is pinned below 3.2 in pyproject.toml.  What catches a change:
``tests/importer/test_fast_paths.py`` reads every kind of cell, 1904 workbooks, hand-written
sheet XML and the annex builders' workbooks both ways and compares them with openpyxl's own
``iter_rows`` (the sheets of unusual XML are the ones that come here).
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from openpyxl.cell.text import Text
from openpyxl.formula.translate import Translator
from openpyxl.utils.cell import column_index_from_string, coordinate_to_tuple
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import INLINE_STRING, VALUE_TAG, WorkSheetParser, _cast_number
from openpyxl.xml.constants import SHEET_MAIN_NS

_LOAD_LOCK = threading.Lock()


@contextmanager
def unsized_sheets() -> Iterator[None]:
    """openpyxl measures each read-only sheet while loading, and parses a sheet without a
    <dimension> record whole to do so; we ignore dimensions anyway, so skip that step."""
    with _LOAD_LOCK:
        original = ReadOnlyWorksheet._get_size
        ReadOnlyWorksheet._get_size = lambda self: None
        try:
            yield
        finally:
            ReadOnlyWorksheet._get_size = original


_TEXT_TAG = f"{{{SHEET_MAIN_NS}}}t"


_COLUMN_NUMBERS: dict[str, int] = {}  # column letters (as written: "AB", "ab") → number


def _column(coordinate: str) -> int:
    """The column of a cell reference ("AB12" → 28), as ``coordinate_to_tuple`` reads it (and
    failing as it fails, for a reference it does not read)."""
    letters = coordinate.rstrip("0123456789")
    if letters and letters.isascii() and letters.isalpha() and 0 < len(coordinate) - len(letters) <= 7:
        number = _COLUMN_NUMBERS.get(letters)
        if number is None:
            try:
                number = _COLUMN_NUMBERS[letters] = column_index_from_string(letters)
            except ValueError:
                return coordinate_to_tuple(coordinate)[1]
        return number
    return coordinate_to_tuple(coordinate)[1]


class ValuesParser(WorkSheetParser):
    """openpyxl's sheet parser (the same defused XML parsing, the same handling of everything
    around the rows) whose rows come out as the tuples of values a read-only ``iter_rows(
    max_col=width, values_only=True)`` gives: each cell converted exactly as
    ``WorkSheetParser.parse_cell`` converts it, without a dict per cell and a second pass to
    lay the cells out.  Cached values only (``data_only``); ``width`` columns."""

    width = 100

    def parse_row(self, row):
        r = row.get("r")
        if r is not None:
            try:
                self.row_counter = int(r)
            except ValueError:
                val = float(r)
                if not val.is_integer():
                    raise ValueError(f"{r} is not a valid row number") from None
                self.row_counter = int(val)
        else:
            self.row_counter += 1
        width = self.width
        values = [None] * width
        column = 0
        digits = str(self.row_counter)  # a reference is most often its column's letters + these
        known = digits.isdigit()  # (not for a negative row number: those go the long way)
        cut = -len(digits)
        for element in row:  # parse_cell, step by step
            attrib = element.attrib
            data_type = attrib.get("t", "n")
            coordinate = attrib.get("r")
            style_id = attrib.get("s", 0)
            if style_id:
                style_id = int(style_id)
            if not coordinate:
                column += 1
            elif not (known and coordinate.endswith(digits) and (
                    column := _COLUMN_NUMBERS.get(coordinate[:cut], 0))):
                column = _column(coordinate)
            if data_type == "inlineStr":
                child = element.find(INLINE_STRING)
                if child is None:
                    value = None
                elif (len(child) == 1 and not child.attrib and child[0].tag == _TEXT_TAG
                      and not len(child[0])):
                    value = child[0].text or ""  # <is><t>…</t></is>: what Text.content gives
                else:
                    value = Text.from_tree(child).content
            else:
                value = element.findtext(VALUE_TAG, None) or None
                if value is None:
                    pass
                elif data_type == "n":
                    value = _cast_number(value)
                    if style_id in self.date_formats:
                        value = self._date(value, style_id, coordinate)
                elif data_type == "s":
                    value = self.shared_strings[int(value)]
                elif data_type == "b":
                    value = bool(int(value))
                elif data_type == "d":
                    value = from_ISO8601(value)
            if 1 <= column <= width:
                values[column - 1] = value
        self.col_counter = column
        return self.row_counter, tuple(values)

    def _date(self, value: float, style_id: int, coordinate: str | None) -> object:
        try:
            return from_excel(value, self.epoch, timedelta=style_id in self.timedelta_formats)
        except (OverflowError, ValueError):
            warnings.warn(f"Cell {coordinate} is marked as a date but the serial value {value} is "
                          "outside the limits for dates. The cell will be treated as an error.",
                          stacklevel=2)
            return "#VALUE!"


def sheet_values(ws: ReadOnlyWorksheet, wb, width: int) -> Iterator[tuple]:
    """What ``iter_rows(max_col=width, values_only=True)`` of the read-only sheet ``ws`` (of
    the workbook ``wb``) gives with its dimensions reset: a tuple of ``width`` values for each
    row from row 1 (rows missing from the XML as empty ones; a row repeating an earlier number
    is skipped)."""
    empty = (None,) * width
    counter = 1
    with ws._get_source() as src:
        parser = ValuesParser(src, ws._shared_strings, data_only=True, epoch=wb.epoch,
                              date_formats=wb._date_formats,
                              timedelta_formats=wb._timedelta_formats)
        parser.width = width
        for idx, values in parser.parse():
            while counter < idx:
                counter += 1
                yield empty
            if counter <= idx:
                counter += 1
                yield values


def translate_shared_formula(formula: str, origin: str, cell: str) -> str:
    """A shared formula written at ``origin`` as it reads at ``cell`` — openpyxl's Translator,
    which its own sheet parser uses for the same (the light pass, ``xlsxscan``, gives the text
    of uncached formulas; a shared one is written once, at its first cell)."""
    return Translator(formula, origin).translate_formula(cell)
