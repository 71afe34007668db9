"""PagedTable draws a one-line cell straight from its Text (``cell_line``) rather than through
Rich's Padding/Styled/wrap/justify pipeline: the segments must be exactly those DataTable's own
rendering gives, for any width, CJK text, style, justification and span; anything unusual falls
back to DataTable's rendering."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from rich.console import Console
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.renderables.styled import Styled
from textual.widgets import DataTable

from projtrack.core.types import FlagRules
from projtrack.tui import cells as c
from projtrack.tui.widgets.fastcells import cell_line, styled
from projtrack.tui.widgets.table import PagedTable, TableColumn

CONSOLE = Console(width=200, height=50, color_system="truecolor")

PLAINS = ["", "a", "abc", "  x  ", "项目一", "中文abc", "12,345.67", " 红 ", "62.3% (-28.4)",
          c.fit("城关镇第一小学教学楼改扩建工程", 16), "x" * 30, "[b]not markup[/b]"]
STYLES = ["", "dim strike", c.FLAG_STYLES["red"], Style(italic=True, color="#90caf9")]
JUSTIFY = [None, "default", "left", "right", "center", "full"]


def texts():
    for plain, style, justify, end in itertools.product(PLAINS, STYLES, JUSTIFY, ["\n", ""]):
        yield Text(plain, style=style, justify=justify, end=end)
        whole = Text(plain, style=style, justify=justify, end=end)
        whole.stylize("bold #90caf9")  # as a group subtotal's figures
        yield whole
        part = Text(plain, style=style, justify=justify, end=end)
        part.stylize("underline", 1, 3)
        yield part


def rich_lines(cell: Text, width: int, padding: int, pre: Style, post: Style) -> list:
    """What DataTable._render_cell does for a cell on a one-line row."""
    options = CONSOLE.options.update_dimensions(width, 1).update(no_wrap=True)
    return CONSOLE.render_lines(Styled(Padding(cell, (0, padding)), pre_style=pre,
                                      post_style=post), options)


PRES = [Style.null(), Style(bgcolor="#123456") + Style.from_meta({"row": 3, "column": 4}),
        Style(color="red", bold=True)]
POSTS = [Style.null(), Style(bgcolor="#ff0000")]


def test_cell_line_gives_rich_s_segments_exactly():
    fast = fell_back = 0
    for cell in texts():
        for width, padding in itertools.product((1, 2, 3, 4, 6, 10, 12, 16, 18, 30, 32), (0, 1, 2)):
            line = cell_line(cell.copy(), width, padding, CONSOLE)
            if line is None:
                fell_back += 1
                inner = width - 2 * padding
                assert inner < 1 or cell.cell_len > inner  # only what it cannot draw
                continue
            fast += 1
            for pre, post in itertools.product(PRES, POSTS):
                expected = rich_lines(cell.copy(), width, padding, pre, post)
                assert [styled(line, pre, post)] == expected, (cell, width, padding, pre, post)
    assert fast > 10_000 and fell_back > 0


def test_cell_line_leaves_the_cell_alone():
    cell = Text("  62.3%  ", style="bold", justify="right")
    cell.stylize("red", 2, 4)
    before = (cell.plain, list(cell.spans), cell.style, cell.justify)
    cell_line(cell, 14, 1, CONSOLE)
    assert (cell.plain, list(cell.spans), cell.style, cell.justify) == before


@pytest.mark.parametrize("cell", [Text("two\nlines"), Text("a\ttab"), Text("x" * 11),
                                  Text("中文中文中文", justify="right"),
                                  Text("ignore", overflow="ignore"),
                                  Text("link", style=Style(link="https://example.org"))])
def test_cell_line_leaves_the_unusual_to_rich(cell):
    assert cell_line(cell, 12, 1, CONSOLE) is None


def test_styled_is_apply_style():
    line = [Segment(" ", Style.null()), Segment("红", Style(bold=True)), Segment("x"),
            Segment("", None), Segment(" ", Style.null())]
    for pre, post in itertools.product(PRES + [Style(link="https://example.org")], POSTS):
        assert styled(line, pre, post) == list(Segment.apply_style(line, pre, post))


# --- the table ----------------------------------------------------------------------------------
RULES = FlagRules()
COLUMNS = [TableColumn("flag", "col.flag", 4), TableColumn("name", "col.name", 16),
           TableColumn("phase", "col.phase", 4), TableColumn("money", "col.total_investment", 10,
                                                   numeric=True),
           TableColumn("rate", "col.rate", 14, numeric=True), TableColumn("town", "col.township", 8),
           TableColumn("bar", "col.rate", 6), TableColumn("wide", "col.name", 4)]
WIDTHS = [4, 16, 4, 10, 14, 8, 6, 4]


def row(i: int) -> tuple[str, list[object]]:
    if i % 7 == 3:  # a group subtotal row: bold spans, blank cells
        money = c.money(Decimal(i) * 1000)
        money.stylize("bold #90caf9")
        return f"group:{i}", [None, Text(c.fit(f"一、教育类({i}个)", 16), style="bold #90caf9"),
                              "", money, "", "", "", ""]
    withdrawn = i % 5 == 4
    return str(i), [
        c.flag(("red", "yellow", "green")[i % 3], "zh") if not withdrawn else Text("撤"),
        Text(c.fit("城关镇第一小学教学楼改扩建工程"[: 4 + i % 12], 16),
             style="dim strike" if withdrawn else ""),
        c.words("在建" if i % 2 else None, "zh", 4),
        c.money(Decimal(i * 12345) / 7 if i % 6 else None),
        c.rate_vs_time(Decimal(i % 100) / 100, Decimal(i % 9 - 5) / 10, RULES),
        c.fit("昆阳镇" if i % 2 else "城关镇西街道社区", 8),
        c.bar(Decimal(i % 10) / 10, 6, marker=Decimal("0.5")),
        Text("too wide for it" if i % 4 == 0 else "ok"),  # wider: DataTable's own path
    ]


ROWS = [row(i) for i in range(60)]


class TableApp(App):
    lang = "zh"

    def compose(self) -> ComposeResult:
        yield PagedTable(id="table", fixed_columns=2)


def paint(table: PagedTable, fast: bool) -> list[list[Segment]]:
    """Every visible line, drawn afresh, with or without the direct cell drawing."""
    table._fast_cells = fast
    table._clear_caches()
    table._styles_cache.clear()
    try:
        return [list(strip) for strip in table.render_lines(Region(0, 0, *table.size))]
    finally:
        table._fast_cells = True


async def test_the_table_paints_exactly_as_datatable_does():
    app = TableApp()
    async with app.run_test(size=(60, 24)) as pilot:
        table = app.query_one(PagedTable)
        table.show(COLUMNS, [lb.key for lb in COLUMNS], ROWS, WIDTHS)
        await pilot.pause()
        drawn = []
        real = DataTable._render_cell

        def spy(self, row_index, column_index, *args, **kwargs):
            drawn.append((row_index, column_index))
            return real(self, row_index, column_index, *args, **kwargs)

        DataTable._render_cell = spy  # type: ignore[method-assign]
        try:
            fast = paint(table, True)
            by_rich = len(drawn)
        finally:
            DataTable._render_cell = real  # type: ignore[method-assign]
        assert fast == paint(table, False)
        # only the too-wide cells and labels went DataTable's way; the rest, header labels
        # included (the header is on screen: its segments are in the comparison above), not
        def too_wide(r: int, col: int) -> bool:
            if r == -1:
                return len(COLUMNS[col].key) > WIDTHS[col]  # a width is inside the padding
            return str(ROWS[r][1][col]) == "too wide for it"

        assert drawn and all(too_wide(r, col) for r, col in drawn)
        assert any(r == -1 for r, _ in drawn) and table.show_header and table.header_height == 1
        assert sum(1 for r, _ in drawn if r == -1) < len(COLUMNS)
        assert 0 < by_rich < len(ROWS[0][1]) * table.size.height // 2

        # the cursor on another row, the mouse over a cell, scrolled sideways past the fixed
        # columns, no zebra stripes, cell cursor: still the same
        table.move_cursor(row=5, animate=False)
        table.hover_coordinate = Coordinate(7, 3)
        table._show_hover_cursor = True
        await pilot.pause()
        assert paint(table, True) == paint(table, False)
        table.scroll_to(x=12, y=3, animate=False)
        await pilot.pause()
        assert paint(table, True) == paint(table, False)
        table.zebra_stripes = False
        table.cursor_type = "cell"
        await pilot.pause()
        assert paint(table, True) == paint(table, False)
        table.cursor_type = "row"
        table.zebra_stripes = True


async def test_a_new_page_is_drawn_from_its_own_cells():
    """The cell cache is keyed on the table's update count: the same row key on the next page
    with other content shows the new content (and the same content once more, the old)."""
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(PagedTable)
        labels = [lb.key for lb in COLUMNS]
        table.show(COLUMNS, labels, ROWS[:8], WIDTHS)
        await pilot.pause()
        before = paint(table, True)

        def plain(lines):
            return ["".join(seg.text for seg in line) for line in lines]

        changed = [(key, [Text("改") if i == 1 else cell for i, cell in enumerate(cells)])
                   for key, cells in ROWS[:8]]
        table.show(COLUMNS, labels, changed, WIDTHS)
        await pilot.pause()
        lines = [list(strip) for strip in table.render_lines(Region(0, 0, *table.size))]
        assert lines == paint(table, False)
        assert plain(lines) != plain(before)
        assert "改" in plain(lines)[1] and "改" not in "".join(plain(before))
        table.show(COLUMNS, labels, ROWS[:8], WIDTHS)
        await pilot.pause()
        assert [list(s) for s in table.render_lines(Region(0, 0, *table.size))] == before


async def test_without_datatable_s_internals_it_uses_datatable_s_rendering():
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(PagedTable)
        table.show(COLUMNS, [lb.key for lb in COLUMNS], ROWS[:8], WIDTHS)
        await pilot.pause()
        table._fast_cells = False
        called = []
        real = DataTable._render_cell

        def spy(self, *args, **kwargs):
            called.append(args[:2])
            return real(self, *args, **kwargs)

        DataTable._render_cell = spy  # type: ignore[method-assign]
        try:
            table._clear_caches()
            table._styles_cache.clear()
            table.render_lines(Region(0, 0, *table.size))
        finally:
            DataTable._render_cell = real  # type: ignore[method-assign]
            table._fast_cells = True
        assert any(r >= 0 for r, _ in called)


async def test_cells_with_meta_of_their_own_are_styled_in_datatable_s_order():
    """The position meta is added last only when no style but the base one has meta; a cell
    whose own style carries some (a click action, say) is styled in DataTable's order, and
    paints the same as DataTable paints it, cursor and stripes included."""
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(PagedTable)
        clickable = Style(color="#90caf9", meta={"@click": "app.bell", "column": 99})
        rows = [(key, [Text(str(cell), style=clickable) if i == 1 and isinstance(cell, Text)
                       else cell for i, cell in enumerate(cells)]) for key, cells in ROWS[:8]]
        table.show(COLUMNS, [lb.key for lb in COLUMNS], rows, WIDTHS)
        table.move_cursor(row=2, animate=False)
        await pilot.pause()
        fast = paint(table, True)
        assert fast == paint(table, False)
        metas = [seg.style.meta for line in fast for seg in line
                 if seg.style is not None and "@click" in seg.style.meta]
        # the cell's own style comes after the position, as in DataTable; name is a fixed
        # column, whose base style has meta too
        assert metas and all(m["column"] == 99 and m["fixed"] and "row" in m for m in metas)


async def test_styles_worked_out_once_a_frame_are_not_kept_past_it():
    """While painting, the table's own and its components' styles are worked out once; a
    style changed between two paints shows in the next one, exactly as DataTable paints it."""
    app = TableApp()
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(PagedTable)
        table.show(COLUMNS, [lb.key for lb in COLUMNS], ROWS[:8], WIDTHS)
        await pilot.pause()
        before = paint(table, True)
        assert table._frame is None  # nothing is left over from the paint
        old_style = table.rich_style
        table.styles.background = "#102030"
        table.styles.color = "#e0d0c0"
        await pilot.pause()
        after = paint(table, True)
        assert after == paint(table, False) and after != before
        assert table._frame is None
        # read afresh outside a paint: DataTable's own answer, not the last frame's
        assert table.rich_style == DataTable.rich_style.fget(table) != old_style
