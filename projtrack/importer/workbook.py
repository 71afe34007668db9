"""Safe opening of an .xlsx workbook — the only module of the importer that imports openpyxl
(an .xls is opened after the same sniffing by ``xlsbook``, through python-calamine).

Before openpyxl sees a file: its magic bytes are sniffed (empty, old .xls, encrypted OOXML, Word,
CSV …), the zip's declared sizes and compression ratios are checked (zip bombs), and the XML parts
are searched for DOCTYPE/ENTITY declarations, which Excel never writes.  defusedxml is imported
first so that openpyxl parses with it (a second guard against entity expansion).

Sheets are read in read-only mode with their declared dimensions ignored (they can lie, and a
sheet without one would be parsed whole while loading), at most ``MAX_COLUMNS`` columns wide, and
a sheet stops after ``EMPTY_ROWS_STOP`` consecutive empty rows, so a million formatted empty rows
cost nothing.  The rows come from openpyxl's own sheet parser with its row step replaced (``xlsxfast``,
which names the private openpyxl API that relies on and the tests that watch it).  Merged ranges (not available in read-only
mode) and the presence of formulas without a cached value are found by streaming the sheet's XML
once.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import defusedxml  # noqa: F401  (openpyxl uses defusedxml only when it is importable)
import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.xml import DEFUSEDXML

from projtrack.importer.xlsxfast import sheet_values, unsized_sheets

MAX_TOTAL_UNCOMPRESSED = 200 * 1024 * 1024  # declared bytes, all members together
MAX_RATIO = 100  # uncompressed / compressed, for members bigger than RATIO_MIN_SIZE
RATIO_MIN_SIZE = 4 * 1024 * 1024
MAX_MEMBERS = 10_000
MAX_COLUMNS = 100  # a table wider than this is not an annex
EMPTY_ROWS_STOP = 200  # consecutive empty rows that end a sheet
MAX_MERGES = 100_000
# Size bounds checked before any parser runs, far above the largest real annex (a county: a few
# thousand projects; a province: tens of thousands, each with a score of text cells).
MAX_SHARED_STRINGS = 2_000_000  # the sharedStrings part's declared count, and its <si> elements
MAX_SHARED_STRINGS_BYTES = 150 * 1024 * 1024  # that part, uncompressed
SHARED_STRINGS = "xl/sharedStrings.xml"
_PROLOG_BYTES = 64 * 1024
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DTD_MARKERS = tuple(m.encode(e) for m in ("<!DOCTYPE", "<!ENTITY") for e in ("utf-8", "utf-16-le"))
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]+\d+(?::[A-Za-z]+\d+)?)"')
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_COL_TAG = re.compile(rb"<(?:\w+:)?col\b([^>]*?)/?>")
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
_ATTR = {name: re.compile(rb'\b' + name + rb'="(\d+)"') for name in (b"r", b"min", b"max")}
_UNCACHED = re.compile(
    rb"<(?:\w+:)?f\b[^>]*?(?:/>|>[^<]*</(?:\w+:)?f>)\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?"
    rb"\s*</(?:\w+:)?c>"
)
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
    """A DOCTYPE comes before the root element: the head of a part is enough while openpyxl
    parses with defusedxml; without it, the whole part is searched."""
    tail = b""
    with zf.open(info) as fh:
        while chunk := fh.read(_PROLOG_BYTES):
            buf = tail + chunk
            if any(marker in buf for marker in _DTD_MARKERS):
                return True
            if DEFUSEDXML:
                return False
            tail = buf[-32:]
    return False


def _load(path: Path, data_only: bool):
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


@dataclass
class SheetScan:
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_row, min_col, max_row, max_col
    uncached_formulas: bool = False
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)  # 1-based column numbers


class Sheet:
    def __init__(self, book: Book, ws: ReadOnlyWorksheet):
        self.book, self._ws, self.name = book, ws, ws.title
        self.hidden = getattr(ws, "sheet_state", "visible") in ("hidden", "veryHidden")
        self._part = str(getattr(ws, "_worksheet_path", "") or "").lstrip("/")

    def read_rows(self) -> list[tuple]:
        """Cell values row by row from row 1 (None for empty cells), up to the last non-empty row
        before EMPTY_ROWS_STOP consecutive empty rows."""
        with _parse_errors(self.name), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return table_rows(self._values())

    def _values(self) -> Iterator[tuple]:
        """What ``iter_rows(max_col=MAX_COLUMNS, values_only=True)`` of the read-only sheet gives
        with its dimensions reset: a tuple of MAX_COLUMNS values for each row from row 1 (rows
        missing from the XML as empty ones; a row repeating an earlier number is skipped)."""
        return sheet_values(self._ws, self.book._wb, MAX_COLUMNS)

    def scan(self) -> SheetScan:
        """Merged ranges and whether any formula lacks a cached value, from the sheet's XML."""
        scan = SheetScan()
        if self._part not in self.book.names:
            return scan
        seen: set[bytes] = set()
        tail = b""
        with _parse_errors(self.name), self.book.zip.open(self._part) as fh:
            while chunk := fh.read(1 << 20):
                buf = tail + chunk
                # each search runs only where the words it needs occur (a quick byte search)
                for m in _MERGE.finditer(buf) if b"mergeCell" in buf else ():
                    if m[1] not in seen and len(seen) < MAX_MERGES:
                        seen.add(m[1])
                        min_col, min_row, max_col, max_row = range_boundaries(m[1].decode())
                        scan.merges.append((min_row, min_col, max_row, max_col))
                if not scan.uncached_formulas and (b"<f" in buf or b":f" in buf) and (
                        _UNCACHED.search(buf)):
                    scan.uncached_formulas = True
                if b"hidden" in buf:
                    _hidden(buf, scan)
                tail = buf[-16384:]
        return scan

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


def _hidden(buf: bytes, scan: SheetScan) -> None:
    """Hidden rows (<row r="12" hidden="1">) and columns (<col min="3" max="4" hidden="1"/>)."""
    for m in _ROW_TAG.finditer(buf):
        if _HIDDEN.search(m[1]) and (r := _ATTR[b"r"].search(m[1])) and len(scan.hidden_rows) < MAX_MERGES:
            scan.hidden_rows.add(int(r[1]))
    for m in _COL_TAG.finditer(buf):
        if _HIDDEN.search(m[1]) and (lo := _ATTR[b"min"].search(m[1])):
            hi = _ATTR[b"max"].search(m[1])
            first = int(lo[1])
            last = min(int(hi[1]) if hi else first, MAX_COLUMNS)
            scan.hidden_columns.update(range(first, last + 1))


@contextmanager
def _parse_errors(sheet: str) -> Iterator[None]:
    try:
        yield
    except WorkbookError:
        raise
    except DefusedXmlException as exc:
        raise WorkbookError("unsafe_xml", f"The sheet {sheet} declares XML entities (an entity-"
                            "expansion attack); the file was not read.", sheet) from exc
    except Exception as exc:  # noqa: BLE001
        if _caused_by_unsafe_xml(exc):
            raise WorkbookError("unsafe_xml", f"The sheet {sheet} declares XML entities (an entity-"
                                "expansion attack); the file was not read.", sheet) from exc
        raise WorkbookError("unreadable", f"The sheet {sheet} could not be read: "
                            f"{' '.join(str(exc).split())}", sheet) from exc


class Book:
    """An opened workbook; use as a context manager."""

    def __init__(self, path: Path):
        self.path = path
        self.kind = sniff_kind(path)
        self.sheets: list[Sheet]
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
            self._wb = _load(path, data_only=True)
        except BaseException:
            self.zip.close()
            raise
        self.sheets = [Sheet(self, ws) for ws in self._wb.worksheets]

    def close(self) -> None:
        if self.kind == "xls":
            self._xls.close()
            return
        self._wb.close()
        self.zip.close()

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def is_empty(values: tuple) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def table_rows(values: Iterable[tuple]) -> list[tuple]:
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


DEFUSED: bool = DEFUSEDXML  # True when openpyxl parses with defusedxml
