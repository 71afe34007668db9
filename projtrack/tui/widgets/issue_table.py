"""The issues log as a table, keyed by issue id: in the project view's 问题 tab (every issue of
the project) and in the open issues view (every open one, with its project).  Oldest first; the
days open at the as-of date; an overdue due date in red."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rich.text import Text
from textual.widgets import DataTable

from projtrack.core.issues import ProjectIssue
from projtrack.core.terms import IssueState
from projtrack.i18n import term
from projtrack.tui import cells as c

STATE_STYLES: dict[str, str] = {IssueState.PENDING: "bold #ffa726", IssueState.COORDINATING: "#4fc3f7",
                IssueState.RESOLVED: "dim"}


def fill_issue_table(table: DataTable, found: list[ProjectIssue], as_of: dt.date,
                     tr: Callable[..., str], lang: str, *, with_project: bool) -> None:
    keep = table.cursor_row
    table.clear(columns=True)
    # what the meeting asks first (who, how long, by when, where it stands) fits 120 columns
    keys = ["issue.col_id", *(["issue.col_project"] if with_project else []), "issue.col_text",
            "issue.col_owner", "issue.col_days", "issue.col_due", "issue.col_state",
            "issue.col_raised", "issue.col_latest"]
    for key in keys:
        table.add_column(tr(key), key=key)
    for i in found:
        state = i.state_on(as_of)
        resolved = state == IssueState.RESOLVED
        latest = i.latest(as_of)
        days = Text("" if resolved or i.raised_on > as_of else str(i.days_open(as_of)),
                    justify="right")
        due = Text(c.BLANK if i.due is None else i.due.isoformat(),
                   style=c.LEVEL_STYLES["red"] if i.overdue_on(as_of) else "")
        said = f"{latest.update_date.isoformat()} {latest.text}" if latest and latest.text else \
            (latest.update_date.isoformat() if latest else c.BLANK)
        row = [f"#{i.id}", *([c.fit(i.project, 24)] if with_project else []),
               c.fit(i.text, 24 if with_project else 36), c.fit(i.owner or c.BLANK, 12), days,
               due, Text(term(state, lang), style=STATE_STYLES.get(state, "")),
               i.raised_on.isoformat(), c.fit(said, 40)]
        table.add_row(*row, key=str(i.id))
    if table.row_count:
        table.move_cursor(row=min(max(keep, 0), table.row_count - 1), animate=False)
