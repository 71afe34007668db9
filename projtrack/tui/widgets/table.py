"""A DataTable that shows one page of a longer list, with columns of known widths.

Rows are keyed (a project id, or "group:<key>"); cells arrive formatted (Rich Text) from a
worker.  Moving past the last row asks for the next page, past the first for the previous one,
so paging feels like scrolling; the page itself is chosen by the screen from its data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from projtrack.tui.keys import translate_bindings


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # catalog key under ui.
    width: int  # minimum width in cells (Chinese)
    width_en: int | None = None  # minimum width in English, if different
    numeric: bool = False

    def min_width(self, lang: str) -> int:
        return self.width_en if lang == "en" and self.width_en else self.width


def text_width(cell: object) -> int:
    return cell.cell_len if isinstance(cell, Text) else cell_len(str(cell))


def widths(columns: Sequence[Column], rows: Sequence[tuple[str, Sequence[object]]], lang: str,
           labels: Sequence[str]) -> list[int]:
    """Each column as wide as its minimum, its label, and (numeric columns) its widest cell:
    numbers are never cut; text is cut by the formatter to the minimum."""
    out = []
    for i, col in enumerate(columns):
        w = max(col.min_width(lang), cell_len(labels[i]))
        if col.numeric:
            w = max([w] + [text_width(cells[i]) for _, cells in rows])
        out.append(w)
    return out


class PagedTable(DataTable):
    BINDINGS = [Binding("enter", "select_cursor", "ui.key.open")]  # shown in the footer

    class PageRequest(Message):
        """The cursor went past the page's edge: ``step`` is +1 (next) or -1 (previous)."""

        def __init__(self, table: PagedTable, step: int) -> None:
            super().__init__()
            self.table = table
            self.step = step

        @property
        def control(self) -> PagedTable:
            return self.table

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)
        self.has_next = False
        self.has_prev = False
        self._layout: tuple = ()

    def on_mount(self) -> None:
        translate_bindings(self, self.app.lang)

    # --- paging at the edges ------------------------------------------------------------------
    def _at_end(self) -> bool:
        return self.row_count > 0 and self.cursor_row >= self.row_count - 1

    def action_cursor_down(self) -> None:
        if self._at_end() and self.has_next:
            self.post_message(self.PageRequest(self, +1))
        else:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if self.cursor_row <= 0 and self.has_prev:
            self.post_message(self.PageRequest(self, -1))
        else:
            super().action_cursor_up()

    def action_page_down(self) -> None:
        if self._at_end() and self.has_next:
            self.post_message(self.PageRequest(self, +1))
        else:
            super().action_page_down()

    def action_page_up(self) -> None:
        if self.cursor_row <= 0 and self.has_prev:
            self.post_message(self.PageRequest(self, -1))
        else:
            super().action_page_up()

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

    # --- filling ------------------------------------------------------------------------------
    def show(self, columns: Sequence[Column], labels: Sequence[Text | str],
             rows: Sequence[tuple[str, Sequence[object]]], col_widths: Sequence[int],
             cursor: str | int | None = None) -> None:
        """Replace the rows (and the columns when their labels or widths changed); put the
        cursor on the row keyed ``cursor``, or at an index (-1 = last), else keep its index."""
        keep = self.cursor_row
        layout = (tuple(str(lb) for lb in labels), tuple(col_widths))
        if layout != self._layout:
            self.clear(columns=True)
            for col, label, w in zip(columns, labels, col_widths, strict=True):
                self.add_column(label, width=w, key=col.key)
            self._layout = layout
        else:
            self.clear()
        for key, cells in rows:
            self.add_row(*cells, key=key)
        if not rows:
            return
        index = keep
        if isinstance(cursor, str):
            try:
                index = self.get_row_index(cursor)
            except RowDoesNotExist:
                pass
        elif isinstance(cursor, int):
            index = cursor if cursor >= 0 else len(rows) - 1
        self.move_cursor(row=max(0, min(index, len(rows) - 1)), animate=False)

    def current_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:  # no cursor cell (an empty table)
            return None
