"""projtrack's own workbooks, known again before they are read as annexes.

A progress template (or a returned one), a weekly report and a portfolio export all have a
project table that the annex reader would take for an annex: imported as one, a fill-in sheet
blanked the fields it has no column for and withdrew every project it does not list.  Each is
known by the custom document property projtrack writes (``projtrack.marks``); a template made
before that property existed, by its very hidden layout sheet; a copy pasted into a new workbook,
by its content: the template's fill-in headers, the weekly report's title, the export's title.

Only the zip's parts are looked at (after the importer's own safety checks), never a whole sheet
parsed: the shared strings and the head of each sheet's XML (text written inline) are searched
as bytes, so an ordinary annex costs a few milliseconds.
``export_states`` reads the phase and status of each project from an export's figures sheet.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from defusedxml import ElementTree

from projtrack import marks
from projtrack.core.text import clean_name
from projtrack.core.types import PHASES, STATUSES
from projtrack.i18n import catalog
from projtrack.importer.workbook import Book, WorkbookError, check_zip, sniff
from projtrack.progress_io.layout import MAGIC, META_SHEET

_CUSTOM = "docProps/custom.xml"
_SHEET_HEAD = 256 * 1024  # bytes of each sheet's XML searched for inline text
_PROPS_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
_TEMPLATE_HEADERS = ("progress.col.id", "progress.col.week_actual", "progress.col.cumulative")
_BEFORE_DATE, _AFTER_DATE = marks.EXPORT_TITLE.split("{as_of}")
_EXPORT_TITLE = re.compile(f">{re.escape(escape(_BEFORE_DATE))}\\d{{4}}-\\d{{2}}-\\d{{2}}"
                           f"{re.escape(escape(_AFTER_DATE))}<".encode())


@dataclass(frozen=True)
class OwnFile:
    """A workbook projtrack wrote: ``kind`` is a ``marks.KINDS`` value; ``by`` says how it was
    known: "property", "sheet" (the template's layout sheet) or "content"."""

    kind: str
    by: str


def recognise(path: Path) -> OwnFile | None:
    """The projtrack workbook ``path`` is, or None (an annex, or a file the reader will refuse
    with its own message)."""
    try:
        sniff(path)
        with zipfile.ZipFile(path) as zf:
            check_zip(zf)
            return _recognise(zf)
    except (WorkbookError, zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError,
            zlib.error, ElementTree.ParseError):  # a damaged file: the reader says what is wrong
        return None


def _recognise(zf: zipfile.ZipFile) -> OwnFile | None:
    names = set(zf.namelist())
    if _CUSTOM in names:
        kind = _property(zf.read(_CUSTOM))
        if kind in marks.KINDS:
            return OwnFile(kind, "property")
    strings = b"".join(zf.read(n) for n in sorted(names) if n.endswith("sharedStrings.xml"))
    for n in sorted(names):  # text written inline: titles and headers are in the top rows
        if n.startswith("xl/worksheets/") and n.endswith(".xml"):
            with zf.open(n) as fh:
                strings += fh.read(_SHEET_HEAD)
    book = zf.read("xl/workbook.xml") if "xl/workbook.xml" in names else b""
    if f'name="{META_SHEET}"'.encode() in book and _cell(MAGIC) in strings:
        return OwnFile(marks.PROGRESS_TEMPLATE, "sheet")
    for lang in ("zh", "en"):
        texts = catalog(lang)
        if all(_cell(texts[key]) in strings for key in _TEMPLATE_HEADERS):
            return OwnFile(marks.PROGRESS_TEMPLATE, "content")
        if _report_title(texts).search(strings):
            return OwnFile(marks.WEEKLY_REPORT, "content")
    if _EXPORT_TITLE.search(strings):
        return OwnFile(marks.PORTFOLIO_EXPORT, "content")
    return None


def _property(xml: bytes) -> str | None:
    root = ElementTree.fromstring(xml)
    for prop in root.iter(f"{_PROPS_NS}property"):
        if prop.get("name") == marks.PROPERTY:
            return "".join(prop.itertext()).strip()
    return None


def _cell(text: str) -> bytes:
    """How a whole cell's text appears among the shared strings: ``>text<``."""
    return f">{escape(text)}<".encode()


def _report_title(texts: dict[str, str]) -> re.Pattern[bytes]:
    """A cell holding the weekly report's title, with or without a county and the draft mark."""
    plain = re.escape(escape(texts["report.title"]))
    county = re.escape(escape(texts["report.title_county"])).replace(r"\{county\}", "[^<]{1,40}")
    draft = re.escape(escape(texts["report.draft_mark"]))
    return re.compile(f">(?:{plain}|{county})(?:{draft})?<".encode())


def export_states(path: Path) -> dict[str, tuple[str, str]]:
    """Each project's (phase, status) by name, from the figures sheet of a portfolio export;
    empty when the sheet is not there (a copy of the annex sheet alone)."""
    out: dict[str, tuple[str, str]] = {}
    with Book(path) as book:
        sheet = next((s for s in book.sheets if s.name == marks.EXPORT_FIGURES_SHEET), None)
        if sheet is None:
            return out
        header: dict[str, int] | None = None
        for values in sheet.read_rows():
            texts = [v.strip() if isinstance(v, str) else v for v in values]
            if header is None:
                if all(h in texts for h in marks.EXPORT_FIGURES_HEADER):
                    header = {h: texts.index(h) for h in marks.EXPORT_FIGURES_HEADER}
                continue
            name, phase, status = (texts[header[h]] if header[h] < len(texts) else None
                                   for h in marks.EXPORT_FIGURES_HEADER[1:])
            name = clean_name(name) if isinstance(name, str) else None
            if name and phase in PHASES and status in STATUSES:
                out[name] = (phase, status)
    return out
