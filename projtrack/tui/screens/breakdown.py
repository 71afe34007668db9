"""分项统计: the portfolio's figures by township, by responsible unit, or 到位资金 by funding
source (against the annex's funding plan, with 拨付 against 到位), and in a city's database by
county.  ``b`` switches between them; Enter on a group's row lists its projects (Enter there
opens one), Escape goes back.  Projects without a township or unit are the “(未填)” row, last; the total line is
the portfolio's.  At a narrow width the columns that matter (完成率, 偏差) come first and the
others are a key away, scrolled by whole columns."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.widgets.data_table import RowDoesNotExist

from projtrack.core.figures import GroupFigures
from projtrack.core.portfolio import Portfolio, ProjectView
from projtrack.services.breakdown import (
    KINDS,
    FundingBreakdown,
    GroupBreakdown,
    funding,
    group_breakdown,
    members,
)
from projtrack.tui import cells as c
from projtrack.tui.screens.base import ViewScreen
from projtrack.tui.widgets.table import PagedTable, cursor_key

GROUP_LABELS = ("count", "total_investment", "annual_plan", "actual_this_year", "rate",
                "variance", "red", "yellow", "new_places")
FUNDING_LABELS = ("source", "planned", "received", "received_rate", "payments", "payment_rate")
MEMBER_LABELS = ("flag", "name", "phase", "total_investment", "annual_plan", "actual_this_year",
                 "rate", "variance")
# which columns a narrow terminal shows first (the lowest numbers; 0 = the fixed ones)
PRIORITY = {"group": 0, "source": 0, "flag": 0, "name": 0, "rate": 1, "variance": 2,
            "actual_this_year": 3, "received_rate": 1, "received": 2, "planned": 3,
            "annual_plan": 4, "payment_rate": 4, "count": 5, "payments": 5, "total_investment": 6,
            "red": 6, "yellow": 6, "phase": 7, "new_places": 8}
NAME_WIDTH = 22  # a township's or unit's name, in terminal cells (a Chinese character is two)
PROJECT_WIDTH = 30


class BreakdownReady(Message):
    def __init__(self, portfolio: Portfolio, data: GroupBreakdown | FundingBreakdown) -> None:
        super().__init__()
        self.portfolio, self.data = portfolio, data


class BreakdownScreen(ViewScreen):
    VIEW = "breakdown"
    AUTO_FOCUS = "#bd-groups"
    BINDINGS = [
        Binding("b", "switch", "ui.key.breakdown_switch"),
        Binding("enter", "drill", "ui.key.breakdown_drill", show=False),
        Binding("escape", "back", "ui.key.back", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.kind = KINDS[0]
        self.data: GroupBreakdown | FundingBreakdown | None = None
        self.portfolio: Portfolio | None = None
        self.group: str | None = None  # the township or unit whose projects are listed

    def compose_body(self) -> ComposeResult:
        yield Static(id="bd-title")
        yield PagedTable(id="bd-groups", fixed_columns=1, whole_columns=True, zebra_stripes=False)
        yield PagedTable(id="bd-members", fixed_columns=2, whole_columns=True)
        yield Static(id="bd-note")

    @work(thread=True, exclusive=True, group="breakdown")
    def compute(self, portfolio: Portfolio) -> None:
        kind = self.kind
        data = funding(self.app.store, portfolio) if kind == "funding" else \
            group_breakdown(portfolio, kind)
        self.post_message(BreakdownReady(portfolio, data))

    def on_breakdown_ready(self, message: BreakdownReady) -> None:
        expected = FundingBreakdown if self.kind == "funding" else GroupBreakdown
        if not isinstance(message.data, expected):
            return  # computed for the kind shown before a switch
        if isinstance(message.data, GroupBreakdown) and message.data.kind != self.kind:
            return
        self.data, self.portfolio = message.data, message.portfolio
        if self.group is not None and (not isinstance(self.data, GroupBreakdown)
                                       or self.group not in self.data.groups):
            self.group = None
        self.redraw()

    # --- drawing --------------------------------------------------------------------------------
    def _label(self, key: str) -> str:
        return key or self.tr("breakdown.unfilled")

    def redraw(self) -> None:
        groups = self.query_one("#bd-groups", DataTable)
        listing = self.query_one("#bd-members", DataTable)
        drilled = self.group is not None
        groups.display, listing.display = not drilled, drilled
        title = self.query_one("#bd-title", Static)
        note = self.tr("breakdown.note_funding" if self.kind == "funding" else
                       "breakdown.note_members" if drilled else "breakdown.note_groups")
        if self.data is None:
            self.query_one("#bd-note", Static).update(note)
            title.update(self.tr(f"breakdown.title_{self.kind}", n=0))
            return
        if drilled:
            self._members(title, listing)
        elif isinstance(self.data, FundingBreakdown):
            title.update(self.tr("breakdown.title_funding"))
            self._funding(groups, self.data)
        else:
            named = sum(1 for k in self.data.groups if k)
            title.update(self.tr(f"breakdown.title_{self.kind}", n=named))
            self._groups(groups, self.data)
        self.query_one("#bd-note", Static).update(
            note + self.more_columns(listing if drilled else groups))
        self.ensure_focus()

    def on_resize(self) -> None:
        if self.data is not None:
            self.redraw()

    def on_paged_table_columns_shifted(self) -> None:
        self.redraw()

    def _fill(self, table: DataTable, columns: list[tuple[str, str]],
              rows: list[tuple[str, list]]) -> None:
        """Refill ``table`` (``columns``: (key, label); ``rows``: (key, cells)), keeping the
        cursor's row.  Widths are worked out here from the cells, in terminal cells: a
        DataTable measuring its own after a refill drew a frame or two with the old widths.
        The columns that do not all fit are put in the order of their priority, the others
        scrolled to by whole columns."""
        assert isinstance(table, PagedTable)
        table.fit(columns, rows, self.size.width or self.app.size.width, PRIORITY)

    def _groups(self, table: DataTable, b: GroupBreakdown) -> None:
        columns = [("group", self.tr(f"col.bd_{b.kind}"))] + \
            [(label, self.tr(f"col.bd_{label}")) for label in GROUP_LABELS]
        rows = [(f"group:{key}", self._group_cells(c.fit(self._label(key), NAME_WIDTH), g))
                for key, g in b.groups.items()]
        rows.append(("total", self._group_cells(Text(self.tr("variance.total"), style="bold"),
                                                b.total)))
        self._fill(table, columns, rows)

    def _group_cells(self, name: str | Text, g: GroupFigures) -> list:
        rules = self.app.rules
        return [name, c.number(g.count), c.money(g.total_investment), c.money(g.annual_plan),
                c.money(g.actual_this_year),
                c.rate_vs_time(g.annual_completion_rate, g.points_vs_time, rules),
                c.variance(g.variance, g.variance_rate, rules),
                Text(str(g.flag_counts.get("red", 0)), justify="right",
                     style=c.LEVEL_STYLES["red"] if g.flag_counts.get("red") else ""),
                Text(str(g.flag_counts.get("yellow", 0)), justify="right",
                     style=c.LEVEL_STYLES["yellow"] if g.flag_counts.get("yellow") else ""),
                c.number(g.new_places)]

    def _funding(self, table: DataTable, b: FundingBreakdown) -> None:
        columns = [(label, self.tr(f"col.bd_{label}")) for label in FUNDING_LABELS]
        blank = Text(c.BLANK, justify="right")
        rows: list[tuple[str, list]] = []
        for s in b.sources:
            name = self.app.term(s.source) if s.source else self._label("")
            rows.append((f"source:{s.source}", [name, c.money(s.planned), c.money(s.received),
                                                c.rate(s.received_rate), blank, blank]))
        rows.append(("total", [Text(self.tr("variance.total"), style="bold"), c.money(b.planned),
                               c.money(b.received), c.rate(b.received_rate),
                               c.money(b.payments), c.rate(b.payment_rate)]))
        self._fill(table, columns, rows)

    def _members(self, title: Static, table: DataTable) -> None:
        assert self.group is not None and self.portfolio is not None
        views = members(self.portfolio, self.kind, self.group)
        title.update(self.tr("breakdown.title_members", group=self._label(self.group),
                             n=len(views)))
        columns = [(label, self.tr(f"col.bd_{label}" if label != "flag" else "col.flag"))
                   for label in MEMBER_LABELS]
        self._fill(table, columns, [(str(v.id), self._member_cells(v)) for v in views])

    def _member_cells(self, v: ProjectView) -> list:
        f, g, rules, lang = v.facts, v.figures, self.app.rules, self.app.lang
        return [c.flag(g.flag, lang), c.fit(f.name, PROJECT_WIDTH), c.words(g.phase, lang, 6),
                c.money(g.total_investment), c.money(g.annual_plan), c.money(g.actual_this_year),
                c.rate_vs_time(g.annual_completion_rate, g.points_vs_time, rules),
                c.variance(g.variance, g.variance_rate, rules)]

    # --- actions ----------------------------------------------------------------------------------
    def kinds(self) -> tuple[str, ...]:
        """The breakdowns ``b`` goes through: by county only in a city's database."""
        portfolio = self.app.portfolio
        multi = portfolio is not None and portfolio.multi_county
        return KINDS if multi else tuple(k for k in KINDS if k != "county")

    def action_switch(self) -> None:
        """Township → unit → funding source (→ county, in a city's database) → township."""
        kinds = self.kinds()
        self.kind = kinds[(kinds.index(self.kind) + 1) % len(kinds)] if self.kind in kinds \
            else kinds[0]
        self.group, self.data = None, None
        groups = self.query_one("#bd-groups", PagedTable)
        groups.clear(columns=True)
        groups.first_column = 0
        self.redraw()
        self.refresh_data(None)

    def action_drill(self) -> None:
        if self.group is not None:
            self.action_open()
            return
        if not isinstance(self.data, GroupBreakdown):
            return
        key = cursor_key(self.query_one("#bd-groups", DataTable))
        if not key or not key.startswith("group:"):
            return  # the total line, or nothing yet
        self.group = key.removeprefix("group:")
        listing = self.query_one("#bd-members", PagedTable)
        listing.clear(columns=True)
        listing.first_column = 0
        self.redraw()
        self.query_one("#bd-members", DataTable).focus()

    def action_back(self) -> None:
        if self.group is None:
            return
        group, self.group = self.group, None
        self.redraw()
        table = self.query_one("#bd-groups", DataTable)
        table.focus()
        try:
            table.move_cursor(row=table.get_row_index(f"group:{group}"))
        except RowDoesNotExist:  # the group is gone (a reload since): keep the cursor
            pass

    def selected_project_id(self) -> int | None:
        if self.group is None:
            return None
        key = cursor_key(self.query_one("#bd-members", DataTable))
        return int(key) if key and key.isdigit() else None

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_drill()
