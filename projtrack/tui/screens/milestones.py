"""节点: portfolio milestones — overdue, due within 14 and 30 days, done in the last 30 days —
and the timeline of every project by quarter."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from projtrack.core.portfolio import Portfolio
from projtrack.core.terms import Flag
from projtrack.core.types import MILESTONES
from projtrack.tui import cells as c
from projtrack.tui.schedule import SECTION_LIMIT, SECTIONS, due_lists, quarter, span, timeline_rows
from projtrack.tui.screens.base import ViewScreen
from projtrack.tui.widgets.table import PagedTable, cursor_key
from projtrack.tui.widgets.timeline import EN_MARKS, Timeline

# which columns a narrow terminal keeps (the lowest numbers first; the project always)
DUE_PRIORITY = {"col.milestone": 1, "col.planned": 2, "col.slip": 3, "col.actual": 4,
                "col.phase": 5, "col.township": 6}


class ScheduleReady(Message):
    def __init__(self, portfolio: Portfolio, lists: dict, rows: list, years: tuple[int, int]):
        super().__init__()
        self.portfolio, self.lists, self.rows, self.years = portfolio, lists, rows, years


class MilestonesScreen(ViewScreen):
    VIEW = "milestones"
    AUTO_FOCUS = "#due"
    BINDINGS = [
        Binding("enter", "open", "ui.key.open"),
        Binding("tab", "app.focus_next", "ui.key.next_pane", show=False),
        Binding("e", "app.record_spend", "ui.key.spend", show=False),
        Binding("m", "milestone", "ui.key.milestone"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.data: ScheduleReady | None = None
        self.tab = "tab-due"

    def compose_body(self) -> ComposeResult:
        with TabbedContent(initial=self.tab, id="tabs"):
            with TabPane(self.tr("milestones.tab_list"), id="tab-due"):
                yield PagedTable(id="due", fixed_columns=1, whole_columns=True)
                yield Static(id="due-note")
            with TabPane(self.tr("milestones.tab_timeline"), id="tab-timeline"):
                yield Timeline(id="timeline")
                yield Static(id="legend")

    @work(thread=True, exclusive=True, group="schedule")
    def compute(self, portfolio: Portfolio) -> None:
        first, last = span(portfolio)
        self.post_message(ScheduleReady(portfolio, due_lists(portfolio),
                                        timeline_rows(portfolio, first), (first, last)))

    def on_schedule_ready(self, message: ScheduleReady) -> None:
        self.data = message
        self.redraw()

    def redraw(self) -> None:
        if self.data is None:
            return
        self._due_table()
        first, last = self.data.years
        self.query_one("#timeline", Timeline).set_rows(
            self.data.rows, first, last, quarter(self.data.portfolio.as_of, first), self.app.lang)
        self.query_one("#legend", Static).update(self._legend())
        self.ensure_focus()

    def _due_table(self) -> None:
        if self.data is None:
            return
        tr = self.tr
        table = self.query_one("#due", PagedTable)
        keys = ("col.project", "col.milestone", "col.planned", "col.actual", "col.slip",
                "col.phase", "col.township")
        blank = ("",) * (len(keys) - 1)
        rows: list[tuple[str, list]] = []
        for section in SECTIONS:
            items = self.data.lists[section]
            head = tr("milestones." + section, n=len(items))
            rows.append((f"section:{section}", [Text(head, style="bold #90caf9"), *blank]))
            for d in items[:SECTION_LIMIT]:
                m = d.milestone
                style = c.LEVEL_STYLES[Flag.RED] if m.overdue else ""
                rows.append((f"{d.view.id}:{m.name}", [
                    Text(c.fit(d.view.facts.name, 30), style=style), self.app.term(m.name),
                    c.date(m.planned), c.date(m.actual), c.slip(m.slip_days, m.overdue),
                    self.app.term(d.view.figures.phase), d.view.facts.township or c.BLANK]))
            if len(items) > SECTION_LIMIT:
                rows.append((f"more:{section}", [Text(
                    tr("milestones.more", n=len(items) - SECTION_LIMIT), style="dim"), *blank]))
        table.fit([(key, tr(key)) for key in keys], rows, self.size.width or self.app.size.width,
                  DUE_PRIORITY)
        note = self.more_columns(table).strip()
        widget = self.query_one("#due-note", Static)
        widget.update(note)
        widget.display = bool(note)  # no empty line under the table when every column shows

    def on_resize(self) -> None:
        self._due_table()

    def on_paged_table_columns_shifted(self) -> None:
        self._due_table()

    def _legend(self) -> Text:
        lang = self.app.lang
        text = Text()
        text.append("    ", style="on #455a64")
        text.append(" " + self.tr("timeline.planned") + "  ")
        text.append("    ", style="on #8e2424")
        text.append(" " + self.tr("timeline.late") + "  ")
        text.append(self.tr("timeline.done"), style="bold #a5d6a7")
        text.append(" ")
        text.append(self.tr("timeline.overdue"), style="bold #ffffff on #c62828")
        text.append(" ")
        text.append(self.tr("timeline.pending"), style="bold")
        text.append("\n")
        keys = [f"{n[0] if lang == 'zh' else EN_MARKS[n]}={self.app.term(n)}" for n in MILESTONES]
        text.append("  ".join(keys), style="dim")
        return text

    def selected_project_id(self) -> int | None:
        if self.tab == "tab-timeline":
            return self.query_one("#timeline", Timeline).selected_project_id()
        key = cursor_key(self.query_one("#due", DataTable)) or ""
        head = key.split(":", 1)[0]
        return int(head) if head.isdigit() else None

    def selected_milestone(self) -> str | None:
        if self.tab != "tab-due":
            return None
        key = cursor_key(self.query_one("#due", DataTable)) or ""
        return key.split(":", 1)[1] if key[:1].isdigit() else None

    def action_milestone(self) -> None:
        self.app.action_set_milestone(self.selected_milestone())

    @on(DataTable.RowSelected, "#due")
    def _selected(self) -> None:
        self.action_open()

    @on(Timeline.Opened)
    def _timeline_open(self, event: Timeline.Opened) -> None:
        self.app.open_project(event.project_id)
