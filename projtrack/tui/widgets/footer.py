"""The views' footer: Textual's, rebuilt once per refresh however often the bindings change.

Textual's ``Footer`` schedules a whole recompose (a widget per key, each styled anew) every
time its screen says its bindings changed; starting the app says so five times before the
first frame (the app's and the view's bindings translated, the focus, the table's first
rows), so the footer was built five times — about a third of the CPU from the start to the
first screen.  This one schedules one rebuild at a time: the last one sees the bindings as
they are then, so what is shown is the same (the snapshots hold it).  It relies on
``Footer._bindings_ready`` (Textual 8.2.8), set exactly as Textual's own handler sets it.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class ViewFooter(Footer):
    _rebuild_pending = False

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False  # a change from here on asks for another rebuild
        await self.recompose()
