"""The issues log's verbs on a real database (SQLite and PostgreSQL): an issue and its dated
updates are rows never edited, the state is the latest update's and moves forward only, each
change is audited with the user, and a refusal writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from projtrack.core.terms import IssueState
from projtrack.errors import BadData, BadUsage
from projtrack.services import issues
from projtrack.store import chain
from tests.conftest import new_project
from tests.trust.helpers import snapshot

D = dt.date


def _rows(store, table: str) -> int:
    with store.engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_an_issue_moves_forward_through_dated_updates_and_is_audited(store):
    pid = new_project(store, "平阳县鳌江镇第七小学新建工程")
    me = store.login  # the OS user on SQLite, the database's login on PostgreSQL
    raised = issues.add(store, pid, "  用地指标未落实 ", owner="县自然资源局", due=D(2026, 12, 31),
                        raised_on=D(2026, 11, 2))
    assert (raised.text, raised.owner, raised.state, raised.updates) == (
        "用地指标未落实", "县自然资源局", IssueState.PENDING, ())
    assert raised.project == "平阳县鳌江镇第七小学新建工程" and raised.created_by == me
    moved = issues.update(store, raised.id, "已召开协调会", status="协调中", date=D(2026, 11, 10),
                          who="王科长")
    assert moved.state == IssueState.COORDINATING and moved.updates[0].who == "王科长"
    kept = issues.update(store, raised.id, "等待批复", date=D(2026, 11, 20))  # state unchanged
    assert kept.state == IssueState.COORDINATING and kept.updates[-1].status is None
    done = issues.close(store, raised.id, date=D(2026, 11, 25))
    assert done.state == IssueState.RESOLVED and done.updates[-1].who == me
    # read back as the week knew it
    assert done.state_on(D(2026, 11, 9)) == IssueState.PENDING
    assert done.state_on(D(2026, 11, 24)) == IssueState.COORDINATING
    assert done.open_on(D(2026, 11, 24)) and not done.open_on(D(2026, 11, 25))
    assert not done.open_on(D(2026, 11, 1))  # not raised yet
    assert [i.id for i in issues.issues(store, day=D(2026, 11, 24))] == [raised.id]
    assert issues.issues(store, day=D(2026, 11, 30)) == []
    assert [i.id for i in issues.issues(store, day=D(2026, 11, 30), only_open=False)] == [raised.id]
    trail = [(a.action, a.entity, a.field, a.old_value, a.new_value, a.user)
             for a in reversed(store.audit(limit=4))]
    assert trail == [
        ("create", "issue", "issue", None, "用地指标未落实", me),
        ("update", "issue", "status", "待协调", "协调中", me),
        ("entry", "issue_update", "update", None, "等待批复", me),
        ("update", "issue", "status", "协调中", "已解决", me),
    ]
    assert (_rows(store, "issue"), _rows(store, "issue_update")) == (1, 3)
    with store.engine.connect() as conn:
        assert chain.verify(conn) == []


@pytest.mark.parametrize("call, key", [
    (lambda s, i: issues.update(s, i, "x", status="待协调", date=D(2026, 11, 12)),
     "err.issue_state_back"),
    (lambda s, i: issues.update(s, i, "x", status="done", date=D(2026, 11, 12)),
     "err.bad_issue_state"),
    (lambda s, i: issues.update(s, i, "x", date=D(2026, 11, 9)), "err.issue_update_early"),
    (lambda s, i: issues.update(s, i, "x", date=D(2026, 10, 1)), "err.issue_update_early"),
    (lambda s, i: issues.update(s, i, "   ", date=D(2026, 11, 12)), "err.issue_needs"),
])
def test_a_refused_update_names_the_field_and_value_and_writes_nothing(store, call, key):
    pid = new_project(store)
    i = issues.add(store, pid, "施工许可未办", raised_on=D(2026, 11, 2))
    issues.update(store, i.id, "协调中", status="coordinating", date=D(2026, 11, 10))
    before = snapshot(store.url)
    with pytest.raises(BadData) as exc:
        call(store, i.id)
    assert exc.value.key == key
    assert snapshot(store.url) == before


def test_refusals_on_raising_and_on_a_resolved_issue(store):
    pid = new_project(store)
    with pytest.raises(BadData) as exc:
        issues.add(store, pid, "x", due=D(2026, 10, 1), raised_on=D(2026, 11, 2))
    assert exc.value.key == "err.issue_due_early" and "2026-10-01" in exc.value.render("en")
    assert "due date" in exc.value.render("en")
    with pytest.raises(BadData):
        issues.add(store, pid, "", raised_on=D(2026, 11, 2))
    with pytest.raises(BadUsage):
        issues.add(store, 999, "x")
    with pytest.raises(BadUsage):
        issues.update(store, 999, "x")
    i = issues.add(store, pid, "x", raised_on=D(2026, 11, 2))
    issues.close(store, i.id, "已解决", date=D(2026, 11, 3))
    before = snapshot(store.url)
    with pytest.raises(BadData) as exc:
        issues.update(store, i.id, "again", date=D(2026, 11, 4))
    assert exc.value.key == "err.issue_resolved"
    assert snapshot(store.url) == before
    assert _rows(store, "issue") == 1


def test_open_issues_are_oldest_first_with_their_days_open(store):
    a, b = new_project(store, "甲"), new_project(store, "乙")
    late = issues.add(store, a, "后提出", raised_on=D(2026, 11, 20))
    early = issues.add(store, b, "先提出", raised_on=D(2026, 10, 1), owner="县财政局")
    found = issues.issues(store, day=D(2026, 11, 29))
    assert [i.id for i in found] == [early.id, late.id]
    assert [i.days_open(D(2026, 11, 29)) for i in found] == [59, 9]
    assert [i.id for i in issues.issues(store, day=D(2026, 11, 29), project_ids=[a])] == [late.id]
    rows = issues.csv_rows(found, D(2026, 11, 29))
    assert rows[0]["days_open"] == 59 and rows[0]["owner"] == "县财政局"


def test_an_import_undo_keeps_a_project_with_an_issue(loaded_store):
    from projtrack.services.entries import resolve_project
    from projtrack.services.history import preview_undo, undo

    pid = resolve_project(loaded_store, "鳌江镇第七小学")
    issues.add(loaded_store, pid, "用地未落实", raised_on=D(2026, 11, 2))
    plan = preview_undo(loaded_store)
    assert pid in [k for k, _ in plan.kept]
    undo(loaded_store, plan.run.id)
    assert loaded_store.project(pid) is not None  # kept (withdrawn) with its issue
    assert len(issues.project_issues(loaded_store, pid)) == 1
