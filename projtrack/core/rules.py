"""The 红黄绿 rules as officers change them: each rule's kind, how a typed value is read, the
checks across rules, and which projects' flags a change of the rules would change.

Reading is strict; a value is refused with a code (``RuleRefused.code``; the catalogs say it,
``why.rule.<code>``), never guessed:

- points (``yellow_behind``, ``red_behind``: percentage points behind 序时进度) and percents
  (``year_at_risk_below``: 预计年度完成率) are typed as a number of points / percent from 0 to
  100: "15", "12.5", "15%", "15个百分点".  A bare number between 0 and 1 ("0.15") is refused as
  ambiguous — a fraction (15 points) or a fraction of a point?  With its unit ("0.5%",
  "0.5个百分点") it is read as written.  Stored as a fraction (15 → 0.15).
- weeks: a whole number from 1 to 520 ("8", "8周").
- switches: 是/否, 开/关, yes/no, on/off, true/false, 1/0.
- phases: phase terms separated by commas, 、, semicolons or spaces ("在建,竣工"), or 无 / none
  for none;
  each once, 取消 refused (no rule is read for a cancelled project).  The caller may add
  aliases (the phases' English names).
- a day of the year: MM-DD or M月D日 ("07-01", "7月1日").

Across rules: the yellow line must be below the red one.

The rules as stored (the ``flag_rules`` setting, ``FlagRules.as_dict``) are read as strictly by
``stored_rules``: a rule this version does not know, or a value not of its kind, is refused
naming the rule and the value stored (code ``stored_unknown`` / ``stored_bad``), never replaced
by a default unseen.
"""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from projtrack.core.figures import NO_RULES_PHASES
from projtrack.core.money import to_plain
from projtrack.core.portfolio import Portfolio
from projtrack.core.terms import Flag, Phase, Reason
from projtrack.core.types import DEFAULT_RULES, FlagRules


class RuleKind(StrEnum):
    POINTS = "points"
    PERCENT = "percent"
    WEEKS = "weeks"
    SWITCH = "switch"
    PHASES = "phases"
    DAY = "day"


# every rule, in FlagRules' order
RULE_KINDS: dict[str, RuleKind] = {
    "yellow_behind": RuleKind.POINTS,
    "red_behind": RuleKind.POINTS,
    "stalled_weeks": RuleKind.WEEKS,
    "milestone_overdue_yellow": RuleKind.SWITCH,
    "overrun_red": RuleKind.SWITCH,
    "stalled_phases": RuleKind.PHASES,
    "year_at_risk_below": RuleKind.PERCENT,
    "year_at_risk_from": RuleKind.DAY,
    "year_at_risk_yellow": RuleKind.SWITCH,
    "overrun_forecast_yellow": RuleKind.SWITCH,
    "term_at_risk_red": RuleKind.SWITCH,
    "no_progress_rate_phases": RuleKind.PHASES,
}
RULE_NAMES: tuple[str, ...] = tuple(RULE_KINDS)
MAX_WEEKS = 520

_TRUE = frozenset({"是", "开", "y", "yes", "on", "true", "1"})
_FALSE = frozenset({"否", "关", "n", "no", "off", "false", "0"})
_NONE = frozenset({"无", "none", "-", "—"})
_NUMBER = re.compile(r"^(\d{1,3}(?:\.\d{1,4})?)(%|个百分点|百分点)?$")
_WEEKS = re.compile(r"^(\d{1,4})(周)?$")
_DAY = re.compile(r"^(\d{1,2})(?:-(\d{1,2})|月(\d{1,2})日)$")
_DAYS_IN = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class RuleRefused(ValueError):
    """A typed rule value cannot be read (``code``: why), or the rules together are refused
    (``code`` "yellow_not_below_red")."""

    def __init__(self, rule: str, found: str, code: str, **extra: object):
        super().__init__(f"{rule}: {found!r} ({code})")
        self.rule, self.found, self.code, self.extra = rule, found, code, extra


def rule_name(text: str) -> str | None:
    """The rule typed (``yellow_behind`` or ``yellow-behind``), or None for an unknown one."""
    name = unicodedata.normalize("NFKC", text).strip().lower().replace("-", "_")
    return name if name in RULE_KINDS else None


def read_rule(name: str, text: str, aliases: Mapping[str, str] | None = None) -> object:
    """The value of rule ``name`` typed as ``text``, as FlagRules holds it; RuleRefused."""
    kind = RULE_KINDS[name]
    raw = unicodedata.normalize("NFKC", text).strip()
    low = raw.lower()
    if not raw:
        raise RuleRefused(name, text, "empty")
    if kind in (RuleKind.POINTS, RuleKind.PERCENT):
        m = _NUMBER.match(raw.replace(" ", ""))
        if not m:
            raise RuleRefused(name, text, f"not_{kind}")
        try:
            number = Decimal(m[1])
        except InvalidOperation as exc:  # pragma: no cover - the pattern admits digits only
            raise RuleRefused(name, text, f"not_{kind}") from exc
        if number > 100:
            raise RuleRefused(name, text, "over_100")
        if 0 < number < 1 and m[2] is None:
            raise RuleRefused(name, text, "ambiguous", points=to_plain(number.scaleb(2)))
        return number.scaleb(-2)
    if kind is RuleKind.WEEKS:
        m = _WEEKS.match(raw.replace(" ", ""))
        if not m:
            raise RuleRefused(name, text, "not_weeks")
        weeks = int(m[1])
        if not 1 <= weeks <= MAX_WEEKS:
            raise RuleRefused(name, text, "weeks_range", max=MAX_WEEKS)
        return weeks
    if kind is RuleKind.SWITCH:
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise RuleRefused(name, text, "not_switch")
    if kind is RuleKind.PHASES:
        return _read_phases(name, text, raw, aliases or {})
    m = _DAY.match(raw.replace(" ", ""))
    if not m:
        raise RuleRefused(name, text, "not_day")
    month, day = int(m[1]), int(m[2] or m[3])
    if not (1 <= month <= 12 and 1 <= day <= _DAYS_IN[month - 1]):
        raise RuleRefused(name, text, "no_such_day")
    return f"{month:02d}-{day:02d}"


def _read_phases(name: str, text: str, raw: str, aliases: Mapping[str, str]) -> tuple[str, ...]:
    if raw.lower() in _NONE:
        return ()
    found: list[str] = []
    parts: list[str] = []
    for piece in re.split(r"[,、;]+", raw):  # NFKC made ,; of their full-width forms
        piece = " ".join(piece.split())
        if piece.lower() in aliases:  # a name of several words: "under construction"
            parts.append(piece)
        else:
            parts.extend(piece.split())
    for part in parts:
        phase = part if part in tuple(Phase) else aliases.get(part.lower())
        if phase is None:
            raise RuleRefused(name, text, "not_phase", part=part)
        if phase in NO_RULES_PHASES:
            raise RuleRefused(name, text, "phase_without_rules", part=part)
        if phase in found:
            raise RuleRefused(name, text, "phase_twice", part=part)
        found.append(phase)
    if not found:
        raise RuleRefused(name, text, "empty")
    order = tuple(Phase)
    return tuple(sorted(found, key=order.index))  # the life's order, however typed


def stored_rules(data: object) -> FlagRules:
    """The rules as the ``flag_rules`` setting holds them (``FlagRules.as_dict``; None: never
    set, the defaults; a rule missing keeps its default), checked across rules; RuleRefused
    naming the rule and the value stored (as JSON) when it cannot be read."""
    if data is None:
        return DEFAULT_RULES
    if not isinstance(data, dict):
        raise RuleRefused("flag_rules", _json(data), "stored_bad")
    values: dict[str, object] = {}
    for name, value in data.items():
        kind = RULE_KINDS.get(name)
        if kind is None:
            raise RuleRefused(str(name), _json(value), "stored_unknown")
        read = _stored_value(kind, value)
        if read is None:
            raise RuleRefused(name, _json(value), "stored_bad")
        values[name] = read
    return changed(DEFAULT_RULES, values)


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _stored_value(kind: RuleKind, value: object) -> object | None:
    """One stored value as FlagRules holds it, None when it is not of ``kind``."""
    if kind is RuleKind.SWITCH:
        return value if isinstance(value, bool) else None
    if kind is RuleKind.WEEKS:
        ok = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_WEEKS
        return value if ok else None
    if kind is RuleKind.PHASES:
        if not isinstance(value, list) or len(set(map(str, value))) != len(value):
            return None
        if not all(p in tuple(Phase) and p not in NO_RULES_PHASES for p in value):
            return None
        return tuple(p for p in Phase if p in value)
    if kind is RuleKind.DAY:
        m = _DAY.match(value) if isinstance(value, str) else None
        if not m or m[2] is None:
            return None
        month, day = int(m[1]), int(m[2])
        ok = 1 <= month <= 12 and 1 <= day <= _DAYS_IN[month - 1]
        return f"{month:02d}-{day:02d}" if ok else None
    # points and percents: a fraction from 0 to 1, stored as its decimal text
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() and 0 <= number <= 1 else None


def changed(rules: FlagRules, values: Mapping[str, object]) -> FlagRules:
    """``rules`` with ``values`` (rule name → value as ``read_rule`` gives it), checked across
    rules: RuleRefused ``yellow_not_below_red`` when the yellow line is not below the red."""
    new = dataclasses.replace(rules, **values)  # type: ignore[arg-type]
    check(new)
    return new


def check(rules: FlagRules) -> None:
    """RuleRefused when the rules do not hold together (the yellow line below the red)."""
    if not rules.yellow_behind < rules.red_behind:
        raise RuleRefused("yellow_behind", str(rules.yellow_behind), "yellow_not_below_red",
                          yellow=rules.yellow_behind, red=rules.red_behind)


def reset(rules: FlagRules, names: Sequence[str] = ()) -> FlagRules:
    """``rules`` with ``names`` (every rule when none) back at their defaults, checked."""
    names = names or RULE_NAMES
    return changed(rules, {n: getattr(DEFAULT_RULES, n) for n in names})


def differing(old: FlagRules, new: FlagRules) -> list[str]:
    """The rules whose values differ (15 and 15.0 points are the same value)."""
    return [n for n in RULE_NAMES if getattr(old, n) != getattr(new, n)]


@dataclass(frozen=True)
class FlagMove:
    """One project whose flag (or reasons) the new rules change."""

    project_id: int
    name: str
    old: Flag
    new: Flag
    old_reasons: tuple[Reason, ...]
    new_reasons: tuple[Reason, ...]


def flag_moves(before: Portfolio, after: Portfolio) -> tuple[FlagMove, ...]:
    """The projects whose flag differs between two portfolios of the same projects (the same
    figures under two sets of rules: ``Portfolio.under``), in project order; those whose
    flag stays but whose reasons change are included too (``old == new``)."""
    moves = []
    for v in before.projects:
        w = after.get(v.id)
        if w is None:
            continue
        a, b = v.figures, w.figures
        if a.flag != b.flag or a.flag_reasons != b.flag_reasons:
            moves.append(FlagMove(v.id, v.facts.name, a.flag, b.flag, a.flag_reasons,
                                  b.flag_reasons))
    return tuple(moves)
