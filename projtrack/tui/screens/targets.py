"""目标: the plan's targets (new places, floor area, projects started / completed / in use,
investment) against what is delivered at the as-of date — bars and numbers; Enter edits a
target (targets are data, kept in the database).  Under them, the new places at risk: those of
projects whose forecast 投用 misses their autumn term, by category, against the targets."""

from __future__ import annotations

from decimal import Decimal

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Static

from projtrack.core.money import format_rate, format_wan
from projtrack.core.portfolio import Portfolio
from projtrack.core.targets import (
    PlacesAtRisk,
    TargetLine,
    merged,
    places_at_risk,
    setting_key,
    target_lines,
)
from projtrack.services import settings
from projtrack.services.portfolio import period_spending
from projtrack.tui import cells as c
from projtrack.tui.screens.base import ViewScreen
from projtrack.tui.widgets.table import cursor_key

BAR_WIDTH = 30


class TargetsReady(Message):
    def __init__(self, lines: list[TargetLine], stored: dict,
                 places: list[PlacesAtRisk]) -> None:
        super().__init__()
        self.lines, self.stored, self.places = lines, stored, places


class TargetsScreen(ViewScreen):
    VIEW = "targets"
    AUTO_FOCUS = "#targets"
    BINDINGS = [Binding("enter", "edit", "ui.key.edit_target", show=False),
                Binding("e", "edit", "ui.key.edit_target")]

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[TargetLine] = []
        self.stored: dict = {}
        self.places: list[PlacesAtRisk] = []

    def compose_body(self) -> ComposeResult:
        yield Static(self.tr("targets.intro"), id="targets-intro")
        yield DataTable(id="targets", cursor_type="row")
        yield Static(id="targets-risk")
        yield Static(id="targets-note")

    @work(thread=True, exclusive=True, group="targets")
    def compute(self, portfolio: Portfolio) -> None:
        stored = settings.stored_targets(self.app.store)
        in_period = period_spending(self.app.store, portfolio)
        targets = merged(stored)
        self.post_message(TargetsReady(
            target_lines(portfolio.items(), targets, in_period), stored,
            places_at_risk(portfolio.items(), targets)))

    def on_targets_ready(self, message: TargetsReady) -> None:
        self.lines, self.stored, self.places = message.lines, message.stored, message.places
        self.redraw()

    def redraw(self) -> None:
        table = self.query_one("#targets", DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        keys = ["col.target_item", "col.target", "col.delivered", "col.rate_only", "col.bar"]
        labels = [self.tr(k) for k in keys]
        items = [self.tr("target." + line.key) for line in self.lines]
        cells = []
        for line in self.lines:
            decimals = 2 if line.unit == "wan" else 0
            unit = self.tr("unit." + line.unit)
            cells.append([
                Text(f"{format_wan(line.target, decimals, blank=c.BLANK)} {unit}", justify="right"),
                Text(f"{format_wan(line.actual, decimals)} {unit}", justify="right"),
                Text(format_rate(line.rate, blank=c.BLANK), justify="right")])
        # what the numbers need; the bars take what is left, and at a narrow width (or in the
        # longer English words) the bars go first, then the item names are shortened: no number
        # is ever cut
        room = (self.size.width or self.app.size.width) - 2 - table.styles.scrollbar_size_vertical
        numbers = sum(max([cell_len(labels[j + 1])] + [row[j].cell_len for row in cells]) + 2
                      for j in range(3))
        item = max([cell_len(labels[0])] + [cell_len(x) for x in items]) + 2
        bar_width = min(BAR_WIDTH, room - numbers - item - 2)
        with_bars = bar_width >= 6
        if not with_bars:
            keys, labels = keys[:4], labels[:4]
            item = max(12, min(item, room - numbers))
        for key, label in zip(keys, labels, strict=True):
            table.add_column(label, key=key)
        for line, name, row in zip(self.lines, items, cells, strict=True):
            rate = line.rate
            style = "on #2e7d32" if rate is not None and rate >= 1 else "on #00897b"
            bar = [c.bar(min(rate, Decimal(1)) if rate is not None else None, bar_width, style)] \
                if with_bars else []
            table.add_row(c.fit(name, item - 2), *row, *bar, key=line.key)
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1), animate=False)
        risk = Text(self.tr("targets.places_at_risk") + "\n", style="bold")
        for p in self.places:
            target = format_wan(p.target, 0, blank=c.BLANK)
            risk.append(self.tr("targets.places_line", category=self.app.term(p.category),
                                places=f"{p.places:,}", target=target,
                                share=format_rate(p.share, blank=c.BLANK), n=p.projects) + "\n",
                        style=c.LEVEL_STYLES["red"] if p.places else "")
        self.query_one("#targets-risk", Static).update(risk)
        source = "targets.source_saved" if self.stored else "targets.source_published"
        self.query_one("#targets-note", Static).update(
            Text(self.tr(source) + "\n" + self.tr("targets.rules"), style="dim"))
        self.ensure_focus()

    def action_edit(self) -> None:
        from projtrack.tui.widgets.settings_forms import TargetForm

        key = cursor_key(self.query_one("#targets", DataTable))
        if key is None:
            return
        line = next((ln for ln in self.lines if ln.key == key), None)
        if line is None or not line.editable:
            self.notify(self.tr("targets.not_editable"), severity="warning")
            return
        skey = setting_key(line.key)
        form = TargetForm(self.app.store, skey, self.tr("target." + line.key), self.stored)
        self.app.push_screen(form, self._edited)

    def _edited(self, text: str | None) -> None:
        if text:
            self.notify(text)
            self.refresh_data(None)

    @on(DataTable.RowSelected, "#targets")
    def _selected(self) -> None:
        self.action_edit()
