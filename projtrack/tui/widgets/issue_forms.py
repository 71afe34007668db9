"""The issues log's forms (存在问题): raise an issue of the project (text, who must act, due date,
date raised) and record an update of the selected one (date, text, new state: unchanged, 协调中
or 已解决, who reported it).  Dates are read by the command line's parser as they are typed;
what the service refuses (a date before the issue or its latest update, a state moving back, an
issue already resolved) shows in the form, naming the field and the value, and nothing is saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from projtrack.core.issues import ProjectIssue
from projtrack.core.terms import IssueState
from projtrack.i18n import term
from projtrack.services import issues as svc
from projtrack.services.database import Store
from projtrack.tui.widgets import fields as P
from projtrack.tui.widgets.forms import Field, FormScreen, Invalid, maybe, need


def _required(tr: Callable[..., str], field: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        text = P.text(raw)
        if text is None:
            raise Invalid(tr("issue.required", field=tr(f"issue.{field}")))
        return text
    return parse


@dataclass(frozen=True)
class IssueValues:
    text: str
    owner: str | None
    due: dt.date | None
    raised_on: dt.date


@dataclass(frozen=True)
class IssueUpdateValues:
    date: dt.date
    text: str | None
    status: str | None
    who: str | None


class IssueForm(FormScreen[IssueValues]):
    """Raise an issue of one project; it starts 待协调."""

    TITLE_KEY = "issue.add_title"

    def __init__(self, store: Store, project_id: int, name: str, as_of: dt.date) -> None:
        super().__init__(subtitle=f"#{project_id}  {name}")
        self.store, self.project_id, self.as_of = store, project_id, as_of

    def build_fields(self) -> list[Field]:
        tr = self.tr
        return [
            Field("text", tr("issue.text"), parse=_required(tr, "text")),
            Field("owner", tr("issue.owner"), parse=P.text, hint=tr("issue.owner_hint")),
            Field("due", tr("issue.due"), parse=P.date(tr, optional=True, field="due"),
                  hint=tr("form.date_hint")),
            Field("raised_on", tr("issue.raised_on"), self.as_of.isoformat(),
                  parse=P.date(tr, field="issue_date"), hint=tr("form.date_hint")),
        ]

    def collect(self, values: Mapping[str, object]) -> IssueValues:
        return IssueValues(text=need(values["text"], str), owner=maybe(values["owner"], str),
                           due=maybe(values["due"], dt.date),
                           raised_on=need(values["raised_on"], dt.date))

    def submit(self, values: IssueValues) -> str:
        done = svc.add(self.store, self.project_id, values.text, owner=values.owner,
                       due=values.due, raised_on=values.raised_on, origin="tui")
        return self.tr("issue.added", id=done.id)


class IssueUpdateForm(FormScreen[IssueUpdateValues]):
    """Record an update of one issue, optionally moving its state on (to 已解决: closing it)."""

    TITLE_KEY = "issue.update_title"

    def __init__(self, store: Store, issue: ProjectIssue, as_of: dt.date) -> None:
        super().__init__(subtitle=f"#{issue.id}  {issue.project}  {issue.text}")
        self.store, self.issue = store, issue
        self.day = max(as_of, issue.last_date)  # a default the service accepts

    def build_fields(self) -> list[Field]:
        tr, lang = self.tr, self.app.lang
        states = [(tr("issue.state_unchanged", state=term(self.issue.state, lang)), "")]
        states += [(term(s, lang), s.value) for s in (IssueState.COORDINATING,
                                                      IssueState.RESOLVED)]
        return [
            Field("date", tr("issue.update_date"), self.day.isoformat(),
                  parse=P.date(tr, field="update_date"), hint=tr("form.date_hint")),
            Field("text", tr("issue.update_text"), parse=P.text, hint=tr("issue.update_hint")),
            Field("status", tr("issue.state"), "", options=states),
            Field("who", tr("issue.who"), parse=P.text, hint=tr("issue.who_hint")),
        ]

    def collect(self, values: Mapping[str, object]) -> IssueUpdateValues:
        return IssueUpdateValues(date=need(values["date"], dt.date),
                                 text=maybe(values["text"], str),
                                 status=maybe(values["status"], str),
                                 who=maybe(values["who"], str))

    def check(self, values: IssueUpdateValues) -> dict[str, str]:
        if values.text is None and values.status != IssueState.RESOLVED:
            return {"text": self.tr("issue.required", field=self.tr("issue.update_text"))}
        return {}

    def submit(self, values: IssueUpdateValues) -> str:
        if values.status == IssueState.RESOLVED:
            done = svc.close(self.store, self.issue.id, values.text, date=values.date,
                             who=values.who, origin="tui")
            return self.tr("issue.closed", id=done.id)
        done = svc.update(self.store, self.issue.id, values.text, status=values.status,
                          date=values.date, who=values.who, origin="tui")
        return self.tr("issue.updated", id=done.id, state=term(done.state, self.app.lang))
