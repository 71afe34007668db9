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
from textual.containers import ScrollableContainer
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
    priority: int = 99  # which columns a narrow terminal keeps: the lowest numbers first

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


def by_priority(columns: Sequence[TableColumn], col_widths: Sequence[int], room: int,
                padding: int = 1, essential: Sequence[str] = ()) -> list[int]:
    """The indices (in table order) of the columns that fit in ``room`` cells, taken by
    priority (lowest first) until the next one does not fit; the ``essential`` ones always."""
    used, keep = 0, set()
    for i in sorted(range(len(columns)), key=lambda i: columns[i].priority):
        w = col_widths[i] + 2 * padding
        if used + w > room and columns[i].key not in essential:
            break
        used += w
        keep.add(i)
    return sorted(keep)


def priority_order(columns: Sequence[TableColumn], col_widths: Sequence[int], room: int,
                   padding: int = 1, fixed: int = 0) -> list[int]:
    """The columns in the order a narrow table shows them, scrolled by whole columns: the
    ``fixed`` first ones, then those ``by_priority`` keeps at ``room`` cells (in table order),
    then the others (in table order), a key away to the right.  All fit: the table order."""
    keep = set(by_priority(columns, col_widths, room, padding, essential=[
        col.key for col in columns[:fixed]]))
    return [i for i in range(len(columns)) if i in keep] + \
        [i for i in range(len(columns)) if i not in keep]


def column_window(col_widths: Sequence[int], fixed: int, first: int, room: int,
                  padding: int = 1) -> tuple[int, list[int]]:
    """Which columns a table ``room`` cells wide shows when it scrolls by whole columns: the
    ``fixed`` first ones, then from the ``first`` of the others as many as fit whole (at least
    one); ``first`` is pulled back while the one before it would fit too, so the last columns
    fill the width.  Returns the first actually used and the indices shown."""
    widths = [w + 2 * padding for w in col_widths]
    fixed = min(fixed, len(widths))
    rest = list(range(fixed, len(widths)))
    if not rest:
        return 0, list(range(fixed))
    left = room - sum(widths[:fixed])
    first = max(0, min(first, len(rest) - 1))
    shown: list[int] = []
    used = 0
    for i in rest[first:]:
        if shown and used + widths[i] > left:
            break
        shown.append(i)
        used += widths[i]
    while first > 0 and shown[-1] == rest[-1] and used + widths[rest[first - 1]] <= left:
        first -= 1
        shown.insert(0, rest[first])
        used += widths[rest[first]]
    return first, list(range(fixed)) + shown


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

    class ColumnsShifted(Message):
        """Left/right showed other columns: a view's note of the columns out of view is due."""

        def __init__(self, table: PagedTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> PagedTable:
            return self.table

    def __init__(self, *, whole_columns: bool = False, **kwargs) -> None:
        """``whole_columns``: scroll sideways by whole columns, showing only the columns that
        fit whole (left/right move by a column), so that no number is ever cut in half."""
        kwargs.setdefault("cursor_type", "row")
        kwargs.setdefault("zebra_stripes", True)
        super().__init__(**kwargs)
        self.has_next = False
        self.has_prev = False
        self._layout: tuple = ()
        self.whole_columns = whole_columns
        self.first_column = 0  # the first of the scrolling (not fixed) columns shown
        self.hidden_left = self.hidden_right = 0  # columns out of view either side
        self.shown_keys: tuple[str, ...] = ()
        self._all: tuple[Sequence, Sequence, Sequence, Sequence[int]] | None = None  # for a new window
        self._room = 0

    def on_mount(self) -> None:
        translate_bindings(self, self.app.lang)

    def clear(self, columns: bool = False) -> PagedTable:
        if columns:
            self._layout = ()  # the next ``show`` adds its columns again
        super().clear(columns)
        return self

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

    # --- sideways, a whole column at a time ----------------------------------------------------
    def action_cursor_right(self) -> None:
        if self.whole_columns:
            self.shift_columns(+1)
        else:
            super().action_cursor_right()

    def action_cursor_left(self) -> None:
        if self.whole_columns:
            self.shift_columns(-1)
        else:
            super().action_cursor_left()

    def room(self, width: int) -> int:
        """The cells that columns may take in a table ``width`` cells wide (its gutter and a
        vertical scrollbar's place taken off, and that of the scrolling pane it sits in, if it
        does: the one home of this arithmetic, not each screen's)."""
        pane = self.parent
        pane_bar = pane.styles.scrollbar_size_vertical \
            if isinstance(pane, ScrollableContainer) else 0
        return width - self.styles.gutter.width - self.styles.scrollbar_size_vertical - pane_bar

    def shift_columns(self, step: int) -> None:
        """Show the next (``step`` +1) or previous (-1) scrolling column."""
        if self._all is None:
            return
        if (step > 0 and self.hidden_right) or (step < 0 and self.hidden_left):
            self.first_column = max(0, self.first_column + step)
            columns, labels, rows, col_widths = self._all
            self.show(columns, labels, rows, col_widths, cursor_key(self), room=self._room)
            self.post_message(self.ColumnsShifted(self))

    # --- filling ------------------------------------------------------------------------------
    def show(self, columns: Sequence[TableColumn], labels: Sequence[Text | str],
             rows: Sequence[tuple[str, Sequence[object]]], col_widths: Sequence[int],
             cursor: str | int | None = None, room: int | None = None) -> None:
        """Replace the rows (and the columns when their labels or widths changed); put the
        cursor on the row keyed ``cursor``, or at an index (-1 = last), else keep its index.
        A ``whole_columns`` table shows the window of columns that fits ``room`` cells."""
        if self.whole_columns and room is not None:
            self._all, self._room = (columns, labels, rows, col_widths), room
            first, shown = column_window(col_widths, self.fixed_columns, self.first_column,
                                         room, self.cell_padding)
            self.first_column = first
            scrolling = len(columns) - min(self.fixed_columns, len(columns))
            visible = len(shown) - min(self.fixed_columns, len(columns))
            self.hidden_left, self.hidden_right = first, max(0, scrolling - first - visible)
            if len(shown) < len(columns):
                columns = [columns[i] for i in shown]
                labels = [labels[i] for i in shown]
                col_widths = [col_widths[i] for i in shown]
                rows = [(key, [cells[i] for i in shown]) for key, cells in rows]
        self.shown_keys = tuple(col.key for col in columns)
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

    def fit(self, columns: Sequence[tuple[str, str]], rows: Sequence[tuple[str, Sequence[object]]],
            width: int, priority: dict[str, int] | None = None,
            cursor: str | int | None = None) -> None:
        """Fill from ``columns`` ((key, label)) and ``rows`` ((key, cells)) for a terminal
        ``width`` cells wide, each column as wide as its label and widest cell: the fixed
        columns, then those of the lowest ``priority`` (by key) that fit whole, in table order,
        then the others, scrolled to by whole columns (``hidden_right`` says how many)."""
        priority = priority or {}
        cols = [TableColumn(key, label, 1, priority=0 if i < self.fixed_columns else
                            priority.get(key, 99)) for i, (key, label) in enumerate(columns)]
        labels = [label for _, label in columns]
        col_widths = [max([cell_len(label)] + [text_width(cells[j]) for _, cells in rows])
                      for j, label in enumerate(labels)]
        room = self.room(width)
        order = priority_order(cols, col_widths, room, self.cell_padding, self.fixed_columns)
        self.show([cols[i] for i in order], [labels[i] for i in order],
                  [(key, [cells[i] for i in order]) for key, cells in rows],
                  [col_widths[i] for i in order], cursor, room=room)

    def current_key(self) -> str | None:
        return cursor_key(self)
