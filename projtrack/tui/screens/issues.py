"""存在问题: every issue open at the as-of date across the portfolio, oldest first, with its
project, who must act, its days open, its due date (red when passed), its state and latest
update; Enter opens the project (where ``O`` updates or closes the issue)."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static

from projtrack.core.issues import ProjectIssue
from projtrack.core.portfolio import Portfolio
from projtrack.services.issues import issues as open_issues
from projtrack.tui.screens.base import ViewScreen
from projtrack.tui.widgets.issue_table import fill_issue_table
from projtrack.tui.widgets.table import PagedTable, cursor_key


class OpenIssuesReady(Message):
    def __init__(self, found: list[ProjectIssue], as_of: dt.date) -> None:
        super().__init__()
        self.found, self.as_of = found, as_of


class IssuesScreen(ViewScreen):
    VIEW = "issues"
    AUTO_FOCUS = "#open-issues"
    BINDINGS = [Binding("enter", "open", "ui.key.open")]

    def __init__(self) -> None:
        super().__init__()
        self.found: list[ProjectIssue] = []
        self.day: dt.date | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(id="issues-head")
        yield PagedTable(id="open-issues", fixed_columns=1, whole_columns=True)

    @work(thread=True, exclusive=True, group="open-issues")
    def compute(self, portfolio: Portfolio) -> None:
        day = self.app.as_of
        self.post_message(OpenIssuesReady(open_issues(self.app.store, day=day), day))

    def on_open_issues_ready(self, message: OpenIssuesReady) -> None:
        self.found, self.day = message.found, message.as_of
        self.redraw()

    def redraw(self) -> None:
        day = self.day or self.app.as_of
        overdue = sum(1 for i in self.found if i.overdue_on(day))
        head = Text(self.tr("issue.view_head", n=len(self.found), overdue=overdue,
                            as_of=day.isoformat()), style="bold")
        table = self.query_one("#open-issues", PagedTable)
        fill_issue_table(table, self.found, day, self.tr, self.app.lang, with_project=True,
                         width=self.size.width or self.app.size.width)
        if not self.found:
            head.append("\n" + self.tr("issue.view_none"), style="dim")
        elif more := self.more_columns(table):
            head.append("\n" + more.strip(), style="dim")
        self.query_one("#issues-head", Static).update(head)
        self.ensure_focus()

    def on_resize(self) -> None:
        self.redraw()

    def on_paged_table_columns_shifted(self) -> None:
        self.redraw()

    def selected_project_id(self) -> int | None:
        key = cursor_key(self.query_one("#open-issues", DataTable))
        return next((i.project_id for i in self.found if str(i.id) == key), None)

    @on(DataTable.RowSelected, "#open-issues")
    def _selected(self) -> None:
        self.action_open()
