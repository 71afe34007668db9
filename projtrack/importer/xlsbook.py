"""Reading a legacy binary workbook (.xls, as WPS and old Excel save it) through python-calamine.

``workbook.Book`` opens one of these when the sniffed file is an OLE2 compound file that is
neither encrypted nor a Word document; the sheets it gives have the same methods as the xlsx
ones (``read_rows``, ``scan``, ``formulas``), so everything after the opening — header by
meaning, rows, checks, messages — is the same for both formats.

What .xls does not say, or calamine does not expose: hidden columns and hidden rows (none are
reported, so a hidden column is read like a visible one), formula text (an .xls saved by a
spreadsheet program always holds the computed values, so there are none to find uncached),
number formats (a percent is the fraction it holds).  Checked before calamine sees the file:
its size (``MAX_XLS_BYTES``: .xls is not compressed, so the size bounds the work) — the magic
bytes were sniffed already.  A file calamine cannot read is refused as ``xls_format``, saying to
save it as .xlsx.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from projtrack.importer.workbook import (
    MAX_COLUMNS,
    MAX_MERGES,
    SAVE_AS,
    Sheet,
    SheetScan,
    WorkbookError,
    table_rows,
)

if TYPE_CHECKING:
    from projtrack.importer.workbook import Book

MAX_XLS_BYTES = 64 * 1024 * 1024  # far above a province's annex saved as .xls (a few MB)
MAX_XLS_ROWS = 1_000_000


def check_xls_size(path: Path) -> None:
    """Refuse an .xls above ``MAX_XLS_BYTES`` before it is parsed.  Raises WorkbookError."""
    size = path.stat().st_size
    if size > MAX_XLS_BYTES:
        raise WorkbookError("too_big", f"The .xls file is {size / 1048576:.1f} MB, above the "
                            f"{MAX_XLS_BYTES // 1048576} MB an .xls may have; {SAVE_AS}.",
                            found=f"{size / 1048576:.1f} MB",
                            expected=f"{MAX_XLS_BYTES // 1048576} MB")


def open_xls(path: Path):
    """The calamine workbook of ``path`` (size checked first).  Raises WorkbookError."""
    check_xls_size(path)
    try:
        from python_calamine import CalamineWorkbook

        return CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - any calamine failure is a file problem
        raise WorkbookError("xls_format", "The file is an old binary Excel workbook (.xls) that "
                            f"could not be read ({' '.join(str(exc).split())[:120]}); "
                            f"{SAVE_AS}.") from exc


def _enum_word(value: object) -> str:
    """A calamine enum member's name, lower case ("SheetTypeEnum.WorkSheet" → "worksheet")."""
    return str(value).rsplit(".", 1)[-1].lower()


def is_worksheet(meta) -> bool:
    """A calamine sheet's metadata is of a worksheet (not a chart or macro sheet)."""
    return _enum_word(meta.typ) == "worksheet"


def is_hidden(meta) -> bool:
    """A calamine sheet's metadata says it is hidden (or very hidden)."""
    return _enum_word(meta.visible) != "visible"


def xls_values(value: object) -> object:
    """A calamine cell as openpyxl gives it: None for an empty cell, a whole float as int,
    a datetime at midnight as itself (openpyxl gives datetimes for date cells too)."""
    if value == "" or value is None:
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


class XlsSheet(Sheet):
    """One sheet of an .xls workbook, read through calamine."""

    def __init__(self, book: Book, calamine_book, meta) -> None:  # noqa: D107
        self.book, self.name = book, meta.name
        self.hidden = is_hidden(meta)
        self._cbook = calamine_book
        self._part = ""

    def _sheet(self):
        try:
            return self._cbook.get_sheet_by_name(self.name)
        except Exception as exc:  # noqa: BLE001
            raise WorkbookError("unreadable", f"The sheet {self.name} could not be read: "
                                f"{' '.join(str(exc).split())}", self.name) from exc

    def read_rows(self) -> list[tuple]:
        sheet = self._sheet()
        if sheet.total_height > MAX_XLS_ROWS:
            raise WorkbookError("too_big", f"The sheet {self.name} has {sheet.total_height:,} "
                                f"rows, above {MAX_XLS_ROWS:,}.", self.name,
                                found=f"{sheet.total_height:,}", expected=f"{MAX_XLS_ROWS:,}")
        def values():
            for raw in sheet.to_python(skip_empty_area=False):
                row = tuple(xls_values(v) for v in raw[:MAX_COLUMNS])
                yield row + (None,) * (MAX_COLUMNS - len(row))

        return table_rows(values())

    def scan(self) -> SheetScan:
        """Merged ranges (1-based); no hidden rows or columns, no uncached formulas (.xls)."""
        scan = SheetScan()
        for (r0, c0), (r1, c1) in (self._sheet().merged_cell_ranges or [])[:MAX_MERGES]:
            scan.merges.append((r0 + 1, c0 + 1, r1 + 1, c1 + 1))
        return scan

    def formulas(self, last_row: int) -> dict[tuple[int, int], str]:
        return {}  # calamine gives the values .xls holds, never formula text


def xls_sheets(book: Book, calamine_book) -> list[Sheet]:
    """The worksheets of an opened .xls (chart sheets left out)."""
    return [XlsSheet(book, calamine_book, m) for m in calamine_book.sheets_metadata
            if is_worksheet(m)]
