"""The issues log as a table, keyed by issue id: in the project view's 问题 tab (every issue of
the project) and in the open issues view (every open one, with its project).  Oldest first; the
days open at the as-of date; an overdue due date in red.  At a narrow width the columns that
matter come first, the others scrolled to by whole columns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rich.text import Text

from projtrack.core.issues import ProjectIssue
from projtrack.core.terms import IssueState
from projtrack.i18n import term
from projtrack.tui import cells as c
from projtrack.tui.widgets.table import PagedTable

STATE_STYLES: dict[str, str] = {IssueState.PENDING: "bold #ffa726", IssueState.COORDINATING: "#4fc3f7",
                IssueState.RESOLVED: "dim"}


# which columns a narrow terminal shows first (0: the number, always): the meeting asks first
# who, how long, by when, where it stands; 最新进展 is a key away at 120 columns
PRIORITY = {"issue.col_id": 0, "issue.col_project": 1, "issue.col_text": 2, "issue.col_days": 3,
            "issue.col_owner": 4, "issue.col_due": 5, "issue.col_state": 6, "issue.col_raised": 7,
            "issue.col_latest": 8}


def fill_issue_table(table: PagedTable, found: list[ProjectIssue], as_of: dt.date,
                     tr: Callable[..., str], lang: str, *, with_project: bool, width: int) -> None:
    """Fill ``table`` for a terminal ``width`` cells wide: the columns that fit whole, by
    priority, the others scrolled to by whole columns (its ``hidden_right`` says how many)."""
    narrow = table.room(width) < 100
    text_width = (20 if narrow else 24) if with_project else (30 if narrow else 36)
    keys = ["issue.col_id", *(["issue.col_project"] if with_project else []), "issue.col_text",
            "issue.col_owner", "issue.col_days", "issue.col_due", "issue.col_state",
            "issue.col_raised", "issue.col_latest"]
    rows: list[tuple[str, list]] = []
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
        row = [f"#{i.id}", *([c.fit(i.project, text_width)] if with_project else []),
               c.fit(i.text, text_width), c.fit(i.owner or c.BLANK, 12), days,
               due, Text(term(state, lang), style=STATE_STYLES.get(state, "")),
               i.raised_on.isoformat(), c.fit(said, 40)]
        rows.append((str(i.id), row))
    table.fit([(key, tr(key)) for key in keys], rows, width, PRIORITY)

