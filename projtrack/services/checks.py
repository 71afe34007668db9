"""What an entry must have confirmed before it is saved, and the line that says what was read
(DOMAIN.md, "Entries as officers give them").  Pure functions of what was typed and what is
on record; the verbs in ``services.entries`` call them inside their write transaction.

- Dates: before the project's start year, or more than a week after today — FORCE.
- Cumulative figures: 本年累计 (``year``: this year to the date) or 开累 (``total``: since the
  project began, prior actual included).  A derived increment that is negative, or one that
  takes 开累 past 总投资 — CORRECTION (then recorded as a correction).
- Plausibility (WARNING): one entry above half of 总投资; a plain increment that takes 开累 past
  总投资; a physical-progress percent below the last one; milestone dates out of the statutory
  order (立项 → … → 投用, planned with planned, actual with actual); 投用 planned after
  31 August of the end year (the autumn term).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from projtrack.core.cumulative import Derived, derive  # noqa: F401  (the entry verbs' door)
from projtrack.core.money import format_rate, format_wan
from projtrack.core.types import ACTUAL, MILESTONES, ProjectFacts
from projtrack.i18n import t, term
from projtrack.typed import CORRECTION, FORCE, WARNING, Concern, Label

FUTURE_DAYS = 7  # an entry may be dated up to a week ahead (a report prepared before Sunday)
BASES = ("year", "total")  # 本年累计, 开累
BASIS_WORDS = {"year": "year", "本年累计": "year", "本年": "year",
               "total": "total", "开累": "total", "开工累计": "total", "累计": None}


def date_issues(day: dt.date, *, start_year: int | None, today: dt.date,
                field: str = "date", before_start: bool = True) -> list[Concern]:
    """A date before the project's start year (when ``before_start``), or more than a week
    after today."""
    issues = []
    label = Label(f"field.{field}")
    if before_start and start_year and day.year < start_year:
        issues.append(Concern("check.before_start", {"field": label, "date": day.isoformat(),
                                                   "start": start_year}, FORCE))
    if day > today + dt.timedelta(days=FUTURE_DAYS):
        issues.append(Concern("check.future", {"field": label, "date": day.isoformat(),
                                             "today": today.isoformat()}, FORCE))
    return issues


def money_issues(facts: ProjectFacts, kind: str, d: Derived, *,
                 kailei_before: Decimal) -> list[Concern]:
    """``kailei_before``: 开累 (prior actual + every 完成投资) up to the entry's date, before it."""
    issues = []
    basis = Label(f"basis.{d.basis}") if d.basis else ""
    if d.basis and d.increment < 0:
        issues.append(Concern("check.negative_increment", {
            "basis": basis, "typed": format_wan(d.typed), "before": format_wan(d.before),
            "increment": format_wan(d.increment)}, CORRECTION))
    total = facts.total_investment
    if kind == ACTUAL and total and d.increment > 0:
        after = kailei_before + d.increment
        if after > total >= kailei_before:
            issues.append(Concern("check.past_budget", {
                "after": format_wan(after), "total": format_wan(total),
                "rate": format_rate(after / total)}, CORRECTION if d.basis else WARNING))
    if total and total > 0 and d.increment > total / 2:
        issues.append(Concern("check.large_entry", {
            "amount": format_wan(d.increment), "total": format_wan(total)}, WARNING))
    return issues


def progress_issues(percent: Decimal | None, last: tuple[dt.date, Decimal] | None) -> list[Concern]:
    """A percent below the last one recorded (``last``: its date and percent)."""
    if percent is None or last is None or percent >= last[1]:
        return []
    return [Concern("check.percent_down", {"percent": format_rate(percent, 0),
                                         "last": format_rate(last[1], 0),
                                         "date": last[0].isoformat()}, WARNING)]


def milestone_issues(name: str, dates: Mapping[str, tuple[dt.date | None, dt.date | None]],
                     changed: Iterable[str], end_year: int | None) -> list[Concern]:
    """``dates``: every milestone's (planned, actual) after the change; ``changed``: which of
    "planned", "actual" of ``name`` the change set.  Warns of a milestone of the same kind of
    date that the statutory order puts before ``name`` but is dated after it (or after it and
    dated before), and of 投用 planned after 31 August of the end year."""
    issues = []
    at = MILESTONES.index(name)
    for which in changed:
        i = 0 if which == "planned" else 1
        mine = dates.get(name, (None, None))[i]
        if mine is None:
            continue
        for other, pair in dates.items():
            theirs = pair[i]
            if other == name or theirs is None or other not in MILESTONES:
                continue
            j = MILESTONES.index(other)
            if (j < at and theirs > mine) or (j > at and theirs < mine):
                first, second = (other, name) if j < at else (name, other)
                issues.append(Concern("check.order", {
                    "which": Label(f"field.{which}"), "first": Label(first, word=True),
                    "second": Label(second, word=True),
                    "first_date": (theirs if j < at else mine).isoformat(),
                    "second_date": (mine if j < at else theirs).isoformat()}, WARNING))
    planned = dates.get(name, (None, None))[0]
    if name == MILESTONES[-1] and "planned" in changed and planned and end_year \
            and planned > dt.date(end_year, 8, 31):
        issues.append(Concern("check.handover_late", {"date": planned.isoformat(),
                                                    "deadline": f"{end_year}-08-31"}, WARNING))
    return issues


def pending(issues: Iterable[Concern], *, force: bool, correction: bool, ask: bool) -> list[Concern]:
    """The issues not confirmed: FORCE without ``force``, CORRECTION without ``correction``,
    and, when the caller will ``ask``, every WARNING."""
    return [i for i in issues if (i.confirm == FORCE and not force)
            or (i.confirm == CORRECTION and not correction) or (i.confirm == WARNING and ask)]


def echo(kind: str, day: dt.date, d: Derived, *, correction: bool = False,
         lang: str | None = None) -> str:
    """What was read, as the officer sees it before or as it is saved: "记录 完成投资 120.50 万元,
    日期 2024-11-27" (a cumulative figure also says what it was and what is on record)."""
    text = t("echo.entry", lang=lang, kind=term(kind, lang), amount=format_wan(d.increment),
             date=day.isoformat())
    if d.basis:
        text += t("echo.cumulative", lang=lang, basis=t(f"basis.{d.basis}", lang=lang),
                  typed=format_wan(d.typed), before=format_wan(d.before))
    if correction:
        text += t("echo.correction", lang=lang)
    return text
