"""Writing a generated history into a database in one transaction: what the demo portfolio
adds to the annex it imported — revised facts, plans for the years the annex omits, years of
ledger and 形象进度 entries, milestone dates — with one audit row per project saying so."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlmodel import col

from projtrack.core.types import Entry, ProgressPoint
from projtrack.store.ledger import add_entries, add_progress
from projtrack.store.models import AnnualPlan, Milestone, Setting
from projtrack.store.repo import Store, os_user, record_audit


@dataclass(frozen=True)
class ProjectHistory:
    """One project's generated history.  ``prior_actual`` and ``phase`` are the project's
    values afterwards; ``milestones`` each milestone's (planned, actual) afterwards (only those
    that differ are written); ``note`` is what its audit row says (the new value of field
    ``history``)."""

    project_id: int
    note: str
    prior_actual: Decimal | None
    phase: str
    plans: Mapping[int, Decimal] = field(default_factory=dict)  # years added: year → 万元
    entries: Sequence[Entry] = ()
    progress: Sequence[ProgressPoint] = ()
    milestones: Mapping[str, tuple[dt.date | None, dt.date | None]] = field(default_factory=dict)


def write_histories(store: Store, histories: Sequence[ProjectHistory], *, origin: str,
                    settings: Mapping[str, object] = {}) -> None:
    """Write every history, and the ``settings`` (new keys, JSON values), in one transaction;
    entries and audit rows in the order given.  Audited as action ``origin``."""
    user = os_user()
    ids = [h.project_id for h in histories]
    with store.write() as s:
        for key, value in settings.items():
            s.add(Setting(key=key, value=json.dumps(value)))
        projects = store.tracked_projects(s, ids)
        stored: dict[int, dict[str, Milestone]] = {}
        for m in s.execute(select(Milestone).where(col(Milestone.project_id).in_(ids))).scalars():
            stored.setdefault(m.project_id, {})[m.name] = m
        for h in histories:
            p = projects[h.project_id]
            p.prior_actual, p.phase = h.prior_actual, h.phase
            for name, (planned, actual) in h.milestones.items():
                m = stored[h.project_id][name]
                m.planned, m.actual = planned, actual
            s.add_all(AnnualPlan(project_id=h.project_id, year=year, amount=amount)
                      for year, amount in h.plans.items())
            add_entries(s, h.entries, origin=origin, user=user)
            add_progress(s, h.progress, origin=origin, user=user)
            record_audit(s, action=origin, entity="project", entity_id=h.project_id,
                         project_id=h.project_id, field="history", new=h.note, context=origin)
