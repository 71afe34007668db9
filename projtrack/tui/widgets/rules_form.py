"""R — the 红黄绿 rules form: every rule as a field, read as the command line reads it (a
refusal shows next to its field), and under the fields, as they are typed, what saving would
change: each rule old → new and the projects whose flag would change, by name (from the
figures the app holds, under the old and the new rules: ``services.rules.preview_portfolio``).
Saved over the rules as read when the form opened (refused when they changed since), audited."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from rich.text import Text
from textual import work
from textual.widgets import Static
from textual.worker import get_current_worker

from projtrack.core.portfolio import Portfolio
from projtrack.core.types import FlagRules
from projtrack.services import rules as svc
from projtrack.services.database import Store
from projtrack.tui.widgets.forms import Field, FormScreen, Invalid

SWITCHES = ("milestone_overdue_yellow", "overrun_red", "year_at_risk_yellow",
            "overrun_forecast_yellow", "term_at_risk_red")
NAMES_SHOWN = 3  # project names per transition in the preview (the rest counted)
LIVE_LIMIT = 2_000  # up to so many projects the preview is worked out as you type; above, in
# a worker (about half a second per 10,000 projects), the form saying so meanwhile


class RulesForm(FormScreen[FlagRules]):
    """Change the flag rules; the result is the rules to save."""

    TITLE_KEY = "form.rules_title"

    def __init__(self, store: Store, read: svc.RulesRead, portfolio: Portfolio | None) -> None:
        super().__init__()
        self.store, self.read, self.portfolio = store, read, portfolio

    def on_mount(self) -> None:
        self.query_one(".form").add_class("rules")
        super().on_mount()

    def _parser(self, name: str):
        lang = self.app.lang

        def parse(raw: str) -> object:
            try:
                return svc.read_one(name, raw)
            except svc.RuleValueRefused as exc:
                raise Invalid(exc.why(lang)) from exc
        return parse

    def build_fields(self) -> list[Field]:
        lang, rules = self.app.lang, self.read.rules
        fields = []
        for name in svc.RULE_NAMES:
            value = getattr(rules, name)
            default = self.tr("form.rules_default",
                              default=svc.rule_value(name, getattr(svc.DEFAULT_RULES, name), lang))
            label = svc.rule_label(name, lang)
            if name in SWITCHES:
                fields.append(Field(name, label, value, hint=default,
                                    options=[(self.tr("form.yes"), True),
                                             (self.tr("form.no"), False)]))
            else:
                fields.append(Field(name, label, svc.rule_typed(name, value),
                                    parse=self._parser(name), hint=default))
        return fields

    def collect(self, values: Mapping[str, object]) -> FlagRules:
        return dataclasses.replace(self.read.rules, **values)  # type: ignore[arg-type]

    def check(self, values: FlagRules) -> dict[str, str]:
        try:
            svc.apply(values, {})
        except svc.RuleValueRefused as exc:  # the yellow line not below the red
            why = exc.why(self.app.lang)  # said next to whichever of the two was typed in
            return {"yellow_behind": why, "red_behind": why}
        return {}

    def preview(self, values: FlagRules) -> str | None:
        if self.portfolio is None:
            return None
        if len(self.portfolio.projects) <= LIVE_LIMIT:
            return self._preview_text(values)
        self._preview_later(values)
        return self.tr("form.rules_previewing")

    def _preview_text(self, values: FlagRules) -> str:
        assert self.portfolio is not None
        pv = svc.preview_portfolio(self.portfolio, self.read.rules, values)
        if not pv.rules_changed:
            return self.tr("form.rules_unchanged")
        # the fields show the new values: the preview says what they change
        return "\n".join(pv.lines(self.app.lang, limit=NAMES_SHOWN, with_rules=False))

    @work(thread=True, exclusive=True, group="rules-preview")
    def _preview_later(self, values: FlagRules) -> None:
        text = self._preview_text(values)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_preview, values, text)

    def _show_preview(self, values: FlagRules, text: str) -> None:
        if self.result == values and not self.errors:  # still what the fields say
            self.query_one("#form-echo", Static).update(Text(text))

    def submit(self, values: FlagRules) -> str:
        if not svc.save(self.store, values, read=self.read):
            return self.tr("form.rules_unchanged")
        return self.tr("msg.rules_saved", n=len(svc.differing(self.read.rules, values)))
