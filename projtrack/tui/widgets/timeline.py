"""The milestone timeline: one line per project, two cells per quarter, drawn line by line
(Textual's line API), so ten thousand projects cost no more than the lines on screen.

A grey bar is the planned span (start to the planned handover), red cells the slip beyond it;
each milestone is marked where it happened (done, green) or is due (overdue red, else white)
with one wide character in Chinese (立 可 用 初 施 开 主 竣 投) or two letters in English.
The project names stay put when the quarters scroll sideways; Enter opens the project.
"""

from __future__ import annotations

from functools import lru_cache

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from projtrack.core.types import MILESTONES
from projtrack.i18n import t
from projtrack.tui.cells import fit
from projtrack.tui.schedule import TimelineRow

NAME_W = 24
EN_MARKS = dict(zip(MILESTONES, ("Ap", "Fs", "La", "Ds", "Pm", "St", "To", "Ac", "Iu"), strict=True))
STYLES = {
    "plan": Style(bgcolor="#455a64"), "late": Style(bgcolor="#8e2424"), "none": Style(),
    "now": Style(bgcolor="#3e3a1e"), "done": Style(color="#a5d6a7", bold=True),
    "overdue": Style(color="#ffffff", bold=True, bgcolor="#c62828"),
    "pending": Style(color="#ffffff", bold=True), "name": Style(), "head": Style(bold=True),
    "cursor": Style(reverse=True),
}


class Timeline(ScrollView, can_focus=True):
    DEFAULT_CSS = "Timeline { height: 1fr; }"
    BINDINGS = [Binding("up", "move(-1)", show=False), Binding("down", "move(1)", show=False),
                Binding("pageup", "move(-20)", show=False), Binding("pagedown", "move(20)", show=False),
                Binding("home", "move(-1000000)", show=False), Binding("end", "move(1000000)", show=False),
                Binding("enter", "open", show=False)]

    class Opened(Message):
        def __init__(self, project_id: int) -> None:
            super().__init__()
            self.project_id = project_id

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.rows: list[TimelineRow] = []
        self.first_year = 2021
        self.quarters = 0
        self.now = 0
        self.cursor = 0
        self.lang = "zh"

    def set_rows(self, rows: list[TimelineRow], first_year: int, last_year: int, now: int,
                 lang: str) -> None:
        self.rows, self.first_year, self.now, self.lang = rows, first_year, now, lang
        self.quarters = (last_year - first_year + 1) * 4
        self.cursor = min(self.cursor, max(0, len(rows) - 1))
        self._line.cache_clear()
        self.virtual_size = Size(NAME_W + 1 + self.quarters * 2, len(rows) + 1)
        self.refresh()

    def _mark(self, name: str) -> str:
        return name[0] if self.lang == "zh" else EN_MARKS.get(name, name[:2])

    @lru_cache(maxsize=4096)  # noqa: B019 - one widget per view; cleared on every set_rows
    def _line(self, index: int) -> tuple[Strip, Strip]:
        """The name part and the quarters part of one row (index -1: the year header)."""
        if index < 0:
            head = fit(t("ui.timeline.project", lang=self.lang), NAME_W)
            name = Strip([Segment(head + " " * (NAME_W + 1 - cell_len(head)), STYLES["head"])])
            cells = "".join(str(self.first_year + q // 4).ljust(8) for q in range(0, self.quarters, 4))
            return name, Strip([Segment(cells, STYLES["head"])])
        row = self.rows[index]
        label = fit(row.name, NAME_W)
        name = Strip([Segment(label + " " * (NAME_W + 1 - cell_len(label)), STYLES["name"])])
        marks: dict[int, tuple[str, str]] = {}
        rank = {"overdue": 2, "pending": 1, "done": 0}
        for m in row.marks:
            old = marks.get(m.quarter)
            if old is None or rank[m.state] >= rank[old[1]]:
                marks[m.quarter] = (m.name, m.state)
        segments = []
        for q in range(self.quarters):
            if row.start <= q <= row.planned_end:
                base = STYLES["plan"]
            elif row.late_end is not None and row.planned_end < q <= row.late_end:
                base = STYLES["late"]
            else:
                base = STYLES["now"] if q == self.now else STYLES["none"]
            if q in marks:
                mname, state = marks[q]
                segments.append(Segment(self._mark(mname), base + STYLES[state]))
            else:
                segments.append(Segment("  ", base))
        return name, Strip(segments)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        index = -1 if y == 0 else scroll_y + y - 1
        if index >= len(self.rows):
            return Strip.blank(width)
        name, cells = self._line(index)
        cells = cells.crop_extend(scroll_x, scroll_x + max(0, width - NAME_W - 1), None)
        strip = Strip.join([name, cells])
        if index == self.cursor and index >= 0 and self.has_focus:
            strip = Strip.join([name.apply_style(STYLES["cursor"]), cells])
        return strip.crop_extend(0, width, None)

    # --- cursor -------------------------------------------------------------------------------
    def action_move(self, step: int) -> None:
        if not self.rows:
            return
        self.cursor = max(0, min(len(self.rows) - 1, self.cursor + step))
        top, height = self.scroll_offset.y, self.size.height - 1
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)
        self.refresh()

    def action_open(self) -> None:
        if self.rows:
            self.post_message(self.Opened(self.rows[self.cursor].project_id))

    def on_click(self, event) -> None:
        index = self.scroll_offset.y + event.y - 1
        if 0 <= index < len(self.rows) and event.x < NAME_W:
            self.cursor = index
            self.refresh()
            if event.chain > 1:
                self.action_open()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def selected_project_id(self) -> int | None:
        return self.rows[self.cursor].project_id if self.rows else None
