"""Strings, rectangles, rules and fill colours put on a PDF page in batches, written exactly as
fpdf2's ``FPDF.text``, ``rect``, ``line`` and ``set_fill_color`` write them; and ``CellReplay``
for the one-line cells every page repeats.

Each of those calls costs fpdf2 some tens of microseconds (argument checks and conversions, the
font's subset mapping done character by character, one append to the page per call), and a
report of ten thousand projects makes about 450,000 of them.  ``PageOps`` maps a string's
characters through a table of the subset codes fpdf2 gave them (one ``str.translate``; a
character seen for the first time is picked for the subset by fpdf2's own ``subset.pick``, in
the string's order, as ``encode_text`` picks it) and joins a batch of operators into one append
to the page.  The bytes are fpdf2's own, operator for operator (tests/reports/test_pdf_ops.py
compares them with ``FPDF.text`` / ``rect`` / ``line`` / ``set_fill_color`` / ``cell``, and the
subsets' picks).  When the document is in a state whose output this does not reproduce — a text
mode other than fill, underline or strike-through, text quad points recorded, a text colour
other than the fill colour, a core or symbol or colour font — ``text`` flushes the batch and
calls ``FPDF.text``.

Anything else that writes to the page (``set_draw_color``, ``add_page``, a ``cell``; a fill
colour set other than through ``fill_color``) must come after ``flush()``, so that the operators
stay in the order they were asked for.  These lean on fpdf2 2.8's page buffer and font subset
(``_out``, ``_set_font_for_page``, ``subset.pick``), which is why the dependency is pinned
below 2.9 and the tests compare bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from fpdf.drawing_primitives import DeviceCMYK, DeviceGray, DeviceRGB
from fpdf.enums import TextMode, XPos, YPos
from fpdf.fonts import TTFFont

if TYPE_CHECKING:
    from fpdf import FPDF

DeviceColor = DeviceCMYK | DeviceGray | DeviceRGB


class _FaceCodes(dict):
    """A face's characters as its subset writes them into a string: each character's subset
    code as UTF-16BE bytes (read as Latin-1), parentheses, backslashes and carriage returns
    escaped — what ``encode_text`` writes between the parentheses, character by character.  A
    character met for the first time is picked for the subset on lookup (``__missing__``, called
    by ``str.translate`` in the string's order, as ``encode_text`` picks them); a glyph the face
    lacks maps to None, and is left out as fpdf2 leaves it out."""

    __slots__ = ("font",)

    def __init__(self, font: TTFFont) -> None:
        super().__init__()
        self.font = font

    def __missing__(self, uni: int) -> str | None:
        font = self.font
        code = font.subset.pick(uni)
        mapped = None if code is None else font.escape_text(chr(code))
        self[uni] = mapped
        return mapped


class PageOps:
    """Operators for the current page of ``pdf``, kept until ``flush`` appends them at once."""

    def __init__(self, pdf: FPDF):
        self.pdf = pdf
        self._parts: list[str] = []
        self._faces: dict[str, _FaceCodes] = {}
        self._colors: dict[DeviceColor, str] = {}
        self._xs: dict[float, str] = {}

    def _codes(self) -> _FaceCodes | None:
        """The current face's codes when ``FPDF.text`` would write the plain ``BT … Tj ET``
        in the current state; None otherwise."""
        pdf = self.pdf
        font = pdf.current_font
        if (not isinstance(font, TTFFont) or not pdf.page or not pdf.font_family
                or pdf.text_mode != TextMode.FILL or pdf.underline or pdf.strikethrough
                or pdf._record_text_quad_points or font.is_symbol or font.color_font
                or pdf.fill_color != pdf.text_color):
            return None
        codes = self._faces.get(font.fontkey)
        if codes is None or codes.font is not font:
            codes = self._faces[font.fontkey] = _FaceCodes(font)
        return codes

    def text(self, x: float, y: float, text: str) -> None:
        """``pdf.text(x, y, text)``: ``text`` set from (x, y) on its baseline in the current
        font, size and text colour."""
        self.texts(None, [(None, 0.0, x, y, text)])

    def texts(self, family: str | None,
              items: Iterable[tuple[str | None, float, float, float, str]]) -> None:
        """For each (style, size, x, y, text): select ``family`` in ``style`` at ``size`` pt
        unless that face and size are selected already (style None: keep the current font),
        then, unless ``text`` is empty, ``pdf.text(x, y, text)``."""
        pdf = self.pdf
        parts = self._parts
        k, page_h = pdf.k, pdf.h
        face_style: str | None = None
        face_size = -1.0
        codes: _FaceCodes | None = None
        ys: dict[float, str] = {}  # a row's lines share a few baselines
        xs = self._xs  # and a column's left-aligned or centred lines one x
        for style, size, x, y, text in items:
            if style is not None and (style != face_style or size != face_size):
                face_style, face_size = style, size
                if pdf.font_style != style or pdf.font_size_pt != size:
                    pdf.set_font(family, style, size)
                codes = None
            if not text:
                continue
            if codes is None:
                codes = self._codes()
                if codes is None:
                    self.flush()
                    pdf.text(x, y, text)
                    continue
                if not pdf.current_font_is_set_on_page:  # as FPDF.text: Tf before the first
                    parts.append(pdf._set_font_for_page(codes.font, pdf.font_size_pt))
            ty = ys.get(y)
            if ty is None:
                ty = ys[y] = f"{(page_h - y) * k:.2f}"
            tx = xs.get(x)
            if tx is None:
                if len(xs) >= 10_000:
                    xs.clear()
                tx = xs[x] = f"{x * k:.2f}"
            parts.append(f"BT {tx} {ty} Td ({text.translate(codes)}) Tj ET")

    def fill_color(self, color: DeviceColor) -> None:
        """``pdf.set_fill_color(color)`` for a colour already converted
        (``fpdf.drawing_primitives.convert_to_device_color``): the operator only when the
        colour changes, its text worked out once per colour."""
        pdf = self.pdf
        if color != pdf.fill_color:
            pdf.fill_color = color
            if pdf.page > 0:
                op = self._colors.get(color)
                if op is None:
                    op = self._colors[color] = color.serialize().lower()
                self._parts.append(op)

    def rect(self, x: float, y: float, w: float, h: float, operator: str) -> None:
        """``pdf.rect(x, y, w, h, style)`` for the style whose PDF operator is ``operator``
        ("S" drawn, "f" filled, "B" both)."""
        k = self.pdf.k
        self._parts.append(f"{x * k:.2f} {(self.pdf.h - y) * k:.2f} {w * k:.2f} "
                           f"{-h * k:.2f} re {operator}")

    def line(self, x1: float, y1: float, x2: float, y2: float) -> None:
        """``pdf.line(x1, y1, x2, y2)``."""
        k, h = self.pdf.k, self.pdf.h
        self._parts.append(f"{x1 * k:.2f} {(h - y1) * k:.2f} m {x2 * k:.2f} "
                           f"{(h - y2) * k:.2f} l S")

    def flush(self) -> None:
        """Append what was asked for to the page, in order."""
        if self._parts:
            self.pdf._out("\n".join(self._parts))
            self._parts.clear()


class CellReplay:
    """``FPDF.cell`` for a one-line cell drawn again and again from the same place in the same
    state — the running header, the footer's title and print date, on each of a thousand pages.
    fpdf2 lays such a cell out afresh each time (about a quarter of a millisecond: fragments,
    widths, the line's operators); here it is laid out by ``FPDF.cell`` the first time, and
    afterwards the bytes that wrote are appended again, the font registered on the page when
    they select it, and the position left where ``cell`` leaves it.

    Everything ``cell`` reads is part of the key (position, margins, font and size, colours,
    whether the font is set on the page yet, text mode, spacing, page-break settings, the
    arguments), so a cell is replayed only where ``cell`` would write the same bytes.  A text
    holding the total-pages alias (substituted at output), text shaping, fallback fonts or
    recorded quad points go to ``FPDF.cell`` every time, as does a cell that broke the page."""

    def __init__(self, pdf: FPDF):
        self.pdf = pdf
        self._seen: dict[tuple, tuple[bytes, float, float, float, bool]] = {}

    def cell(self, w: float, h: float, text: str, align: str = "L",
             new_x: XPos = XPos.RIGHT, new_y: YPos = YPos.TOP) -> None:
        pdf = self.pdf
        alias = pdf.str_alias_nb_pages
        font = pdf.current_font
        if (not pdf.page or font is None or (alias and alias in text) or pdf.text_shaping
                or pdf._fallback_font_ids or pdf._record_text_quad_points
                or not isinstance(pdf.pages[pdf.page].contents, bytearray)):
            pdf.cell(w, h, text, align=align, new_x=new_x, new_y=new_y)
            return
        key = (pdf.x, pdf.y, pdf.w, pdf.h, pdf.k, pdf.l_margin, pdf.r_margin, pdf.c_margin,
               font.fontkey, pdf.font_family, pdf.font_style, pdf.font_size_pt, pdf.text_color,
               pdf.fill_color, pdf.draw_color, pdf.current_font_is_set_on_page, pdf.underline,
               pdf.strikethrough, pdf.text_mode, pdf.char_spacing, pdf.font_stretching,
               pdf.auto_page_break, pdf.page_break_trigger, pdf.in_footer, w, h, text, align,
               new_x, new_y)
        seen = self._seen.get(key)
        if seen is None:
            page = pdf.page
            contents = pdf.pages[page].contents
            assert isinstance(contents, bytearray)
            start = len(contents)
            pdf.cell(w, h, text, align=align, new_x=new_x, new_y=new_y)
            if pdf.page == page:
                self._seen[key] = (bytes(contents[start:]), pdf.x, pdf.y, pdf._lasth,
                                   pdf.current_font_is_set_on_page)
            return
        data, x, y, lasth, font_set = seen
        if font_set and not pdf.current_font_is_set_on_page:
            pdf._set_font_for_page(font, pdf.font_size_pt)  # its Tf is in ``data``
        if data:
            pdf._out(data[:-1])  # _out ends it with the newline again
        pdf.x, pdf.y, pdf._lasth = x, y, lasth
