"""The weekly report: prepare a week (``prepare``), then write its files and freeze it
(``publish``) — two calls, so a front end can say what is happening during the seconds a PDF
takes.  The monthly and quarterly reports are the same machinery with ``kind="monthly"`` or
``"quarterly"`` (periods 2026-11, 2026-Q4, ``core.periods``): their snapshots are keyed by kind
and period, "what changed" compares with the previous report of the same kind, and their "this
week" figures are Σ 完成投资 dated in the period (``actual_between``).  ``brief`` gives a period's
通报 paragraph (``reports.brief``), from its snapshot when it was issued.

- A week already issued is reprinted from its snapshot, exactly as issued (entries back-dated
  since then do not change it).  ``reissue`` issues it again with today's figures: a new
  snapshot, the week's report from then on; the earlier ones are kept (append-only).
- A snapshot that no longer matches its hash or its place in the hash chain (``store.chain``:
  edited in the database after it was issued) is refused (BadData ``err.report_tampered``), to
  reprint and as the previous week alike: edited figures are never printed as issued.
- A week that is not over at the as-of date (its Sunday is later) is printed as a draft and
  not frozen; so is any report asked for with ``draft``.
- "What changed" compares with the latest report issued for an earlier week.
- A portfolio without a project (a mistyped database, say) is refused: no empty week is issued.
- A city's database (projects of more than one county): ``county`` gives the report of that
  county alone (titled with its name, frozen under ``core.periods.snapshot_kind``, compared
  with that county's previous report); without it, the city's consolidated report, whose first
  section has a line per county (``WeeklyReport.counties``, adding up to the city's summary)
  and whose title names the city (the setting ``city``, else 全市).  A county's own database
  prints as it always did.

Files are written before the week is frozen (``publish``): rendered to temporaries, then the
week frozen, then the files renamed into place, so that a failed write never leaves a week issued
without its files, and the files on disk are always what was frozen.

The default week, in the CLI and the terminal UI alike, is the one containing the as-of date
(``core.calendar.resolve_week``).  The report is built by ``reports.weekly`` and rendered by
``reports.render``; this module reads and freezes it through the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from projtrack.core.calendar import resolve_week
from projtrack.core.money import ZERO
from projtrack.core.periods import KINDS, Period, actual_in_period, resolve_period
from projtrack.core.portfolio import Portfolio, ProjectView
from projtrack.core.targets import merged
from projtrack.errors import BadData, BadUsage
from projtrack.i18n import current_lang
from projtrack.reports import FORMATS
from projtrack.reports import render as render_files
from projtrack.reports.model import CountyLine, Totals, WeeklyReport, from_data, to_data
from projtrack.reports.text import period_key
from projtrack.reports.weekly import build_weekly, totals_of
from projtrack.safefile import staged
from projtrack.services.breakdown import weekly_breakdowns
from projtrack.services.budget import changes as budget_changes
from projtrack.services.issues import issues as issues_log
from projtrack.services.portfolio import held_county, load_portfolio
from projtrack.services.settings import city_name, county_name, stored_targets
from projtrack.store.repo import Store

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
    pending: bool = False  # prepared to be frozen (ISSUED or REISSUED), not frozen yet

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


def load_snapshot(store: Store, period: str, kind: str = KIND,
                  county: str | None = None) -> WeeklyReport | None:
    """The report of ``kind`` issued for ``period`` (of ``county`` alone, when given)."""
    data = store.snapshot(kind, period, county)
    return _decode(data) if data is not None else None


def previous_snapshot(store: Store, period: str, kind: str = KIND,
                      county: str | None = None) -> WeeklyReport | None:
    """The latest report of ``kind`` issued for a period before ``period`` (a month's previous
    report is a month's, never a week's; a county's is that county's, the city's the city's)."""
    data = store.previous_snapshot(kind, period, county)
    return _decode(data) if data is not None else None


def issued_periods(store: Store, kind: str = KIND, county: str | None = None) -> list[str]:
    """The periods of ``kind`` issued so far (for ``county`` alone, when given), oldest first."""
    return store.snapshot_periods(kind, county)


def freeze(store: Store, issued: Issued) -> Issued:
    """Freeze a prepared week (``pending``): its report, stamped when it was prepared, becomes
    the week's snapshot.  When another process froze the week first, the stored report is
    returned (REPRINTED): that is the one issued.  Anything else is returned as it is."""
    if not issued.pending:
        return issued
    report = issued.report
    assert report.issued_at is not None and report.issued_by is not None
    text, digest = encode(report)
    action, data = store.freeze_snapshot(report.kind, report.period, as_of=report.as_of,
                                         issued_at=report.issued_at,
                                         issued_by=report.issued_by, data=text, sha256=digest,
                                         replace_existing=issued.status == IssueStatus.REISSUED,
                                         county=report.scope)
    if action == "kept":  # someone issued it meanwhile
        return Issued(_decode(data), IssueStatus.REPRINTED)
    status = IssueStatus.REISSUED if action == "reissue" else IssueStatus.ISSUED
    return Issued(report, status)


def resolve(kind: str, text: str | None, as_of: dt.date) -> Period:
    """The period of ``kind`` named by ``text`` (default: the one containing ``as_of``);
    BadUsage for a malformed one (``report.bad_week`` / ``bad_month`` / ``bad_quarter``)."""
    if kind not in KINDS:
        raise BadUsage("report.bad_kind", kind=kind)
    try:
        return resolve_period(kind, text, as_of)
    except ValueError as exc:
        key = {"weekly": "report.bad_week", "monthly": "report.bad_month",
               "quarterly": "report.bad_quarter"}[kind]
        raise BadUsage(key, week=text, period=text) from exc


def actual_between(store: Store, start: dt.date, end: dt.date) -> dict[int, Decimal]:
    """Each project's Σ 完成投资 dated ``start`` … ``end`` (inclusive; reversals count): its
    cumulative 完成投资 at ``end`` less the one on the day before ``start`` (``core.periods``),
    both the store's exact sums (``Store.ledger_sums``)."""
    with store.consistent():
        upto = store.ledger_sums(end)
        before = store.ledger_sums(start - dt.timedelta(days=1))
    return actual_in_period(upto, before)


def _with_period_actual(portfolio: Portfolio, actual: dict[int, Decimal]) -> Portfolio:
    """The portfolio with each project's "this period" 完成投资 in the place of this week's, so
    that every group's total of it is summed as this week's is (``core.groups``)."""
    return replace(portfolio, projects=tuple(
        ProjectView(v.facts, replace(v.figures, actual_this_week=actual.get(v.id, ZERO)))
        for v in portfolio.projects))


def _scoped(store: Store, portfolio: Portfolio, county: str | None
            ) -> tuple[Portfolio, str | None, tuple[CountyLine, ...] | None, Totals | None]:
    """The portfolio a report covers, the place its title names, and, for a city's consolidated
    report, its line per county and its summary (the city's figures: the counties' sums)."""
    if county is not None:
        return portfolio.of_county(county), county, None, None
    if not portfolio.multi_county:
        return portfolio, county_name(store), None, None
    city, counties = portfolio.totals_and_by_county()
    lines = tuple(CountyLine(str(k), totals_of(g)) for k, g in counties.items())
    # "" (not None): no county guessed from the names; the title then says 全市
    return portfolio, city_name(store) or "", lines, totals_of(city)


def prepare(store: Store, *, week: str | None = None, as_of: dt.date, draft: bool = False,
            reissue: bool = False, kind: str = KIND, county: str | None = None) -> Issued:
    """The report for ``week`` ("2026-W48"; default: the ISO week containing ``as_of``), as of
    the week's last day: the frozen one to reprint, a draft, or one to issue (``pending``,
    stamped with who and when, frozen by ``freeze`` or ``publish``); of ``county`` alone when
    given (see the module docstring).  Raises BadUsage for a malformed week, for ``draft``
    with ``reissue``, or for a county the database holds no project of."""
    if draft and reissue:
        raise BadUsage("report.draft_and_reissue")
    span = resolve(kind, week, as_of)
    county = held_county(store, county)
    period, monday, sunday = span.name, span.start, span.end
    if not draft and not reissue:
        frozen = load_snapshot(store, period, kind, county)
        if frozen is not None:
            return Issued(frozen, IssueStatus.REPRINTED)
    not_over = sunday > as_of
    # a week's figures are its Sunday's even while it runs (as it always printed); a month's or
    # a quarter's not over yet are the as-of date's
    day = sunday if kind == KIND else min(sunday, as_of)
    # one read transaction: the figures, the period's 完成投资 and the breakdowns' funds by
    # source see the same entries (the sources add up to 到位资金 even while officers write)
    with store.consistent():
        portfolio = load_portfolio(store, day, include_withdrawn=False)
        if kind != KIND:
            portfolio = _with_period_actual(portfolio, actual_between(store, monday, day))
        portfolio, place, counties, city = _scoped(store, portfolio, county)
        if not portfolio.projects:  # an empty week is no report: nothing issued or frozen
            raise BadData(period_key("report.empty", kind), period=period)
        mine = {v.id for v in portfolio.projects} if county is not None else None
        report = build_weekly(portfolio, period=period, week_start=monday,
                              previous=previous_snapshot(store, period, kind, county),
                              county=place, targets=merged(stored_targets(store)),
                              pending=[c for c in budget_changes(store, pending=True)
                                       if mine is None or c.project_id in mine],  # as issued
                              issues=[i for i in issues_log(store, day=sunday, only_open=False)
                                      if mine is None or i.project_id in mine])
        report = replace(report, breakdowns=weekly_breakdowns(store, portfolio),  # 分项统计
                         scope=county, counties=counties,
                         summary=city if city is not None else report.summary)
    if kind != KIND:
        report = replace(report, kind=kind, week_end=sunday)
    if draft or not_over:
        return Issued(replace(report, draft=True), IssueStatus.DRAFT, week_not_over=not_over)
    from projtrack.i18n import t
    from projtrack.services.database import current_user
    from projtrack.services.roles import require

    require(store, "officer", t("role.what.issue", period=period))  # a leader: drafts only
    issued_at, issued_by = dt.datetime.now(dt.UTC).replace(microsecond=0), current_user(store)
    report = replace(report, issued_at=issued_at, issued_by=issued_by, draft=False)
    return Issued(report, IssueStatus.REISSUED if reissue else IssueStatus.ISSUED, pending=True)


def issue(store: Store, *, week: str | None = None, as_of: dt.date, draft: bool = False,
          reissue: bool = False, kind: str = KIND, county: str | None = None) -> Issued:
    """``prepare`` then ``freeze``, without writing a file (see the module docstring)."""
    return freeze(store, prepare(store, week=week, as_of=as_of, draft=draft, reissue=reissue,
                                 kind=kind, county=county))


@dataclass(frozen=True)
class Brief:
    """The 通报 paragraph of a period: from its frozen snapshot when it was issued
    (``issued_at``), else from the current figures (``draft``)."""

    text: str
    report: WeeklyReport
    draft: bool


def brief(store: Store, *, period: str | None = None, as_of: dt.date, lang: str | None = None,
          kind: str = KIND, county: str | None = None) -> Brief:
    """The paragraph of ``period`` (default: the one of ``kind`` containing ``as_of``; of
    ``county`` alone when given); nothing is issued or frozen."""
    from projtrack.reports.brief import brief_text

    span = resolve(kind, period, as_of)
    county = held_county(store, county)
    frozen = load_snapshot(store, span.name, kind, county)
    report = frozen if frozen is not None else prepare(
        store, week=span.name, as_of=as_of, draft=True, kind=kind, county=county).report
    return Brief(brief_text(report, lang or current_lang()), report, frozen is None)


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


def publish(store: Store, issued: Issued, *, formats: Iterable[str] = FORMATS, out_dir: Path,
            lang: str | None = None, printed_on: dt.date | None = None,
            on_written: Callable[[str], object] | None = None) -> tuple[Issued, list[Path]]:
    """Write a prepared report's files and, for a week to issue, freeze it — in this order:
    every file is rendered to a temporary beside its target, then the week is frozen, then
    the files are renamed into place.  A failure before the freeze (a full disk, a symlinked
    target, no font) leaves the week unfrozen and no file changed.  When another process
    froze the week meanwhile with other figures, the files are rendered again from what it
    froze, so the files on disk are always the week's snapshot.  ``on_written(fmt)`` is called
    after each format is rendered (the app's progress bar).  Returns the week as it now
    stands and the files."""
    formats = check_formats(formats)
    lang = lang or current_lang()
    with staged() as files:
        for fmt in formats:
            render_files(issued.report, formats=[fmt], out_dir=out_dir, lang=lang,
                         printed_on=printed_on, files=files)
            if on_written is not None:
                on_written(fmt)
        final = freeze(store, issued)
        if final.report != issued.report:  # frozen by another process first: print its report
            files.discard()
            for fmt in formats:
                render_files(final.report, formats=[fmt], out_dir=out_dir, lang=lang,
                             printed_on=printed_on, files=files)
        return final, files.commit()


def write_weekly_report(store: Store, *, week: str | None = None, as_of: dt.date | None = None,
                        formats: Iterable[str] = FORMATS, out_dir: Path,
                        lang: str | None = None, draft: bool = False,
                        reissue: bool = False) -> list[Path]:
    """``prepare`` then ``publish`` in one call (``as_of`` defaults to today): the files."""
    formats = check_formats(formats)
    prepared = prepare(store, week=week, as_of=as_of or dt.date.today(), draft=draft,
                       reissue=reissue)
    return publish(store, prepared, formats=formats, out_dir=out_dir, lang=lang)[1]
