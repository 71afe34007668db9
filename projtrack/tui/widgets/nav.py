"""The line under the header: the eight views (current one highlighted), clickable.  When the
full names do not fit the width, the short ones; when those do not either, only the number of
each view but the current one; chosen again on a resize."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.content import Content
from textual.events import Resize
from textual.widgets import Static

if TYPE_CHECKING:
    from textual import getters

    from projtrack.tui.app import ProjtrackApp


VIEWS = (("portfolio", "1"), ("milestones", "2"), ("variance", "3"), ("targets", "4"),
         ("forecast", "5"), ("returns", "6"), ("issues", "7"), ("breakdown", "8"))


class NavBar(Static):
    if TYPE_CHECKING:  # self.app as the type checker should see it
        app = getters.app(ProjtrackApp)

    DEFAULT_CSS = """
    NavBar { height: 1; background: $panel-darken-1; padding: 0 1; }
    """

    def __init__(self, current: str, extra: str = "") -> None:
        super().__init__()
        self.current = current
        self.extra = extra

    def on_mount(self) -> None:
        self.update(self.render_nav())

    def on_resize(self, event: Resize) -> None:
        self.update(self.render_nav())

    def labels(self, width: int) -> list[str]:
        """Each view's part of the line at ``width`` cells: " 1 项目总览 ", else " 1 总览 ",
        else " 1 " for all but the current view."""
        full = [f" {key} {self.app.tr('view.' + view)} " for view, key in VIEWS]
        short = [f" {key} {self.app.tr('view_short.' + view)} " for view, key in VIEWS]
        bare = [label if view == self.current else f" {key} "
                for (view, key), label in zip(VIEWS, short, strict=True)]
        extra = cell_len("  " + self.extra) + 1 if self.extra else 0
        for labels in (full, short):
            if sum(cell_len(lb) for lb in labels) + len(labels) - 1 + extra <= width:
                return labels
        return bare

    def render_nav(self) -> Content:
        width = self.content_size.width or self.app.size.width - 2
        parts = []
        for (view, _), label in zip(VIEWS, self.labels(width), strict=True):
            style = "reverse bold" if view == self.current else ""
            parts.append(Content.from_markup(
                f"[{style} @click=app.view('{view}')]$label[/]" if style else
                f"[@click=app.view('{view}')]$label[/]", label=label))
        if self.extra:
            parts.append(Content("  " + self.extra))
        return Content(" ").join(parts)
