"""The 红黄绿 rules in words: each rule's label, value and meaning (``rules show``, the app's
rules form) and the one line a weekly report prints of the rules it was issued with.

Here, not in the services, because the report renderers say the rules too and read no service;
the front ends reach these through ``services.rules``.
"""

from __future__ import annotations

from decimal import Decimal

from projtrack.core.money import to_plain
from projtrack.core.rules import RULE_KINDS, RuleKind
from projtrack.core.types import FlagRules
from projtrack.i18n import t, term


def _number(fraction: Decimal) -> str:
    """A stored fraction as points or percent: 0.10 → "10", 0.125 → "12.5"."""
    return to_plain(fraction.scaleb(2)) or "0"


def rule_label(name: str, lang: str | None = None) -> str:
    return t(f"rule.label.{name}", lang=lang)


def rule_meaning(name: str, lang: str | None = None) -> str:
    return t(f"rule.meaning.{name}", lang=lang)


def phases_text(phases: tuple[str, ...] | list[str], lang: str | None = None) -> str:
    if not phases:
        return t("rule.fmt.none", lang=lang)
    return t("rule.fmt.list_sep", lang=lang).join(term(p, lang) for p in phases)


def rule_value(name: str, value: object, lang: str | None = None) -> str:
    """A rule's value as officers read it: "10 个百分点", "90%", "8 周", "是", "在建", "7月1日"."""
    kind = RULE_KINDS[name]
    if kind is RuleKind.POINTS:
        assert isinstance(value, Decimal)
        return t("rule.fmt.points", lang=lang, n=_number(value))
    if kind is RuleKind.PERCENT:
        assert isinstance(value, Decimal)
        return t("rule.fmt.percent", lang=lang, n=_number(value))
    if kind is RuleKind.WEEKS:
        return t("rule.fmt.weeks", lang=lang, n=value)
    if kind is RuleKind.SWITCH:
        return t("rule.fmt.on" if value else "rule.fmt.off", lang=lang)
    if kind is RuleKind.PHASES:
        assert isinstance(value, (tuple, list))
        return phases_text(value, lang)
    month, day = (int(x) for x in str(value).split("-"))
    return t("rule.fmt.day", lang=lang, month=month, day=day)


def rule_typed(name: str, value: object) -> str:
    """A rule's value as it would be typed back (``rules set NAME VALUE``): "10", "90", "8",
    "是", "在建,竣工", "07-01" — what a form field shows to start from."""
    kind = RULE_KINDS[name]
    if kind in (RuleKind.POINTS, RuleKind.PERCENT):
        assert isinstance(value, Decimal)
        return _number(value)
    if kind is RuleKind.SWITCH:
        return "是" if value else "否"
    if kind is RuleKind.PHASES:
        assert isinstance(value, (tuple, list))
        return ",".join(value) if value else "无"
    return str(value)


def rules_line(rules: FlagRules, lang: str | None = None) -> str:
    """The rules in one line, as a weekly report prints the rules it was issued with."""
    sep = t("rule.fmt.list_sep", lang=lang)
    yellow = [t("rule.line.lag", lang=lang, n=_number(rules.yellow_behind))]
    if rules.milestone_overdue_yellow:
        yellow.append(t("rule.line.milestone", lang=lang))
    if rules.year_at_risk_yellow:
        yellow.append(t("rule.line.year_at_risk", lang=lang, n=_number(rules.year_at_risk_below),
                        day=rule_value("year_at_risk_from", rules.year_at_risk_from, lang)))
    if rules.overrun_forecast_yellow:
        yellow.append(t("rule.line.overrun_forecast", lang=lang))
    red = [t("rule.line.lag", lang=lang, n=_number(rules.red_behind))]
    if rules.overrun_red:
        red.append(t("rule.line.overrun", lang=lang))
    if rules.stalled_phases:
        red.append(t("rule.line.stalled", lang=lang, weeks=rules.stalled_weeks,
                     phases=phases_text(rules.stalled_phases, lang)))
    if rules.term_at_risk_red:
        red.append(t("rule.line.term_at_risk", lang=lang))
    return t("rule.line", lang=lang, yellow=sep.join(yellow), red=sep.join(red))
