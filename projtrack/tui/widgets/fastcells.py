"""Drawing a DataTable's one-line cells straight from their text, and its styles once a frame —
the speedups of the portfolio table that rely on Textual's private DataTable API.

What this relies on (Textual 8.2, pinned below 8.3 in pyproject.toml, and Rich 15):
- DataTable's private methods ``_render_cell`` (its signature and its cache, ``_cell_render_cache``
  keyed by row key, column key, base style, cursor, hover, ``_show_hover_cursor``,
  ``_update_count`` and ``_pseudo_class_state``), ``_get_row_renderables``,
  ``_get_styles_to_render_cell`` and ``_update_dimensions``, its ``_row_locations`` and
  ``_column_locations``, ``_labelled_row_exists``, ``_total_row_height`` and
  ``_row_label_column_width``; its ``rich_style``, ``background_colors`` and
  ``ordered_columns`` properties;
- Rich's rendering of a one-line Text inside Padding (the segments ``cell_line`` reproduces),
  and ``Segment.apply_style`` (which ``styled`` reproduces).

When DataTable lacks one of the methods or properties (``_FAST_CELLS``) or a table lacks one of
the attributes (``_FAST_STATE``), everything goes through DataTable's own drawing.  What catches
a library change: ``tests/tui/test_cell_render.py`` paints a table both ways and compares them
segment by segment, line by line (cells, header, cursor, hover, fixed columns, meta), checks
``cell_line`` against Rich and ``styled`` against ``apply_style``, and the fallback;
``tests/tui/test_table.py`` compares the sizing with DataTable's.  Measured again: a fresh
repaint of a 48-row page 200 columns wide takes 23 ms drawn here against 58 ms through
DataTable (and a filter keystroke's repaint at 10,000 projects about halves, bench/README.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.widgets import DataTable

if TYPE_CHECKING:
    from rich.console import JustifyMethod, OverflowMethod


_NULL = Style.null()


def _getter(prop: Any) -> Any:
    """A property's getter (Textual's types name some properties as plain callables)."""
    return prop.fget
_JUSTIFY = ("default", "left", "right", "center", "full")


def cell_line(cell: Text, width: int, padding: int, console: Console,
              justify: str | None = None, overflow: str | None = None) -> list[Segment] | None:
    """The segments DataTable draws for ``cell`` on a one-line row of a column ``width`` cells
    wide with ``padding`` blank cells each side, before the table's own styles go on top:
    what ``console.render_lines(Padding(cell, (0, padding)), ...)`` gives, without Rich's
    wrapping, justifying and line-splitting machinery.  ``justify`` and ``overflow`` are the
    console options' defaults.  None when the cell is not that simple case (several lines, a
    tab, wider than the column, an unusual end or overflow, a link): the caller then renders
    it the Rich way."""
    inner = width - 2 * padding
    plain = cell.plain
    if inner < 1 or "\n" in plain or "\t" in plain or cell.end not in ("\n", ""):
        return None
    how = cell.justify or justify or "default"
    fold = cell.overflow or overflow or "fold"
    length = cell_len(plain)
    if length > inner or how not in _JUSTIFY or fold == "ignore":
        return None
    if cell.spans:
        return _spanned_line(cell, inner, padding, console, how, fold)
    style: Style | None = None
    if cell.style:
        style = _NULL + console.get_style(cell.style, default=_NULL)
        if style.link:
            return None
    content: list[Segment]
    if how == "left":
        content = [Segment(plain + " " * (inner - length), style)]
    elif how in ("right", "center"):
        stripped = plain.rstrip()
        room = inner - cell_len(stripped)
        before = room if how == "right" else room // 2
        content = [Segment(" " * before + stripped + " " * (room - before), style)]
    else:  # default, and full (which leaves a last, here only, line as it is)
        if plain:
            content = [Segment(plain, style)]
        else:
            content = [Segment("")] if style is None else []
        return _padded(content, length, inner, padding)
    return _padded(content, inner, inner, padding)


def _padded(content: list[Segment], used: int, inner: int, padding: int) -> list[Segment]:
    """``content`` (``used`` cells wide) filled out to ``inner`` cells with unstyled blanks,
    then ``padding`` blank cells each side, as Rich's Padding draws it."""
    if used < inner:
        content.append(Segment(" " * (inner - used), _NULL))
    if padding:
        edge = Segment(" " * padding, _NULL)
        return [edge, *content, edge]
    return content


def _spanned_line(cell: Text, inner: int, padding: int, console: Console, how: str,
                  fold: str) -> list[Segment] | None:
    """cell_line for a Text with spans: Rich's own wrap and render of the one line."""
    no_wrap = True if cell.no_wrap is None else cell.no_wrap
    lines = cell.wrap(console, inner, justify=cast("JustifyMethod", how),
                      overflow=cast("OverflowMethod", fold), no_wrap=no_wrap)
    if len(lines) != 1:
        return None
    content = list(Text("\n").join(lines).render(console))
    used = sum(seg.cell_length for seg in content)
    if used > inner or any(seg.style is not None and seg.style.link for seg in content):
        return None
    return _padded(content, used, inner, padding)


def styled(line: list[Segment], pre: Style, post: Style) -> list[Segment]:
    """``list(Segment.apply_style(line, pre, post))``: each segment's style becomes
    ``pre + style + post``.  A segment without a style of its own takes ``pre`` as it is,
    which is what adding gives (Rich returns the left style unchanged for a null one)."""
    if not pre or pre.link:  # nothing to add, or adding copies a linked style: Rich's way
        return list(Segment.apply_style(line, pre, post))
    out = [Segment(text, None if control else pre + style if style else pre, control)
           for text, style, control in line]
    if post:
        out = [Segment(text, None if control else style + post if style else post, control)
               for text, style, control in out]
    return out


# What PagedTable's drawing relies on in DataTable (Textual 8.2): the methods it calls or
# overrides, and the properties it caches per frame; without them, DataTable's own drawing.
_FAST_CELLS = all(callable(getattr(DataTable, name, None)) for name in (
    "_render_cell", "_get_row_renderables", "_get_styles_to_render_cell",
    "get_component_styles")) and all(isinstance(getattr(DataTable, name, None), property)
                                     for name in ("rich_style", "background_colors",
                                                  "ordered_columns"))
_FAST_STATE = ("_cell_render_cache", "_row_locations", "_column_locations", "_update_count",
               "_pseudo_class_state", "_show_hover_cursor", "cell_padding")


class _FrameStyles:
    """A component's styles while the table paints: its Rich style worked out once."""

    __slots__ = ("_styles", "rich_style")

    def __init__(self, styles) -> None:
        self._styles = styles
        self.rich_style = styles.rich_style

    def __getattr__(self, name: str):
        return getattr(self._styles, name)


class FastCells(DataTable):
    """DataTable with the drawing above: a table of one-line rows and columns of set widths."""

    _frame: dict[object, object] | None = None  # while painting (see render_lines)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._fast_cells = _FAST_CELLS and all(hasattr(self, name) for name in _FAST_STATE)
        self._console_defaults: tuple[str | None, str | None] | None = None
        self._positioned: dict[tuple[Style, int, int], Style] = {}

    # --- sizing -------------------------------------------------------------------------------
    def _update_dimensions(self, new_rows) -> None:
        """DataTable measures every cell of every new row to widen auto-width columns and to
        size auto-height rows.  This table has neither: every column has its width (computed
        from the page in the worker) and every row is one line; so only the scrollable size is
        set, as DataTable would set it.  Measuring a 200-row page took about half of a filter
        keystroke's repaint at 10,000 projects.  Any other table falls back to DataTable's."""
        if (self._labelled_row_exists or any(c.auto_width for c in self.columns.values())
                or any(self.rows[k].auto_height for k in new_rows if k in self.rows)):
            super()._update_dimensions(new_rows)
            return
        width = sum(c.get_render_width(self) for c in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(width + self._row_label_column_width,
                                 self._total_row_height + header)

    # --- drawing ------------------------------------------------------------------------------
    # While the table paints (one ``render_lines`` call: nothing can change its styles or its
    # columns meanwhile), what DataTable works out again for every line is worked out once:
    # its own and its components' Rich styles and background colours (each a walk up the
    # DOM, four or five per line) and the ordered columns.  A third of a repaint at 200x50.
    def render_lines(self, crop):
        if not self._fast_cells:
            return super().render_lines(crop)
        self._frame = {}
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def _in_frame(self, key: object, compute):
        frame = self._frame
        if frame is None:
            return compute()
        try:
            return frame[key]
        except KeyError:
            value = frame[key] = compute()
            return value

    @property
    def rich_style(self) -> Style:
        return self._in_frame("rich_style", lambda: _getter(DataTable.rich_style)(self))

    @property
    def background_colors(self):
        return self._in_frame("background_colors",
                              lambda: DataTable.background_colors.fget(self))

    @property
    def ordered_columns(self):
        return self._in_frame("ordered_columns", lambda: DataTable.ordered_columns.fget(self))

    def get_component_styles(self, *names: str):
        if self._frame is None:
            return super().get_component_styles(*names)
        return self._in_frame(("component", names),
                              lambda: _FrameStyles(super(FastCells, self).get_component_styles(*names)))

    def _render_cell(self, row_index: int, column_index: int, base_style: Style, width: int,
                     cursor: bool = False, hover: bool = False) -> list[list[Segment]]:
        """DataTable renders each cell through Rich (Padding, Styled, Text wrapping and
        justifying, line splitting and cropping), and a keystroke in the filter repaints every
        visible cell (some 750 at 200x50): about half of the repaint.  Here a one-line Text cell
        that fits its column is drawn straight from its text (``cell_line``), with the same
        styles, the same cache and the same segments (tests/tui/test_cell_render.py); so is a
        header label (redrawn whenever a page changes the columns' widths).  Row labels,
        taller rows and anything else go through DataTable's own rendering, as does
        everything when DataTable lacks what this relies on."""
        if row_index < -1 or column_index < 0 or not self._fast_cells:
            return super()._render_cell(row_index, column_index, base_style, width,
                                        cursor=cursor, hover=hover)
        header = row_index == -1
        row_key = self._header_row_key if header else self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None:  # not a cell DataTable knows: its own way
            return super()._render_cell(row_index, column_index, base_style, width,
                                        cursor=cursor, hover=hover)
        cache_key = (row_key, column_key, base_style, cursor,
                     hover, self._show_hover_cursor, self._update_count,
                     self._pseudo_class_state)
        lines = self._cell_render_cache.get(cache_key)
        if lines is not None:
            return lines
        row = self.rows.get(row_key)
        height = self.header_height if header else row.height if row is not None else None
        cells = self._get_row_renderables(row_index).cells
        cell = cells[column_index] if column_index < len(cells) else None
        line = None
        padding, fixed_rows, fixed_columns, show_cursor, css_fg, css_bg, console = self._in_frame(
            "cell_settings", self._cell_settings)
        if height == 1 and isinstance(cell, Text):
            if self._console_defaults is None:
                options = self.app.console_options
                self._console_defaults = (options.justify, options.overflow)
            line = cell_line(cell, width, padding, console, *self._console_defaults)
        if line is None:
            return super()._render_cell(row_index, column_index, base_style, width,
                                        cursor=cursor, hover=hover)
        component_style, post_style = self._get_styles_to_render_cell(
            header, False, not header and (row_index < fixed_rows or column_index < fixed_columns),
            hover, cursor, show_cursor, self._show_hover_cursor, css_fg, css_bg)
        lines = [self._with_position(line, row_index, column_index, base_style,
                                     component_style, post_style)]
        self._cell_render_cache[cache_key] = lines
        return lines

    def _cell_settings(self) -> tuple:
        """The table's settings a cell is drawn with (reactive attributes, each read costs a
        microsecond: read once a frame, not seven times a cell)."""
        return (self.cell_padding, self.fixed_rows, self.fixed_columns, self.show_cursor,
                self.cursor_foreground_priority == "css",
                self.cursor_background_priority == "css", self.app.console)

    def _with_position(self, line: list[Segment], row_index: int, column_index: int,
                       base_style: Style, component_style: Style, post_style: Style
                       ) -> list[Segment]:
        """``line`` styled as DataTable styles a cell: the base style carries the cell's
        position as meta (for the mouse).  DataTable adds that meta first, so every later
        style sum is new for every cell; added last instead — the same style, metas merged
        in the same order, as long as only the base style has meta of its own (a fixed
        column's) — the sums before it are the same for every cell of a row or column, and
        the last one is remembered per (style, row, column), so a repaint of the same screen
        positions (the next page, the next keystroke) makes no new style at all."""
        if component_style._meta or post_style._meta or any(
                seg.style is not None and seg.style._meta for seg in line):
            pre = base_style + Style.from_meta({"row": row_index, "column": column_index})
            return styled(line, pre + component_style, post_style)  # DataTable's order
        known = self._positioned
        if len(known) > 20_000:  # a bound (a few MB); one screen of a wide table is about 3,000
            known.clear()
        out = []
        for text, style, control in styled(line, base_style + component_style, post_style):
            if control or style is None:
                out.append(Segment(text, style, control))
                continue
            key = (style, row_index, column_index)
            placed = known.get(key)
            if placed is None:
                placed = known[key] = style + Style.from_meta({"row": row_index,
                                                               "column": column_index})
            out.append(Segment(text, placed, control))
        return out
