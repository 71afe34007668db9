"""A DataTable that shows one page of a longer list, with columns of known widths.

Rows are keyed (a project id, or "group:<key>"); cells arrive formatted (Rich Text) from a
worker.  Moving past the last row asks for the next page, past the first for the previous one,
so paging feels like scrolling; the page itself is chosen by the screen from its data.  It
draws its cells and sizes itself the fast way of ``fastcells`` (the private DataTable API that
relies on is named and tested there).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from projtrack.tui.keys import translate_bindings
from projtrack.tui.widgets.fastcells import FastCells

if TYPE_CHECKING:
    from textual import getters

    from projtrack.tui.app import ProjtrackApp


@dataclass(frozen=True)
class TableColumn:
    key: str
    label: str  # catalog key under ui.
    width: int  # minimum width in cells (Chinese)
    width_en: int | None = None  # minimum width in English, if different
    numeric: bool = False

    def min_width(self, lang: str) -> int:
        return self.width_en if lang == "en" and self.width_en else self.width


def text_width(cell: object) -> int:
    return cell.cell_len if isinstance(cell, Text) else cell_len(str(cell))


def widths(columns: Sequence[TableColumn], rows: Sequence[tuple[str, Sequence[object]]], lang: str,
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


def cursor_key(table: DataTable) -> str | None:
    """The key of the row under ``table``'s cursor; None when the table has no rows."""
    if not table.row_count:
        return None
    try:
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except Exception:  # no cursor cell (an empty table)
        return None


class PagedTable(FastCells):
    if TYPE_CHECKING:  # self.app as the type checker should see it
        app = getters.app(ProjtrackApp)

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
    def _asked_for_page(self, step: int) -> bool:
        """At the page's edge in the direction of ``step`` (+1 down, -1 up) with a page beyond
        it: ask the screen for that page (True); else the cursor moves as usual (False)."""
        if step > 0:
            at_edge = self.has_next and self.row_count > 0 and self.cursor_row >= self.row_count - 1
        else:
            at_edge = self.has_prev and self.cursor_row <= 0
        if at_edge:
            self.post_message(self.PageRequest(self, step))
        return at_edge

    def action_cursor_down(self) -> None:
        if not self._asked_for_page(+1):
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        if not self._asked_for_page(-1):
            super().action_cursor_up()

    def action_page_down(self) -> None:
        if not self._asked_for_page(+1):
            super().action_page_down()

    def action_page_up(self) -> None:
        if not self._asked_for_page(-1):
            super().action_page_up()

    # --- filling ------------------------------------------------------------------------------
    def show(self, columns: Sequence[TableColumn], labels: Sequence[Text | str],
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
        return cursor_key(self)
