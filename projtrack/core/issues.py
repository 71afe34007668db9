"""The issues log (存在问题及协调事项) as the views and the reports read it: per project, an issue
(问题) with who must act (责任单位/领导, free text), a due date, and dated updates, each with an
optional new state (待协调 → 协调中 → 已解决).

Both the issue and its updates are append-only rows: nothing is edited, so an issue's state is
the one its latest update gave it (by date, then by the order they were written), 待协调 before
any.  Read at a day d, only what was known on d counts: the issue is open on d when it was
raised on or before d and no update dated on or before d resolved it; its days open are
d − raised (0 on the day it was raised).

Decisions where DOMAIN.md is silent:
- The state moves forward only (an update to 待协调, or after 已解决, is refused): a problem
  that comes back is a new issue.
- An update is dated on or after the issue's raised date and its own previous update, so the
  latest update by date is also the latest written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from projtrack.core.terms import IssueState

STATES = tuple(IssueState)
_RANK = {s: i for i, s in enumerate(STATES)}


def state_rank(state: str) -> int:
    """0 for 待协调, 1 for 协调中, 2 for 已解决 (ValueError for another word)."""
    try:
        return _RANK[IssueState(state)]
    except ValueError:
        raise ValueError(f"not an issue state: {state!r}") from None


@dataclass(frozen=True, slots=True)
class IssueUpdate:
    """One dated update of an issue: what happened, the state it moved to (None: unchanged)
    and who reported it; ``created_by`` is the database user who wrote it."""

    id: int
    issue_id: int
    update_date: dt.date
    text: str | None
    status: str | None
    who: str
    created_at: dt.datetime
    created_by: str


@dataclass(frozen=True, slots=True)
class ProjectIssue:
    """An issue of a project, with its updates oldest first."""

    id: int
    project_id: int
    project: str
    raised_on: dt.date
    text: str
    owner: str | None  # who must act: 责任单位 or 领导, as the officer wrote it
    due: dt.date | None
    created_at: dt.datetime
    created_by: str
    updates: tuple[IssueUpdate, ...] = ()

    def state_on(self, day: dt.date | None = None) -> str:
        """The state given by the latest update dated on or before ``day`` (every update when
        None), 待协调 before any."""
        state: str = IssueState.PENDING
        for u in self.updates:
            if day is not None and u.update_date > day:
                break
            if u.status is not None:
                state = u.status
        return state

    @property
    def state(self) -> str:
        return self.state_on(None)

    @property
    def closed(self) -> bool:
        return self.state == IssueState.RESOLVED

    def open_on(self, day: dt.date) -> bool:
        """Raised on or before ``day`` and not resolved by then."""
        return self.raised_on <= day and self.state_on(day) != IssueState.RESOLVED

    def days_open(self, day: dt.date) -> int:
        """Days from the day it was raised to ``day`` (0 on that day)."""
        return (day - self.raised_on).days

    def latest(self, day: dt.date | None = None) -> IssueUpdate | None:
        """The latest update dated on or before ``day`` (every update when None)."""
        found = None
        for u in self.updates:
            if day is not None and u.update_date > day:
                break
            found = u
        return found

    @property
    def last_date(self) -> dt.date:
        """The date of its latest update, or the day it was raised when it has none: the
        earliest date its next update may have."""
        latest = self.latest()
        return latest.update_date if latest is not None else self.raised_on

    def overdue_on(self, day: dt.date) -> bool:
        """Open on ``day`` and past its due date."""
        return past_due(self.due, day) and self.open_on(day)


def past_due(due: dt.date | None, day: dt.date) -> bool:
    """Whether a due date has passed on ``day`` (an issue is overdue the day after it)."""
    return due is not None and due < day


def open_issues(issues: list[ProjectIssue], day: dt.date) -> list[ProjectIssue]:
    """The issues open on ``day``, oldest first (raised earliest, then by id)."""
    return sorted((i for i in issues if i.open_on(day)), key=lambda i: (i.raised_on, i.id))
