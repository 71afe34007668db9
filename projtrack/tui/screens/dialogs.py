"""Small modal dialogs: pick one of a list, confirm an action."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from projtrack.tui.keys import translate_bindings

if TYPE_CHECKING:
    from textual import getters

    from projtrack.tui.app import ProjtrackApp


class PickDialog(ModalScreen[str | None]):
    """Choose one option (key, label); Esc returns None."""

    if TYPE_CHECKING:  # self.app as the type checker should see it
        app = getters.app(ProjtrackApp)

    BINDINGS = [Binding("escape", "cancel", "ui.key.cancel")]

    def __init__(self, title: str, options: list[tuple[str, str]], current: str | None = None):
        super().__init__()
        self.title_text = title
        self.options = options
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield OptionList(*(Option(label, id=key) for key, label in self.options), id="pick")

    def on_mount(self) -> None:
        translate_bindings(self, self.app.lang)
        pick = self.query_one("#pick", OptionList)
        keys = [k for k, _ in self.options]
        if self.current in keys:
            pick.highlighted = keys.index(self.current)
        pick.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """A question with OK / Cancel (Enter confirms, Esc cancels)."""

    if TYPE_CHECKING:  # self.app as the type checker should see it
        app = getters.app(ProjtrackApp)

    BINDINGS = [Binding("escape", "cancel", "ui.key.cancel"),
                Binding("enter", "ok", "ui.key.confirm")]

    def __init__(self, title: str, body: str | Text):
        """``body`` as Text is shown as it is (it may quote what an officer typed: never
        markup)."""
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield Static(self.body, classes="dialog-body")
            with Horizontal(classes="buttons"):
                yield Button(self.app.tr("form.ok"), id="ok", variant="primary")
                yield Button(self.app.tr("form.cancel"), id="cancel")

    def on_mount(self) -> None:
        translate_bindings(self, self.app.lang)
        self.query_one("#ok", Button).focus()

    @on(Button.Pressed, "#ok")
    def action_ok(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)


class ColumnsDialog(ModalScreen[tuple[str, ...] | None]):
    """Tick the columns to show (space or a click); 确定 shows the ticked ones, 按宽度 lets the
    terminal's width choose again; Esc leaves things as they were.  Dismissed with the keys
    ticked, () for "by width", None for no change."""

    if TYPE_CHECKING:  # self.app as the type checker should see it
        app = getters.app(ProjtrackApp)

    BINDINGS = [Binding("escape", "cancel", "ui.key.cancel"),
                Binding("ctrl+s", "ok", "ui.key.confirm")]

    def __init__(self, title: str, columns: list[tuple[str, str, bool]]):
        """``columns``: (key, label, ticked) in the table's order."""
        super().__init__()
        self.title_text = title
        self.columns = columns

    def compose(self) -> ComposeResult:
        from textual.widgets import SelectionList

        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield SelectionList[str](*((label, key, on) for key, label, on in self.columns),
                                     id="columns")
            with Horizontal(classes="buttons"):
                yield Button(self.app.tr("form.ok"), id="ok", variant="primary")
                yield Button(self.app.tr("columns.auto"), id="auto")
                yield Button(self.app.tr("form.cancel"), id="cancel")

    def on_mount(self) -> None:
        translate_bindings(self, self.app.lang)
        self.query_one("#columns").focus()

    @on(Button.Pressed, "#ok")
    def action_ok(self) -> None:
        from textual.widgets import SelectionList

        ticked = set(self.query_one("#columns", SelectionList).selected)
        self.dismiss(tuple(key for key, _, _ in self.columns if key in ticked))

    @on(Button.Pressed, "#auto")
    def _auto(self) -> None:
        self.dismiss(())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
