"""The 红黄绿 rules as the officer's: read them, read a change as typed, preview which projects'
flags it would change, save it (audited: old and new values and who), reset to the defaults.

The rules are the ``flag_rules`` setting (``Store.rules`` reads it; a missing rule keeps its
default, a value that cannot be read is refused naming the rule and the value).  How a value is read is ``core.rules``; the flags under the old and the new rules
come from the same figures through ``core.figures.reflag`` (``Portfolio.under``), so a preview
is exactly what the views will show after the save.  A save is refused (Conflict) when the
rules changed since they were read, so no one's change is overwritten unseen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from projtrack.core.portfolio import Portfolio
from projtrack.core.rules import (
    RULE_NAMES,
    FlagMove,
    RuleRefused,
    changed,
    differing,
    flag_moves,
    read_rule,
    reset,
    rule_name,
)
from projtrack.core.terms import Phase
from projtrack.core.types import DEFAULT_RULES, FlagRules
from projtrack.errors import BadData, BadUsage, Conflict
from projtrack.i18n import t, term
from projtrack.reports.rulestext import (
    rule_label,
    rule_meaning,
    rule_typed,
    rule_value,
    rules_line,
)
from projtrack.services.portfolio import load_portfolio
from projtrack.store.repo import RULES_KEY, Store, rules_of_setting

__all__ = ["DEFAULT_RULES", "RULE_NAMES", "FlagMove", "RuleValueRefused", "differing",
           "known_name", "read_one", "RuleLine", "RulesPreview", "RulesRead", "apply", "current",
           "describe", "preview", "preview_portfolio", "read_changes", "reset_rules",
           "rule_label", "rule_typed", "rule_value", "rules_json", "rules_line", "save"]


class RuleValueRefused(BadData):
    """A typed rule value (or the rules together) refused: names the rule, its label and what
    was typed, and why (``why.rule.<code>``) in the language it is rendered in."""

    def __init__(self, refusal: RuleRefused):
        self.refusal = refusal
        super().__init__("err.rule_refused", rule=refusal.rule, found=refusal.found)

    def render(self, lang: str | None = None) -> str:
        r = self.refusal
        why = self.why(lang)
        if r.code == "yellow_not_below_red":  # the rules together, not one value
            return t("err.rules_together", lang=lang, why=why)
        return t("err.rule_refused", lang=lang, rule=r.rule, label=rule_label(r.rule, lang),
                 found=r.found, why=why)

    def why(self, lang: str | None = None) -> str:
        """The reason alone (a form shows it next to its field, which names the rule)."""
        r = self.refusal
        extra = {k: rule_value("yellow_behind", v, lang) if k in ("yellow", "red") else v
                 for k, v in r.extra.items()}
        return t(f"why.rule.{r.code}", lang=lang, found=r.found, **extra)


@dataclass(frozen=True)
class RulesRead:
    """The rules in force and the setting as stored (None: never set, the defaults apply):
    what a save is checked against."""

    rules: FlagRules
    stored: object


@dataclass(frozen=True)
class RuleLine:
    name: str
    label: str
    value: str
    default: str
    meaning: str
    is_default: bool


def current(store: Store) -> RulesRead:
    """The rules in force, as read now."""
    stored = store.setting(RULES_KEY)
    return RulesRead(rules_of_setting(stored), stored)


def describe(rules: FlagRules, lang: str | None = None) -> list[RuleLine]:
    """Every rule with its value, its default and its meaning, in the display language."""
    return [RuleLine(n, rule_label(n, lang), rule_value(n, getattr(rules, n), lang),
                     rule_value(n, getattr(DEFAULT_RULES, n), lang), rule_meaning(n, lang),
                     getattr(rules, n) == getattr(DEFAULT_RULES, n))
            for n in RULE_NAMES]


def rules_json(rules: FlagRules, lang: str | None = None) -> dict[str, object]:
    """The rules as JSON: each with its stored value (fractions for points and percents),
    its default, label, meaning and both as read."""
    stored, defaults = rules.as_dict(), DEFAULT_RULES.as_dict()
    return {"rules": [{"name": line.name, "value": stored[line.name],
                       "default": defaults[line.name], "is_default": line.is_default,
                       "label": line.label, "value_text": line.value,
                       "default_text": line.default, "meaning": line.meaning}
                      for line in describe(rules, lang)],
            "line": rules_line(rules, lang)}


@cache
def _phase_aliases() -> dict[str, str]:
    """The phases by their English names too (``under construction``, ``construction``)."""
    aliases: dict[str, str] = {}
    for p in Phase:
        aliases[p.name.lower()] = p.value
        aliases[t(f"term.{p.value}", lang="en").lower()] = p.value
    return aliases


def read_one(name: str, text: str) -> object:
    """One rule's value as typed; RuleValueRefused (exit 1) naming the rule and the value."""
    try:
        return read_rule(name, text, _phase_aliases())
    except RuleRefused as exc:
        raise RuleValueRefused(exc) from exc


def known_name(text: str) -> str:
    """The rule named ``text``; BadUsage (exit 2) for an unknown one, listing the rules."""
    name = rule_name(text)
    if name is None:
        raise BadUsage("err.unknown_rule", found=text, names=", ".join(RULE_NAMES))
    return name


def read_changes(pairs: Sequence[tuple[str, str]]) -> dict[str, object]:
    """``[(name, typed value), …]`` read strictly: an unknown rule or one named twice is a
    usage error (exit 2), a value that cannot be read bad data (exit 1) naming both."""
    values: dict[str, object] = {}
    for raw_name, text in pairs:
        name = known_name(raw_name)
        if name in values:
            raise BadUsage("err.rule_twice", rule=name)
        values[name] = read_one(name, text)
    return values


def apply(rules: FlagRules, values: dict[str, object]) -> FlagRules:
    """``rules`` with ``values``, checked across rules (yellow below red; RuleValueRefused)."""
    try:
        return changed(rules, values)
    except RuleRefused as exc:
        raise RuleValueRefused(exc) from exc


def reset_rules(rules: FlagRules, names: Sequence[str] = ()) -> FlagRules:
    """``rules`` with the named ones (all when none) at their defaults."""
    known = [known_name(n) for n in names]
    try:
        return reset(rules, known)
    except RuleRefused as exc:  # one reset against another kept: yellow over red
        raise RuleValueRefused(exc) from exc


@dataclass(frozen=True)
class RulesPreview:
    """What saving ``new`` over ``old`` would change at ``as_of``: the rules that differ and the
    projects whose flag (or only its reasons) would change."""

    as_of: dt.date
    old: FlagRules
    new: FlagRules
    rules_changed: tuple[str, ...]
    moves: tuple[FlagMove, ...]

    @property
    def flag_moves(self) -> tuple[FlagMove, ...]:
        """The projects whose colour changes."""
        return tuple(m for m in self.moves if m.old != m.new)

    def by_transition(self) -> dict[tuple[str, str], list[FlagMove]]:
        """The colour changes grouped (green → yellow, …), the worse first."""
        order = {"green": 0, "yellow": 1, "red": 2}
        groups: dict[tuple[str, str], list[FlagMove]] = {}
        for m in sorted(self.flag_moves, key=lambda m: (order[m.old] >= order[m.new],
                                                        m.old, m.new, m.project_id)):
            groups.setdefault((m.old, m.new), []).append(m)
        return groups

    def lines(self, lang: str | None = None, limit: int = 0, *,
              with_rules: bool = True) -> list[str]:
        """The preview in words: each rule old → new (unless not ``with_rules``), then the
        projects whose flag changes, by transition (``limit``: at most so many names per
        transition, 0 for all)."""
        out = [] if not with_rules else [t("rules.changed_rule", lang=lang, name=n, label=rule_label(n, lang),
                 old=rule_value(n, getattr(self.old, n), lang),
                 new=rule_value(n, getattr(self.new, n), lang)) for n in self.rules_changed]
        moves = self.flag_moves
        out.append(t("rules.preview_head", lang=lang, as_of=self.as_of.isoformat(),
                     n=len(moves)))
        sep = t("rule.fmt.list_sep", lang=lang)
        for (old, new), group in self.by_transition().items():
            names = [m.name for m in group]
            more = len(names) - limit if limit and len(names) > limit else 0
            shown = sep.join(names[:limit] if more else names)
            if more:
                shown += t("rules.and_more", lang=lang, n=more)
            out.append(t("rules.transition", lang=lang, old=term(old, lang),
                         new=term(new, lang), n=len(group), names=shown))
        only = len(self.moves) - len(moves)
        if only:
            out.append(t("rules.reasons_only", lang=lang, n=only))
        return out


def preview_portfolio(portfolio: Portfolio, old: FlagRules, new: FlagRules) -> RulesPreview:
    """The preview from a loaded portfolio (the app's): its figures under ``old`` and ``new``."""
    names = tuple(differing(old, new))
    if not names:  # nothing to work out
        return RulesPreview(portfolio.as_of, old, new, names, ())
    live = Portfolio(portfolio.as_of, portfolio.rules,
                     tuple(v for v in portfolio.projects if v.facts.status != "withdrawn"))
    return RulesPreview(portfolio.as_of, old, new, names,
                        flag_moves(live.under(old), live.under(new)))


def preview(store: Store, as_of: dt.date, new: FlagRules,
            old: FlagRules | None = None) -> RulesPreview:
    """Which projects' flags ``new`` would change at ``as_of``, against ``old`` (default: the
    rules in force), from the current figures (one read of the portfolio)."""
    portfolio = load_portfolio(store, as_of, include_withdrawn=False)
    return preview_portfolio(portfolio, old if old is not None else portfolio.rules, new)


def save(store: Store, new: FlagRules, *, read: RulesRead) -> bool:
    """Save ``new`` as the rules in force, over what was read (``read``): refused with
    Conflict when the rules changed since.  Audited by the store (old and new values, who);
    the audit row's context names each rule changed, old → new.  False when nothing changes."""
    names = differing(read.rules, new)
    if not names:
        return False
    old_d, new_d = read.rules.as_dict(), new.as_dict()
    context = "; ".join(f"{n}: {_plain(old_d[n])} → {_plain(new_d[n])}" for n in names)
    try:
        store.set_setting(RULES_KEY, new_d, expected=read.stored, context=context)
    except Conflict as exc:
        raise Conflict("err.rules_conflict") from exc
    return True


def _plain(value: object) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value) or "—"
    return str(value).lower() if isinstance(value, bool) else str(value)
