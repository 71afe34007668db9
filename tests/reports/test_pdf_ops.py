"""``PageOps`` writes what fpdf2's ``text``, ``rect`` and ``line`` write, byte for byte, and
picks the same glyphs for the font subset in the same order; in a state it does not reproduce
it hands the string to ``FPDF.text``."""

from __future__ import annotations

import pytest
from fpdf import FPDF
from fpdf.enums import TextMode

from projtrack.reports.fonts import find_cjk_fonts
from projtrack.reports.pdfops import PageOps

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
    plain.add_page()  # the font is selected again on the new page before its first string
    plain.text(12, 22, "黄")
    ops.rect(10.123, 20.456, 30.789, 4.2, "f")
    ops.rect(10, 30, 30, 4, "B")
    ops.rect(10, 40, 30, 4, "S")
    ops.line(10, 50.55, 287, 50.55)
    ops.text(12, 22, "红")
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
