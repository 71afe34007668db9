"""The line under the header: the five views (current one highlighted), clickable."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
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

    def render_nav(self) -> Content:
        parts = []
        for view, key in VIEWS:
            label = f" {key} {self.app.tr('view.' + view)} "
            style = "reverse bold" if view == self.current else ""
            parts.append(Content.from_markup(
                f"[{style} @click=app.view('{view}')]$label[/]" if style else
                f"[@click=app.view('{view}')]$label[/]", label=label))
        if self.extra:
            parts.append(Content("  " + self.extra))
        return Content(" ").join(parts)
