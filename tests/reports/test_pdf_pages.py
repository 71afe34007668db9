"""The weekly PDF of the demo portfolio reads, page by page, exactly as recorded in
tests/fixtures/weekly-demo-pdf-pages.json (in Chinese and in English): a change to how the PDF is
drawn that moves, drops or adds any text on any page fails here.

The record was made from the report as it was drawn before its tables were written in batches
(``reports.pdfops``).  A deliberate change to the pages records them again with
``python -m tests.reports.test_pdf_pages --write`` from the repository's root.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from projtrack.reports import fonts
from projtrack.reports.pdf import write_pdf
from projtrack.services.weekly import prepare
from tests.reports.demo import AS_OF

RECORD = Path(__file__).parent.parent / "fixtures" / "weekly-demo-pdf-pages.json"
PRINTED = dt.date(2026, 11, 30)  # the footer's 打印日期, fixed
LANGS = ("zh", "en")


def page_texts(store, lang: str, path: Path) -> list[str]:
    """Each page's text as pypdf extracts it (the NULs it reads out of fpdf2's two-byte codes
    dropped), from the demo portfolio's draft report at AS_OF."""
    report = prepare(store, as_of=AS_OF, draft=True).report
    write_pdf(report, path, lang=lang, printed_on=PRINTED)
    return [page.extract_text().replace("\x00", "") for page in PdfReader(path).pages]


def _packaged_font_only(patch) -> None:
    """Set the pages in the font the record was made with, the Noto Sans SC installed with
    projtrack, whatever CJK fonts the machine has (other faces wrap and break pages elsewhere)."""
    patch(fonts, "SYSTEM_PAIRS", ())
    patch(fonts, "SYSTEM_REGULAR_ONLY", ())
    patch(fonts.shutil, "which", lambda name: None)


@pytest.fixture
def packaged_font(monkeypatch):
    monkeypatch.delenv(fonts.ENV, raising=False)
    monkeypatch.delenv(fonts.ENV_BOLD, raising=False)
    _packaged_font_only(monkeypatch.setattr)
    assert fonts.find_cjk_fonts().source == "package"


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_reads_as_recorded(demo_store, tmp_path, lang, packaged_font):
    recorded = json.loads(RECORD.read_text(encoding="utf-8"))[lang]
    pages = page_texts(demo_store, lang, tmp_path / f"weekly-{lang}.pdf")
    assert len(pages) == len(recorded)
    for number, (page, expected) in enumerate(zip(pages, recorded, strict=True), 1):
        assert page == expected, f"page {number} ({lang})"


def _write(out: Path) -> None:
    import tempfile

    from projtrack.services.demo import build_demo

    os.environ.pop(fonts.ENV, None)
    os.environ.pop(fonts.ENV_BOLD, None)
    _packaged_font_only(setattr)
    with tempfile.TemporaryDirectory() as tmp:
        store = build_demo(str(Path(tmp) / "demo.db"), AS_OF)
        pages = {lang: page_texts(store, lang, Path(tmp) / f"{lang}.pdf") for lang in LANGS}
        store.close()
    out.write_text(json.dumps(pages, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:2] != ["--write"]:
        raise SystemExit("usage: python -m tests.reports.test_pdf_pages --write [FILE]")
    _write(Path(sys.argv[2]) if len(sys.argv) > 2 else RECORD)
