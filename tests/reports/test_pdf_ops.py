"""``PageOps`` writes what fpdf2's ``text``, ``rect`` and ``line`` write, byte for byte, and
picks the same glyphs for the font subset in the same order; in a state it does not reproduce
it hands the string to ``FPDF.text``.  ``CellReplay`` writes what ``FPDF.cell`` writes, page
after page, and leaves the document as ``cell`` leaves it."""

from __future__ import annotations

import io

import pytest
from fpdf import FPDF
from fpdf.drawing_primitives import convert_to_device_color
from fpdf.enums import TextMode, XPos, YPos
from pypdf import PdfReader

from projtrack.reports.fonts import find_cjk_fonts
from projtrack.reports.pdfops import CellReplay, PageOps

# enough distinct characters that subset codes 0x0D, 0x28, 0x29 and 0x5C (escaped in a PDF
# string: \r ( ) \) come up, as the 13th, 40th, 41st and 92nd character picked
COMMON = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 400, 3))
STRINGS = [
    "平阳县鳌江镇第七小学新建工程(二期)",
    "Total (all) \\ back\rslash",
    "12,345.67",
    "—",
    "▲1.4 ▼0.2 …",
    "",
    "缺字\U0001F600符号",  # the emoji is not in the face: left out, as fpdf2 leaves it
    COMMON[:100],
    COMMON[100:],
    "平阳县鳌江镇第七小学新建工程(二期)",  # again, from the table
]


def _doc() -> FPDF:
    doc = FPDF(orientation="L", unit="mm", format="A4")
    fonts = find_cjk_fonts()
    for style, font in (("", fonts.regular), ("B", fonts.bold or fonts.regular)):
        doc.add_font("cjk", style, str(font.path), collection_font_number=font.face)
    doc.add_page()
    doc.set_font("cjk", size=7)
    return doc


def _pages(doc: FPDF) -> list[bytes]:
    return [bytes(doc.pages[n].contents) for n in sorted(doc.pages)]


def _subsets(doc: FPDF) -> dict:
    return {key: (dict(font.subset._char_id_per_glyph), list(font.missing_glyphs))
            for key, font in doc.fonts.items()}


def _same(plain: FPDF, batched: FPDF) -> None:
    assert _pages(batched) == _pages(plain)
    assert _subsets(batched) == _subsets(plain)


def test_texts_write_what_fpdf_text_writes():
    plain, batched = _doc(), _doc()
    ops = PageOps(batched)
    items = []
    for i, text in enumerate(STRINGS):
        style, size = ("B", 8.5) if i % 3 == 1 else ("", 6.3 + i / 7)
        x, y = 10 + 3.17 * i, 20 + 4.41 * i
        if plain.font_style != style or plain.font_size_pt != size:
            plain.set_font("cjk", style, size)
        if text:
            plain.text(x, y, text)
        items.append((style, size, x, y, text))
    ops.texts("cjk", items)
    ops.flush()
    _same(plain, batched)
    stream = _pages(plain)[0]
    for escaped in (b"\\(", b"\\)", b"\\\\", b"\\r"):  # subset codes that must be escaped
        assert escaped in stream
    assert len(plain.fonts["cjk"].missing_glyphs) == 1


def test_rects_lines_and_pages_in_order():
    plain, batched = _doc(), _doc()
    ops = PageOps(batched)
    for doc in (plain, batched):
        doc.set_fill_color(244, 182, 182)
    plain.rect(10.123, 20.456, 30.789, 4.2, style="F")
    plain.rect(10, 30, 30, 4, style="DF")
    plain.rect(10, 40, 30, 4)
    plain.line(10, 50.55, 287, 50.55)
    plain.text(12, 22, "红")
    plain.set_fill_color(198, 224, 180)
    plain.rect(10, 60, 30, 4, style="F")
    plain.set_fill_color(198, 224, 180)
    plain.set_fill_color(0)
    plain.add_page()  # the font is selected again on the new page before its first string
    plain.text(12, 22, "黄")
    ops.rect(10.123, 20.456, 30.789, 4.2, "f")
    ops.rect(10, 30, 30, 4, "B")
    ops.rect(10, 40, 30, 4, "S")
    ops.line(10, 50.55, 287, 50.55)
    ops.text(12, 22, "红")
    ops.fill_color(convert_to_device_color(198, 224, 180))
    ops.rect(10, 60, 30, 4, "f")
    ops.fill_color(convert_to_device_color(198, 224, 180))  # unchanged: nothing written
    ops.fill_color(convert_to_device_color(0))
    ops.flush()
    batched.add_page()
    ops.text(12, 22, "黄")
    ops.flush()
    _same(plain, batched)


@pytest.mark.parametrize("state", ["text_colour", "stroke", "underline"])
def test_other_states_go_through_fpdf_text(state):
    plain, batched = _doc(), _doc()
    for doc in (plain, batched):
        if state == "text_colour":  # text colour unlike the fill colour: fpdf2 wraps it in q … Q
            doc.set_text_color(200, 0, 0)
        elif state == "stroke":
            doc.text_mode = TextMode.STROKE
        else:
            doc.set_font("cjk", "U", 7)
    ops = PageOps(batched)
    for i, text in enumerate(STRINGS[:5]):
        plain.text(10, 20 + 5 * i, text)
        ops.text(10, 20 + 5 * i, text)
    ops.flush()
    _same(plain, batched)
    if state == "text_colour":
        assert b"Q\n" in _pages(plain)[0]


def _running(doc: FPDF, cell) -> list:
    """Header and footer cells on four pages, in the ways a report draws them (the font set
    on the page or not yet, another colour or size in between, a total-pages alias), and the
    position after each."""
    after = []
    for page in range(4):
        doc.add_page()
        doc.set_font("cjk", size=7)
        doc.set_text_color(90)
        cell(0, 4, "平阳县教育基建项目周报  2026年第48周(2026-11-23 至 2026-11-29)",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        doc.set_text_color(0)
        doc.ln(1)
        if page == 2:
            doc.set_font("cjk", "B", 9)
            doc.text(20, 40, "小计")
            doc.set_font("cjk", size=7)
        doc.set_auto_page_break(False)  # as fpdf2 draws a footer
        doc.set_y(-10)
        doc.set_text_color(90)
        cell(92, 4, "平阳县教育基建项目周报 2026-W48")
        cell(92, 4, f"第 {doc.page_no()} 页,共 {{nb}} 页", align="C")
        cell(92, 4, "打印日期:2026-11-30", align="R")
        doc.set_text_color(0)
        doc.set_auto_page_break(True, margin=14)
        after.append((doc.x, doc.y, doc._lasth, doc.current_font_is_set_on_page))
    return after


def _read_back(doc: FPDF) -> list[tuple[bytes, list[str]]]:
    """Each page's content stream (the total-pages alias substituted) and its fonts."""
    reader = PdfReader(io.BytesIO(doc.output()))
    return [(page.get_contents().get_data(), sorted(page["/Resources"].get("/Font", {}).keys()))
            for page in reader.pages]


def test_replayed_cells_write_what_cell_writes():
    plain, replayed = _doc(), _doc()
    replay = CellReplay(replayed)
    assert _running(replayed, replay.cell) == _running(plain, plain.cell)
    # laid out once each and appended again on the later pages, the footer's first cell laid out
    # once more where another face was set on the page before it (its Tf differs)
    assert len(replay._seen) == 5
    assert _subsets(replayed) == _subsets(plain)
    pages = _read_back(plain)
    assert _read_back(replayed) == pages
    assert b"559.16" in pages[1][0] and b"20.58" in pages[1][0]  # the header and the footer
