"""The report workbooks written with XlsxWriter, in constant memory, behind one module.

XlsxWriter's ``constant_memory`` mode writes each row to a temporary file as soon as a later row
is begun, so a workbook of 100,000 projects holds one row in memory, not the sheet.  The price is
order: a row cannot be written to once a later one was, strings are written inline, and merges
are written with their row.  ``ReportSheet`` keeps the row being written as cells that can
still be restyled (``put``, ``restyle``, ``merge``, ``height``) and sends it to XlsxWriter when a
later row is touched, in order, failing loudly (``RowOrderError``) on a row already written;
``ReportSheet.row`` writes a whole row at once (the big tables).

Each cell's look is a ``Look`` (font, fill, border, alignment, number format);
``ReportBook.format`` makes one XlsxWriter ``Format`` per distinct look, so a workbook holds as
many styles as it uses.

Values: text is always text (never a formula, a link or a number, whatever it starts with; the
control characters xlsx cannot hold removed, at most 32,767 characters: ``reports.cells.text``);
a Decimal is written as its exact digits (``reports.cells.Exact``), the cell still a number.

What this relies on that is not XlsxWriter's documented API, and what catches a change:
- XlsxWriter writes a number's ``<v>`` as ``f"{number:.16G}"`` and accepts any object with
  ``__float__`` for it: ``_Digits`` formats as its exact digits whatever the spec.  Through a
  float, Decimal("0.0933") would be 0.09329999999999999 and 17 or more digits would be rounded;
  ``tests/reports/test_xlsx_exact.py`` reads every money cell of a written report back from the
  XML and compares it with the report's Decimal.
- ``_Worksheet`` (passed as ``worksheet_class``, which is documented) writes ``fitToWidth="1"``
  into ``<pageSetup>``, which XlsxWriter leaves out as the schema's default: readers that do not
  apply the default (openpyxl reads None) would otherwise miss the fit to one page wide.
- ``_Worksheet._write_cell`` writes the numbers, texts and styled blanks itself, as XlsxWriter
  does but for a text like a rich string ("<r>…</r>"), which XlsxWriter's constant memory
  writes into the XML unescaped; ``test_cells_are_written_as_xlsxwriter_writes_them`` compares
  its XML with XlsxWriter's byte for byte, ``test_a_text_like_a_rich_string_is_text`` reads
  such names back.
- ``ReportBook.chart`` makes the chart's part use the chart namespace as the default one
  (``<barChart>``, not ``<c:barChart>``: the same XML to any reader of namespaces, and what the
  earlier writer wrote), by wrapping XlsxWriter's element writers.
  ``tests/reports/test_render.py`` looks for ``<barChart>`` and ``<lineChart>`` in the chart
  part and reads the chart back with openpyxl.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.utility import xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import Worksheet, _preserve_whitespace

from projtrack import marks
from projtrack.reports.cells import Exact, text
from projtrack.reports.text import XLSX_FORMATS

RATE_PRECISION = Decimal("0.000001")
# a row's height in pixels, unrounded: XlsxWriter's set_row rounds a height to whole pixels
# (26 pt became 26.25); the height in points is what the file holds
_PX_PER_POINT = 4 / 3
_BIG = 10 ** 15  # an int up to 15 digits is exact as XlsxWriter writes it
BOX_COLOR = "#808080"


class RowOrderError(RuntimeError):
    """A cell of a row that was already written (constant memory writes rows in order)."""


class Look(NamedTuple):
    """How a cell looks.  ``border``: "box" (thin grey all round) or "hair" (a hair line below);
    ``size`` None is the default 11 pt; ``fill`` an RGB like "D9D9D9"."""

    bold: bool = False
    size: float | None = None
    fill: str | None = None
    border: str | None = None
    align: str | None = None  # left | center | right
    valign: str | None = None  # center | top
    wrap: bool = False
    num_format: str | None = None


PLAIN = Look()


def _properties(look: Look) -> dict:
    p: dict[str, object] = {}
    if look.bold:
        p["bold"] = True
    if look.size is not None:
        p["font_size"] = look.size
    if look.fill:
        p["pattern"] = 1
        p["bg_color"] = "#" + look.fill
    if look.border == "box":
        p["border"] = 1
        p["border_color"] = BOX_COLOR
    elif look.border == "hair":
        p["bottom"] = 7
        p["bottom_color"] = "#A0A0A0"
    if look.align:
        p["align"] = look.align
    if look.valign:
        p["valign"] = "vcenter" if look.valign == "center" else look.valign
    if look.wrap:
        p["text_wrap"] = True
    if look.num_format:
        p["num_format"] = look.num_format
    return p


class _Digits(Exact):
    """A Decimal's exact digits as XlsxWriter writes a number (see the module docstring)."""

    __slots__ = ()

    def __init__(self, value: Decimal):
        # the common case read off str(): plain digits with at most 6 decimals (the same text
        # as Exact's, trailing zeros dropped); anything else (an exponent, finer digits) is
        # Exact's own work
        s = str(value)
        dot = s.find(".")
        if "E" in s or (dot >= 0 and len(s) - dot > 7):
            super().__init__(value)
            return
        if dot >= 0:
            s = s.rstrip("0").rstrip(".")
        self.value = value
        self.digits = "0" if s == "-0" else s

    def __format__(self, spec: str) -> str:
        return self.digits

    def __float__(self) -> float:
        return float(self.value)


def exact(value: Decimal, kind: str | None = None) -> _Digits:
    """A finite Decimal as the number a cell holds: a rate to 6 decimals, anything finer than
    6 decimals rounded half up to 6 (``reports.cells.Exact``)."""
    return _Digits(value.quantize(RATE_PRECISION) if kind == "rate" else value)


_OWN = frozenset({"Number", "String", "Blank"})  # the cells _Worksheet writes itself


def _styled_line(ws: Worksheet, row: int, col: int) -> bool:
    """Whether the row or the column has a format of its own (an unstyled cell takes it: left
    to XlsxWriter; the reports set none)."""
    info = ws.row_info.get(row)
    if info is not None and info.row_format is not None:
        return True
    cinfo = ws.col_info.get(col)
    return cinfo is not None and cinfo.column_format is not None


class _Worksheet(Worksheet):
    def _write_cell(self, row: int, col: int, cell) -> None:
        """A number, a text or a styled blank as XlsxWriter writes it in constant memory, with
        two differences: a text that looks like a rich string ("<r>…</r>") is escaped like any
        other (XlsxWriter writes it into the XML as it is: a project named "<r></is></r>"
        made a file no spreadsheet opens), and the cell's attributes, a reference and a style
        number that need no escaping, are not searched for characters to escape (the inner
        loop of a big report).  Anything else is XlsxWriter's own."""
        name = cell.__class__.__name__
        f = cell.format
        if name not in _OWN or (f is None and _styled_line(self, row, col)):
            super()._write_cell(row, col, cell)
            return
        s = f' s="{f._get_xf_index()}"' if f else ""
        ref = xl_rowcol_to_cell_fast(row, col)
        if name == "Number":
            self.fh.write(f'<c r="{ref}"{s}><v>{cell.number:.16G}</v></c>')
        elif name == "String":
            string = self._escape_control_characters(cell.string)
            space = ' xml:space="preserve"' if _preserve_whitespace(string) else ""
            self.fh.write(f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>'
                          f'{self._escape_data(string)}</t></is></c>')
        else:
            self.fh.write(f'<c r="{ref}"{s}/>')

    def _write_page_setup(self) -> None:
        write = self._xml_empty_tag  # type: ignore[has-type]

        def with_width(tag, attributes=()):
            if tag == "pageSetup" and self.fit_page and not any(k == "fitToWidth"
                                                               for k, _ in attributes):
                attributes = [*attributes, ("fitToWidth", self.fit_width)]
            write(tag, attributes)

        self._xml_empty_tag = with_width
        try:
            super()._write_page_setup()
        finally:
            del self._xml_empty_tag


def _bare(tag: str) -> str:
    return tag[2:] if tag.startswith("c:") else tag


class _DefaultNamespace:
    """Chart XML with the chart namespace as the default one (see the module docstring)."""

    def _xml_start_tag(self, tag, attributes=()):
        if tag == "c:chartSpace":
            attributes = [("xmlns" if k == "xmlns:c" else k, v) for k, v in attributes]
        super()._xml_start_tag(_bare(tag), attributes)

    def _xml_start_tag_unencoded(self, tag, attributes=()):
        super()._xml_start_tag_unencoded(_bare(tag), attributes)

    def _xml_end_tag(self, tag):
        super()._xml_end_tag(_bare(tag))

    def _xml_empty_tag(self, tag, attributes=()):
        super()._xml_empty_tag(_bare(tag), attributes)

    def _xml_empty_tag_unencoded(self, tag, attributes=()):
        super()._xml_empty_tag_unencoded(_bare(tag), attributes)

    def _xml_data_element(self, tag, data, attributes=()):
        super()._xml_data_element(_bare(tag), data, attributes)


_CHART_CLASSES: dict[type, type] = {}


class ReportBook:
    """One workbook being written to ``path`` (created by ``close``)."""

    def __init__(self, path: Path, kind: str):
        assert kind in marks.KINDS, kind
        self.path = Path(path)
        # the rows written so far wait in files of a folder of our own, removed whatever happens
        self._tmp = tempfile.TemporaryDirectory(prefix="projtrack-xlsx-")
        self.wb = xlsxwriter.Workbook(str(path), {
            "constant_memory": True, "tmpdir": self._tmp.name,
            # text stays text: never a formula, a link or a number
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        })
        # the mark the annex importer knows a projtrack workbook by (``projtrack.marks``)
        self.wb.set_custom_property(marks.PROPERTY, kind)
        self._formats: dict[Look, object] = {}
        self._sheets: list[ReportSheet] = []

    def format(self, look: Look):
        """The one Format of ``look`` in this workbook (None for the plain look)."""
        if look == PLAIN:
            return None
        f = self._formats.get(look)
        if f is None:
            f = self._formats[look] = self.wb.add_format(_properties(look))
        return f

    def sheet(self, name: str) -> ReportSheet:
        s = ReportSheet(self, self.wb.add_worksheet(name, worksheet_class=_Worksheet))
        self._sheets.append(s)
        return s

    def chart(self, options: dict):
        chart = self.wb.add_chart(options)
        cls = type(chart)
        wrapped = _CHART_CLASSES.get(cls)
        if wrapped is None:
            wrapped = _CHART_CLASSES[cls] = type(cls.__name__, (_DefaultNamespace, cls), {})
        chart.__class__ = wrapped
        return chart

    def __enter__(self) -> ReportBook:
        return self

    def __exit__(self, kind, exc, tb) -> None:
        """Close (write the file) when the block went well; else write nothing.  The rows'
        temporary files go either way."""
        try:
            if exc is None:
                for s in self._sheets:
                    s.flush()
                self.close()
        finally:
            self._tmp.cleanup()

    def close(self) -> None:
        """Write the file.  A failure to create or write it is the system's OSError (which the
        caller's safe write turns into a message naming the file)."""
        try:
            self.wb.close()
        except FileCreateError as exc:
            cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else None
            if cause is not None:
                raise cause from exc
            raise OSError(str(exc)) from exc


class ReportSheet:
    """One worksheet, written row after row (rows and columns are 1-based, as openpyxl's)."""

    def __init__(self, book: ReportBook, ws: Worksheet):
        self.book = book
        self.ws = ws
        self._row = 0  # the row being built (0: none)
        self._last = 0  # the last row sent to XlsxWriter
        self._cells: dict[int, list] = {}  # column → [value, kind, look]
        self._merges: list[tuple[int, int]] = []
        self._height: float | None = None

    # --- the row being built ------------------------------------------------------------------
    def _at(self, row: int) -> None:
        if row != self._row:
            if row <= self._last or row < self._row:
                raise RowOrderError(f"{self.ws.name}: row {row} after row "
                                    f"{max(self._last, self._row)}")
            self.flush()
            self._row = row

    def put(self, row: int, col: int, value: object, kind: str | None = None,
            look: Look = PLAIN) -> None:
        """A cell's value (its number format from ``kind``, as ``reports.text.XLSX_FORMATS``
        has it, for a number) and its look, replacing what the cell had."""
        self._at(row)
        self._cells[col] = [value, kind, with_format(look, value, kind)]

    def value(self, row: int, col: int) -> object:
        self._at(row)
        cell = self._cells.get(col)
        return None if cell is None else cell[0]

    def look(self, row: int, col: int) -> Look:
        self._at(row)
        cell = self._cells.get(col)
        return PLAIN if cell is None else cell[2]

    def restyle(self, row: int, col: int, look: Look) -> None:
        """A cell's look, its value kept (an empty cell gets one: a styled blank)."""
        self._at(row)
        cell = self._cells.get(col)
        if cell is None:
            cell = self._cells[col] = [None, None, PLAIN]
        cell[2] = look

    def merge(self, row: int, first: int, last: int) -> None:
        self._at(row)
        self._merges.append((first, last))

    def height(self, row: int, points: float) -> None:
        self._at(row)
        self._height = points

    def flush(self) -> None:
        """Send the row being built to XlsxWriter."""
        if not self._row:
            return
        ws, r, fmt = self.ws, self._row - 1, self.book.format
        if self._height is not None:
            ws.set_row_pixels(r, self._height * _PX_PER_POINT)
        for first, last in self._merges:
            cell = self._cells.get(first)
            ws.merge_range(r, first - 1, r, last - 1, "", fmt(cell[2]) if cell else None)
        for col in sorted(self._cells):
            value, kind, look = self._cells[col]
            write(ws, r, col - 1, value, kind, fmt(look))
        self._cells, self._merges, self._height = {}, [], None
        self._last, self._row = self._row, 0

    # --- rows written at once -----------------------------------------------------------------
    def row(self, row: int, values: list[tuple[object, str | None]], formats: list,
            height: float | None = None) -> None:
        """A whole row at once: ``values`` (value, kind) for columns 1, 2, … with their
        ``formats`` (``ReportBook.format`` of each cell's look, worked out by the caller); nothing
        more can be written in it."""
        self._at(row)
        self.flush()
        self._row = 0
        self._last = row
        ws, r = self.ws, row - 1
        if height is not None:
            ws.set_row_pixels(r, height * _PX_PER_POINT)
        # ``write`` inlined for the common types: this loop writes most cells of a big report
        string, number = ws.write_string, ws.write_number
        for col, ((value, kind), f) in enumerate(zip(values, formats, strict=True)):
            if type(value) is str and value:
                string(r, col, text(value), f)
            elif type(value) is Decimal and value.is_finite():
                number(r, col, _Digits(value.quantize(RATE_PRECISION) if kind == "rate"
                                       else value), f)
            else:
                write(ws, r, col, value, kind, f)


def with_format(look: Look, value: object, kind: str | None) -> Look:
    """``look`` with the number format of ``kind`` (``reports.text.XLSX_FORMATS``) for a
    number; as it is for text and blanks."""
    if value is not None and not isinstance(value, str) and kind in XLSX_FORMATS:
        return look._replace(num_format=XLSX_FORMATS[kind])
    return look


def write(ws: Worksheet, r: int, c: int, value: object, kind: str | None, f) -> None:
    """One cell (0-based) as ``reports.cells`` has it: text as text, a Decimal exactly (a rate
    to 6 decimals; a non-finite Decimal is an empty cell), an int as it is; any other type is
    a TypeError (the report writes no floats, dates or booleans)."""
    if isinstance(value, str):
        if value:
            ws.write_string(r, c, text(value), f)
        elif f is not None:  # an empty text is an empty cell, as spreadsheets keep it
            ws.write_blank(r, c, None, f)
    elif isinstance(value, Decimal):
        if value.is_finite():
            ws.write_number(r, c, exact(value, kind), f)
        elif f is not None:
            ws.write_blank(r, c, None, f)
    elif type(value) is int:  # a count: beyond 15 digits its exact digits, as a Decimal's
        ws.write_number(r, c, value if -_BIG < value < _BIG else exact(Decimal(value)), f)
    elif value is None:
        if f is not None:
            ws.write_blank(r, c, None, f)
    else:
        raise TypeError(f"no cell for a {type(value).__name__}: {value!r}")
