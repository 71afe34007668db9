"""Baselines (基准): set one (``projtrack baseline set NAME``: every active project's annual plans,
milestone planned dates and 总投资 frozen, and it becomes the current one), list them, and read
the portfolio or one project against one: PV to date by the baseline's plans and by the current
ones, milestone slip against the baseline date, plan and 总投资 changes since (core.baseline).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from projtrack.core.baseline import BaselineComparison, BaselineProject, compare
from projtrack.core.budget import BudgetChange, PendingSummary, pending_summary
from projtrack.core.money import ZERO, to_plain
from projtrack.errors import BadUsage
from projtrack.store import baseline as store_baseline
from projtrack.store.baseline import BaselineInfo
from projtrack.store.repo import Store

MAX_NAME = 100


def set_baseline(store: Store, name: str, *, source: str = "cli") -> BaselineInfo:
    """Freeze every active project's plans, milestone planned dates and 总投资 as the baseline
    ``name``, which becomes current.  Raises BadUsage for an empty name, BadData for a name
    taken or a portfolio without active projects."""
    from projtrack.core.text import clean_text

    text = clean_text(name, limit=MAX_NAME, keep_newlines=False) or ""
    if not text:
        raise BadUsage("err.baseline_name_empty")
    return store_baseline.set_new(store, text, source=source)


def baselines(store: Store) -> list[BaselineInfo]:
    return store_baseline.baselines(store)


def get_baseline(store: Store, name: str | None = None) -> BaselineInfo:
    """The baseline ``name`` (default: the current one); BadUsage (exit 2) when there is none."""
    found = store_baseline.find(store, name)
    if found is None:
        if name is None:
            raise BadUsage("err.no_baseline")
        raise BadUsage("err.baseline_not_found", name=name)
    return found


def current_baseline(store: Store) -> BaselineInfo | None:
    return store_baseline.find(store, None)


@dataclass(frozen=True)
class BaselineReport:
    """The portfolio against one baseline at an as-of date."""

    info: BaselineInfo
    as_of: dt.date
    projects: list[BaselineComparison]  # every active project, in id order
    gone: list[BaselineProject] = field(default_factory=list)  # in it, no longer active

    @property
    def differing(self) -> list[BaselineComparison]:
        return [c for c in self.projects if c.differs]


def compare_portfolio(store: Store, as_of: dt.date, name: str | None = None) -> BaselineReport:
    """Every active project against the baseline ``name`` (default: the current one) at
    ``as_of``: the baseline's PV to date and the current plan's, milestone slip against the
    baseline dates, plan and 总投资 changes."""
    info = get_baseline(store, name)
    frozen = store_baseline.items(store, info.id)
    with store.consistent():
        projects = store.projects(include_withdrawn=False)
        milestones = store.milestones()
        sums = store.ledger_sums(as_of)
    out = []
    for p in projects:
        assert p.id is not None
        s = sums.get(p.id)
        out.append(compare(p, frozen.get(p.id), milestones.get(p.id, []), as_of,
                           actual_to_date=s.actual_to_date if s else ZERO))
    active = {p.id for p in projects}
    gone = [b for pid, b in sorted(frozen.items()) if pid not in active]
    return BaselineReport(info, as_of, out, gone)


@dataclass(frozen=True)
class ProjectBaseline:
    """One project against the current baseline, with its budget changes: what the project view
    shows beside its figures."""

    baseline: BaselineInfo | None
    comparison: BaselineComparison | None  # None without a current baseline
    changes: list[BudgetChange]  # every change of the project, oldest first
    pending: PendingSummary


def project_baseline(store: Store, project_id: int, as_of: dt.date) -> ProjectBaseline | None:
    """The project view's baseline panel data (None for no such project)."""
    from projtrack.services.budget import changes

    with store.consistent():
        facts = store.project(project_id)
        if facts is None:
            return None
        info = current_baseline(store)
        comparison = None
        if info is not None:
            frozen = store_baseline.items(store, info.id)
            sums = store.ledger_sums(as_of, [project_id]).get(project_id)
            comparison = compare(facts, frozen.get(project_id),
                                 store.milestones([project_id]).get(project_id, []), as_of,
                                 actual_to_date=sums.actual_to_date if sums else ZERO)
        mine = changes(store, project_ids=[project_id])
    return ProjectBaseline(info, comparison, mine, pending_summary(mine))


# --- JSON (``baseline show --json``) ----------------------------------------------------------
def _money(value) -> str | None:
    return None if value is None else (to_plain(value) or "0")


def comparison_json(c: BaselineComparison) -> dict[str, object]:
    return {
        "id": c.project_id, "name": c.name, "in_baseline": c.in_baseline,
        "planned_to_date_baseline": _money(c.pv_baseline),
        "planned_to_date": _money(c.pv_current),
        "actual_to_date": _money(c.actual_to_date),
        "variance_baseline": _money(c.variance_baseline),
        "total_investment_baseline": _money(c.total_baseline),
        "total_investment": _money(c.total_current),
        "total_investment_change": _money(c.total_delta) if c.total_changed else None,
        "plan_changes": [{"year": pc.year, "baseline": _money(pc.baseline),
                          "current": _money(pc.current), "change": _money(pc.delta)}
                         for pc in c.plan_changes],
        "milestones": [{"name": m.name, "baseline_planned": m.baseline and m.baseline.isoformat(),
                        "planned": m.planned and m.planned.isoformat(),
                        "actual": m.actual and m.actual.isoformat(),
                        "slip_days": m.slip_days, "moved_days": m.moved_days}
                       for m in c.milestones],
        "differs": c.differs,
    }


def info_json(info: BaselineInfo) -> dict[str, object]:
    return {"id": info.id, "name": info.name, "created_at": info.created_at.isoformat(),
            "created_by": info.created_by, "source": info.source, "current": info.current,
            "projects": info.projects}


def report_json(report: BaselineReport) -> dict[str, object]:
    return {"baseline": info_json(report.info), "as_of": report.as_of.isoformat(),
            "projects": [comparison_json(c) for c in report.projects],
            "gone": [{"id": b.project_id, "name": b.name} for b in report.gone]}
