"""The issues log (存在问题及协调事项): raise an issue of a project, record dated updates of it, close
it; read a project's issues and every open one.  Each verb is one write transaction, audited;
nothing is edited (``store.issues``: the rows are append-only and hash-chained).

The rules (``core.issues`` says why):
- An issue has a text (问题), who must act (``owner``: 责任单位 or 领导, free text, optional) and a
  due date (optional, not before the day it was raised).  Dates are read as officers write them
  (``projtrack.typed.read_date``: always with a year, two readings refused).
- An update has a date (not before the issue was raised nor before its latest update), a text
  and optionally a new state (待协调 → 协调中 → 已解决: forward only, nothing after 已解决); it
  says who reported it (default: the database user).  Closing is an update to 已解决.
- A refusal names the field and the value (BadData, exit 1; nothing written); no such project
  or issue is BadUsage (exit 2).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

from projtrack.core.issues import ProjectIssue, open_issues, state_rank
from projtrack.core.terms import IssueState
from projtrack.core.text import clean_text
from projtrack.errors import BadData
from projtrack.i18n import t, term
from projtrack.reports.export import safe_csv
from projtrack.services.database import current_user
from projtrack.store import issues as store_issues
from projtrack.store.repo import Store

MAX_TEXT = 500  # characters of an issue's or an update's text
MAX_OWNER = 100


class IssueRefused(BadData):
    """Bad data in one field of an issue or an update (exit 1, nothing written).  The field
    (``field.<name>``), the catalog labels in ``labels`` and the domain words in ``words`` are
    said in the language the message is shown in."""

    def __init__(self, key: str, field: str, *, labels: dict[str, str] | None = None,
                 words: dict[str, str] | None = None, **params: object):
        self.field = field
        self.labels = dict(labels or {})
        self.words = dict(words or {})
        super().__init__(key, **params)

    def render(self, lang: str | None = None) -> str:
        said = {k: t(v, lang=lang) for k, v in self.labels.items()}
        said |= {k: term(v, lang) for k, v in self.words.items()}
        return t(self.key, lang=lang, field=t(f"field.{self.field}", lang=lang), **said,
                 **self.params)


def _text(value: str | None, what: str, limit: int, *, required: bool) -> str | None:
    text = clean_text(value, limit=limit, keep_newlines=False) if value is not None else None
    if text is None and required:
        raise IssueRefused("err.issue_needs", what, found=value or "")
    return text


def read_state(raw: str | None) -> str | None:
    """An issue state as typed: the Chinese word (协调中) or its English term (coordinating), in
    any case; None for none.  BadData naming the value and the states otherwise."""
    if raw is None or not str(raw).strip():
        return None
    typed = str(raw).strip()
    for state in IssueState:
        if typed == state.value or typed.casefold() == term(state.value, "en").casefold():
            return state.value
    raise IssueRefused("err.bad_issue_state", "issue_state", found=typed,
                       states="、".join(s.value for s in IssueState))


def add(store: Store, project_id: int, text: str, *, owner: str | None = None,
        due: dt.date | None = None, raised_on: dt.date | None = None,
        origin: str = "cli") -> ProjectIssue:
    """Raise an issue of ``project_id`` (raised ``raised_on``, default today); its state is 待协调."""
    what = _text(text, "issue_text", MAX_TEXT, required=True)
    assert what is not None
    who = _text(owner, "owner", MAX_OWNER, required=False)
    day = raised_on or dt.date.today()
    if due is not None and due < day:
        raise IssueRefused("err.issue_due_early", "due", found=due.isoformat(),
                           raised=day.isoformat())
    return store_issues.add_issue(store, project_id, raised_on=day, text=what, owner=who,
                                  due=due, origin=origin)


def update(store: Store, issue_id: int, text: str | None, *, status: str | None = None,
           date: dt.date | None = None, who: str | None = None, origin: str = "cli",
           closing: bool = False) -> ProjectIssue:
    """Record an update of ``issue_id`` dated ``date`` (default today), moving it to ``status``
    (a state word, or None to keep it).  The text is required unless ``closing``."""
    state = read_state(status)
    words = _text(text, "update_text", MAX_TEXT, required=not closing)
    by = _text(who, "who", MAX_OWNER, required=False) or current_user(store)
    day = date or dt.date.today()

    def check(current: ProjectIssue) -> None:
        if current.closed:
            raise BadData("err.issue_resolved", id=current.id, project=current.project)
        if day < current.raised_on:
            raise IssueRefused("err.issue_update_early", "update_date", found=day.isoformat(),
                               before=current.raised_on.isoformat(),
                               labels={"what": "issue.raised"})
        latest = current.latest()
        if latest is not None and day < latest.update_date:
            raise IssueRefused("err.issue_update_early", "update_date", found=day.isoformat(),
                               before=latest.update_date.isoformat(),
                               labels={"what": "issue.last_update"})
        if state is not None and state_rank(state) < state_rank(current.state):
            raise IssueRefused("err.issue_state_back", "issue_state",
                               words={"found": state, "now": current.state})

    new = None if state in (None, IssueState.PENDING) else state  # 待协调: the state it had
    return store_issues.add_update(store, issue_id, check, update_date=day, text=words,
                                   status=new, who=by, origin=origin)


def close(store: Store, issue_id: int, text: str | None = None, *, date: dt.date | None = None,
          who: str | None = None, origin: str = "cli") -> ProjectIssue:
    """Resolve ``issue_id`` (已解决), with an optional note."""
    return update(store, issue_id, text, status=IssueState.RESOLVED, date=date, who=who,
                  origin=origin, closing=True)


# --- reading ------------------------------------------------------------------------------
def get(store: Store, issue_id: int) -> ProjectIssue:
    return store_issues.issue(store, issue_id)


def project_issues(store: Store, project_id: int) -> list[ProjectIssue]:
    """A project's issues, oldest first, open or not."""
    return store_issues.issues(store, project_ids=[project_id])


def issues(store: Store, *, day: dt.date, only_open: bool = True,
           project_ids: Iterable[int] | None = None) -> list[ProjectIssue]:
    """The issues known on ``day`` (raised on or before it), oldest first; with ``only_open``
    those open on ``day`` (not resolved by an update dated on or before it)."""
    found = store_issues.issues(store, project_ids=project_ids, raised_by=day)
    return open_issues(found, day) if only_open else found


def by_project(store: Store) -> dict[int, list[ProjectIssue]]:
    out: dict[int, list[ProjectIssue]] = {}
    for i in store_issues.issues(store):
        out.setdefault(i.project_id, []).append(i)
    return out


# --- how they are shown ----------------------------------------------------------------------
def state_text(state: str, lang: str | None = None) -> str:
    return term(state, lang)


def issue_line(i: ProjectIssue, day: dt.date, lang: str | None = None) -> str:
    """One issue on one line: id, state, project, text, who must act, due, raised and days
    open (at ``day``), the latest update."""
    state = i.state_on(day)
    parts = [f"#{i.id}", f"[{term(state, lang)}]", f"{i.project} (#{i.project_id})", i.text]
    parts.append(t("issue.owner", lang=lang, owner=i.owner or "—"))
    if i.due is not None:
        key = "issue.due_overdue" if i.overdue_on(day) else "issue.due"
        parts.append(t(key, lang=lang, due=i.due.isoformat()))
    if state == IssueState.RESOLVED:
        parts.append(t("issue.raised_on", lang=lang, on=i.raised_on.isoformat()))
    else:
        parts.append(t("issue.open_days", lang=lang, on=i.raised_on.isoformat(),
                       n=i.days_open(day)))
    latest = i.latest(day)
    if latest is not None and latest.text:
        parts.append(t("issue.latest", lang=lang, on=latest.update_date.isoformat(),
                       text=latest.text, who=latest.who))
    return "  ".join(parts)


CSV_FIELDS = ("id", "project_id", "project", "state", "text", "owner", "due", "raised_on",
              "days_open", "latest_date", "latest", "latest_by")


def csv_rows(found: Iterable[ProjectIssue], day: dt.date) -> list[dict[str, object]]:
    """Issues as CSV records (the states as stored words; days open at ``day``, none when
    resolved)."""
    out = []
    for i in found:
        latest = i.latest(day)
        state = i.state_on(day)
        out.append({"id": i.id, "project_id": i.project_id, "project": i.project,
                    "state": state, "text": i.text, "owner": i.owner or "",
                    "due": i.due.isoformat() if i.due else "", "raised_on": i.raised_on.isoformat(),
                    "days_open": "" if state == IssueState.RESOLVED else i.days_open(day),
                    "latest_date": latest.update_date.isoformat() if latest else "",
                    "latest": (latest.text or "") if latest else "",
                    "latest_by": latest.who if latest else ""})
    return out


def csv_text(found: Iterable[ProjectIssue], day: dt.date) -> str:
    """``csv_rows`` as CSV text with its header, a text cell a spreadsheet would run as a
    formula marked as text as the export's CSV does (``reports.export.safe_csv``)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in csv_rows(found, day):
        writer.writerow({k: safe_csv(v) for k, v in row.items()})
    return buf.getvalue()


def issue_json(i: ProjectIssue) -> dict[str, object]:
    """An issue as the JSON export carries it (no timestamps: the same database exports the
    same text; dates are the officer's own)."""
    return {"id": i.id, "text": i.text, "owner": i.owner,
            "due": i.due.isoformat() if i.due else None, "raised_on": i.raised_on.isoformat(),
            "state": i.state, "raised_by": i.created_by,
            "updates": [{"id": u.id, "date": u.update_date.isoformat(), "text": u.text,
                         "state": u.status, "who": u.who} for u in i.updates]}
