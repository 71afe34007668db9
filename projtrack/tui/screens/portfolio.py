"""项目总览: one row per project, grouped by category with subtotal rows or flat; a filter that
narrows as you type, quick filters, sort by any column, totals of what is shown, one page of rows
at a time (the filter, sort and paging run on the loaded portfolio in a worker).

In a city's database (projects of more than one county) the view starts a level up: a row per
county with its figures and the city's total (``core.groups.by_county``); Enter opens a county
(the portfolio as above, of that county alone, its name on the line above), Escape or Backspace
goes back up.  The county is remembered with the other filters (``viewstate``).  A county's own
database has no such level."""

from __future__ import annotations

from time import perf_counter

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Static
from textual.worker import get_current_worker

from projtrack.core.figures import GroupFigures
from projtrack.core.types import ANNEX_CLASSES, CATEGORIES, PHASES
from projtrack.errors import ProjtrackError
from projtrack.services.firstpage import SQL_SORTS, Ask, FirstPage
from projtrack.tui import cells as c
from projtrack.tui import rows as R
from projtrack.tui import viewstate
from projtrack.tui.model import Page, PortfolioIndex, Query
from projtrack.tui.screens.base import ViewScreen
from projtrack.tui.viewstate import ViewState
from projtrack.tui.widgets.table import PagedTable, by_priority, cursor_key, widths

CYCLES = {"category": (None, *CATEGORIES), "phase": (None, *PHASES),
          "annex_class": (None, *ANNEX_CLASSES)}


class PageReady(Message):
    def __init__(self, page: Page, rows: list, col_widths: list[int], seconds: float,
                 cursor: str | int | None) -> None:
        super().__init__()
        self.page, self.rows, self.col_widths = page, rows, col_widths
        self.seconds, self.cursor = seconds, cursor


class CountiesReady(Message):
    """The county level's rows (key ``county:<name>``, then ``total``) and the city's figures."""

    def __init__(self, rows: list, city: GroupFigures, seconds: float,
                 cursor: str | int | None) -> None:
        super().__init__()
        self.rows, self.city, self.seconds, self.cursor = rows, city, seconds, cursor


# the county level's columns (key, catalog label) and which a narrow terminal shows first
COUNTY_COLUMNS = (("county", "col.bd_county"), ("count", "col.bd_count"),
                  ("annual_plan", "col.bd_annual_plan"),
                  ("actual_this_year", "col.bd_actual_this_year"), ("rate", "col.bd_rate"),
                  ("variance", "col.bd_variance"), ("red", "col.bd_red"),
                  ("yellow", "col.bd_yellow"), ("green", "col.bd_green"),
                  ("total_investment", "col.bd_total_investment"))
COUNTY_PRIORITY = {"county": 0, "rate": 1, "variance": 2, "actual_this_year": 3,
                   "annual_plan": 4, "count": 5, "red": 6, "yellow": 6, "green": 7,
                   "total_investment": 8}
COUNTY_WIDTH = 16
_PROJECT_LIST_ACTIONS = frozenset({"focus_filter", "pick_columns", "sort", "reverse", "toggle",
                                   "cycle", "clear_filters", "page"})  # a county's name, in terminal cells (a Chinese character is two)


def county_cells(name: str | Text, g: GroupFigures, rules) -> list:
    """A county's (or the city's) row of the county level."""
    def count(n: int, style: str = "") -> Text:
        return Text(str(n), justify="right", style=style if n else "")

    flags = g.flag_counts
    return [name, c.number(g.count), c.money(g.annual_plan), c.money(g.actual_this_year),
            c.rate_vs_time(g.annual_completion_rate, g.points_vs_time, rules),
            c.variance(g.variance, g.variance_rate, rules),
            count(flags.get("red", 0), c.LEVEL_STYLES["red"]),
            count(flags.get("yellow", 0), c.LEVEL_STYLES["yellow"]),
            count(flags.get("green", 0)), c.money(g.total_investment)]


class PortfolioScreen(ViewScreen):
    VIEW = "portfolio"
    AUTO_FOCUS = "#table"
    BINDINGS = [
        Binding("slash", "focus_filter", "ui.key.filter"),
        Binding("escape", "leave_filter", "ui.key.leave_filter", show=False),
        Binding("backspace", "back", "ui.key.back_to_groups"),
        Binding("backspace", "back_to_counties", "ui.key.back_to_counties"),
        Binding("C", "pick_columns", "ui.key.columns"),
        Binding("enter", "open", "ui.key.open"),
        Binding("s", "sort", "ui.key.sort"),
        Binding("S", "reverse", "ui.key.reverse", show=False),
        Binding("g", "toggle('grouped')", "ui.key.group"),
        Binding("f", "toggle('flagged_only')", "ui.key.flagged"),
        Binding("w", "toggle('show_withdrawn')", "ui.key.withdrawn", show=False),
        Binding("c", "cycle('category')", "ui.key.category", show=False),
        Binding("t", "cycle('phase')", "ui.key.phase_filter", show=False),
        Binding("a", "cycle('annex_class')", "ui.key.annex_class", show=False),
        Binding("x", "clear_filters", "ui.key.clear", show=False),
        Binding("right_square_bracket", "page(1)", "ui.key.next_page", show=False),
        Binding("left_square_bracket", "page(-1)", "ui.key.prev_page", show=False),
        Binding("e", "app.record_spend", "ui.key.spend"),
        Binding("m", "app.set_milestone", "ui.key.milestone"),
        Binding("p", "app.set_phase", "ui.key.phase", show=False),
        Binding("y", "app.set_plan", "ui.key.plan", show=False),
        Binding("r", "app.edit_remarks", "ui.key.remarks", show=False),
        Binding("v", "app.add_progress", "ui.key.progress", show=False),
        Binding("u", "app.undo", "ui.key.undo", show=False),
        # the same keys on a city's county list, where no project is under the cursor (the
        # app hides the write keys there, ActionsMixin.check_action): said, not done
        *(Binding(key, "no_project_here", "ui.key.open", show=False)
          for key in ("e", "m", "p", "y", "r", "v", "u")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.query_state = Query()
        self.page: Page | None = None
        self.page_rows: list = []
        self.col_widths: list[int] = []
        self.filter_seconds: float | None = None  # the worker's part of the last page
        self.response_seconds: float | None = None  # from the ask to the table repainted
        self.painted_at: float | None = None  # perf_counter() when that repaint was done
        self._asked = perf_counter()
        self._quick_shown: Content | None = None
        self._totals_lines = -1
        self.columns: tuple[str, ...] | None = None  # picked by the officer; None: by width
        self.drilled_from: tuple[Query, str] | None = None  # the grouped view and its row
        self.county_rows: list = []  # the county level's rows, when the database is a city's
        self.city: GroupFigures | None = None
        self._saved: ViewState | None = None
        self.first_rows: list | None = None  # the first screen's rows, until the load
        self.first_painted_at: float | None = None  # perf_counter() when they were painted
        self._restore_state()

    def compose_body(self) -> ComposeResult:
        yield Static(id="scope")
        with Horizontal(id="filter-line"):
            yield Label(self.tr("portfolio.filter_label"), id="filter-label")
            yield Input(value=self.query_state.text, placeholder=self.tr("portfolio.filter_hint"),
                        id="filter")
        yield Static(id="quick")
        yield PagedTable(id="table", fixed_columns=2, whole_columns=True)
        yield PagedTable(id="counties", fixed_columns=1, whole_columns=True, zebra_stripes=False)
        yield Static(id="status")
        yield Static(id="totals")

    def on_mount(self) -> None:
        self.query_one("#filter", Input).cursor_blink = not self.app.steady
        super().on_mount()
        self.app.first_page_for(self)

    async def relabel(self) -> None:
        await super().relabel()
        self.refresh_data(None)  # the cells themselves are in the old language

    # --- computing a page (worker) ------------------------------------------------------------
    def refresh_data(self, project_id: int | None, cursor: str | int | None = None) -> None:
        index = self.app.index
        if index is None:
            if self.first_rows is not None and self.app.first_page is not None:
                self.show_first_page(self.app.first_page, again=True)  # e.g. in a new language
            return
        q, portfolio = self.query_state, index.portfolio
        if q.county is not None and (not portfolio.multi_county
                                     or q.county not in portfolio.counties):
            self.query_state = q.but(county=None)  # a county no longer there, or no city's
        self._asked = perf_counter()
        if self.county_level():
            table = self.query_one("#counties", PagedTable)
            self._compute_counties(index, cursor if cursor is not None else table.current_key())
            return
        table = self.query_one("#table", PagedTable)
        self._compute(index, self.query_state,
                      cursor if cursor is not None else table.current_key())

    def multi_county(self) -> bool:
        """The database is a city's: its projects are of more than one county."""
        index, first = self.app.index, self.app.first_page
        if index is None and first is not None:
            return first.multi_county
        return index is not None and index.portfolio.multi_county

    def county_level(self) -> bool:
        """The view shows the counties (a city's database, no county opened)."""
        return self.multi_county() and self.query_state.county is None

    def in_county(self) -> bool:
        """The view shows one county of a city's database."""
        return self.multi_county() and self.query_state.county is not None

    @work(thread=True, exclusive=True, group="portfolio-page")
    def _compute_counties(self, index: PortfolioIndex, cursor: str | int | None) -> None:
        start = perf_counter()
        city, counties = index.counties()
        rules = index.portfolio.rules
        rows = [(f"county:{key}", county_cells(c.fit(self._county_label(str(key)),
                                                     COUNTY_WIDTH), g, rules))
                for key, g in counties.items()]
        rows.append(("total", county_cells(Text(self.tr("county.total"), style="bold"), city,
                                           rules)))
        if not get_current_worker().is_cancelled:
            self.post_message(CountiesReady(rows, city, perf_counter() - start, cursor))

    def _county_label(self, key: str) -> str:
        return key or self.tr("county.unnamed")

    def on_counties_ready(self, message: CountiesReady) -> None:
        if not self.county_level():
            return  # a county was opened since
        self.county_rows, self.city = message.rows, message.city
        self.first_rows = None
        self.query_one("#counties", PagedTable).can_focus = True
        self.filter_seconds = message.seconds
        self.refresh_bindings()  # the keys of a list of projects are not the counties'
        self.redraw(message.cursor)
        self.call_after_refresh(self._painted, self._asked)

    @work(thread=True, exclusive=True, group="portfolio-page")
    def _compute(self, index: PortfolioIndex, query: Query, cursor: str | int | None) -> None:
        start = perf_counter()
        lang, rules = self.app.lang, index.portfolio.rules
        page = index.page(query)
        cats: dict[object, int] = {k: i for i, k in enumerate(CATEGORIES)}
        rows = R.page_rows(page.rows, cats, lang, rules)
        labels = [str(lb) for lb in R.labels(lang)]
        col_widths = widths(R.COLUMNS, rows, lang, labels)
        if not get_current_worker().is_cancelled:
            self.post_message(PageReady(page, rows, col_widths, perf_counter() - start, cursor))

    def on_page_ready(self, message: PageReady) -> None:
        if message.page.query.but(page=0) != self.query_state.but(page=0):
            return  # the officer has typed on since
        self.page, self.page_rows = message.page, message.rows
        self.first_rows = None  # the loaded table takes over
        self.col_widths, self.filter_seconds = message.col_widths, message.seconds
        self.query_state = message.page.query
        self.redraw(message.cursor)
        self.call_after_refresh(self._painted, self._asked)

    def _painted(self, asked: float) -> None:
        """The screen has been refreshed with the new page: how long that took since the ask."""
        self.painted_at = perf_counter()
        self.response_seconds = self.painted_at - asked

    # --- the first screen, before the load -----------------------------------------------------
    def first_ask(self, height: int) -> Ask | None:
        """What the first screen shows, as ``services.firstpage`` reads it before the load:
        None when the view was left sorted or filtered on a figure or a text (only the load
        can order or filter those as the table does).  ``height``: the terminal's lines (the
        table shows fewer rows than that)."""
        q = self.query_state
        if q.text or q.flagged_only or q.phase or q.sort not in SQL_SORTS:
            return None
        return Ask(sort=q.sort, descending=q.descending, grouped=q.grouped, county=q.county,
                   category=q.category, annex_class=q.annex_class,
                   show_withdrawn=q.show_withdrawn, limit=max(height, 20))

    def show_first_page(self, first: FirstPage, again: bool = False) -> None:
        """Paint the first screen's projects (their rows exactly as the loaded table's); the
        groups' subtotals and the totals say they are pending.  A city's county level needs
        every project's figures: it says it waits for them.  Once painted, the app opens the
        store and loads the portfolio, which takes the table over."""
        if first.ask.county != self.query_state.county:
            self.query_state = self.query_state.but(county=first.ask.county)
        if first.multi_county and first.ask.county is None:
            self.first_rows = []
            # nothing to move over yet: the keys go to the screen, which says it is waiting
            self.query_one("#counties", PagedTable).can_focus = False
            self._show_level()
            self.query_one("#status", Static).update(self.tr(
                "county.waiting", n=f"{first.project_count:,}"), layout=False)
        else:
            lang = self.app.lang
            self.first_rows = R.first_rows(first.views, first.ask.grouped, first.group_counts,
                                           lang, first.rules, first.ask.limit)
            labels = [str(lb) for lb in R.labels(lang)]
            self.col_widths = widths(R.COLUMNS, self.first_rows, lang, labels)
            self.redraw()
        if not again:
            self.call_after_refresh(self._first_painted)

    def _first_painted(self) -> None:
        self.first_painted_at = perf_counter()
        self.app.open_and_load()

    def _show_rows(self, table: PagedTable, q, rows, cursor: str | int | None) -> None:
        """The table's columns (those the width has room for, the flag and name fixed), its
        headers with the sort's mark, and ``rows`` — the first page's or a loaded page's."""
        labels = R.labels(self.app.lang, q.sort if q.sort != "id" else None, q.descending)
        room = table.room(self.size.width or self.app.size.width)
        shown = self.shown_columns(room)
        table.fixed_columns = next((n for n, i in enumerate(shown)
                                    if R.COLUMNS[i].key not in ("flag", "name")), len(shown))
        table.show([R.COLUMNS[i] for i in shown], [labels[i] for i in shown],
                   [(key, [cells[i] for i in shown]) for key, cells in rows],
                   [self.col_widths[i] for i in shown], cursor, room=room)

    def _redraw_first(self, cursor: str | int | None) -> None:
        first = self.app.first_page
        table = self.query_one("#table", PagedTable)
        if first is None or not self.first_rows:
            return
        q = first.ask
        self._show_rows(table, q, self.first_rows, cursor)
        table.has_prev = False
        table.has_next = len(self.first_rows) < first.project_count
        self._show_totals(Text(self.tr("first.totals_pending",
                                       n=f"{first.project_count:,}"), style="dim"))
        rows = self.tr("first.status", shown=len(self.first_rows), n=f"{first.project_count:,}")
        self.query_one("#status", Static).update(self._status_of(rows, q), layout=False)
        self.ensure_focus()

    def _loading_first(self) -> bool:
        """The first screen is shown and the portfolio is still being loaded."""
        return self.app.index is None and self.app.first_page is not None

    # --- drawing --------------------------------------------------------------------------------
    def _show_level(self) -> None:
        """The county level's widgets or the portfolio's, and the line naming the county."""
        level, multi = self.county_level(), self.multi_county()
        for selector in ("#filter-line", "#quick", "#table"):
            self.query_one(selector).display = not level
        self.query_one("#counties").display = level
        scope = self.query_one("#scope", Static)
        scope.display = multi
        # one line (app.tcss): no layout pass, which would repaint the table on every keystroke
        if level:
            first = self.app.first_page
            n = (len(self.app.index.portfolio.counties) if self.app.index is not None
                 else len(first.counties) if first is not None else 0)
            scope.update(self.tr("county.level", n=n), layout=False)
        elif multi:
            scope.update(Text(self.tr("county.title", county=self._county_label(
                self.query_state.county or "")), style="bold"), layout=False)

    def _redraw_counties(self, cursor: str | int | None) -> None:
        table = self.query_one("#counties", PagedTable)
        if self.focused is None or not self.focused.display:
            table.focus()
        if self.city is None:
            return
        columns = [(key, self.tr(label)) for key, label in COUNTY_COLUMNS]
        table.fit(columns, self.county_rows, self.size.width or self.app.size.width,
                  COUNTY_PRIORITY, cursor)
        self._show_totals(R.totals_text(self.city, self.city.count, self.app.lang,
                                        self.app.rules))
        parts = [self.rows_line(0, len(self.county_rows), len(self.county_rows), 0, 1)]
        more = self.more_columns(table)
        if more:
            parts.append(more.strip())
        parts.append(self.tr("portfolio.unit"))
        self.query_one("#status", Static).update("  ".join(parts), layout=False)

    def redraw(self, cursor: str | int | None = None) -> None:
        self._show_level()
        if self.county_level():
            self._redraw_counties(cursor)
            return
        self._show_quick_line()
        page = self.page
        table = self.query_one("#table", PagedTable)
        if page is None:
            if self._loading_first():
                self._redraw_first(cursor)
            return
        lang = self.app.lang
        self._show_rows(table, page.query, self.page_rows, cursor)
        table.has_prev = page.first > 0
        table.has_next = page.first + len(page.rows) < page.total_rows
        self._show_totals(R.totals_text(page.totals, page.project_count, lang, self.app.rules))
        # one line each (app.tcss): no layout pass for them, which would repaint the table
        self.query_one("#status", Static).update(self._status_line(page), layout=False)
        self.ensure_focus()

    def shown_columns(self, room: int) -> list[int]:
        """The indices of R.COLUMNS to show: the officer's pick, else those the width holds,
        by priority (the table then shows as many of them as fit whole)."""
        if self.columns is not None:
            return [i for i, col in enumerate(R.COLUMNS) if col.key in self.columns]
        return by_priority(R.COLUMNS, self.col_widths, room, essential=R.ESSENTIAL)

    def on_resize(self) -> None:
        if self.page is not None or self.city is not None or self.first_rows:
            self.redraw()

    def on_paged_table_columns_shifted(self, event: PagedTable.ColumnsShifted) -> None:
        if event.table.id == "counties":
            self.redraw()

    def _show_quick_line(self) -> None:
        """The quick-filter chips (one line, app.tcss): updated without a layout pass, and not at
        all when they did not change (typing in the filter does not change them)."""
        line = self._quick_line()
        if line != self._quick_shown:
            self._quick_shown = line
            self.query_one("#quick", Static).update(line, layout=False)

    def _show_totals(self, text: Text) -> None:
        """The totals under the table: a layout pass (which repaints the table too) only when
        their height, in lines at this width, changes."""
        totals = self.query_one("#totals", Static)
        width = max(totals.content_size.width, 1)
        lines = min(3, len(text.wrap(self.app.console, width)))
        totals.update(text, layout=lines != self._totals_lines)
        self._totals_lines = lines

    def _status_line(self, page: Page) -> str:
        q = page.query
        return self._status_of(
            self.rows_line(page.first, len(page.rows), page.total_rows, q.page, page.pages), q)

    def _status_of(self, rows: str, q) -> str:
        """The status line: which rows are shown (``rows``), the sort, the columns left out,
        where a drill came from, the unit of amounts."""
        parts = [rows]
        if q.sort != "id":
            col = next(c for c in R.COLUMNS if c.key == q.sort)
            parts.append(self.tr("portfolio.sorted", column=self.tr(col.label),
                                 direction=self.tr("sort.desc" if q.descending else "sort.asc")))
        more = self.more_columns(self.query_one("#table", PagedTable))
        if more:
            parts.append(more.strip())
        if self.drilled_from is not None:
            parts.append(self.tr("portfolio.drilled"))
        parts.append(self.tr("portfolio.unit"))
        return "  ".join(parts)

    def _quick_line(self) -> Content:
        q = self.query_state
        chips = []
        for field in ("category", "annex_class", "phase"):
            value = getattr(q, field)
            shown = self.app.term(value) if value else self.tr("quick.all")
            chips.append((f"screen.cycle('{field}')", f"{self.tr('quick.' + field)}:{shown}",
                          value is not None))
        for field in ("flagged_only", "show_withdrawn", "grouped"):
            on = getattr(q, field)
            chips.append((f"screen.toggle('{field}')",
                          f"{self.tr('quick.' + field)}:{self.tr('quick.yes' if on else 'quick.no')}",
                          on if field != "grouped" else False))
        parts = [Content.from_markup(f"[{'bold reverse ' if hot else ''}@click={action}] $label [/]",
                                     label=label) for action, label, hot in chips]
        return Content(" ").join(parts)

    # --- actions ----------------------------------------------------------------------------------
    def _ask(self, cursor: str | int | None = None, **changes: object) -> None:
        self.query_state = self.query_state.but(**changes)
        if self._loading_first():  # kept, and shown as soon as the portfolio is loaded
            self.app.say_waiting()
        self._show_quick_line()
        self.refresh_data(None, cursor)
        self._save_later()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if event.value != self.query_state.text:
            self._ask(text=event.value)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.query_one("#table").focus()

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_leave_filter(self) -> None:
        if self.county_level():
            return
        if self.focused is not self.query_one("#table") or (
                self.drilled_from is None and not self.in_county()):
            self.query_one("#table").focus()
        else:
            self.action_back()

    def action_back(self) -> None:
        """Back from a subtotal's projects to the grouped view, the cursor on that subtotal;
        from a county's portfolio to the counties, the cursor on that county."""
        if self.drilled_from is None:
            if self.in_county():
                county = self.query_state.county
                self.page = None
                self._ask(cursor=f"county:{county}", county=None)
                self.refresh_bindings()
                self.redraw()
            return
        query, row = self.drilled_from
        self.drilled_from = None
        self.refresh_bindings()
        self.query_one("#filter", Input).value = query.text
        self.query_state = query
        self._ask(cursor=row)

    def lists_counties(self) -> bool:
        """The view shows a city's counties, not projects (the app hides the write keys)."""
        return self.county_level()

    def action_no_project_here(self) -> None:
        self.app.notify(self.tr("msg.no_project_on_counties"), severity="warning")

    def action_back_to_counties(self) -> None:
        self.action_back()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "no_project_here":
            return True if self.county_level() else False
        # in the footer only while there is a way back, named for where it goes
        if action == "back":
            return self.drilled_from is not None
        if action == "back_to_counties":
            return self.drilled_from is None and self.in_county()
        if action in _PROJECT_LIST_ACTIONS and self.county_level():
            return False  # the counties are neither filtered, sorted nor grouped
        return True

    def action_pick_columns(self) -> None:
        from projtrack.tui.screens.dialogs import ColumnsDialog

        table = self.query_one("#table", PagedTable)
        shown = set(table.shown_keys) if self.columns is None else set(self.columns)
        options = [(c.key, self.tr(c.label), c.key in shown) for c in R.COLUMNS]
        self.app.push_screen(ColumnsDialog(self.tr("columns.title"), options), self._columns_picked)

    def _columns_picked(self, picked: tuple[str, ...] | None) -> None:
        if picked is None:
            return
        self.columns = picked or None  # nothing ticked, or 按宽度: the width chooses again
        self.query_one("#table", PagedTable).first_column = 0
        self.redraw()
        self._save_later()

    async def action_toggle(self, field: str) -> None:  # Textual's own toggle, for the query
        self._ask(**{field: not getattr(self.query_state, field)})

    def action_cycle(self, field: str) -> None:
        values = CYCLES[field]
        now = getattr(self.query_state, field)
        self._ask(**{field: values[(values.index(now) + 1) % len(values)]})

    def action_clear_filters(self) -> None:
        q = self.query_state
        self.query_one("#filter", Input).value = ""
        self._ask(text="", category=None, phase=None, annex_class=None, flagged_only=False,
                  show_withdrawn=False, sort=q.sort, descending=q.descending)

    def action_page(self, step: int) -> None:
        if self.page is None:
            if self._loading_first():
                self.app.say_waiting()
            return
        target = self.page.query.page + step
        if 0 <= target < self.page.pages:
            self.query_state = self.query_state.but(page=target)
            self.refresh_data(None, 0 if step > 0 else -1)

    @on(PagedTable.PageRequest)
    def _page_request(self, event: PagedTable.PageRequest) -> None:
        self.action_page(event.step)

    def sort_by(self, column: str, descending: bool | None = None) -> None:
        q = self.query_state
        if descending is None:
            descending = not q.descending if q.sort == column else False
        self._ask(sort=column, descending=descending)

    def action_sort(self) -> None:
        from projtrack.tui.screens.dialogs import PickDialog

        options = [(c.key, self.tr(c.label)) for c in R.COLUMNS]
        self.app.push_screen(PickDialog(self.tr("portfolio.sort_title"), options,
                                        current=self.query_state.sort),
                             lambda key: self.sort_by(key) if key else None)

    def action_reverse(self) -> None:
        self._ask(descending=not self.query_state.descending)

    @on(DataTable.HeaderSelected)
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        self.sort_by(str(event.column_key.value))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        if self.county_level():
            if self.city is None and self._loading_first():
                self.app.say_waiting()  # the county list waits for the load
                return
            key = cursor_key(self.query_one("#counties", PagedTable))
            if key and key.startswith("county:"):
                self.open_county(key.removeprefix("county:"))
            return
        pid = self.selected_project_id()
        if pid is not None:
            self.app.open_project(pid)
        else:
            key = self.query_one("#table", PagedTable).current_key()
            if key and key.startswith("group:"):
                self.drilled_from = (self.query_state, key)
                self.refresh_bindings()
                self._ask(category=key.split(":", 1)[1], grouped=False)

    def open_county(self, county: str) -> None:
        """The portfolio of one county (the other filters as they were)."""
        self.drilled_from, self.page = None, None
        table = self.query_one("#table", PagedTable)
        table.clear()
        self._ask(cursor=0, county=county)
        self.refresh_bindings()
        self._show_level()
        table.focus()

    def _main_widget(self):
        return self.query_one("#counties" if self.county_level() else "#table")

    def selected_project_id(self) -> int | None:
        if self.county_level():
            return None
        key = self.query_one("#table", PagedTable).current_key()
        return int(key) if key and key.isdigit() else None

    # --- remembered between runs (viewstate) ------------------------------------------------------
    def _restore_state(self) -> None:
        """The view, sort, filters and columns the officer left this database's portfolio in;
        an unusable state file is said once and ignored."""
        try:
            saved = viewstate.load(self.app.state_key, known_columns=R.SORTABLE,
                                   known_values={k: v for k, v in CYCLES.items()})
        except viewstate.StateUnreadable as exc:
            self.app.notify(self.tr("msg.state_ignored", path=str(exc.path), why=exc.why),
                            severity="warning", timeout=10)
            return
        if saved is None:
            return
        self.query_state = self.query_state.but(**saved.query)
        self.columns = saved.columns
        self._saved = self._current_state()

    def _current_state(self) -> ViewState:
        q = self.query_state
        return ViewState({name: getattr(q, name) for name in viewstate.FIELDS}, self.columns)

    def _save_later(self) -> None:
        """Write the state a moment after the last change (not on every keystroke)."""
        timer = getattr(self, "_save_timer", None)
        if timer is not None:
            timer.stop()
        self._save_timer = self.set_timer(0.5, self.save_state)

    def save_state(self) -> None:
        state = self._current_state()
        if state == self._saved:
            return
        try:
            viewstate.save(self.app.state_key, state)
        except viewstate.SAVE_ERRORS as exc:
            why = exc.render(self.app.lang) if isinstance(exc, ProjtrackError) else \
                (exc.strerror or type(exc).__name__)
            self.app.notify(self.tr("msg.state_not_saved", why=why), severity="warning")
        self._saved = state

    def on_unmount(self) -> None:
        timer = getattr(self, "_save_timer", None)
        if timer is not None:
            timer.stop()
        self.save_state()
        super().on_unmount()
