"""? — the keys of every view and how the figures are read, in the display language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from projtrack.tui.keys import translate_bindings

if TYPE_CHECKING:
    from textual import getters

    from projtrack.tui.app import ProjtrackApp

SECTIONS = (
    ("help.global", (("1 2 3 4 5 6 7 8", "key.views"), ("d", "key.as_of"), ("l", "key.lang"),
                     ("i", "key.import"), ("P", "key.report"), ("u", "key.undo"),
                     ("ctrl+r", "key.reload"), ("R", "key.rules"), ("ctrl+p", "key.palette"),
                     ("?", "key.help"),
                     ("q", "key.quit"))),
    ("help.portfolio", (("/", "key.filter"), ("esc", "key.leave_filter"), ("enter", "key.open"),
                        ("s / S", "key.sort_reverse"), ("g", "key.group"), ("f", "key.flagged"),
                        ("w", "key.withdrawn"), ("c", "key.category"), ("t", "key.phase_filter"),
                        ("a", "key.annex_class"), ("x", "key.clear"), ("[ ]", "key.pages"),
                        ("C", "key.columns_help"), ("left right", "key.columns_scroll"),
                        ("backspace", "key.back_help"))),
    ("help.entry", (("e", "key.spend"), ("m", "key.milestone"), ("p", "key.phase"),
                    ("y", "key.plan"), ("r", "key.remarks"), ("v", "key.progress"),
                    ("ctrl+s", "key.save"), ("esc", "key.cancel"))),
)


class HelpScreen(ModalScreen[None]):
    if TYPE_CHECKING:  # self.app as the type checker should see it
        app = getters.app(ProjtrackApp)

    BINDINGS = [Binding("escape,question_mark,q", "close", "ui.key.close")]

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        with Vertical(classes="dialog help"):
            yield Static(tr("help.title"), classes="dialog-title")
            with VerticalScroll():
                yield Static(self._body())

    def _body(self) -> Table:
        tr = self.app.tr
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True, style="bold #90caf9")
        grid.add_column()
        for title, keys in SECTIONS:
            grid.add_row(Text(tr(title), style="bold underline"), "")
            for key, label in keys:
                grid.add_row(key, tr(label))
            grid.add_row("", "")
        grid.add_row(Text(tr("help.figures"), style="bold underline"), "")
        for key in ("help.as_of", "help.rate", "help.variance", "help.flags", "help.money",
                    "help.paging", "help.undo", "help.conflict"):
            grid.add_row("", tr(key))
        return grid

    def on_mount(self) -> None:
        translate_bindings(self, self.app.lang)

    def action_close(self) -> None:
        self.dismiss()
