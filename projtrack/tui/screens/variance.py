"""偏差: projects ranked by variance against plan (most behind first), subtotals by category and
by township with thresholds coloured, and a bar chart of completion rate against time progress
by category."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from projtrack.core.figures import GroupFigures
from projtrack.core.portfolio import Portfolio
from projtrack.core.terms import Flag
from projtrack.tui import cells as c
from projtrack.tui.model import PAGE_SIZE, ranked_by_variance
from projtrack.tui.screens.base import ViewScreen
from projtrack.tui.widgets.charts import rate_bars
from projtrack.tui.widgets.table import PagedTable, TableColumn, widths

RANK_COLUMNS = (
    TableColumn("rank", "col.rank", 4, numeric=True), TableColumn("flag", "col.flag", 4, 3),
    TableColumn("name", "col.name", 24, 30),
    TableColumn("variance", "col.variance", 10, numeric=True),
    TableColumn("variance_rate", "col.variance_rate", 7, numeric=True),
    TableColumn("planned_to_date", "col.planned_to_date", 10, numeric=True),
    TableColumn("actual_to_date", "col.actual_to_date", 10, numeric=True),
    TableColumn("rate", "col.rate", 14, numeric=True),
    TableColumn("category", "col.category", 8, 12), TableColumn("township", "col.township", 8, 12),
)
GROUP_LABELS = ("col.group", "col.count", "col.annual_plan", "col.planned_to_date",
                "col.actual_to_date", "col.variance", "col.variance_rate", "col.rate",
                "col.flagged")
# which group columns a narrow terminal keeps (the lowest numbers first; the group always)
GROUP_PRIORITY = {"col.variance": 1, "col.rate": 2, "col.variance_rate": 3,
                  "col.actual_to_date": 4, "col.planned_to_date": 5, "col.flagged": 6,
                  "col.count": 7, "col.annual_plan": 8}


class VarianceReady(Message):
    def __init__(self, portfolio: Portfolio, ranked: list, categories: dict, townships: dict):
        super().__init__()
        self.portfolio, self.ranked = portfolio, ranked
        self.categories, self.townships = categories, townships


class VarianceScreen(ViewScreen):
    VIEW = "variance"
    AUTO_FOCUS = "#rank"
    BINDINGS = [
        Binding("enter", "open", "ui.key.open"),
        Binding("right_square_bracket", "page(1)", "ui.key.next_page", show=False),
        Binding("left_square_bracket", "page(-1)", "ui.key.prev_page", show=False),
        Binding("e", "app.record_spend", "ui.key.spend"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: VarianceReady | None = None
        self.page = 0
        self.tab = "tab-rank"

    def compose_body(self) -> ComposeResult:
        with TabbedContent(initial=self.tab, id="tabs"):
            with TabPane(self.tr("variance.tab_rank"), id="tab-rank"):
                yield PagedTable(id="rank", fixed_columns=3, whole_columns=True)
                yield Static(id="rank-status")
            with TabPane(self.tr("variance.tab_category"), id="tab-category"):
                with VerticalScroll():
                    yield PagedTable(id="by-category", fixed_columns=1, whole_columns=True,
                                     zebra_stripes=False)
                    yield Static(id="by-category-note", classes="fit-note")
                    yield Static(self.tr("variance.chart_title"), classes="chart-title")
                    yield Static(id="bars")
            with TabPane(self.tr("variance.tab_township"), id="tab-township"):
                yield PagedTable(id="by-township", fixed_columns=1, whole_columns=True)
                yield Static(id="by-township-note", classes="fit-note")

    @work(thread=True, exclusive=True, group="variance")
    def compute(self, p: Portfolio) -> None:
        self.post_message(VarianceReady(p, ranked_by_variance(p), p.by_category(), p.by_township()))

    def on_variance_ready(self, message: VarianceReady) -> None:
        self.data = message
        self.redraw()

    def on_resize(self) -> None:
        if self.data is not None:
            self._rank(None)
            self._groups("#by-category", self.data.categories, translate=True)
            self._groups("#by-township", self.data.townships, translate=False)

    # --- drawing --------------------------------------------------------------------------------
    def redraw(self, cursor: int | None = None) -> None:
        if self.data is None:
            return
        self._rank(cursor)
        self._groups("#by-category", self.data.categories, translate=True)
        self._groups("#by-township", self.data.townships, translate=False)
        labels = {k: self.app.term(str(k)) for k in self.data.categories}
        width = max(60, self.size.width - 4)
        self.query_one("#bars", Static).update(
            rate_bars(self.data.categories, labels, width, self.app.lang, self.app.rules))
        self.ensure_focus()

    def _rank(self, cursor: int | None) -> None:
        if self.data is None:
            return
        lang, rules = self.app.lang, self.app.rules
        ranked = self.data.ranked
        pages = self._pages()
        self.page = min(self.page, pages - 1)
        first = self.page * PAGE_SIZE
        rows = []
        for i, v in enumerate(ranked[first:first + PAGE_SIZE], start=first + 1):
            f, fig = v.facts, v.figures
            rows.append((str(v.id), [
                Text(str(i), justify="right"), c.flag(fig.flag, lang),
                c.fit(f.name, RANK_COLUMNS[2].min_width(lang)),
                c.variance(fig.variance, fig.variance_rate, rules),
                c.rate(fig.variance_rate, c.LEVEL_STYLES[c.variance_level(fig.variance_rate, rules)]),
                c.money(fig.planned_to_date), c.money(fig.actual_to_date),
                c.rate_vs_time(fig.annual_completion_rate, fig.points_vs_time, rules),
                c.words(f.category, lang, RANK_COLUMNS[8].min_width(lang)),
                c.fit(f.township or c.BLANK, RANK_COLUMNS[9].min_width(lang))]))
        labels = [self.tr(col.label) for col in RANK_COLUMNS]
        table = self.query_one("#rank", PagedTable)
        table.show(RANK_COLUMNS, labels, rows, widths(RANK_COLUMNS, rows, lang, labels), cursor,
                   room=table.room(self.size.width or self.app.size.width))
        table.has_prev, table.has_next = self.page > 0, first + PAGE_SIZE < len(ranked)
        self.query_one("#rank-status", Static).update(
            self.rows_line(first, len(rows), len(ranked), self.page, pages)
            + self.more_columns(table) + "  " + self.tr("portfolio.unit"))

    def _pages(self) -> int:
        return max(1, -(-len(self.data.ranked) // PAGE_SIZE)) if self.data else 1

    def _groups(self, selector: str, groups: dict[object, GroupFigures], translate: bool) -> None:
        rules = self.app.rules
        table = self.query_one(selector, PagedTable)
        items = list(groups.items())
        if self.data is not None:
            items.append((None, self.data.portfolio.totals()))
        rows: list[tuple[str, list]] = []
        for key, g in items:
            name = self.tr("variance.total") if key is None else (
                self.app.term(str(key)) if translate else (str(key) or c.BLANK))
            flagged = g.flag_counts.get(Flag.RED, 0) + g.flag_counts.get(Flag.YELLOW, 0)
            level = c.variance_level(g.variance_rate, rules)
            style = "bold" if key is None else ""
            rows.append((f"group:{key}", [
                Text(name, style=style), c.number(g.count), c.money(g.annual_plan),
                c.money(g.planned_to_date), c.money(g.actual_to_date),
                c.variance(g.variance, g.variance_rate, rules),
                c.rate(g.variance_rate, c.LEVEL_STYLES[level]),
                c.rate_vs_time(g.annual_completion_rate, g.points_vs_time, rules),
                c.number(flagged)]))
        table.fit([(label, self.tr(label)) for label in GROUP_LABELS], rows,
                  self.size.width or self.app.size.width, GROUP_PRIORITY)
        self.query_one(f"{selector}-note", Static).update(self.more_columns(table).strip())

    def on_paged_table_columns_shifted(self, event: PagedTable.ColumnsShifted) -> None:
        if event.table.id in ("by-category", "by-township"):
            self.query_one(f"#{event.table.id}-note", Static).update(
                self.more_columns(event.table).strip())
        elif event.table.id == "rank":
            self._rank(None)

    # --- actions ----------------------------------------------------------------------------------
    def action_page(self, step: int) -> None:
        if self.data is None:
            return
        if 0 <= self.page + step < self._pages():
            self.page += step
            self._rank(0 if step > 0 else -1)

    @on(PagedTable.PageRequest)
    def _page_request(self, event: PagedTable.PageRequest) -> None:
        self.action_page(event.step)

    def selected_project_id(self) -> int | None:
        if self.tab != "tab-rank":
            return None
        key = self.query_one("#rank", PagedTable).current_key()
        return int(key) if key and key.isdigit() else None

    @on(DataTable.RowSelected, "#rank")
    def _selected(self) -> None:
        self.action_open()
