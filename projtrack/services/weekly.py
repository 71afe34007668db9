"""The weekly report: issue a week (``issue``), then write its files (``render``) — two calls,
so a front end can say what happened to the week before the seconds a PDF takes.

- A week already issued is reprinted from its snapshot, exactly as issued (entries back-dated
  since then do not change it).  ``reissue`` replaces the snapshot with today's figures.
- A week that is not over at the as-of date (its Sunday is later) is printed as a draft and
  not frozen; so is any report asked for with ``draft``.
- "What changed" compares with the latest report issued for an earlier week.
- A portfolio without a project (a mistyped database, say) is refused: no empty week is issued.

The default week, in the CLI and the terminal UI alike, is the one containing the as-of date
(``core.calendar.resolve_week``).  The report is built by ``reports.weekly`` and rendered by
``reports.render``; this module reads and freezes it through the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from projtrack.core.calendar import resolve_week
from projtrack.core.targets import merged
from projtrack.errors import BadData, BadUsage
from projtrack.i18n import current_lang
from projtrack.reports import FORMATS
from projtrack.reports import render as render_files
from projtrack.reports.model import WeeklyReport, from_data, to_data
from projtrack.reports.weekly import build_weekly
from projtrack.services.portfolio import load_portfolio
from projtrack.services.settings import county_name, stored_targets
from projtrack.store.repo import Store, os_user

KIND = "weekly"


class IssueStatus(StrEnum):
    """What printing a week did (``report.msg.<value>`` says it)."""

    ISSUED = "issued"  # first print of a finished week: frozen now
    REISSUED = "reissued"  # frozen again with today's figures (--reissue)
    REPRINTED = "reprinted"  # printed from the frozen snapshot
    DRAFT = "draft"  # not frozen: asked for, or the week is not over


@dataclass(frozen=True)
class Issued:
    report: WeeklyReport
    status: IssueStatus
    week_not_over: bool = False  # a draft because the week ends after the as-of date

    @property
    def frozen(self) -> bool:
        """The week has a frozen snapshot (issued now, before, or again)."""
        return self.status != IssueStatus.DRAFT


def default_week(as_of: dt.date) -> str:
    """The week a report prints when none is named: the one containing ``as_of``."""
    return resolve_week(None, as_of)[0]


def _decode(data: str) -> WeeklyReport:
    return from_data(WeeklyReport, json.loads(data))


def encode(report: WeeklyReport) -> tuple[str, str]:
    """The snapshot's JSON text and its sha256.  Keys keep the report's own order (fields as
    declared, counts in the order they were printed), not a sorted one: what is read back is
    what was printed."""
    text = json.dumps(to_data(report), ensure_ascii=False, separators=(",", ":"))
    return text, hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_snapshot(store: Store, period: str) -> WeeklyReport | None:
    data = store.snapshot(KIND, period)
    return _decode(data) if data is not None else None


def previous_snapshot(store: Store, period: str) -> WeeklyReport | None:
    """The latest report issued for a week before ``period``."""
    data = store.previous_snapshot(KIND, period)
    return _decode(data) if data is not None else None


def issued_periods(store: Store) -> list[str]:
    """The weeks issued so far, oldest first."""
    return store.snapshot_periods(KIND)


def _freeze(store: Store, report: WeeklyReport, *,
            replace_existing: bool) -> tuple[WeeklyReport, IssueStatus]:
    issued_at, issued_by = dt.datetime.now(dt.UTC).replace(microsecond=0), os_user()
    report = replace(report, issued_at=issued_at, issued_by=issued_by, draft=False)
    text, digest = encode(report)
    action, data = store.freeze_snapshot(KIND, report.period, as_of=report.as_of,
                                         issued_at=issued_at, issued_by=issued_by,
                                         data=text, sha256=digest,
                                         replace_existing=replace_existing)
    if action == "kept":  # someone issued it meanwhile
        return _decode(data), IssueStatus.REPRINTED
    return report, IssueStatus.REISSUED if action == "reissue" else IssueStatus.ISSUED


def issue(store: Store, *, week: str | None = None, as_of: dt.date, draft: bool = False,
          reissue: bool = False) -> Issued:
    """The report for ``week`` ("2026-W48"; default: the ISO week containing ``as_of``), as of
    the week's last day: issued and frozen, reprinted, or a draft (see the module docstring).
    Raises BadUsage for a malformed week, or for ``draft`` with ``reissue``."""
    if draft and reissue:
        raise BadUsage("report.draft_and_reissue")
    try:
        period, monday, sunday = resolve_week(week, as_of)
    except ValueError as exc:
        raise BadUsage("report.bad_week", week=week) from exc
    if not draft and not reissue:
        frozen = load_snapshot(store, period)
        if frozen is not None:
            return Issued(frozen, IssueStatus.REPRINTED)
    not_over = sunday > as_of
    portfolio = load_portfolio(store, sunday, include_withdrawn=False)
    if not portfolio.projects:  # an empty week is no report: nothing issued, nothing frozen
        raise BadData("report.empty", period=period)
    report = build_weekly(portfolio, period=period, week_start=monday,
                          previous=previous_snapshot(store, period), county=county_name(store),
                          targets=merged(stored_targets(store)))
    if draft or not_over:
        return Issued(replace(report, draft=True), IssueStatus.DRAFT, week_not_over=not_over)
    frozen_report, status = _freeze(store, report, replace_existing=reissue)
    return Issued(frozen_report, status)


def check_formats(formats: Iterable[str]) -> list[str]:
    """``formats`` as a list; BadUsage for one that is not xlsx or pdf."""
    formats = list(formats)
    for fmt in formats:
        if fmt not in FORMATS:
            raise BadUsage("report.bad_format", fmt=fmt)
    return formats


def render(report: WeeklyReport, *, formats: Iterable[str] = FORMATS, out_dir: Path,
           lang: str | None = None, printed_on: dt.date | None = None) -> list[Path]:
    """Write ``report`` in each format into ``out_dir`` (created if missing); the files.
    Raises BadUsage for an unknown format, BadData when no CJK font is found for the PDF."""
    return render_files(report, formats=check_formats(formats), out_dir=out_dir,
                        lang=lang or current_lang(), printed_on=printed_on)


def write_weekly_report(store: Store, *, week: str | None = None, as_of: dt.date | None = None,
                        formats: Iterable[str] = FORMATS, out_dir: Path,
                        lang: str | None = None, draft: bool = False,
                        reissue: bool = False) -> list[Path]:
    """``issue`` then ``render`` in one call (``as_of`` defaults to today): the files written."""
    formats = check_formats(formats)
    issued = issue(store, week=week, as_of=as_of or dt.date.today(), draft=draft,
                   reissue=reissue)
    return render(issued.report, formats=formats, out_dir=out_dir, lang=lang)
