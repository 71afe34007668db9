"""Safe opening of an .xlsx workbook, read through python-calamine (an .xls is opened after the
same sniffing by ``xlsbook``, through calamine too).

Before any parser sees a file: its magic bytes are sniffed (empty, old .xls, encrypted OOXML, Word,
CSV …), the zip's declared sizes and compression ratios are checked (zip bombs), the shared-string
table's size and count are bounded, and the XML parts are searched for DOCTYPE/ENTITY
declarations, which Excel never writes (a worksheet's whole text by the light pass below, before
calamine parses it).

Each sheet's values come from calamine; one light streaming pass over the sheet's XML
(``xlsxscan``) gives what calamine does not: merged ranges, hidden rows and columns, the formula
text of cells without a cached value, the text of error cells, the exact text of numbers a float
would change.  Values are given as openpyxl gives them (an int for a whole number, a datetime for
a date), which the importer's tests pin.  A sheet calamine might read otherwise than openpyxl —
rows out of order, a cell referring to another row, cells beyond column ``MAX_COLUMNS``, unusual
XML — or that calamine cannot read is read by openpyxl's streaming parser instead (``xlsxfast``,
defusedxml first), as is a workbook calamine cannot open; openpyxl is imported only then.

A sheet stops after ``EMPTY_ROWS_STOP`` consecutive empty rows, at most ``MAX_COLUMNS`` columns
wide.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from python_calamine import CalamineError

from projtrack.importer.xlsxscan import (
    MAX_COLUMNS,
    MAX_MERGES,  # noqa: F401  (xlsbook takes it from here)
    SheetScan,
    UnsafeSheet,
    scan_sheet,
)

MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024  # declared bytes, all members together
MAX_RATIO = 100  # uncompressed / compressed, for members bigger than RATIO_MIN_SIZE
RATIO_MIN_SIZE = 4 * 1024 * 1024
MAX_MEMBERS = 10_000
EMPTY_ROWS_STOP = 200  # consecutive empty rows that end a sheet
# Size bounds checked before any parser runs, far above the largest real annex (a county: a few
# thousand projects; a province: tens of thousands, each with a score of text cells).
MAX_SHARED_STRINGS = 2_000_000  # the sharedStrings part's declared count, and its <si> elements
MAX_SHARED_STRINGS_BYTES = 150 * 1024 * 1024  # that part, uncompressed
SHARED_STRINGS = "xl/sharedStrings.xml"
_PROLOG_BYTES = 64 * 1024
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DTD_MARKERS = tuple(m.encode(e) for m in ("<!DOCTYPE", "<!ENTITY") for e in ("utf-8", "utf-16-le"))
_UNCACHED = re.compile(
    rb"<(?:\w+:)?f\b[^>]*?(?:/>|>[^<]*</(?:\w+:)?f>)\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?"
    rb"\s*</(?:\w+:)?c>"
)
_WORKSHEETS = "xl/worksheets/"


def _defusedxml_available() -> bool:
    """As openpyxl decides whether it parses with defusedxml (importable, not switched off)."""
    import os

    try:
        import defusedxml  # noqa: F401
    except ImportError:
        return False
    return os.environ.get("OPENPYXL_DEFUSEDXML", "True") == "True"


DEFUSEDXML = _defusedxml_available()
SAVE_AS = "open it in Excel or WPS and save it as an Excel Workbook (.xlsx), then import that file"


class WorkbookError(Exception):
    """The file cannot be read as a workbook; ``code`` is the issue code (``found`` and
    ``expected``: what was found and the limit, for ``too_big``)."""

    def __init__(self, code: str, message: str, sheet: str | None = None, *,
                 found: str | None = None, expected: str | None = None):
        super().__init__(message)
        self.code, self.message, self.sheet = code, message, sheet
        self.found, self.expected = found, expected


def sniff(path: Path) -> None:
    """Refuse what is not an .xlsx before any parser sees it.  Raises WorkbookError."""
    sniff_kind(path, allow_xls=False)


def sniff_kind(path: Path, *, allow_xls: bool = True) -> str:
    """"xlsx" (a zip package) or, with ``allow_xls``, "xls" (an OLE2 compound file that is
    neither encrypted nor a Word document); anything else is refused before any parser sees
    it.  Raises WorkbookError."""
    if not path.exists():
        raise WorkbookError("not_found", f"The file {path.name} does not exist.")
    if not path.is_file():
        raise WorkbookError("not_found", f"{path.name} is not a file.")
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise WorkbookError("unreadable", f"The file could not be opened: {exc.strerror}.") from exc
    if not head:
        raise WorkbookError("empty_file", "The file is empty (0 bytes); there is nothing to import.")
    if head.startswith(_OLE2):
        if (kind := _ole2_kind(path)) == "encrypted":
            raise WorkbookError("encrypted", "The workbook is password-protected (encrypted); open it "
                                "in Excel or WPS, remove the password and save it as .xlsx.")
        if kind == "word":
            raise WorkbookError("not_xlsx", "The file is a Word document (.doc), not an Excel workbook.")
        if allow_xls:
            return "xls"
        raise WorkbookError("xls_format", "The file is an old binary Excel workbook (.xls), which "
                            f"cannot be read; {SAVE_AS}.")
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "xlsx"
    raise WorkbookError("not_xlsx", f"The file is not an Excel .xlsx workbook: {_guess_text(head)}.")


def _ole2_kind(path: Path) -> str:
    """An OLE2 compound file: an encrypted OOXML package, a Word .doc or (else) an .xls."""
    markers = {"encrypted": "EncryptedPackage", "word": "WordDocument"}
    needles = {k: (v.encode("utf-16-le"), v.encode()) for k, v in markers.items()}
    tail = b""
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            buf = tail + chunk
            for kind, forms in needles.items():
                if any(form in buf for form in forms):
                    return kind
            tail = buf[-64:]
    return "xls"


def _guess_text(head: bytes) -> str:
    if head.startswith((b"%PDF", b"{\\rtf")) or b"\0" in head:
        return "its content is neither a zip package nor text"
    text = head.decode("gb18030", errors="replace").lower()
    if "<html" in text or "<table" in text:
        return "it is an HTML page (often exported by web systems with an .xls name); " + SAVE_AS
    if any(sep in text for sep in (",", "\t", "，")):
        return "it looks like a CSV/text file; " + SAVE_AS
    return "it is a text file"


def check_zip(zf: zipfile.ZipFile) -> None:
    """Declared sizes and ratios (zip bombs), the parts of a workbook, DTDs in the XML."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise WorkbookError("zip_bomb", f"The file holds {len(infos)} zip members (limit "
                            f"{MAX_MEMBERS}); it was not opened.")
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_UNCOMPRESSED:
        raise WorkbookError("zip_bomb", f"The file declares {total / 2**20:,.0f} MB of uncompressed "
                            f"content (limit {MAX_TOTAL_UNCOMPRESSED // 2**20} MB); it was not opened.")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_MIN_SIZE and ratio > MAX_RATIO:
            raise WorkbookError("zip_bomb", f"The member {info.filename} expands {ratio:,.0f} times "
                                f"(limit {MAX_RATIO}); the file looks like a zip bomb and was not opened.")
        if info.flag_bits & 0x1:
            raise WorkbookError("encrypted", "The zip package is password-protected; it cannot be read.")
    names = {i.filename.lstrip("/") for i in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        kind = "its content is a zip package but not an Excel workbook"
        if "word/document.xml" in names:
            kind = "it is a Word document (.docx)"
        elif "mimetype" in names:
            kind = "it is an OpenDocument file (.ods); " + SAVE_AS
        raise WorkbookError("not_xlsx", f"The file is not an Excel .xlsx workbook: {kind}.")
    if "xl/workbook.bin" in names:
        raise WorkbookError("not_xlsx", f"The file is a binary workbook (.xlsb); {SAVE_AS}.")
    check_shared_strings(zf)
    for info in infos:
        if info.filename.endswith((".xml", ".rels", ".vml")) and _declares_dtd(zf, info):
            raise WorkbookError("unsafe_xml", f"The part {info.filename} declares a DOCTYPE or "
                                "entities, which Excel never writes (an XML entity-expansion "
                                "attack); the file was not read.")


_COUNT_ATTR = re.compile(rb'\b(?:count|uniqueCount)="(\d+)"')
_SST_TAG = re.compile(rb"<(?:\w+:)?sst\b([^>]*)>")
_SI_TAG = re.compile(rb"<(?:\w+:)?si[\s>/]")
_ROW_OPEN = re.compile(rb"<(?:\w+:)?row[\s>/]")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="[A-Za-z]*\d+:[A-Za-z]*(\d+)"')


def _too_big(what: str, found: int, limit: int) -> WorkbookError:
    return WorkbookError("too_big", f"The file is too big to read: {what} {found:,} (limit "
                         f"{limit:,}); it was not opened.", found=f"{what} {found:,}",
                         expected=f"{limit:,}")


def _count(zf: zipfile.ZipFile, info: zipfile.ZipInfo, tag: re.Pattern[bytes], limit: int,
           what: str) -> int:
    """The number of ``tag`` matches in the member, streamed; WorkbookError past ``limit``."""
    n, tail = 0, b""
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            buf = tail + chunk
            n += sum(1 for m in tag.finditer(buf) if m.end() > len(tail))
            if n > limit:
                raise _too_big(what, n, limit)
            tail = buf[-32:]
    return n


def check_shared_strings(zf: zipfile.ZipFile) -> None:
    """The shared-string table within bounds, before openpyxl loads it whole: its size, its
    declared count and the strings it holds.  Raises WorkbookError (``too_big``)."""
    info = next((i for i in zf.infolist() if i.filename.lstrip("/") == SHARED_STRINGS), None)
    if info is None:
        return
    if info.file_size > MAX_SHARED_STRINGS_BYTES:
        raise _too_big("shared strings (MB)", info.file_size // 2**20,
                       MAX_SHARED_STRINGS_BYTES // 2**20)
    with zf.open(info) as fh:
        head = fh.read(4096)
    root = _SST_TAG.search(head)
    for m in _COUNT_ATTR.finditer(root[1] if root else b""):
        if int(m[1]) > MAX_SHARED_STRINGS:
            raise _too_big("shared strings", int(m[1]), MAX_SHARED_STRINGS)
    _count(zf, info, _SI_TAG, MAX_SHARED_STRINGS, "shared strings")


def check_sheet_rows(zf: zipfile.ZipFile, limit: int) -> None:
    """Every worksheet at most ``limit`` rows, by its declared dimension and by its rows as
    they stream past, before a parser loads it.  Raises WorkbookError (``too_big``)."""
    for info in zf.infolist():
        name = info.filename.lstrip("/")
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        with zf.open(info) as fh:
            head = fh.read(_PROLOG_BYTES)
        if (m := _DIMENSION.search(head)) and int(m[1]) > limit:
            raise _too_big("rows", int(m[1]), limit)
        _count(zf, info, _ROW_OPEN, limit, "rows")


def _declares_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """A DOCTYPE comes before the root element.  A worksheet's head is enough here while
    defusedxml is there: its whole text is searched by the light pass before calamine parses
    it (and openpyxl, should it read the sheet instead, parses with defusedxml); without
    defusedxml, and for every other part (calamine parses them as the workbook opens), the
    whole part is searched."""
    whole = not DEFUSEDXML or not info.filename.lstrip("/").startswith(_WORKSHEETS)
    tail = b""
    with zf.open(info) as fh:
        while chunk := fh.read(_PROLOG_BYTES):
            buf = tail + chunk
            if any(marker in buf for marker in _DTD_MARKERS):
                return True
            if not whole:
                return False
            tail = buf[-32:]
    return False


def _load(path: Path, data_only: bool):
    """The openpyxl workbook (read-only, defusedxml first), for what calamine does not read."""
    import defusedxml  # noqa: F401  (openpyxl uses defusedxml only when it is importable)
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    from projtrack.importer.xlsxfast import unsized_sheets

    try:
        with unsized_sheets(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(path, read_only=True, data_only=data_only, keep_links=False)
    except DefusedXmlException as exc:
        raise WorkbookError("unsafe_xml", "The workbook's XML declares entities (an entity-"
                            "expansion attack); the file was not read.") from exc
    except (InvalidFileException, zipfile.BadZipFile, KeyError) as exc:
        raise WorkbookError("not_xlsx", "The file is not a readable Excel .xlsx workbook "
                            f"({type(exc).__name__}).") from exc
    except Exception as exc:  # noqa: BLE001 - any parser failure is a file problem
        if _caused_by_unsafe_xml(exc):  # openpyxl wraps what defusedxml raised
            raise WorkbookError("unsafe_xml", "The workbook's XML declares entities (an entity-"
                                "expansion attack); the file was not read.") from exc
        raise WorkbookError("unreadable", "The workbook could not be read: "
                            f"{' '.join(str(exc).split())}") from exc


def _caused_by_unsafe_xml(exc: BaseException | None) -> bool:
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, DefusedXmlException):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _unsafe(sheet: str) -> WorkbookError:
    return WorkbookError("unsafe_xml", f"The sheet {sheet} declares XML entities (an entity-"
                         "expansion attack); the file was not read.", sheet)


class Sheet:
    """One worksheet of an .xlsx: values from calamine, the rest from the light pass."""

    def __init__(self, book: Book, name: str, hidden: bool, part: str) -> None:
        self.book, self.name, self.hidden, self._part = book, name, hidden, part
        self._scan: SheetScan | None = None
        self._instead: Sheet | None = None  # openpyxl's reading, for a sheet calamine might misread

    def light_pass(self) -> SheetScan:
        """The sheet's light pass (once): merges, hidden rows and columns, uncached formulas,
        error cells, exact numbers, and whether calamine reads it as openpyxl does."""
        if self._scan is None:
            if self._part not in self.book.names:
                self._scan = SheetScan()
            else:
                try:
                    self._scan = scan_sheet(self.book.zip, self._part)
                except UnsafeSheet as exc:
                    raise _unsafe(self.name) from exc
                except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError,
                        RuntimeError) as exc:
                    raise WorkbookError("unreadable", f"The sheet {self.name} could not be read: "
                                        f"{' '.join(str(exc).split())}", self.name) from exc
        return self._scan

    def _openpyxl(self) -> Sheet:
        if self._instead is None:
            self._instead = OpenpyxlSheet(self.book, self.book.openpyxl()[self.name])
            self._instead._scan = self._scan
        return self._instead

    def read_rows(self) -> list[tuple] | list[list]:
        """Cell values row by row from row 1 (None for empty cells), up to the last non-empty row
        before EMPTY_ROWS_STOP consecutive empty rows: tuples of MAX_COLUMNS values from
        openpyxl; from calamine lists (which the reader then need not copy) as wide as the
        sheet's last filled column, at most MAX_COLUMNS."""
        scan = self.light_pass()
        if scan.irregular is not None or self.book.cal is None:
            return self._openpyxl().read_rows()
        try:
            sheet = self.book.cal.get_sheet_by_name(self.name)
            if scan.negatives and _time_at(sheet, scan.negatives):
                return self._openpyxl().read_rows()  # calamine reads a negative date as midnight
            first, last = sheet.start, sheet.end  # (row, column) from 0; None: an empty sheet
            width = max([last[1] + 1 if last else 0] + [c for _r, c in scan.errors]
                        + [c for _r, c in scan.numbers] + [c for _r, c in scan.formulas])
            return table_rows(_values(sheet.iter_rows(), scan, first[1] if first else 0,
                                      min(width, MAX_COLUMNS)))
        except (CalamineError, ValueError, OverflowError):  # what calamine cannot read
            return self._openpyxl().read_rows()  # openpyxl may (or says why it cannot)

    def scan(self) -> SheetScan:
        """Merged ranges, hidden rows and columns, whether any formula lacks a cached value."""
        scan = self.light_pass()
        if scan.irregular is not None and not scan.uncached_formulas:  # the pass stopped looking
            scan.uncached_formulas = self._any_uncached()
        return scan

    def _any_uncached(self) -> bool:
        if self._part not in self.book.names:
            return False
        tail = b""
        with _parse_errors(self.name), self.book.zip.open(self._part) as fh:
            while chunk := fh.read(1 << 20):
                buf = tail + chunk
                if (b"<f" in buf or b":f" in buf) and _UNCACHED.search(buf):
                    return True
                tail = buf[-16384:]
        return False

    def formulas(self, last_row: int) -> dict[tuple[int, int], str]:
        """Formula text ("=…") of the cells in rows 1..last_row without a cached value, keyed
        by (row, column)."""
        scan = self.light_pass()
        if scan.irregular is not None or self.book.cal is None:
            return self._openpyxl().formulas(last_row)
        return {k: v for k, v in scan.formulas.items() if k[0] <= max(last_row, 1)}


def _time_at(sheet, cells: set[tuple[int, int]]) -> bool:
    """Whether calamine gives a time of day for any of ``cells`` (rows, columns from 1)."""
    skipped = sheet.start[1] if sheet.start else 0
    for r, raw in enumerate(sheet.iter_rows(), 1):
        for c in (c for row, c in cells if row == r):
            if 0 < c - skipped <= len(raw) and type(raw[c - skipped - 1]) is dt.time:
                return True
    return False


def _values(grid: Iterable[list], scan: SheetScan, skipped: int = 0,
            width: int = MAX_COLUMNS) -> Iterator[list]:
    """calamine's rows as openpyxl gives them: None for an empty cell, an int for a whole
    number, a datetime for a date, the error's text for an error cell, numbers a float would
    change as written; ``width`` values a row, the sheet's own (at most MAX_COLUMNS: what lies
    right of its last filled column is empty, and rows of 100 slots cost memory and time over a
    province's 100,000 rows); each a list, which the reader changes.  ``grid``: calamine's rows
    from row 1, each from the column after the ``skipped`` empty ones."""
    fixes: dict[int, list[tuple[int, object]]] = {}
    for (r, c), text in scan.errors.items():
        fixes.setdefault(r, []).append((c, text))
    numbers = scan.numbers
    for (r, c), number in numbers.items():
        fixes.setdefault(r, []).append((c, number))
    date, datetime = dt.date, dt.datetime
    for r, raw in enumerate(grid, 1):
        row: list = [None] * width
        i = skipped
        for v in raw[:width - skipped] if skipped < width else ():
            kind = type(v)
            if kind is str:
                if v:
                    row[i] = v
            elif kind is float:
                row[i] = int(v) if v.is_integer() else v
            elif kind is date:
                row[i] = datetime(v.year, v.month, v.day)
            else:  # bool, datetime, time, timedelta
                row[i] = v
            i += 1
        if r in fixes:
            for c, fix in fixes[r]:
                current = row[c - 1]
                if (r, c) not in numbers or (type(current) in (int, float)):
                    row[c - 1] = fix
        yield row


class OpenpyxlSheet(Sheet):
    """A sheet read by openpyxl's streaming parser (``xlsxfast``), with the old second pass
    for formula text: for a sheet calamine might read otherwise, or a workbook calamine cannot
    open."""

    def __init__(self, book: Book, ws) -> None:  # noqa: D107
        self.book, self._ws, self.name = book, ws, ws.title
        self.hidden = getattr(ws, "sheet_state", "visible") in ("hidden", "veryHidden")
        self._part = str(getattr(ws, "_worksheet_path", "") or "").lstrip("/")
        self._scan = None
        self._instead = self

    def read_rows(self) -> list[tuple]:
        from projtrack.importer.xlsxfast import sheet_values

        with _parse_errors(self.name), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return table_rows(sheet_values(self._ws, self.book.openpyxl(), MAX_COLUMNS))

    def formulas(self, last_row: int) -> dict[tuple[int, int], str]:
        """Formula text of the cells in rows 1..last_row, keyed by (row, column)."""
        found: dict[tuple[int, int], str] = {}
        wb = _load(self.book.path, data_only=False)
        try:
            ws = wb[self.name]
            ws.reset_dimensions()
            with _parse_errors(self.name), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                rows = ws.iter_rows(max_row=max(last_row, 1), max_col=MAX_COLUMNS, values_only=True)
                for r, values in enumerate(rows, 1):
                    for c, value in enumerate(values, 1):
                        text = getattr(value, "text", value)  # ArrayFormula keeps its text
                        if isinstance(text, str) and text.startswith("="):
                            found[(r, c)] = text
        finally:
            wb.close()
        return found


@contextmanager
def _parse_errors(sheet: str) -> Iterator[None]:
    try:
        yield
    except WorkbookError:
        raise
    except Exception as exc:  # noqa: BLE001
        if _caused_by_unsafe_xml(exc):
            raise _unsafe(sheet) from exc
        raise WorkbookError("unreadable", f"The sheet {sheet} could not be read: "
                            f"{' '.join(str(exc).split())}", sheet) from exc


_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_OFFICE_DOCUMENT = "/officeDocument"


class _NotForCalamine(Exception):
    """The workbook's structure is not the plain one the calamine path reads (openpyxl does)."""


def _part_xml(zf: zipfile.ZipFile, name: str):
    from defusedxml.ElementTree import fromstring

    try:
        return fromstring(zf.read(name))
    except KeyError as exc:
        raise _NotForCalamine(name) from exc


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id → (type, target part)."""
    folder, base = posixpath.split(part)
    root = _part_xml(zf, posixpath.join(folder, "_rels", base + ".rels"))
    out = {}
    for rel in root.iter(_REL):
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
        out[rel.get("Id", "")] = (rel.get("Type", ""), target)
    return out


def workbook_sheets(zf: zipfile.ZipFile) -> list[tuple[str, bool, str]]:
    """The worksheets of the package as openpyxl lists them: (name, hidden, part), in order.
    Raises _NotForCalamine for a structure openpyxl is to read (a dialog or macro sheet, a
    missing part)."""
    names = set(zf.namelist())
    book = next((t for kind, t in _rels(zf, "").values() if kind.endswith(_OFFICE_DOCUMENT)),
                None)
    if book is None or book not in names:
        raise _NotForCalamine("no workbook part")
    rels = _rels(zf, book)
    out = []
    for sheet in _part_xml(zf, book).iter(_MAIN + "sheet"):
        kind, part = rels.get(sheet.get(_R_ID, ""), ("", ""))
        if kind.endswith("/chartsheet"):
            continue
        if not kind.endswith("/worksheet") or part not in names:
            raise _NotForCalamine(f"sheet {sheet.get('name')}")
        out.append((sheet.get("name", ""), sheet.get("state", "visible") in ("hidden", "veryHidden"),
                    part))
    return out


class Book:
    """An opened workbook; use as a context manager."""

    def __init__(self, path: Path):
        self.path = path
        self.kind = sniff_kind(path)
        self.sheets: list[Sheet]
        self.cal: Any = None  # the calamine workbook
        self._wb = None  # openpyxl's, loaded only when a sheet needs it
        if self.kind == "xls":  # a legacy binary workbook: read through calamine (xlsbook)
            from projtrack.importer.xlsbook import open_xls, xls_sheets

            self._xls = open_xls(path)
            self.names: set[str] = set()
            self.sheets = xls_sheets(self, self._xls)
            return
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise WorkbookError("not_xlsx", "The file is not an Excel .xlsx workbook: it is a "
                                "damaged or incomplete zip package.") from exc
        self.names = set(self.zip.namelist())
        try:
            check_zip(self.zip)
            self.sheets = self._calamine_sheets()
        except BaseException:
            self.zip.close()
            raise

    def _calamine_sheets(self) -> list[Sheet]:
        """The sheets through calamine; through openpyxl when calamine cannot open the
        workbook or its structure is not the plain one."""
        try:
            from python_calamine import CalamineWorkbook

            listed = workbook_sheets(self.zip)
            self.cal = CalamineWorkbook.from_path(str(self.path))
            if [m.name for m in self.cal.sheets_metadata if _enum_word(m.typ) == "worksheet"] != [
                    name for name, _hidden, _part in listed]:
                raise _NotForCalamine("sheets")
        except Exception:  # noqa: BLE001 - openpyxl reads it, or says why it cannot
            self._close_calamine()
            return [OpenpyxlSheet(self, ws) for ws in self.openpyxl().worksheets]
        return [Sheet(self, name, hidden, part) for name, hidden, part in listed]

    def openpyxl(self):
        """openpyxl's read-only workbook of the file (loaded once, when first needed)."""
        if self._wb is None:
            self._wb = _load(self.path, data_only=True)
        return self._wb

    def _close_calamine(self) -> None:
        if self.cal is not None:
            try:
                self.cal.close()
            finally:
                self.cal = None

    def close(self) -> None:
        if self.kind == "xls":
            self._xls.close()
            return
        self._close_calamine()
        if self._wb is not None:
            self._wb.close()
        self.zip.close()

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _enum_word(value: object) -> str:
    """A calamine enum member's name, lower case ("SheetTypeEnum.WorkSheet" → "worksheet")."""
    return str(value).rsplit(".", 1)[-1].lower()


def is_empty(values: tuple | list) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def table_rows(values: Iterable) -> list:
    """A sheet's rows as read, up to EMPTY_ROWS_STOP empty rows in a row (the table is over:
    what lies below is not read), the empty rows at the end dropped."""
    rows: list[tuple] = []
    empties = 0
    for row in values:
        rows.append(row)
        if is_empty(row):
            empties += 1
            if empties >= EMPTY_ROWS_STOP:
                break
        else:
            empties = 0
    while rows and is_empty(rows[-1]):
        rows.pop()
    return rows


DEFUSED: bool = DEFUSEDXML  # True when openpyxl (reading what calamine does not) parses with defusedxml
