"""The verbs that change a project hand back what the store recorded as core records —
detached from any session, equal to what a later read gives — and the front ends read a
project's entries, versions and form context through services alone."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import text

from projtrack.core.records import LedgerRecord, ProgressRecord
from projtrack.core.types import MilestoneFacts, ProjectFacts
from projtrack.errors import BadUsage
from projtrack.services import admin, entries
from tests.conftest import new_project

DAY = dt.date(2025, 6, 2)


def _without_time(record):
    return dataclasses.replace(record, created_at=None)


def test_a_money_entry_is_the_record_the_ledger_gives_back(store):
    pid = new_project(store)
    entries.record_entry(store, pid, amount=Decimal("10"), date=DAY)
    done = entries.record_entry(store, pid, amount=Decimal("25.5"), date=DAY, cumulative="year",
                                note="月报")
    assert type(done.entry) is LedgerRecord
    assert done.entry.amount == Decimal("15.5") and done.entry.basis == "year"
    assert _without_time(done.entry) == _without_time(store.entries(pid)[-1])
    assert store.audit(pid, 1)[0].entity_id == done.entry.id


def test_progress_a_milestone_a_plan_and_the_phase_come_back_as_core_types(store):
    pid = new_project(store)
    saved = entries.add_progress(store, pid, date=DAY, stage="基础", percent=Decimal("0.2"))
    assert type(saved.record) is ProgressRecord
    assert _without_time(saved.record) == _without_time(store.progress_entries(pid)[-1])
    ms = entries.set_milestone(store, pid, "开工", actual=dt.date(2025, 5, 1)).record
    assert ms == MilestoneFacts(pid, "开工", None, dt.date(2025, 5, 1))
    assert entries.set_plan(store, pid, 2025, Decimal("300")) == Decimal("300")
    facts = entries.update_project(store, pid, phase="在建", remarks="已开工")
    assert type(facts) is ProjectFacts and (facts.phase, facts.remarks) == ("在建", "已开工")
    assert store.project(pid).annual_plan == {2025: Decimal("300")}


def test_a_form_context_is_read_through_services(store):
    pid = new_project(store)
    entries.record_entry(store, pid, amount=Decimal("7"), date=DAY)
    entries.set_milestone(store, pid, "立项", planned=dt.date(2024, 3, 1))
    entries.set_plan(store, pid, 2025, Decimal("90"))
    ctx = entries.entry_context(store, pid)
    assert ctx is not None and ctx.facts.id == pid
    assert ctx.ledger == (("完成投资", DAY, Decimal("7")),)
    assert ctx.milestones["立项"].planned == dt.date(2024, 3, 1)
    assert {"project", "milestone:立项", "plan:2025"} <= set(ctx.versions)
    assert ctx.versions == entries.record_versions(store, pid)
    assert entries.entry_context(store, pid + 1000) is None


def test_a_projects_entries_are_read_with_it(store):
    pid = new_project(store, "学校")
    entries.record_entry(store, pid, amount=Decimal("7"), date=DAY)
    entries.record_entry(store, pid, amount=Decimal("3"), date=DAY, kind="到位资金", source="省")
    facts, found = entries.project_entries(store, pid)
    assert facts.name == "学校" and [e.kind for e in found] == ["完成投资", "到位资金"]
    _, funds = entries.project_entries(store, pid, "到位资金")
    assert [e.amount for e in funds] == [Decimal("3")]
    with pytest.raises(BadUsage):
        entries.project_entries(store, pid + 1000)


def test_db_check_repairs_drifted_sums_and_checks_again_in_one_verb(store):
    pid = new_project(store)
    entries.record_entry(store, pid, amount=Decimal("7"), date=DAY)
    assert admin.check_and_repair(store, repair=True).ok
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE ledger_year SET funds = funds + 1"))
    found = admin.check_and_repair(store)
    assert not found.ok and found.after is None and found.repaired is None
    done = admin.check_and_repair(store, repair=True)
    assert not done.first.ok and done.after is not None and done.after.ok and done.ok
    assert done.repaired and done.refused is None
    assert store.audit(limit=1)[0].action == "repair"
