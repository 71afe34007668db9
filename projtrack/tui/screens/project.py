"""项目详情: one project — a summary, then tabs: 概况 (annex facts, source cell, figures),
投资 (plan and actual by year, the cumulative curve, the ledger), 节点 (milestones with slip),
变更记录 (the audit trail), 问题 (the project's issues log: ``o`` raises one, ``O`` updates or
closes the selected one).  Data is read in a worker; entries change it in place."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from projtrack.core.figures import lag_level
from projtrack.core.issues import ProjectIssue
from projtrack.core.terms import Flag
from projtrack.i18n import term
from projtrack.services.baseline import ProjectBaseline, project_baseline
from projtrack.services.detail import Detail, load_detail
from projtrack.services.issues import project_issues
from projtrack.tui import cells as c
from projtrack.tui.screens.base import ViewScreen
from projtrack.tui.widgets.baseline_panel import baseline_panel
from projtrack.tui.widgets.charts import CurveChart
from projtrack.tui.widgets.issue_table import fill_issue_table
from projtrack.tui.widgets.project_panels import facts_panel, summary
from projtrack.tui.widgets.table import PagedTable


class DetailReady(Message):
    def __init__(self, detail: Detail | None) -> None:
        super().__init__()
        self.detail = detail


class BaselineReady(Message):
    def __init__(self, baseline: ProjectBaseline | None) -> None:
        super().__init__()
        self.baseline = baseline


class IssuesLoaded(Message):
    def __init__(self, found: list[ProjectIssue]) -> None:
        super().__init__()
        self.found = found


class ProjectScreen(ViewScreen):
    VIEW = ""  # highlights the view it was opened from
    BINDINGS = [
        Binding("escape", "back", "ui.key.back"),
        Binding("e", "app.record_spend", "ui.key.spend"),
        Binding("m", "app.set_milestone", "ui.key.milestone"),
        Binding("p", "app.set_phase", "ui.key.phase"),
        Binding("y", "app.set_plan", "ui.key.plan"),
        Binding("r", "app.edit_remarks", "ui.key.remarks", show=False),
        Binding("v", "app.add_progress", "ui.key.progress", show=False),
        Binding("u", "app.undo", "ui.key.undo"),
        Binding("o", "add_issue", "ui.key.add_issue", show=False),
        Binding("O", "update_issue", "ui.key.update_issue", show=False),
    ]

    def __init__(self, project_id: int) -> None:
        super().__init__()
        self.project_id = project_id
        self.detail: Detail | None = None
        self.baseline: ProjectBaseline | None = None
        self.issues: list[ProjectIssue] = []
        self.tab = "tab-facts"

    @property
    def project_name(self) -> str:
        return self.detail.view.facts.name if self.detail else f"#{self.project_id}"

    def compose_body(self) -> ComposeResult:
        tr = self.tr
        yield Static(id="summary")
        with TabbedContent(initial=self.tab, id="tabs"):
            with TabPane(tr("project.tab_facts"), id="tab-facts"):
                yield VerticalScroll(Static(id="facts"), Static(id="baseline"),
                                     id="facts-scroll")
            with TabPane(tr("project.tab_money"), id="tab-money"):
                with Vertical():
                    with Horizontal(id="money-top"):
                        yield DataTable(id="years", cursor_type="row")
                        yield CurveChart(id="curve")
                    yield PagedTable(id="ledger", fixed_columns=1, whole_columns=True)
            with TabPane(tr("project.tab_milestones"), id="tab-milestones"):
                yield DataTable(id="milestones", cursor_type="row", zebra_stripes=True)
            with TabPane(tr("project.tab_audit"), id="tab-audit"):
                yield PagedTable(id="audit", fixed_columns=1, whole_columns=True)
                yield Static(id="audit-note", classes="fit-note")
            with TabPane(tr("issue.tab"), id="tab-issues"):
                yield PagedTable(id="issues", fixed_columns=1, whole_columns=True)
                yield Static(id="issues-note")

    def refresh_data(self, project_id: int | None) -> None:
        if project_id is None or project_id == self.project_id:
            self._load(self.app.as_of)
            self._load_baseline(self.app.as_of)
            self._load_issues()

    @work(thread=True, exclusive=True, group="project-detail")
    def _load(self, as_of: dt.date) -> None:
        self.post_message(DetailReady(load_detail(self.app.store, self.project_id, as_of)))

    @work(thread=True, exclusive=True, group="project-baseline")
    def _load_baseline(self, as_of: dt.date) -> None:
        self.post_message(BaselineReady(project_baseline(self.app.store, self.project_id, as_of)))

    @work(thread=True, exclusive=True, group="project-issues")
    def _load_issues(self) -> None:
        self.post_message(IssuesLoaded(project_issues(self.app.store, self.project_id)))

    def on_issues_loaded(self, message: IssuesLoaded) -> None:
        self.issues = message.found
        self._draw_issues()

    def _draw_issues(self) -> None:
        fill_issue_table(self.query_one("#issues", PagedTable), self.issues, self.app.as_of,
                         self.tr, self.app.lang, with_project=False,
                         width=self.size.width or self.app.size.width)
        self.query_one("#issues-note", Static).update(
            self.more_columns(self.query_one("#issues", PagedTable)).strip())

    def on_resize(self) -> None:
        self._draw_issues()
        if self.detail is not None:
            self._audit(self.detail)
            self._ledger(self.detail)

    @on(PagedTable.ColumnsShifted, "#issues")
    def _issue_columns_shifted(self) -> None:
        self._draw_issues()

    @on(PagedTable.ColumnsShifted, "#audit")
    def _audit_columns_shifted(self) -> None:
        if self.detail is not None:
            self.query_one("#audit-note", Static).update(
                self.more_columns(self.query_one("#audit", PagedTable)).strip())

    def action_add_issue(self) -> None:
        from projtrack.tui.widgets.issue_forms import IssueForm

        self.app.push_screen(IssueForm(self.app.store, self.project_id, self.project_name,
                                       self.app.as_of), self._issue_saved)

    def action_update_issue(self) -> None:
        """Update or close the issue under the cursor of the 问题 tab (shown first if it is not)."""
        from projtrack.tui.widgets.issue_forms import IssueUpdateForm
        from projtrack.tui.widgets.table import cursor_key

        tabs = self.query_one("#tabs", TabbedContent)
        if tabs.active != "tab-issues":
            tabs.active = "tab-issues"
        key = cursor_key(self.query_one("#issues", DataTable))
        issue = next((i for i in self.issues if str(i.id) == key), None)
        if issue is None:
            self.notify(self.tr("issue.none_selected"), severity="warning")
            return
        if issue.closed:
            self.notify(self.tr("issue.is_resolved", id=issue.id), severity="warning")
            return
        self.app.push_screen(IssueUpdateForm(self.app.store, issue, self.app.as_of),
                             self._issue_saved)

    def _issue_saved(self, text: str | None) -> None:
        if text:
            self.notify(text)
            self.query_one("#tabs", TabbedContent).active = "tab-issues"
            self.app.reload(self.project_id)  # the audit tab and the open issues view too

    def on_baseline_ready(self, message: BaselineReady) -> None:
        self.baseline = message.baseline
        self._draw_baseline()

    def _draw_baseline(self) -> None:
        self.query_one("#baseline", Static).update(baseline_panel(self.baseline, self.app.lang))

    def on_detail_ready(self, message: DetailReady) -> None:
        self.detail = message.detail
        self.redraw()

    def action_back(self) -> None:
        self.dismiss()

    def selected_project_id(self) -> int | None:
        return self.project_id

    # --- drawing --------------------------------------------------------------------------------
    def redraw(self) -> None:
        d = self.detail
        if d is None:
            self.query_one("#summary", Static).update(self.tr("project.missing", id=self.project_id))
            return
        lang, rules = self.app.lang, self.app.rules
        self.query_one("#summary", Static).update(summary(d, lang, rules))
        self.query_one("#facts", Static).update(facts_panel(d, lang))
        self._years(d)
        self.query_one("#curve", CurveChart).set_curve(d.curve)
        self._ledger(d)
        self._milestones(d)
        self._audit(d)
        self._draw_baseline()
        self._draw_issues()

    def _table(self, selector: str, labels: list[str]) -> DataTable:
        table = self.query_one(selector, DataTable)
        table.clear(columns=True)
        for key in labels:
            table.add_column(self.tr(key), key=key)
        return table

    def _years(self, d: Detail) -> None:
        rules = self.app.rules
        table = self._table("#years", ["col.year", "col.annual_plan", "col.actual_year", "col.rate_only"])
        for row in d.years:
            fig = row.figures
            table.add_row(str(row.year), c.money(fig.annual_plan), c.money(fig.actual_this_year),
                          c.rate(fig.annual_completion_rate,
                                 c.LEVEL_STYLES[lag_level(fig.points_vs_time, rules)]
                                 if row.year == self.app.as_of.year else ""),
                          key=str(row.year))

    LEDGER_PRIORITY = {"col.date": 0, "col.kind": 1, "col.amount": 2, "col.running": 3,
                       "col.note": 4, "col.source": 5}

    def _ledger(self, d: Detail) -> None:
        """The entries with running totals, their columns whole: those that fit the width by
        priority, the others scrolled to by whole columns."""
        width = self.size.width or self.app.size.width
        keys = ["col.entry", "col.date", "col.kind", "col.amount", "col.running", "col.source",
                "col.note"]
        running: dict[str, Decimal] = {}
        as_of = self.app.as_of
        rows: list[tuple[str, list]] = []
        for e in d.ledger:
            running[e.kind] = running.get(e.kind, 0) + e.amount
            dim = "dim" if e.entry_date > as_of else ""
            note = e.note or ""
            if e.reverses_id:
                note = self.tr("project.reverses", id=e.reverses_id) + (" " + note if note else "")
            rows.append((str(e.id), [
                Text(f"#{e.id}", style=dim), Text(e.entry_date.isoformat(), style=dim),
                Text(term(e.kind, self.app.lang), style=dim),
                c.money(e.amount, style=dim or ("#ef5350" if e.amount < 0 else "")),
                c.money(running[e.kind], style=dim), term(e.source, self.app.lang),
                c.fit(note, 40 if width >= 100 else 30)]))
        table = self.query_one("#ledger", PagedTable)
        table.fit([(k, self.tr(k)) for k in keys], rows, width, self.LEDGER_PRIORITY,
                  cursor=-1 if rows else None)

    def _milestones(self, d: Detail) -> None:
        table = self._table("#milestones", ["col.milestone", "col.planned", "col.actual",
                                            "col.slip", "col.state"])
        for m in d.view.figures.milestones:
            state = "done" if m.done else "overdue" if m.overdue else "pending"
            style = {"overdue": c.LEVEL_STYLES[Flag.RED], "done": "#66bb6a"}.get(state, "")
            table.add_row(term(m.name, self.app.lang), c.date(m.planned), c.date(m.actual),
                          c.slip(m.slip_days, m.overdue),
                          Text(self.tr("milestone." + state), style=style), key=m.name)

    AUDIT_PRIORITY = {"col.when": 0, "col.field": 1, "col.old": 2, "col.new": 3, "col.user": 4,
                      "col.action": 5, "col.context": 6}

    def _audit(self, d: Detail) -> None:
        """The audit trail, its columns whole: those that fit the width by priority, the
        others scrolled to by whole columns (the note says how many)."""
        width = self.size.width or self.app.size.width
        text = 18 if width < 100 else 24
        keys = ["col.when", "col.user", "col.action", "col.field", "col.old", "col.new",
                "col.context"]
        rows: list[tuple[str, list]] = []
        for a in d.audit:
            at = a.at.replace(tzinfo=dt.UTC).astimezone() if a.at.tzinfo is None else a.at
            rows.append((str(a.id), [at.strftime("%Y-%m-%d %H:%M"), a.user, a.action,
                                     a.field or "", c.fit(a.old_value or c.BLANK, text),
                                     c.fit(a.new_value or c.BLANK, text),
                                     c.fit(a.context or "", text)]))
        table = self.query_one("#audit", PagedTable)
        table.fit([(k, self.tr(k)) for k in keys], rows, width, self.AUDIT_PRIORITY)
        self.query_one("#audit-note", Static).update(self.more_columns(table).strip())

    @on(DataTable.RowSelected, "#milestones")
    def _milestone_selected(self, event: DataTable.RowSelected) -> None:
        self.app.action_set_milestone(str(event.row_key.value))
