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
    from projtrack.safefile import Staged

FORMATS = ("xlsx", "pdf")


def report_paths(report: WeeklyReport, out_dir: Path, formats: Iterable[str],
                 lang: str) -> list[Path]:
    """周报-2026-W48.xlsx / weekly-report-2026-W48.pdf, 月报-2026-11.xlsx, 季报-2026-Q4.pdf (a
    draft says so in its name)."""
    from projtrack.i18n import t
    from projtrack.reports.text import period_key

    stem = f"{t(period_key('report.file_stem', report.kind), lang=lang)}-{report.period}"
    if report.draft:
        stem += f"-{t('report.file_draft', lang=lang)}"
    return [out_dir / f"{stem}.{fmt}" for fmt in formats]


def make_folder(out_dir: Path) -> Path:
    """``out_dir``, made when missing; BadUsage naming it when it is a file (or under one),
    BadData when it cannot be made (no permission, a read-only disk)."""
    from projtrack.errors import BadData
    from projtrack.safefile import check_folder

    out_dir = check_folder(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:  # a file on the way: name it
        from projtrack.errors import BadUsage

        blocker = next((p for p in (out_dir, *out_dir.parents)
                        if p.exists() and not p.is_dir()), out_dir)
        raise BadUsage("err.not_a_folder", path=str(blocker)) from exc
    except OSError as exc:
        raise BadData("err.write_failed", path=str(out_dir), why=exc.strerror or exc) from exc
    return out_dir


def render(report: WeeklyReport, *, formats: Iterable[str] = FORMATS, out_dir: Path,
           lang: str, printed_on: dt.date | None = None,
           files: Staged | None = None) -> list[Path]:
    """Write the report in each format into ``out_dir`` (created if missing), each file
    through ``projtrack.safefile`` (a temporary renamed into place; a symlinked target is
    refused).  Given ``files``, the files are only staged there: its ``commit`` publishes them."""
    from projtrack.safefile import staged

    formats = list(formats)
    out_dir = make_folder(Path(out_dir))
    printed_on = printed_on or dt.date.today()
    paths = report_paths(report, out_dir, formats, lang)
    with staged() as own:
        stage = files if files is not None else own
        for fmt, path in zip(formats, paths, strict=True):
            stage.write(path, _writer(fmt, report, lang, printed_on))
        return paths if files is not None else own.commit()


def _writer(fmt: str, report: WeeklyReport, lang: str, printed_on: dt.date):
    if fmt == "xlsx":
        from projtrack.reports.xlsx import write_xlsx

        return lambda p: write_xlsx(report, p, lang=lang, printed_on=printed_on)
    if fmt == "pdf":
        from projtrack.reports.pdf import write_pdf

        return lambda p: write_pdf(report, p, lang=lang, printed_on=printed_on)
    from projtrack.errors import BadUsage

    raise BadUsage("report.bad_format", fmt=fmt)
