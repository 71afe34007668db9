"""Tables for the PDF report, drawn with fpdf2's primitives (``text``, ``rect``, ``line``), a
row's at once through ``pdfops.PageOps`` (the same bytes, one append to the page).

fpdf2's ``table()`` lays every cell out twice through ``multi_cell``, which at ten thousand
projects takes most of a minute.  Here the columns' geometry is computed once, a cell's text is
measured from a per-character width cache and wrapped in one pass (figures are shrunk to fit on
one line instead of being broken), and each row is drawn whole: a row is never split across
pages, and the heading rows are repeated at the top of every page the table runs onto.  The cost
is linear in the number of rows, and rows may come from a generator: none is kept once drawn.
Headings and the rows marked bold (totals) are set in the font's bold face, measured with its own
widths.

Text is wrapped at spaces and between CJK characters (a run of Latin letters or digits is kept
together when it fits on a line), without starting a line with closing punctuation (、,。)…)
or ending one with an opening bracket.  A cell holds at most ``max_lines`` lines; the last one
kept ends with an ellipsis when there was more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from fpdf.drawing_primitives import convert_to_device_color

from projtrack.reports.pdfops import DeviceColor, PageOps

if TYPE_CHECKING:
    from fpdf import FPDF

Color = tuple[int, int, int]

ELLIPSIS = "…"
MAX_LINES = 12  # a cell's text beyond this many lines ends in an ellipsis
LAYOUT_CACHE = 30_000  # cells kept for their texts' next rows; emptied when full
MIN_SHRINK = 0.6  # a figure is shrunk down to this fraction of the size before it is wrapped
# closing punctuation (ASCII and full-width) never starts a line, an opening bracket never ends one
NO_LINE_START = frozenset(
    "!%),.:;?]}>~\u00b7\u2019\u201d\u2025\u2026\u3001\u3002\u3009\u300b\u300d\u300f\u3011"
    "\u3015\u3017\u301c\u30fb\u30fc\uff01\uff05\uff09\uff0c\uff0e\uff1a\uff1b\uff1e\uff1f"
    "\uff3d\uff5d\uff5e")
NO_LINE_END = frozenset(
    "([{<\u2018\u201c\u3008\u300a\u300c\u300e\u3010\u3014\u3016\uff08\uff1c\uff3b\uff5b")

_CJK = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
# a run of whitespace, or one CJK character, or a run of anything else (a word, a number)
_TOKEN = re.compile(rf"\s+|[{_CJK}]|[^\s{_CJK}]+")


class TextMeasure:
    """Widths of text in one face of a font added to ``pdf`` (``style`` "" or "B"), from a cache
    of each character's width per point of font size: the sum of the characters' advances, as
    fpdf2 measures it when text shaping is off, whatever font is selected at the time."""

    def __init__(self, pdf: FPDF, family: str, style: str = ""):
        self._pdf = pdf
        self._font = pdf.fonts[f"{family.lower()}{style}"]
        self._per_pt: dict[str, float] = {}

    def _char(self, ch: str) -> float:
        w = self._per_pt.get(ch)
        if w is None:
            w = self._font.get_text_width(ch, 1, None)[1] / self._pdf.k
            self._per_pt[ch] = w
        return w

    def per_pt(self, text: str) -> float:
        """Width (mm) of ``text`` at a font size of 1 pt."""
        cache = self._per_pt
        try:
            return sum(map(cache.__getitem__, text))
        except KeyError:
            return sum(map(self._char, text))

    def width(self, text: str, size: float) -> float:
        """Width (mm) of ``text`` at ``size`` pt."""
        return self.per_pt(text) * size

    def wrap(self, text: str, avail: float, size: float, max_lines: int = MAX_LINES) -> list[str]:
        """``text`` broken into lines no wider than ``avail`` mm at ``size`` pt; at most
        ``max_lines`` of them, the last ending in an ellipsis when text was left out."""
        limit = avail / size
        lines: list[str] = []
        for para in text.splitlines() or [""]:
            lines.extend(self._wrap_para(para, limit))
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = self.clip(lines[-1], avail, size, always=True)
        return lines

    def clip(self, text: str, avail: float, size: float, always: bool = False) -> str:
        """``text`` if it fits in ``avail`` mm at ``size`` pt, else as much of it as fits
        followed by an ellipsis (``always``: end it with one in any case)."""
        limit = avail / size
        if not always and self.per_pt(text) <= limit:
            return text
        room = limit - self.per_pt(ELLIPSIS)
        width, cut = 0.0, 0
        for ch in text:
            width += self._char(ch)
            if width > room:
                break
            cut += 1
        return text[:cut].rstrip() + ELLIPSIS

    def _wrap_para(self, text: str, limit: float) -> list[str]:
        if self.per_pt(text) <= limit:
            return [text]
        lines: list[str] = []
        cur: list[str] = []  # tokens of the line being filled
        cur_w = 0.0
        for tok in _TOKEN.findall(text):
            tw = self.per_pt(tok)
            if tok.isspace():
                if cur:
                    cur.append(tok)
                    cur_w += tw
                continue
            if cur_w + tw <= limit:
                cur.append(tok)
                cur_w += tw
                continue
            carry: list[str] = []
            if cur:
                while cur and cur[-1].isspace():
                    cur.pop()
                # keep closing punctuation off the start of a line and an opening bracket
                # off the end: take the previous token down with it
                if len(cur) > 1 and (tok[0] in NO_LINE_START or cur[-1][-1] in NO_LINE_END):
                    carry.append(cur.pop())
                lines.append("".join(cur).rstrip())
            cur = carry + [tok]
            cur_w = sum(self.per_pt(t) for t in cur)
            if cur_w > limit:  # a word or number wider than a line: break it anywhere
                lines_, cur, cur_w = self._break_chars("".join(cur), limit)
                lines.extend(lines_)
        while cur and cur[-1].isspace():
            cur.pop()
        if cur:
            lines.append("".join(cur))
        return lines

    def _break_chars(self, text: str, limit: float) -> tuple[list[str], list[str], float]:
        """Full lines of ``text`` broken between characters, and the rest (tokens, width)."""
        lines: list[str] = []
        start, width = 0, 0.0
        for i, ch in enumerate(text):
            w = self._char(ch)
            if width + w > limit and i > start:
                lines.append(text[start:i])
                start, width = i, 0.0
            width += w
        return lines, [text[start:]], width


class GridRow(NamedTuple):
    """One body row: a text per column, a fill for the whole row and fills of single cells
    (by column index) that take precedence; ``bold`` for a total's row."""

    texts: Sequence[str]
    fill: Color | None = None
    fills: Mapping[int, Color | None] | None = None
    bold: bool = False


class _Cell(NamedTuple):
    size: float
    lines: Sequence[str]
    widths: Sequence[float]  # mm, each line's
    bold: bool = False


class Grid:
    """A bordered table of fixed columns whose heading rows repeat on every page.

    ``widths`` in mm; ``align`` a letter per column (L, C, R; default L); ``fit``: columns whose
    text is shrunk to fit on one line (figures) rather than wrapped; ``group_row``: an extra
    heading row above ``headings`` as (text, number of columns spanned).  Headings are set in
    the font's bold face (style "B", which must have been added to ``pdf``), and so are the rows
    marked ``bold``."""

    def __init__(self, pdf: FPDF, font: str, widths: Sequence[float], headings: Sequence[str], *,
                 size: float = 7.5, align: Sequence[str] | None = None,
                 fit: Iterable[int] = (), group_row: Sequence[tuple[str, int]] | None = None,
                 head_fill: Color = (217, 217, 217), padding: float = 0.6,
                 max_lines: int = MAX_LINES, measure: TextMeasure | None = None,
                 bold_measure: TextMeasure | None = None, ops: PageOps | None = None):
        if len(headings) != len(widths):
            raise ValueError("a heading per column")
        if group_row and sum(span for _, span in group_row) != len(widths):
            raise ValueError("the group row must span every column")
        self.pdf, self.font, self.size = pdf, font, size
        self.pad = padding
        self.line_h = size * 0.45
        self.x = [pdf.l_margin]
        for w in widths:
            self.x.append(self.x[-1] + w)
        self.inner = [w - 2 * padding for w in widths]
        self.align = list(align) if align else ["L"] * len(widths)
        self.fit = frozenset(fit)
        self.head_fill = head_fill
        self.ops = ops or PageOps(pdf)
        self._devices: dict[Color | int, DeviceColor] = {}
        self.measure = measure or TextMeasure(pdf, font)
        self.bold_measure = bold_measure or TextMeasure(pdf, font, "B")
        self._select()
        page_room = pdf.page_break_trigger - pdf.t_margin - 3 * size * 0.5
        self.heading_rows: list[list[tuple[int, int, _Cell]]] = []  # (first col, span, cell)
        if group_row:
            col, cells = 0, []
            for text, span in group_row:
                cells.append((col, span, self._wrapped(text, self.x[col + span] - self.x[col]
                                                       - 2 * padding, max_lines, True)))
                col += span
            self.heading_rows.append(cells)
        self.heading_rows.append([(j, 1, self._wrapped(h, self.inner[j], max_lines, True))
                                  for j, h in enumerate(headings)])
        self.head_heights = [self._height(len(c.lines) for _, _, c in row)
                             for row in self.heading_rows]
        self.head_h = sum(self.head_heights)
        self.max_lines = max(1, min(max_lines, int((page_room - self.head_h - 2 * padding)
                                                   / self.line_h)))
        self._wrap_cache: dict[tuple[int, str, bool], _Cell] = {}
        # the cells of texts met before in the same column (a township, a date, "—"): about
        # three in five cells of a large report
        self._layouts: dict[tuple[int, str, bool], _Cell] = {}

    # --- layout ---------------------------------------------------------------------------------
    def _select(self) -> None:
        pdf = self.pdf
        self.ops.flush()
        pdf.set_font(self.font, "", self.size)
        pdf.set_draw_color(0)
        pdf.set_fill_color(0)
        pdf.set_text_color(0)
        pdf.set_line_width(0.2)

    def _height(self, line_counts: Iterable[int]) -> float:
        return max(1, *line_counts) * self.line_h + 2 * self.pad

    def _wrapped(self, text: str, avail: float, max_lines: int, bold: bool = False) -> _Cell:
        m, size = self.bold_measure if bold else self.measure, self.size
        lines = m.wrap(text, avail, size, max_lines)
        return _Cell(size, lines, [m.width(line, size) for line in lines], bold)

    def layout(self, j: int, text: str, bold: bool = False) -> _Cell:
        """How column ``j`` shows ``text`` (in the bold face if ``bold``)."""
        m, size = self.bold_measure if bold else self.measure, self.size
        width = m.per_pt(text) * size
        avail = self.inner[j]
        one_line = "\n" not in text and "\r" not in text
        if width <= avail and one_line:
            return _Cell(size, (text,), (width,), bold)
        if j in self.fit and one_line and width * MIN_SHRINK <= avail:
            shrunk = size * avail / width
            return _Cell(shrunk, (text,), (avail,), bold)
        key = (j, text, bold)
        cell = self._wrap_cache.get(key)
        if cell is None:
            cell = self._wrapped(text, avail, self.max_lines, bold)
            if len(self._wrap_cache) > 50_000:
                self._wrap_cache.clear()
            self._wrap_cache[key] = cell
        return cell

    def row_height(self, cells: Sequence[_Cell | None]) -> float:
        return self._height(len(c.lines) for c in cells if c is not None)

    # --- drawing --------------------------------------------------------------------------------
    def _fill(self, color: Color | int) -> None:
        """``pdf.set_fill_color``, the colour converted once per grid."""
        device = self._devices.get(color)
        if device is None:
            device = self._devices[color] = convert_to_device_color(color)
        self.ops.fill_color(device)

    def _new_page(self) -> None:
        self.ops.flush()
        self.pdf.add_page()
        self._select()

    def draw(self, rows: Iterable[GridRow]) -> None:
        """Draw the heading rows and ``rows`` from the current y, breaking pages as needed;
        leaves y below the table."""
        pdf = self.pdf
        self._select()
        limit = pdf.page_break_trigger
        ys: list[float] = []  # this page's horizontal rules below the headings
        started = False
        y = pdf.y
        layouts, layout = self._layouts, self.layout
        line_h, pads = self.line_h, 2 * self.pad
        for row in rows:
            bold = row.bold
            cells: list[_Cell | None] = []
            most = 1  # lines in the row's tallest cell
            for j, t in enumerate(row.texts):
                if not t:
                    cells.append(None)
                    continue
                key = (j, t, bold)
                cell = layouts.get(key)
                if cell is None:
                    cell = layout(j, t, bold)
                    if len(layouts) >= LAYOUT_CACHE:
                        layouts.clear()
                    layouts[key] = cell
                if len(cell.lines) > most:
                    most = len(cell.lines)
                cells.append(cell)
            h = most * line_h + pads  # row_height(cells)
            if not started:
                # the headings never stand alone at the foot of a page
                if y + self.head_h + h > limit and y > pdf.t_margin + 20:
                    self._new_page()
                y = self._draw_headings(pdf.y)
                ys = [y]
                started = True
            elif y + h > limit:
                self._rules(ys)
                self._new_page()
                y = self._draw_headings(pdf.y)
                ys = [y]
            self._draw_row(y, h, row, cells)
            y += h
            ys.append(y)
        if not started:
            if pdf.y + self.head_h > limit:
                self._new_page()
            y = self._draw_headings(pdf.y)
            ys = [y]
        self._rules(ys)
        self.ops.flush()
        self._face(False, self.size)
        pdf.set_xy(pdf.l_margin, y)

    def _draw_headings(self, y: float) -> float:
        ops = self.ops
        for cells, h in zip(self.heading_rows, self.head_heights, strict=True):
            self._fill(self.head_fill)
            for col, span, _ in cells:
                ops.rect(self.x[col], y, self.x[col + span] - self.x[col], h, "B")
            self._fill(0)
            items: list[tuple[str, float, float, float, str]] = []
            for col, span, cell in cells:
                self._place(items, self.x[col], self.x[col + span], y, h, cell, "C")
            ops.texts(self.font, items)
            y += h
        return y

    def _draw_row(self, y: float, h: float, row: GridRow, cells: Sequence[_Cell | None]) -> None:
        x, ops = self.x, self.ops
        if row.fill is not None or row.fills:
            colors = [row.fill] * len(cells)
            for j, c in (row.fills or {}).items():
                colors[j] = c
            j, n = 0, len(colors)
            while j < n:
                c = colors[j]
                k = j + 1
                while k < n and colors[k] == c:
                    k += 1
                if c is not None:
                    self._fill(c)
                    ops.rect(x[j], y, x[k] - x[j], h, "f")
                j = k
            self._fill(0)
        align, place = self.align, self._place
        items: list[tuple[str, float, float, float, str]] = []
        for j, cell in enumerate(cells):
            if cell is not None:
                place(items, x[j], x[j + 1], y, h, cell, align[j])
        ops.texts(self.font, items)

    def _face(self, bold: bool, size: float) -> None:
        pdf = self.pdf
        style = "B" if bold else ""
        if pdf.font_style != style or pdf.font_size_pt != size:
            pdf.set_font(self.font, style, size)

    def _place(self, items: list[tuple[str, float, float, float, str]], x0: float, x1: float,
               y: float, h: float, cell: _Cell, align: str) -> None:
        """The lines of ``cell`` as (style, size, x, y, text) for ``PageOps.texts``: between
        x0 and x1, vertically centred in the row from ``y`` of height ``h``.  Each line is
        listed, even an empty one (drawn as nothing), so the face is selected for each cell as
        it would be for a cell of text."""
        pad, lh = self.pad, self.line_h
        style, size, lines = "B" if cell.bold else "", cell.size, cell.lines
        # the baseline 0.3 em below a line's middle, where fpdf2 puts it
        base = y + (h - len(lines) * lh) / 2 + lh / 2 + 0.3 * size / self.pdf.k
        if len(lines) == 1:  # most cells
            width = cell.widths[0]
            tx = (x1 - pad - width if align == "R" else (x0 + x1 - width) / 2 if align == "C"
                  else x0 + pad)
            items.append((style, size, tx, base, lines[0]))
            return
        for line, width in zip(lines, cell.widths, strict=True):
            if align == "R":
                tx = x1 - pad - width
            elif align == "C":
                tx = (x0 + x1 - width) / 2
            else:
                tx = x0 + pad
            items.append((style, size, tx, base, line))
            base += lh

    def _rules(self, ys: list[float]) -> None:
        """The borders of the body rows drawn on this page (after their fills, so that no fill
        covers half a rule)."""
        if len(ys) < 2:
            return
        line = self.ops.line
        left, right = self.x[0], self.x[-1]
        for y in ys:
            line(left, y, right, y)
        top, bottom = ys[0], ys[-1]
        for x in self.x:
            line(x, top, x, bottom)
