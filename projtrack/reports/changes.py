"""What changed since the previous issued report: compared with what that report actually said
(its frozen snapshot), not with today's view of last week, so entries back-dated since then
show up as this week's movement rather than silently rewriting last week."""

from __future__ import annotations

from collections.abc import Sequence

from projtrack.core.terms import Flag
from projtrack.reports.model import (
    CategoryBlock,
    Change,
    Changes,
    RateMove,
    ReportRow,
    Totals,
    WeeklyReport,
)

_SEVERITY: dict[str, int] = {Flag.GREEN: 0, Flag.YELLOW: 1, Flag.RED: 2}
KIND_ORDER = ("flag_worse", "flag_better", "phase", "milestone_reached", "milestone_overdue",
              "milestone_replanned", "new_project", "gone_project")


def _row_changes(old: ReportRow, new: ReportRow) -> list[Change]:
    out: list[Change] = []
    a, b = _SEVERITY.get(old.flag, 0), _SEVERITY.get(new.flag, 0)
    if a != b:
        out.append(Change("flag_worse" if b > a else "flag_better", new.id, new.name,
                          old.flag, new.flag, ",".join(new.flag_reasons) or None))
    if old.phase != new.phase:
        out.append(Change("phase", new.id, new.name, old.phase, new.phase))
    before = {m.name: m for m in old.milestones}
    for m in new.milestones:
        p = before.get(m.name)
        if m.done and (p is None or not p.done):
            out.append(Change("milestone_reached", new.id, new.name, None,
                              m.actual.isoformat() if m.actual else None, m.name))
        elif m.overdue and (p is None or not p.overdue):
            out.append(Change("milestone_overdue", new.id, new.name, None,
                              m.planned.isoformat() if m.planned else None, m.name))
        elif (not m.done and p is not None and p.planned and m.planned
              and m.planned > p.planned):
            out.append(Change("milestone_replanned", new.id, new.name, p.planned.isoformat(),
                              m.planned.isoformat(), m.name))
    return out


def compare(previous: WeeklyReport | None, rows: Sequence[ReportRow],
            categories: Sequence[CategoryBlock], summary: Totals) -> Changes:
    if previous is None:
        return Changes(previous_period=None, previous_as_of=None)
    old_rows = {r.id: r for r in previous.rows}
    items: list[Change] = []
    for r in rows:
        old = old_rows.pop(r.id, None)
        if old is None:
            items.append(Change("new_project", r.id, r.name))
        else:
            items.extend(_row_changes(old, r))
    items.extend(Change("gone_project", r.id, r.name) for r in old_rows.values())
    items.sort(key=lambda c: (KIND_ORDER.index(c.kind), c.project_id, c.detail or ""))

    old_cats = {c.category: c.totals for c in previous.categories}
    rates = []
    for c in categories:
        o = old_cats.get(c.category)
        rates.append(RateMove(c.category, o.annual_completion_rate if o else None,
                              c.totals.annual_completion_rate,
                              o.time_progress if o else None, c.totals.time_progress))
    ps = previous.summary
    rates.append(RateMove("", ps.annual_completion_rate, summary.annual_completion_rate,
                          ps.time_progress, summary.time_progress))
    return Changes(previous_period=previous.period, previous_as_of=previous.as_of,
                   items=tuple(items), rates=tuple(rates))
