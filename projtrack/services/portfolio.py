"""The portfolio at an as-of date: every project's facts with its figures.

Ledger sums come from one SQL aggregate per series (see Store.ledger_sums); every figure is
computed by projtrack.core.figures — nowhere else.  The phase is the one at the as-of date
(``phase_at``): a project in use today was under construction on an earlier date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from projtrack.core.figures import LedgerSums, phase_at, project_figures
from projtrack.core.money import ZERO
from projtrack.core.portfolio import Portfolio, ProjectView
from projtrack.core.targets import period_actual, whole_years
from projtrack.errors import BadUsage
from projtrack.gcpause import collector_paused
from projtrack.i18n import t
from projtrack.store.repo import Store


def load_portfolio(store: Store, as_of: dt.date, *, include_withdrawn: bool = True,
                   project_ids: Iterable[int] | None = None) -> Portfolio:
    # one read transaction: every query sees the same moment (Store.consistent)
    with collector_paused(), store.consistent():  # tens of thousands of objects, no cycles
        return _load(store, as_of, include_withdrawn, project_ids)


def _load(store: Store, as_of: dt.date, include_withdrawn: bool,
          project_ids: Iterable[int] | None) -> Portfolio:
    ids = list(project_ids) if project_ids is not None else None
    facts = store.projects(include_withdrawn=include_withdrawn, project_ids=ids)
    sums = store.ledger_sums(as_of, ids)
    progress = store.latest_progress(as_of, ids)
    points = store.progress_points(as_of, ids)  # the progress rate's (core.forecast)
    milestones = store.packed_milestones(as_of, ids)  # each unpacked when first shown
    rules = store.rules()
    empty = LedgerSums()
    views = []
    for f in facts:
        pid = f.id
        assert pid is not None  # read from the store: every project has its id
        packed, overdue, after = milestones.get(pid) or ((), False, frozenset())
        views.append(ProjectView(f, project_figures(
            f, sums.get(pid, empty), as_of, progress=progress.get(pid), milestones=packed,
            rules=rules, milestone_overdue=overdue,
            phase=phase_at(f.phase, after) if after else f.phase, points=points.get(pid, ()))))
    return Portfolio(as_of, rules, tuple(views))


def held_county(store: Store, county: str | None) -> str | None:
    """``county`` as the report keys it (trimmed), after checking the database holds projects
    of it; BadUsage (exit 2) naming the counties it does hold, when not.  None stays None."""
    if county is None:
        return None
    name = county.strip()
    known = store.counties()
    if name not in known:
        raise BadUsage("err.no_such_county", county=county,
                       counties="、".join(c or t("report.bd.unfilled") for c in known) or "—")
    return name


def county_portfolio(store: Store, as_of: dt.date, county: str | None, *,
                     include_withdrawn: bool = True) -> Portfolio:
    """The portfolio at ``as_of``, of ``county`` alone when one is named (checked as
    ``held_county`` checks it)."""
    name = held_county(store, county)
    portfolio = load_portfolio(store, as_of, include_withdrawn=include_withdrawn)
    return portfolio if name is None else portfolio.of_county(name)


def project_view(store: Store, project_id: int, as_of: dt.date) -> ProjectView | None:
    portfolio = load_portfolio(store, as_of, project_ids=[project_id])
    return portfolio.get(project_id)


def project_count(store: Store, *, include_withdrawn: bool = True) -> int:
    """How many projects the database holds."""
    return len(store.projects(include_withdrawn=include_withdrawn))


def period_spending(store: Store, portfolio: Portfolio) -> dict[int, Decimal]:
    """Each project's 完成投资 dated in the plan's period (2021–2025) up to the portfolio's
    as-of date: what the 目标 view counts against the “十四五” investment target."""
    years = whole_years(portfolio.as_of)
    earlier = store.actual_by_years(*years) if years else {}
    return {v.id: period_actual(v.figures, earlier.get(v.id, ZERO)) for v in portfolio.projects}
