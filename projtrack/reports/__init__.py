"""Reports: built as data (``model``, ``weekly``), rendered (``xlsx``, ``pdf``) by ``render``.
Nothing here reads or writes the database: issuing and freezing a week is
``services.weekly``, which the CLI and the TUI both call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing the package loads nothing heavy
    from projtrack.reports.model import WeeklyReport

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
