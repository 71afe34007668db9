"""One light pass over a worksheet's XML, for what python-calamine does not give.

calamine reads the values of an .xlsx sheet; this pass streams the same part once, before
calamine parses it, and collects only what the importer needs besides:

- a DOCTYPE or ENTITY declaration anywhere in the sheet (refused: ``unsafe_xml``);
- merged ranges, hidden rows and hidden columns;
- the formula text of each formula cell without a cached value (shared formulas translated to
  their cell, as openpyxl gives them);
- the text of error cells (``#N/A``, ``#DIV/0!`` …), which calamine gives as empty cells;
- the exact text of numbers calamine gives as floats but openpyxl (the reading the importer's
  tests pin) gives otherwise: integers of 16 digits or more (a float would change their last
  digits) and whole numbers written with a decimal point or an exponent (``9000.0``, ``1E3``:
  floats, where ``9000`` is an int);
- whether the sheet is one calamine reads as openpyxl does: rows in ascending order, each row's
  cells referring to it, no cell beyond column ``MAX_COLUMNS`` (calamine lays a sheet out as a
  dense grid, so a stray cell far right or far below would cost memory for every cell in
  between), cells in the form Excel writes (``<c r="A1"``), no negative number where a date
  may be (calamine reads a negative date as midnight).  ``irregular`` says why not; such a
  sheet is read by openpyxl's streaming parser instead (``workbook``).

The searches run only in the chunks that hold the words they need (a quick byte search), so a
sheet of plain values costs little more than unzipping it.
"""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass, field

MAX_COLUMNS = 100
MAX_MERGES = 100_000
SPARSE_ROWS = 1_000  # rows beyond twice the row elements (and this): calamine would fill them
_CHUNK = 1 << 20
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
_DTD_16 = tuple(m.encode("utf-16-le") for m in ("<!DOCTYPE", "<!ENTITY"))
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]+\d+(?::[A-Za-z]+\d+)?)"')
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_COL_TAG = re.compile(rb"<(?:\w+:)?col\b([^>]*?)/?>")
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"')
_ATTR = {name: re.compile(rb"\b" + name + rb'="(\d+)"') for name in (b"r", b"min", b"max")}
_ROOT = re.compile(rb"<(\w+:)?worksheet\b")
# the start of a number text openpyxl reads otherwise than calamine's float made whole:
# "9000.0", "12.", "1E3", "2.5e-9", 16 digits or more (possessive: no backtracking)
_ODD = rb"[-+]?\d*+(?:\.0*+</|\.\d*+[eE]|[eE]|(?<=\d{16})</)"


class UnsafeSheet(Exception):
    """The sheet declares a DOCTYPE or entities."""


@dataclass
class SheetScan:
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_row, min_col, max_row, max_col
    uncached_formulas: bool = False
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)  # 1-based column numbers
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # uncached, "=…"
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) → "#N/A"
    numbers: dict[tuple[int, int], int | float] = field(default_factory=dict)  # exact texts
    irregular: str | None = None  # why calamine's reading might differ: read by openpyxl
    negatives: set[tuple[int, int]] = field(default_factory=set)  # cells of negative numbers


def column_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def range_boundaries(ref: str) -> tuple[int, int, int, int]:
    """("B2:D5") → (min_col, min_row, max_col, max_row), as openpyxl's function of that name
    gives them for a range or a single cell."""
    first, _, last = ref.partition(":")
    m1 = re.fullmatch(r"([A-Za-z]+)(\d+)", first)
    m2 = re.fullmatch(r"([A-Za-z]+)(\d+)", last or first)
    if not (m1 and m2):
        raise ValueError(f"{ref} is not a cell range")
    c1, r1, c2, r2 = column_number(m1[1]), int(m1[2]), column_number(m2[1]), int(m2[2])
    return min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)


def cast_number(text: str) -> int | float:
    """A number cell's text as openpyxl reads it: a float with a point or an exponent, else an
    int (exact, however many digits)."""
    return float(text) if any(ch in text for ch in ".eE") else int(text)


class _Patterns:
    """The searches for the sheet's namespace prefix (``<c r="A1"`` or ``<x:c r="A1"``); each
    starts with literal text, which keeps the regex engine fast, and the cell a formula, an
    error or a number is in is found backwards from it."""

    def __init__(self, prefix: bytes) -> None:
        p = re.escape(prefix)
        self.formula = re.compile(rb"<" + p + rb"f\b([^>]*?)(?:/>|>([^<]*)</" + p + rb"f>)\s*(?:<"
                                  + p + rb"v\s*/>|<" + p + rb"v>([^<]*)</" + p + rb"v>)?")
        self.error = re.compile(rb't="e"')
        self.odd_number = re.compile(rb"<" + p + rb"v>" + _ODD)
        self.row = re.compile(rb"<" + p + rb'row r="(\d+)"')
        self.any_row = b"<" + prefix + b"row "
        # a row whose first cell refers to another row (possessive: no backtracking)
        self.off_row = re.compile(rb"<" + p + rb'row r="(\d+)"[^>/]*+>\s*+<' + p
                                  + rb'c r="[A-Za-z]++(?!\1")\d')
        self.row_start = b"<" + prefix + b"row"
        self.cell_ref = b"<" + prefix + b'c r="'
        self.bare_cell = re.compile(rb"<" + p + rb'c(?! r=")[\s>/]')  # not <c r="…
        self.f_tag = re.compile(rb"<" + p + rb"f[\s>/]")
        self.v_open = b"<" + prefix + b"v>"
        self.negative = b"<" + prefix + b"v>-"
        self.negative_v = re.compile(re.escape(self.negative))
        self.c_close = b"</" + prefix + b"c>"
        # beyond column CV (100), or in lower case; first the quick look for two letters
        self.long_ref = re.compile(rb"<" + p + rb'c r="(?:[A-Z][A-Za-z]|[a-z])')
        self.odd_ref = re.compile(rb"<" + p + rb'c r="(?:[A-Z]{3}|[D-Z][A-Z]|C[W-Z]|[A-Z]*[a-z])')


_CELL = re.compile(rb'([A-Z]{1,3})(\d+)"([^>]*)>')


def _type_of(attrs: bytes) -> bytes:
    m = re.search(rb'\bt="([^"]*)"', attrs)
    return m[1] if m else b"n"


class _Scanner:
    def __init__(self, scan: SheetScan) -> None:
        self.scan = scan
        self.pat: _Patterns | None = None
        self.seen_merges: set[bytes] = set()
        self.last_row = 0
        self.row_elements = 0
        self.shared: dict[bytes, tuple[str, str]] = {}  # si → (formula, its cell), masters

    def irregular(self, why: str) -> None:
        if self.scan.irregular is None:
            self.scan.irregular = why

    def feed(self, buf: bytes) -> None:
        """One piece of the sheet that ends where a row starts (or at the end of the part)."""
        if b"<!" in buf and _DTD.search(buf) or (
                b"<\x00!\x00" in buf and any(m in buf for m in _DTD_16)):
            raise UnsafeSheet
        if self.pat is None:
            root = _ROOT.search(buf)
            self.pat = _Patterns(root[1] or b"" if root else b"")
        pat = self.pat
        if b"mergeCell" in buf:
            for m in _MERGE.finditer(buf):
                if m[1] not in self.seen_merges and len(self.seen_merges) < MAX_MERGES:
                    self.seen_merges.add(m[1])
                    min_col, min_row, max_col, max_row = range_boundaries(m[1].decode())
                    self.scan.merges.append((min_row, min_col, max_row, max_col))
        if b"hidden" in buf:
            self._hidden(buf)
        if self.scan.irregular is not None:
            return
        self._rows(buf)
        if self.scan.irregular is not None:
            return
        odd = pat.odd_ref.search(buf) if pat.long_ref.search(buf) else None
        if odd is not None:
            end = buf.find(b'"', odd.end())
            self.irregular(f"the cell {buf[odd.start():end].decode(errors='replace')}\"")
            return
        if pat.bare_cell.search(buf):
            self.irregular("cells without a reference in the form Excel writes")
            return
        if f_tags := len(pat.f_tag.findall(buf)):
            self._formulas(buf, f_tags)
        if b't="e"' in buf:
            self._errors(buf)
        if pat.odd_number.search(buf):
            self._numbers(buf)
        if pat.negative in buf:
            for m in pat.negative_v.finditer(buf):
                if where := self._cell(buf, m.start()):
                    self.scan.negatives.add(where[:2])

    def _rows(self, buf: bytes) -> None:
        pat = self.pat
        assert pat is not None
        found = pat.row.findall(buf)
        if len(found) != buf.count(pat.any_row):
            self.irregular("rows without a number in the form Excel writes")
            return
        if not found:
            return
        numbers = list(map(int, found))
        if numbers[0] <= self.last_row or numbers != sorted(set(numbers)):
            self.irregular("rows out of order")
            return
        self.row_elements += len(numbers)
        self.last_row = numbers[-1]
        if m := pat.off_row.search(buf):
            self.irregular(f"row {m[1].decode()} holds a cell of another row")

    def _cell(self, buf: bytes, pos: int) -> tuple[int, int, bytes] | None:
        """(row, column, attributes) of the cell whose content ``pos`` is in."""
        pat = self.pat
        assert pat is not None
        start = buf.rfind(pat.cell_ref, 0, pos)
        if start < 0:
            return None
        m = _CELL.match(buf, start + len(pat.cell_ref))
        if not m or m.end() > pos + 1 or b"<" in m[3]:
            return None
        return int(m[2]), column_number(m[1].decode()), m[3]

    def _hidden(self, buf: bytes) -> None:
        scan = self.scan
        for m in _ROW_TAG.finditer(buf):
            if _HIDDEN.search(m[1]) and (r := _ATTR[b"r"].search(m[1])) and len(scan.hidden_rows) < MAX_MERGES:
                scan.hidden_rows.add(int(r[1]))
        for m in _COL_TAG.finditer(buf):
            if _HIDDEN.search(m[1]) and (lo := _ATTR[b"min"].search(m[1])):
                hi = _ATTR[b"max"].search(m[1])
                first = int(lo[1])
                last = min(int(hi[1]) if hi else first, MAX_COLUMNS)
                scan.hidden_columns.update(range(first, last + 1))

    def _formulas(self, buf: bytes, f_tags: int) -> None:
        pat = self.pat
        assert pat is not None
        found = 0
        for m in pat.formula.finditer(buf):
            where = self._cell(buf, m.start())
            if where is None:
                continue
            found += 1
            r, col, _attrs = where
            f_attrs, text, v_text = m.groups()
            formula = "=" + (html.unescape(text.decode()) if text else "")
            if b't="shared"' in f_attrs and (si := re.search(rb'\bsi="([^"]*)"', f_attrs)):
                if si[1] in self.shared:
                    formula = _translate(*self.shared[si[1]], _ref(r, col))
                elif text is not None:
                    self.shared[si[1]] = (formula, _ref(r, col))
            if not v_text:  # no <v>, <v/> or <v></v>: no cached value
                self.scan.uncached_formulas = True
                if col <= MAX_COLUMNS:
                    self.scan.formulas[(r, col)] = formula
        if found != f_tags:
            self.irregular("a formula cell written in an unusual form")

    def _errors(self, buf: bytes) -> None:
        pat = self.pat
        assert pat is not None
        found = 0
        for m in pat.error.finditer(buf):
            where = self._cell(buf, buf.find(b">", m.end()))  # from the end of its tag
            if where is None:
                continue
            found += 1
            r, col, _attrs = where
            v = buf.find(pat.v_open, m.end())
            if 0 <= v < buf.find(pat.c_close, m.end()) and col <= MAX_COLUMNS:
                start = v + len(pat.v_open)
                if text := buf[start:buf.find(b"<", start)]:
                    self.scan.errors[(r, col)] = html.unescape(text.decode())
        if found != buf.count(b't="e"'):
            self.irregular("an error cell written in an unusual form")

    def _numbers(self, buf: bytes) -> None:
        pat = self.pat
        assert pat is not None
        for m in pat.odd_number.finditer(buf):
            where = self._cell(buf, m.start())
            if where is None:
                continue
            r, col, attrs = where
            start = m.start() + len(pat.v_open)
            text = buf[start:buf.find(b"<", start)].decode(errors="replace")
            if _type_of(attrs) == b"n" and col <= MAX_COLUMNS:
                try:
                    self.scan.numbers[(r, col)] = cast_number(text)
                except ValueError:
                    self.irregular(f"the number '{text}'")

    def finish(self) -> None:
        if self.last_row > 2 * self.row_elements + SPARSE_ROWS:
            self.irregular(f"row {self.last_row} far below the table")


def _ref(row: int, col: int) -> str:
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def _translate(formula: str, origin: str, cell: str) -> str:
    """A shared formula written at ``origin``, as it reads at ``cell`` (openpyxl's Translator,
    behind ``xlsxfast`` with the rest of openpyxl; imported only for a sheet that has one)."""
    from projtrack.importer.xlsxfast import translate_shared_formula

    return translate_shared_formula(formula, origin, cell)


def scan_sheet(zf: zipfile.ZipFile, part: str) -> SheetScan:
    """The light pass over the worksheet ``part`` of the workbook.  Raises UnsafeSheet for a
    DOCTYPE or entities (anything else unreadable: the zip's or the regex's own errors)."""
    scan = SheetScan()
    scanner = _Scanner(scan)
    tail = b""
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            buf = tail + chunk
            if not chunk:
                if buf:
                    scanner.feed(buf)
                break
            cut = _last_row_start(buf, scanner)
            if cut <= 0:
                tail = buf  # no row starts here: the piece grows until one does
                continue
            scanner.feed(buf[:cut])
            tail = buf[cut:]
    scanner.finish()
    return scan


def _last_row_start(buf: bytes, scanner: _Scanner) -> int:
    """Where the last row element of ``buf`` starts (0: none): the pieces the scanner sees end
    between rows, so that no cell is cut in two."""
    start = scanner.pat.row_start if scanner.pat else b"<row"
    if scanner.pat is None:
        root = _ROOT.search(buf)
        if root and root[1]:
            start = b"<" + root[1] + b"row"
    pos = len(buf)
    while (pos := buf.rfind(start, 0, pos)) > 0:
        nxt = buf[pos + len(start): pos + len(start) + 1]
        if nxt in (b" ", b">", b"/", b"\t", b"\n", b"\r"):
            return pos
    return 0
