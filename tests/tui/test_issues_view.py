"""The issues log in the terminal UI on the demo portfolio: the project view's 问题 tab with ``o``
(raise an issue) and ``O`` (update or close the selected one), their forms checking as they are
typed, and the open issues view (key 7): oldest first with days open, Enter opens the project."""

from __future__ import annotations

import datetime as dt

from projtrack.core.terms import IssueState
from projtrack.services import issues as svc
from projtrack.tui.screens.issues import IssuesScreen
from projtrack.tui.screens.project import ProjectScreen
from projtrack.tui.widgets.issue_forms import IssueForm, IssueUpdateForm
from tests.tui.conftest import AS_OF
from tests.tui.helpers import go_to_project, press, screen_text, settle
from tests.tui.test_snapshots import BIG, SMALL

PID = 15  # the demo's stalled project with an issue being coordinated


async def test_key_7_lists_the_open_issues_oldest_first_and_enter_opens_the_project(make_app,
                                                                                 demo_store):
    want = svc.issues(demo_store, day=AS_OF)
    assert len(want) == 5  # the demo's six issues, one resolved
    app = make_app()
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await press(pilot, "7")
        screen = app.screen
        assert isinstance(screen, IssuesScreen)
        assert [i.id for i in screen.found] == [i.id for i in want]
        raised = [i.raised_on for i in screen.found]
        assert raised == sorted(raised)
        table = screen.query_one("#open-issues")
        assert table.row_count == 5
        first = want[0]
        row = [str(v) for v in table.get_row(str(first.id))]
        assert str(first.days_open(AS_OF)) in row and "协调中" in row and first.owner in row
        text = screen_text(app)
        assert "未解决问题 5 个(超期 4 个)" in text
        await press(pilot, "enter")
        assert isinstance(app.screen, ProjectScreen) and app.screen.project_id == first.project_id


async def test_raise_update_and_close_an_issue_from_the_project_view(make_app, demo_store):
    app = make_app()
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        await go_to_project(pilot, PID)
        before = len(svc.project_issues(demo_store, PID))
        await press(pilot, "o")
        form = app.screen
        assert isinstance(form, IssueForm)
        await press(pilot, "ctrl+s")  # no text yet: nothing saved
        assert app.screen is form and "不能为空" in str(form.query_one("#hint-text").render())
        form.query_one("#field-text").value = "施工围挡占用道路,需交警部门审批"
        form.query_one("#field-owner").value = "县公安局交警大队"
        form.query_one("#field-due").value = "12/15"
        await settle(pilot)
        assert "缺少年份" in str(form.query_one("#hint-due").render())
        assert form.query_one("#save").disabled
        form.query_one("#field-due").value = "2026年12月15日"
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ProjectScreen)
        found = svc.project_issues(demo_store, PID)
        assert len(found) == before + 1
        new = found[-1]
        assert (new.text, new.owner, new.due, new.raised_on, new.state) == (
            "施工围挡占用道路,需交警部门审批", "县公安局交警大队", dt.date(2026, 12, 15), AS_OF,
            IssueState.PENDING)
        screen = app.screen
        assert screen.query_one("#tabs").active == "tab-issues"
        table = screen.query_one("#issues")
        assert table.row_count == len(found)
        table.move_cursor(row=table.get_row_index(str(new.id)))
        await press(pilot, "O")
        form = app.screen
        assert isinstance(form, IssueUpdateForm)
        form.query_one("#field-date").value = "2026-11-01"  # before the issue was raised
        form.query_one("#field-text").value = "已函告交警大队"
        form.query_one("#field-status").value = "协调中"
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert app.screen is form and "早于提出日期" in str(form.query_one("#form-error").render())
        assert svc.get(demo_store, new.id).updates == ()
        form.query_one("#field-date").value = "2026-11-29"
        await settle(pilot)
        await press(pilot, "ctrl+s")
        assert svc.get(demo_store, new.id).state == IssueState.COORDINATING
        await press(pilot, "O")
        form = app.screen
        form.query_one("#field-status").value = "已解决"
        await settle(pilot)
        await press(pilot, "ctrl+s")  # closing needs no text
        assert svc.get(demo_store, new.id).state == IssueState.RESOLVED
        for _ in range(10):  # the view reads the log again in a worker after the reload
            if next(i for i in screen.issues if i.id == new.id).closed:
                break
            await settle(pilot)
        row = [str(v) for v in screen.query_one("#issues").get_row(str(new.id))]
        assert "已解决" in row and "" in row  # no days open once resolved
        issues = screen.query_one("#issues")
        assert str(issues.get_cell(str(new.id), "issue.col_days")) == ""
        assert str(issues.get_cell(str(new.id), "issue.col_state")) == "已解决"
        await press(pilot, "O")  # a resolved issue takes no more updates: no form
        assert isinstance(app.screen, ProjectScreen)
        await press(pilot, "escape", "7")
        assert new.id not in [i.id for i in app.screen.found]


def test_snapshot_open_issues(snap_compare, make_app):
    async def run(pilot) -> None:
        await settle(pilot)
        await press(pilot, "7")
    assert snap_compare(make_app(), terminal_size=BIG, run_before=run)


def test_snapshot_open_issues_english_small(snap_compare, make_app):
    async def run(pilot) -> None:
        await settle(pilot)
        await press(pilot, "7")
    assert snap_compare(make_app("en"), terminal_size=SMALL, run_before=run)


def test_snapshot_project_issues_tab(snap_compare, make_app):
    async def run(pilot) -> None:
        await settle(pilot)
        await go_to_project(pilot, PID)
        pilot.app.screen.query_one("#tabs").active = "tab-issues"
        await settle(pilot)
    assert snap_compare(make_app(), terminal_size=BIG, run_before=run)
