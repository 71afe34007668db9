"""PagedTable sizes itself without measuring cells when every column has its width and every
row is one line — and then takes exactly the size DataTable would compute; otherwise it leaves
the sizing to DataTable."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from projtrack.tui.widgets.table import PagedTable, TableColumn

COLUMNS = [TableColumn("name", "col.name", 12), TableColumn("money", "col.total", 8, numeric=True),
           TableColumn("town", "col.township", 6)]
ROWS = [(str(i), (Text(f"项目{i:03d}" * (1 + i % 3)), Text(f"{i * 1234.5:,.2f}"), "昆阳镇"))
        for i in range(120)]


class TwoTables(App):
    lang = "zh"

    def compose(self) -> ComposeResult:
        yield PagedTable(id="paged")
        yield DataTable(id="plain")


async def test_fixed_widths_give_datatable_s_own_size_without_measuring():
    app = TwoTables()
    async with app.run_test(size=(120, 40)) as pilot:
        paged = app.query_one("#paged", PagedTable)
        plain = app.query_one("#plain", DataTable)
        measured: list = []
        real = DataTable._update_dimensions

        def spy(self, rows):
            measured.append(self.id)
            return real(self, rows)

        DataTable._update_dimensions = spy  # type: ignore[method-assign]
        try:
            paged.show(COLUMNS, ["名称", "总投资", "乡镇"], ROWS, [14, 12, 6])
            for col, w in zip(COLUMNS, [14, 12, 6], strict=True):
                plain.add_column(col.label, width=w, key=col.key)
            for key, cells in ROWS:
                plain.add_row(*cells, key=key)
            await pilot.pause()
        finally:
            DataTable._update_dimensions = real  # type: ignore[method-assign]
        assert measured == ["plain"]  # the paged table never fell back to measuring
        assert paged.virtual_size == plain.virtual_size
        assert paged.row_count == 120
        # a second page replaces the rows: the size follows
        paged.show(COLUMNS, ["名称", "总投资", "乡镇"], ROWS[:7], [14, 12, 6])
        await pilot.pause()
        assert paged.virtual_size.height == 7 + paged.header_height


async def test_an_auto_width_column_is_measured_as_datatable_does():
    app = TwoTables()
    async with app.run_test(size=(120, 40)) as pilot:
        paged = app.query_one("#paged", PagedTable)
        paged.add_column("名称", key="name")  # no width: auto
        paged.add_row(Text("一个很长很长很长的项目名称"), key="1")
        await pilot.pause()
        assert paged.columns["name"].content_width == Text("一个很长很长很长的项目名称").cell_len


class OnePage(App):
    lang = "zh"

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[int] = []

    def compose(self) -> ComposeResult:
        yield PagedTable(id="paged")

    def on_paged_table_page_request(self, event: PagedTable.PageRequest) -> None:
        self.requests.append(event.step)


async def test_moving_past_either_edge_asks_for_the_page_beyond_only_when_there_is_one():
    app = OnePage()
    async with app.run_test(size=(120, 20)) as pilot:
        paged = app.query_one("#paged", PagedTable)
        paged.show(COLUMNS, ["名称", "总投资", "乡镇"], ROWS[:5], [14, 12, 6])
        paged.focus()
        await pilot.pause()
        for key in ("up", "pageup", "down", "pagedown"):  # no page beyond: the cursor moves
            paged.move_cursor(row=0 if "up" in key else 4)
            await pilot.press(key)
        await pilot.pause()
        assert app.requests == [] and paged.cursor_row == 4
        paged.has_prev = paged.has_next = True
        for row, key in ((0, "up"), (0, "pageup"), (4, "down"), (4, "pagedown"), (2, "down")):
            paged.move_cursor(row=row)
            await pilot.press(key)
            await pilot.pause()
        assert app.requests == [-1, -1, +1, +1]  # not from the middle of the page
        assert paged.cursor_row == 3
