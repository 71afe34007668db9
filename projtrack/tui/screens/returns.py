"""填报: who has returned the week's progress sheet and who has not, by township or by
responsible unit, and the 催报 list — the projects still without a figure for the week.  What
counts as returned is ``services.returns``'s (entries of the week, progress imports of the
week).  ``b`` switches township / unit, ``[`` and ``]`` the week, ``c`` copies the list as text
to paste into a message, ``s`` saves it as a text file to print (in the reports folder)."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static

from projtrack.core.portfolio import Portfolio
from projtrack.core.terms import Flag
from projtrack.errors import ProjtrackError
from projtrack.services.returns import ReturnStatus, return_status, status_text
from projtrack.tui import cells as c
from projtrack.tui.screens.base import ViewScreen

STATE_STYLE = {"none": c.LEVEL_STYLES[Flag.RED], "partial": c.LEVEL_STYLES[Flag.YELLOW],
               "done": ""}


class ReturnsReady(Message):
    def __init__(self, status: ReturnStatus) -> None:
        super().__init__()
        self.status = status


class ReturnsScreen(ViewScreen):
    VIEW = "returns"
    AUTO_FOCUS = "#returns"
    BINDINGS = [
        Binding("b", "toggle_by", "ui.key.returns_by"),
        Binding("c", "copy", "ui.key.returns_copy"),
        Binding("s", "save", "ui.key.returns_save"),
        Binding("left_square_bracket", "week(-1)", "ui.key.prev_week", show=False),
        Binding("right_square_bracket", "week(1)", "ui.key.next_week", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.by = "township"
        self.week_offset = 0  # weeks before (−) or after the week of the as-of date
        self.status: ReturnStatus | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(id="returns-head")
        yield DataTable(id="returns", cursor_type="row")
        with VerticalScroll(id="returns-chase-box"):
            yield Static(id="returns-chase")

    @property
    def day(self) -> dt.date:
        return self.app.as_of + dt.timedelta(weeks=self.week_offset)

    @work(thread=True, exclusive=True, group="returns")
    def compute(self, portfolio: Portfolio) -> None:
        day = self.day
        try:
            status = return_status(self.app.store, week=None, as_of=day, by=self.by)
        except ProjtrackError as exc:
            self.app.call_from_thread(self.notify, exc.render(self.app.lang), severity="error")
            return
        self.post_message(ReturnsReady(status))

    def on_returns_ready(self, message: ReturnsReady) -> None:
        self.status = message.status
        self.redraw()

    def text(self) -> str:
        return status_text(self.status, self.app.lang) if self.status else ""

    def redraw(self) -> None:
        s = self.status
        table = self.query_one("#returns", DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        for key in (f"returns.col.{self.by}", "returns.col.state", "returns.col.answered",
                    "returns.col.missing"):
            table.add_column(self.tr(key), key=key)
        if s is None:
            return
        lines = self.text().splitlines()
        self.query_one("#returns-head", Static).update(
            Text("\n".join(lines[:2]) + "\n" + self.tr("returns.keys"), style="bold"))
        for g in s.groups:
            missing = g.missing
            table.add_row(
                g.name or self.tr(f"returns.no_{self.by}"),
                Text(self.tr(f"returns.state.{g.state}"), style=STATE_STYLE[g.state]),
                Text(f"{len(g.projects) - len(missing)}/{len(g.projects)}", justify="right"),
                "、".join(f"#{p.project_id}" for p in missing[:8])
                + ("…" if len(missing) > 8 else ""),
                key=g.name or "-")
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1), animate=False)
        self.query_one("#returns-chase", Static).update("\n".join(lines[3:]))
        self.ensure_focus()

    def action_toggle_by(self) -> None:
        self.by = "unit" if self.by == "township" else "township"
        self.refresh_data(None)

    def action_week(self, step: int) -> None:
        self.week_offset += step
        self.refresh_data(None)

    def action_copy(self) -> None:
        if self.status is None:
            return
        self.app.copy_to_clipboard(self.text())
        self.notify(self.tr("returns.copied", period=self.status.period))

    def action_save(self) -> None:
        if self.status is None:
            return
        from projtrack.services.returns import save_status_text

        try:
            path = save_status_text(self.status, self.app.reports_dir, self.app.lang)
        except (ProjtrackError, OSError) as exc:
            self.notify(exc.render(self.app.lang) if isinstance(exc, ProjtrackError)
                        else str(exc), severity="error")
            return
        self.notify(self.tr("returns.saved", path=str(path)))
