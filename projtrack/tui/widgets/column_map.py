"""Correct what an annex's columns mean before importing it: every column of every sheet, with
the field it feeds and how that was decided (or why it was not read); pick a column, pick its
field (or 不读取), and the preview is read again with that map (the ``--map`` of the CLI).

The screen returns the map as ``--map`` text ("附件!E=annex_class,附件!K=none"), or None when
the officer leaves without changing anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from projtrack.i18n import use_lang
from projtrack.services.column_map import (
    FIELD_NAMES,
    PUBLIC_NAME,
    ColumnUse,
    Override,
    SheetMap,
    field_name,
    format_map,
    parse_map,
)
from projtrack.tui.keys import translate_bindings

if TYPE_CHECKING:
    from textual import getters

    from projtrack.tui.app import ProjtrackApp

# the fields an officer can give a column, in the order an annex has them
CHOICES = ("none", "seq", "name", "project_code", "category", "annex_class", "construction_type",
           "township", "content", "years", "start_year", "end_year", "duration",
           "total_investment", "period_plan", "prior_actual", "land_mu", "floor_area_m2",
           "new_places", "classes", "responsible_unit", "remarks")
PLAN_YEARS = tuple(range(2021, 2031))


def choice_label(key: str) -> str:
    if key == "none":
        return "—"
    if key.startswith("plan_"):
        return field_name("year", int(key[5:]))
    return field_name(FIELD_NAMES[key])


def column_line(sheet: str, c: ColumnUse, chosen: str | None, tr) -> str:
    if chosen is not None:
        target = choice_label(chosen) if chosen != "none" else tr("map.not_read")
        return f"{sheet}!{c.letter} {c.header or '—'} → {target} ({tr('map.chosen')})"
    if c.field is None:
        return f"{sheet}!{c.letter} {c.header or '—'} → {tr('map.not_read')} " \
               f"{', '.join(c.sample)}"
    how = {"values": tr("map.by_values"), "map": tr("map.by_map")}.get(c.how, "")
    name = field_name(c.field, c.year)
    return f"{sheet}!{c.letter} {c.header or '—'} → {name}{' ' + how if how else ''}"


class ColumnMapScreen(ModalScreen[str | None]):
    if TYPE_CHECKING:  # self.app as the type checker should see it
        app = getters.app(ProjtrackApp)

    BINDINGS = [Binding("escape", "cancel", "ui.key.close"),
                Binding("ctrl+s", "done", "ui.key.apply_map"),
                Binding("left,right", "switch", "ui.key.switch", show=False)]

    def __init__(self, maps: list[SheetMap], current: str | None = None) -> None:
        super().__init__()
        self.maps = maps
        self.columns = [(m.sheet, c) for m in maps for c in m.columns if c.how != "empty"]
        self.chosen: dict[tuple[str, str], str] = {}
        for o in parse_map(current or ""):
            self.chosen[(o.sheet or "", o.letter)] = _public(o)

    def compose(self) -> ComposeResult:
        tr = self.app.tr
        with use_lang(self.app.lang), Vertical(classes="dialog column-map"):
            yield Static(tr("map.title"), classes="dialog-title")
            yield Label(tr("map.hint"))
            with Horizontal(id="map-body"):
                yield OptionList(id="map-columns")
                yield OptionList(*[Option(choice_label(k), id=k) for k in CHOICES]
                                 + [Option(choice_label(f"plan_{y}"), id=f"plan_{y}")
                                    for y in PLAN_YEARS], id="map-fields")
            with Horizontal(classes="buttons"):
                yield Button(tr("map.apply"), id="map-apply", variant="warning")
                yield Button(tr("form.close"), id="map-close")

    def on_mount(self) -> None:
        translate_bindings(self, self.app.lang)
        self._fill()
        self.query_one("#map-columns", OptionList).focus()

    def _choice(self, sheet: str, c: ColumnUse) -> str | None:
        return self.chosen.get((sheet, c.letter)) or self.chosen.get(("", c.letter))

    def _fill(self) -> None:
        box = self.query_one("#map-columns", OptionList)
        keep = box.highlighted
        box.clear_options()
        with use_lang(self.app.lang):
            box.add_options([Option(column_line(s, c, self._choice(s, c), self.app.tr),
                                    id=f"{s}!{c.letter}") for s, c in self.columns])
        if self.columns:
            box.highlighted = keep if keep is not None and keep < len(self.columns) else 0

    @on(OptionList.OptionSelected, "#map-columns")
    def _column_picked(self) -> None:
        self.query_one("#map-fields", OptionList).focus()

    @on(OptionList.OptionSelected, "#map-fields")
    def _field_picked(self, event: OptionList.OptionSelected) -> None:
        box = self.query_one("#map-columns", OptionList)
        if box.highlighted is None or not self.columns:
            return
        sheet, c = self.columns[box.highlighted]
        self.chosen.pop(("", c.letter), None)
        self.chosen[(sheet, c.letter)] = event.option.id or "none"
        self._fill()
        box.focus()

    def action_switch(self) -> None:
        left = self.query_one("#map-columns", OptionList)
        (self.query_one("#map-fields", OptionList) if left.has_focus else left).focus()

    def map_text(self) -> str:
        overrides = [Override(sheet or None, letter, *_internal(key))
                     for (sheet, letter), key in sorted(self.chosen.items())]
        return format_map(overrides)

    @on(Button.Pressed, "#map-apply")
    def action_done(self) -> None:
        self.dismiss(self.map_text() if self.chosen else None)

    @on(Button.Pressed, "#map-close")
    def action_cancel(self) -> None:
        self.dismiss(None)


def _public(o: Override) -> str:
    if o.field is None:
        return "none"
    if o.field == "year":
        return f"plan_{o.year}"
    return PUBLIC_NAME.get(o.field, o.field)


def _internal(key: str) -> tuple[str | None, int | None]:
    if key.startswith("plan_"):
        return "year", int(key[5:])
    return FIELD_NAMES[key], None
