"""A modal form that validates as the officer types and saves nothing until every field is valid.

Each field has a parser that turns the typed text into a value or raises ``Invalid`` with a
message in the display language; the message shows under the field once it has been touched
(or on an attempt to save).  Saving runs the form's ``submit`` in a worker thread; a refusal
from the service (bad data, or a Conflict when another process changed the record since the
form was opened) shows in the form and nothing is overwritten.  What the service wants
confirmed first (a date outside the project's years, a correction, a plausibility warning:
``projtrack.typed.Unconfirmed``) is asked in a dialog; a yes saves again with it confirmed.
A form may show what it is about to record (``preview``) under its fields as they are typed.

Each form reads its parsed fields into a small typed result of its own (a frozen dataclass,
``collect``), which ``check``, ``preview`` and ``submit`` are given: the type checker sees what
they read from it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from projtrack.errors import ProjtrackError
from projtrack.i18n import t
from projtrack.tui.keys import translate_bindings
from projtrack.typed import CORRECTION, FORCE, WARNING, Unconfirmed

if TYPE_CHECKING:
    from textual import getters

    from projtrack.tui.app import ProjtrackApp


class Invalid(ValueError):
    """A field's text cannot be accepted; ``args[0]`` is the message to show."""


T = TypeVar("T")
V = TypeVar("V")  # a form's result


def need(value: object, kind: type[T]) -> T:
    """A parsed field's value, which its parser gives as a ``kind``."""
    if not isinstance(value, kind):
        raise TypeError(f"{value!r} is not a {kind.__name__}")
    return value


def maybe(value: object, kind: type[T]) -> T | None:
    """A parsed optional field's value: a ``kind`` or None (an empty choice, "", is None)."""
    return None if value is None or value == "" else need(value, kind)


@dataclass
class Field:
    name: str
    label: str
    value: object = ""
    parse: Callable[[str], object] | None = None  # text fields: text → value, or raise Invalid
    options: Sequence[tuple[str, object]] | None = None  # (label, value): a choice
    hint: str = ""
    placeholder: str = ""
    touched: bool = field(default=False, compare=False)


class FormScreen(ModalScreen[str | None], Generic[V]):
    if TYPE_CHECKING:  # self.app as the type checker should see it
        app = getters.app(ProjtrackApp)

    BINDINGS = [Binding("escape", "cancel", "ui.key.cancel"),
                Binding("ctrl+s", "save", "ui.key.save")]
    TITLE_KEY = ""

    class Saved(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Failed(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Unsure(Message):
        """The service wants something confirmed before it saves."""

        def __init__(self, refusal: Unconfirmed, values: object) -> None:
            super().__init__()
            self.refusal = refusal
            self.values = values

    def __init__(self, subtitle: str = "") -> None:
        super().__init__()
        self.subtitle = subtitle
        self.fields: list[Field] = []
        self.values: dict[str, object] = {}  # each field's parsed value, by name
        self.result: V | None = None  # ``collect`` of them, when every field is valid
        self.errors: dict[str, str] = {}
        self.confirmed: set[str] = set()  # what the officer said yes to (FORCE, CORRECTION, WARNING)

    @property
    def tr(self) -> Callable[..., str]:
        """The app's ``ui.`` catalog strings in the display language."""
        return self.app.tr

    # --- to be provided by each form ----------------------------------------------------------
    def build_fields(self) -> list[Field]:
        raise NotImplementedError

    def collect(self, values: Mapping[str, object]) -> V:
        """The form's result from its fields' parsed values (every field valid)."""
        raise NotImplementedError

    def check(self, values: V) -> dict[str, str]:
        """Checks across fields: {field name: message}."""
        return {}

    def field_changed(self, name: str, value: object) -> None:
        """React to one field (e.g. fill others in); called before validation."""

    def submit(self, values: V) -> str:
        """Write (in a worker thread); return the message to show.  May raise ProjtrackError,
        Unconfirmed to have the officer asked (see ``force``, ``correction``, ``ask``)."""
        raise NotImplementedError

    def preview(self, values: V) -> str | None:
        """What saving these (valid) values would record, shown under the fields."""
        return None

    # what to pass the service: confirmed after the officer was asked, or ask first
    @property
    def force(self) -> bool:
        return FORCE in self.confirmed

    @property
    def correction(self) -> bool:
        return CORRECTION in self.confirmed

    @property
    def ask(self) -> bool:
        return WARNING not in self.confirmed

    # --- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        self.fields = self.build_fields()
        with Vertical(classes="form"):
            title = Text(self.tr(self.TITLE_KEY), style="bold")
            if self.subtitle:
                title.append("   " + self.subtitle, style="not bold")
            yield Static(title, classes="form-title")
            with VerticalScroll(classes="form-fields"):
                for f in self.fields:
                    with Horizontal(classes="field-row"):
                        yield Label(f.label, classes="field-label")
                        if f.options is not None:
                            yield Select(f.options, value=f.value, allow_blank=False, compact=True,
                                         id=f"field-{f.name}")
                        else:
                            box = Input(value=str(f.value or ""), placeholder=f.placeholder,
                                        compact=True, id=f"field-{f.name}")
                            box.cursor_blink = not self.app.steady
                            yield box
                    yield Static(f.hint, classes="field-hint", id=f"hint-{f.name}")
            yield Static("", id="form-echo")
            yield Static("", id="form-error")
            with Horizontal(classes="buttons"):
                yield Button(self.tr("form.save"), id="save", variant="primary", disabled=True,
                             compact=True)
                yield Button(self.tr("form.cancel"), id="cancel", compact=True)

    def on_mount(self) -> None:
        translate_bindings(self, self.app.lang)
        self.validate()
        first = next((f for f in self.fields if f.options is None), None) or \
            (self.fields[0] if self.fields else None)
        if first is not None:
            self.query_one(f"#field-{first.name}").focus()

    # --- validation ---------------------------------------------------------------------------
    def _raw(self, f: Field) -> object:
        widget = cast("Input | Select", self.query_one(f"#field-{f.name}"))
        return widget.value

    def validate(self, show_all: bool = False) -> bool:
        self.values, self.errors, self.result = {}, {}, None
        for f in self.fields:
            raw = self._raw(f)
            try:
                self.values[f.name] = f.parse(str(raw)) if f.parse else raw
            except Invalid as exc:
                self.errors[f.name] = str(exc.args[0])
        if not self.errors:
            self.result = self.collect(self.values)
            self.errors.update(self.check(self.result))
        for f in self.fields:
            hint = self.query_one(f"#hint-{f.name}", Static)
            message = self.errors.get(f.name)
            if message and (f.touched or show_all):
                hint.update(Text(message))  # may quote what was typed: never markup
                hint.add_class("-error")
            else:
                hint.update(Text(f.hint or ""))
                hint.remove_class("-error")
            hint.display = bool(message and (f.touched or show_all)) or bool(f.hint)
        self.query_one("#save", Button).disabled = bool(self.errors)
        echo = self.preview(self.result) if self.result is not None and not self.errors else None
        self.query_one("#form-echo", Static).update(Text(echo or ""))  # never markup
        return not self.errors

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self, event: Input.Changed | Select.Changed) -> None:
        name = (event.control.id or "").removeprefix("field-")
        for f in self.fields:
            if f.name == name and str(event.value) != str(f.value):
                f.touched = True
        self.field_changed(name, event.value)
        self.query_one("#form-error", Static).update("")
        self.confirmed.clear()  # a yes was to what was typed then
        self.validate()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    # --- saving -------------------------------------------------------------------------------
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if not self.validate(show_all=True) or self.result is None:
            return
        self.query_one("#save", Button).disabled = True
        self._save(self.result)

    @work(thread=True, exclusive=True, group="form-save")
    def _save(self, values: V) -> None:
        try:
            text = self.submit(values)
        except Unconfirmed as exc:
            self.post_message(self.Unsure(exc, values))
        except ProjtrackError as exc:  # a DatabaseError too (locked, gone): said, form kept
            self.post_message(self.Failed(exc.render(self.app.lang)))
        else:
            self.post_message(self.Saved(text))

    def on_form_screen_saved(self, message: Saved) -> None:
        self.dismiss(message.text)

    def on_form_screen_unsure(self, message: Unsure) -> None:
        from projtrack.tui.screens.dialogs import ConfirmDialog

        refusal, values = message.refusal, message.values

        def answered(ok: bool | None) -> None:
            if ok:
                self.confirmed |= refusal.confirms
                self._save(cast(V, values))
            else:
                self.on_form_screen_failed(self.Failed(t("ui.form.not_saved", lang=self.app.lang)))

        self.app.push_screen(ConfirmDialog(t("confirm.title", lang=self.app.lang),
                                           Text(refusal.question(self.app.lang))), answered)

    def on_form_screen_failed(self, message: Failed) -> None:
        error = self.query_one("#form-error", Static)
        error.update(Text(message.text))
        error.add_class("-error")
        self.query_one("#save", Button).disabled = False

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
