"""预测: will we make it?  Every project's forecasts — the year-end forecast against its plan,
EAC and the forecast overrun, forecast 竣工 and 投用 and whether it misses its autumn term —
the most at risk first; and the term-risk list with the places each project carries and the
places at risk by category against the plan's targets.  The figures come from
``services.forecast`` (``core.forecast``)."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from projtrack.core.money import format_rate
from projtrack.core.portfolio import Portfolio
from projtrack.services import settings
from projtrack.services.forecast import PortfolioForecast, days_late, forecasts_of, term_due
from projtrack.tui import cells as c
from projtrack.tui.model import PAGE_SIZE
from projtrack.tui.screens.base import ViewScreen
from projtrack.tui.widgets.table import PagedTable, TableColumn, widths

COLUMNS = (
    TableColumn("flag", "col.flag", 4, 3), TableColumn("name", "col.name", 22, 28),
    TableColumn("phase", "col.phase", 4, 7), TableColumn("term_at_risk", "col.term_at_risk", 6),
    TableColumn("forecast_handover", "col.forecast_handover", 10),
    TableColumn("forecast_completion", "col.forecast_completion", 10),
    TableColumn("year_end_forecast_rate", "col.year_end_forecast_rate", 7, numeric=True),
    TableColumn("year_end_forecast", "col.year_end_forecast", 10, numeric=True),
    TableColumn("annual_plan", "col.annual_plan", 10, numeric=True),
    TableColumn("overrun_forecast", "col.overrun_forecast", 8, numeric=True),
    TableColumn("eac", "col.eac", 10, numeric=True),
)
RISK_LABELS = ("col.name", "col.category", "col.term_due", "col.forecast_handover",
               "col.days_late", "col.new_places")
# which term-risk columns a narrow terminal keeps (the lowest numbers first; the project always)
RISK_PRIORITY = {"col.term_due": 1, "col.forecast_handover": 2, "col.days_late": 3,
                 "col.new_places": 4, "col.category": 5}
PLACES_LABELS = ("col.category", "col.places_at_risk", "col.target", "col.share",
                 "col.projects")


class ForecastReady(Message):
    def __init__(self, data: PortfolioForecast) -> None:
        super().__init__()
        self.data = data


class ForecastScreen(ViewScreen):
    VIEW = "forecast"
    AUTO_FOCUS = "#forecast"
    BINDINGS = [
        Binding("enter", "open", "ui.key.open"),
        Binding("right_square_bracket", "page(1)", "ui.key.next_page", show=False),
        Binding("left_square_bracket", "page(-1)", "ui.key.prev_page", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: PortfolioForecast | None = None
        self.page = 0
        self.tab = "tab-forecast"

    def compose_body(self) -> ComposeResult:
        with TabbedContent(initial=self.tab, id="tabs"):
            with TabPane(self.tr("forecast.tab_projects"), id="tab-forecast"):
                yield PagedTable(id="forecast", fixed_columns=2, whole_columns=True)
                yield Static(id="forecast-status")
            with TabPane(self.tr("forecast.tab_term"), id="tab-term"):
                with VerticalScroll():
                    yield Static(id="term-title", classes="chart-title")
                    yield PagedTable(id="term-risk", fixed_columns=1, whole_columns=True)
                    yield Static(self.tr("forecast.places_title"), classes="chart-title")
                    yield DataTable(id="places", cursor_type="row")
                    yield Static(Text(self.tr("forecast.rules"), style="dim"), id="forecast-note")

    @work(thread=True, exclusive=True, group="forecast")
    def compute(self, portfolio: Portfolio) -> None:
        from projtrack.core.targets import merged

        targets = merged(settings.stored_targets(self.app.store))
        self.post_message(ForecastReady(forecasts_of(portfolio, targets)))

    def on_forecast_ready(self, message: ForecastReady) -> None:
        self.data = message.data
        self.redraw()

    def on_resize(self) -> None:
        if self.data is not None:
            self._projects(None)
            self._term_risk()

    # --- drawing ----------------------------------------------------------------------------------
    def redraw(self, cursor: int | None = None) -> None:
        if self.data is None:
            return
        self._projects(cursor)
        self._term_risk()
        self._places()
        self.ensure_focus()

    def _risk(self, value: bool | None) -> Text:
        if value is None:
            return Text(c.BLANK)
        if value:
            return Text(self.tr("forecast.risk_yes"), style=c.LEVEL_STYLES["red"])
        return Text(self.tr("forecast.risk_no"))

    def _projects(self, cursor: int | None) -> None:
        assert self.data is not None
        lang = self.app.lang
        ranked = self.data.ranked
        pages = self._pages()
        self.page = min(self.page, pages - 1)
        first = self.page * PAGE_SIZE
        rows = []
        yellow = c.LEVEL_STYLES["yellow"]
        for v in ranked[first:first + PAGE_SIZE]:
            f, g = v.facts, v.figures
            low = g.year_end_forecast_rate is not None and g.year_end_forecast_rate < \
                self.app.rules.year_at_risk_below
            rows.append((str(v.id), [
                c.flag(g.flag, lang), c.fit(f.name, COLUMNS[1].min_width(lang)),
                c.words(g.phase, lang, COLUMNS[2].min_width(lang)), self._risk(g.term_at_risk),
                c.date(g.forecast_handover), c.date(g.forecast_completion),
                c.rate(g.year_end_forecast_rate, yellow if low else ""),
                c.money(g.year_end_forecast), c.money(g.annual_plan),
                c.money(g.overrun_forecast, style=yellow), c.money(g.eac)]))
        labels = [self.tr(col.label) for col in COLUMNS]
        table = self.query_one("#forecast", PagedTable)
        table.show(COLUMNS, labels, rows, widths(COLUMNS, rows, lang, labels), cursor,
                   room=table.room(self.size.width or self.app.size.width))
        table.has_prev, table.has_next = self.page > 0, first + PAGE_SIZE < len(ranked)
        tot = self.data.totals
        self.query_one("#forecast-status", Static).update(
            self.rows_line(first, len(rows), len(ranked), self.page, pages)
            + self.more_columns(table) + "  "
            + self.tr("forecast.summary", forecast=c.money(tot.year_end_forecast).plain,
                      plan=c.money(tot.annual_plan).plain,
                      rate=format_rate(tot.year_end_forecast_rate, blank=c.BLANK),
                      risky=tot.term_at_risk_count, places=f"{tot.places_at_risk:,}",
                      overruns=tot.overrun_forecast_count))

    def _term_risk(self) -> None:
        assert self.data is not None
        lang = self.app.lang
        table = self.query_one("#term-risk", PagedTable)
        rows = [(str(v.id), [c.fit(v.facts.name, 30), c.words(v.facts.category, lang, 8),
                             c.date(term_due(v)), c.date(v.figures.forecast_handover),
                             c.number(days_late(v)), c.number(v.facts.new_places)])
                for v in self.data.at_risk]
        table.fit([(label, self.tr(label)) for label in RISK_LABELS], rows,
                  self.size.width or self.app.size.width, RISK_PRIORITY)
        self.query_one("#term-title", Static).update(
            self.tr("forecast.term_title", n=len(self.data.at_risk)) + self.more_columns(table))

    def on_paged_table_columns_shifted(self, event: PagedTable.ColumnsShifted) -> None:
        if event.table.id == "term-risk":
            self._term_risk()
        elif event.table.id == "forecast":
            self._projects(None)

    def _places(self) -> None:
        assert self.data is not None
        table = self.query_one("#places", DataTable)
        table.clear(columns=True)
        for label in PLACES_LABELS:
            table.add_column(self.tr(label), key=label)
        for p in self.data.places:
            table.add_row(self.app.term(p.category), c.number(p.places), c.number(p.target),
                          c.rate(p.share), c.number(p.projects), key=p.category)

    # --- actions ----------------------------------------------------------------------------------
    def _pages(self) -> int:
        return max(1, -(-len(self.data.ranked) // PAGE_SIZE)) if self.data else 1

    def action_page(self, step: int) -> None:
        if self.data is None:
            return
        if 0 <= self.page + step < self._pages():
            self.page += step
            self._projects(0 if step > 0 else -1)

    @on(PagedTable.PageRequest)
    def _page_request(self, event: PagedTable.PageRequest) -> None:
        self.action_page(event.step)

    def selected_project_id(self) -> int | None:
        if self.tab == "tab-forecast":
            key = self.query_one("#forecast", PagedTable).current_key()
        else:
            from projtrack.tui.widgets.table import cursor_key

            key = cursor_key(self.query_one("#term-risk", DataTable))
        return int(key) if key and key.isdigit() else None

    @on(DataTable.RowSelected, "#forecast")
    def _selected(self) -> None:
        self.action_open()

    @on(DataTable.RowSelected, "#term-risk")
    def _risk_selected(self) -> None:
        self.action_open()
