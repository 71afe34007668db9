"""Reports: built as data (``model``, ``weekly``), frozen when issued (``issue``), rendered
(``xlsx``, ``pdf``).  The CLI and the TUI both call ``write_weekly_report``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing the package loads nothing heavy
    from projtrack.reports.issue import Issued
    from projtrack.reports.model import WeeklyReport
    from projtrack.store.repo import Store

FORMATS = ("xlsx", "pdf")


def report_paths(report: WeeklyReport, out_dir: Path, formats: Iterable[str],
                 lang: str) -> list[Path]:
    """周报-2026-W48.xlsx / weekly-report-2026-W48.pdf (a draft says so in its name)."""
    from projtrack.i18n import t

    stem = f"{t('report.file_stem', lang=lang)}-{report.period}"
    if report.draft:
        stem += f"-{t('report.file_draft', lang=lang)}"
    return [out_dir / f"{stem}.{fmt}" for fmt in formats]


def render(report: WeeklyReport, *, formats: Iterable[str] = FORMATS, out_dir: Path,
           lang: str, printed_on: dt.date | None = None) -> list[Path]:
    """Write the report in each format into ``out_dir`` (created if missing)."""
    formats = list(formats)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    printed_on = printed_on or dt.date.today()
    paths = report_paths(report, out_dir, formats, lang)
    for fmt, path in zip(formats, paths, strict=True):
        if fmt == "xlsx":
            from projtrack.reports.xlsx import write_xlsx

            write_xlsx(report, path, lang=lang, printed_on=printed_on)
        elif fmt == "pdf":
            from projtrack.reports.pdf import write_pdf

            write_pdf(report, path, lang=lang, printed_on=printed_on)
        else:
            from projtrack.errors import BadUsage

            raise BadUsage("report.bad_format", fmt=fmt)
    return paths


def issue_and_render(store: Store, *, week: str | None = None, as_of: dt.date | None = None,
                     formats: Iterable[str] = FORMATS, out_dir: Path, lang: str | None = None,
                     draft: bool = False, reissue: bool = False,
                     printed_on: dt.date | None = None) -> tuple[Issued, list[Path]]:
    """Issue (or reprint, or draft) the week's report and write its files."""
    from projtrack.errors import BadUsage
    from projtrack.i18n import current_lang
    from projtrack.reports.issue import issue_weekly

    formats = list(formats)
    for fmt in formats:
        if fmt not in FORMATS:
            raise BadUsage("report.bad_format", fmt=fmt)
    if draft and reissue:
        raise BadUsage("report.draft_and_reissue")
    lang = lang or current_lang()
    try:
        issued = issue_weekly(store, week=week, as_of=as_of or dt.date.today(), draft=draft,
                              reissue=reissue)
    except ValueError as exc:
        raise BadUsage("report.bad_week", week=week) from exc
    return issued, render(issued.report, formats=formats, out_dir=out_dir, lang=lang,
                          printed_on=printed_on)


def write_weekly_report(store: Store, *, week: str | None = None, as_of: dt.date | None = None,
                        formats: Iterable[str] = FORMATS, out_dir: Path,
                        lang: str | None = None, draft: bool = False,
                        reissue: bool = False) -> list[Path]:
    """The weekly report for ``week`` ("2026-W48"; default: the ISO week containing ``as_of``,
    which defaults to today), as of the week's last day, written in ``formats`` into
    ``out_dir``; returns the files written.

    The first time a finished week is printed its report is issued: its content is frozen in
    the database, and every later call reprints exactly that.  A week not over at ``as_of`` is
    printed as a draft (not frozen; "草稿" in the title and the file name).  Raises BadUsage for
    a malformed week or format, BadData when no CJK font can be found for the PDF."""
    return issue_and_render(store, week=week, as_of=as_of, formats=formats, out_dir=out_dir,
                            lang=lang, draft=draft, reissue=reissue)[1]
