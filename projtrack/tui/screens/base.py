"""A top-level view: header (with the as-of date), navigation line, body, footer.

A view registers with the app; when the portfolio changes it recomputes its data in a worker
(at once if it is on screen, else when it is next shown), and when the language changes it
recomposes and redraws from the data it already holds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Header, TabbedContent

from projtrack.core.portfolio import Portfolio
from projtrack.tui.keys import translate_bindings
from projtrack.tui.widgets.footer import ViewFooter
from projtrack.tui.widgets.nav import NavBar

if TYPE_CHECKING:
    from textual import getters

    from projtrack.tui.app import ProjtrackApp


class ViewScreen(Screen):
    if TYPE_CHECKING:  # self.app as the type checker should see it
        app = getters.app(ProjtrackApp)

    VIEW = ""

    def __init__(self) -> None:
        super().__init__()
        self._stale = False
        self.tab = ""  # the active pane of the view's tabs (#tabs), if it has any

    @property
    def tr(self) -> Callable[..., str]:
        """The app's ``ui.`` catalog strings in the display language."""
        return self.app.tr

    def compose(self) -> ComposeResult:
        yield Header(icon="=")
        yield NavBar(self.VIEW or self.app.current_mode)
        yield from self.compose_body()
        yield ViewFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        translate_bindings(self, self.app.lang)
        self.app.views.add(self)
        if self.app.portfolio is not None:
            self.refresh_data(None)
        else:
            self.show_loading(True)

    def on_unmount(self) -> None:
        self.app.views.discard(self)

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self.refresh_data(None)

    def portfolio_changed(self, project_id: int | None) -> None:
        self.show_loading(False)
        if self.is_current:
            self.refresh_data(project_id)
        else:
            self._stale = True

    async def relabel(self) -> None:
        """Recompose in the new language, keeping the data and the focus."""
        focused = self.focused.id if self.focused is not None else None
        await self.recompose()
        translate_bindings(self, self.app.lang)
        self.redraw()
        target = next(iter(self.query(f"#{focused}")), None) if focused else None
        self._focus(target if target is not None else self._main_widget())

    def show_loading(self, on: bool) -> None:
        """Say "loading" in the header (not by covering a widget: that would take its focus)."""
        self.sub_title = f"{self.app.sub_title}  {self.tr('loading')}" if on else None

    def refresh_data(self, project_id: int | None) -> None:
        """Recompute what the view shows from the loaded portfolio (``compute``, a worker
        that posts its result; its handler redraws)."""
        if self.app.portfolio is not None:
            self.compute(self.app.portfolio)

    def compute(self, portfolio: Portfolio) -> object:
        """The view's data from ``portfolio``; views override it with a thread worker."""
        self.redraw()
        return None

    def redraw(self) -> None:
        """Fill the widgets from the data already computed; no queries."""

    def rows_line(self, first: int, shown: int, total: int, page: int, pages: int) -> str:
        """Which rows of how many are on screen, and the page: ``first`` is the 0-based index
        of the first row shown, ``page`` the 0-based page."""
        return self.tr("portfolio.rows", first=f"{first + 1 if shown else 0:,}",
                       last=f"{first + shown:,}", total=f"{total:,}", page=page + 1, pages=pages)

    def more_columns(self, table) -> str:
        """For a table scrolled by whole columns: how many are out of view either side ("" when
        none), for the view's status line."""
        if not (table.hidden_left or table.hidden_right):
            return ""
        return "  " + self.tr("portfolio.more_columns", left=table.hidden_left,
                              right=table.hidden_right)

    def ensure_focus(self) -> None:
        """Focus the view's main widget when nothing has focus (e.g. it was loading when the
        screen was shown), so the keys and the footer are always the same."""
        if self.focused is None:
            self._focus(self._main_widget())

    def _main_widget(self):
        return next(iter(self.query(self.AUTO_FOCUS)), None) if self.AUTO_FOCUS else None

    @staticmethod
    def _focus(target) -> None:
        if target is not None and target.focusable:
            target.focus()

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.tab = event.pane.id or self.tab

    def selected_project_id(self) -> int | None:
        """The project the data-entry actions apply to (the cursor's), if any."""
        return None

    def action_open(self) -> None:
        """Open the project under the cursor."""
        pid = self.selected_project_id()
        if pid is not None:
            self.app.open_project(pid)
