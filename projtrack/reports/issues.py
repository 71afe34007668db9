"""The weekly report's issues section (存在问题及协调事项): the issues open at the week's end, oldest
first, with their days open and who must act — built from the issues log (``core.issues``) as
the week knew it, and laid out once for both renderers (xlsx.py, pdf.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from projtrack.core.issues import ProjectIssue, open_issues, past_due
from projtrack.reports.model import OpenIssueLine
from projtrack.reports.text import Fmt

# column key, xlsx width (characters), PDF width (mm), kind (text | int)
COLUMNS = (("seq", 5, 10, "int"), ("project", 30, 56, "text"), ("issue", 34, 66, "text"),
           ("owner", 16, 32, "text"), ("raised_on", 11, 20, "text"), ("days_open", 8, 14, "int"),
           ("due", 17, 30, "text"), ("state", 9, 16, "text"), ("latest", 30, 33, "text"))
KEYS = [k for k, *_ in COLUMNS]
DUE = KEYS.index("due")  # the cell marked when overdue
WRAPPED = tuple(KEYS.index(k) for k in ("project", "issue", "latest"))  # long texts


def open_issue_lines(issues: Iterable[ProjectIssue], day: dt.date) -> tuple[OpenIssueLine, ...]:
    """The issues open on ``day`` (the week's last day), oldest first, with what was known then."""
    out = []
    for i in open_issues(list(issues), day):
        latest = i.latest(day)
        out.append(OpenIssueLine(
            issue_id=i.id, project_id=i.project_id, project=i.project, text=i.text,
            owner=i.owner, due=i.due, state=i.state_on(day), raised_on=i.raised_on,
            days_open=i.days_open(day), latest=latest.text if latest else None,
            latest_date=latest.update_date if latest else None))
    return tuple(out)


def heading(fmt: Fmt, lines: tuple[OpenIssueLine, ...], as_of: dt.date) -> str:
    overdue = sum(1 for x in lines if past_due(x.due, as_of))
    return fmt.t("report.issues.head", n=len(lines), overdue=overdue)


def headers(fmt: Fmt) -> list[str]:
    return [fmt.t(f"report.issues.{k}") for k in KEYS]


def rows(fmt: Fmt, lines: tuple[OpenIssueLine, ...], as_of: dt.date
         ) -> list[tuple[list[tuple[object, str]], bool]]:
    """Each line's cells (raw value for xlsx, text for the PDF) and whether it is overdue."""
    out = []
    for n, x in enumerate(lines, 1):
        latest = f"{x.latest_date.isoformat()} {x.latest}" if x.latest and x.latest_date else "—"
        overdue = past_due(x.due, as_of)  # every line is open at the week's end
        due = fmt.date(x.due) + (fmt.t("report.issues.overdue") if overdue else "")
        out.append(([(n, str(n)), (x.project, x.project), (x.text, x.text),
                     (x.owner or "—", x.owner or "—"),
                     (x.raised_on.isoformat(), x.raised_on.isoformat()),
                     (x.days_open, str(x.days_open)), (due, due),
                     (fmt.term(x.state), fmt.term(x.state)), (latest, latest)], overdue))
    return out
