"""Annexes of two counties for the county tests: the sample (平阳县, named in its title cell
附件!A2) and a second county's built from it — every 平阳 in its cells (the title, the
project names, the units) becomes the other county's, so most projects differ in name and a
few (those whose names carry no county, e.g. 鳌江镇…) share a name with 平阳县's."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from tests.conftest import SAMPLE


def county_annex(path: Path, county: str = "苍南县", *, drop: int = 0,
                 title: str | None = None, renames: dict[str, str] | None = None) -> Path:
    """The sample as ``county``'s annex, saved at ``path``, without its last ``drop``
    projects; ``title`` replaces the title cell (A2) when given; ``renames``: more words
    replaced in every cell."""
    wb = openpyxl.load_workbook(SAMPLE)
    short = county[:-1]
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "平阳" in cell.value:
                    cell.value = cell.value.replace("平阳县", county).replace("平阳", short)
                for old, new in (renames or {}).items():
                    if isinstance(cell.value, str) and old in cell.value:
                        cell.value = cell.value.replace(old, new)
        if title is not None:
            ws["A2"] = title
    if drop:
        _drop_last(wb, drop)
    wb.save(path)
    return path


def sample_annex(path: Path, *, drop: int = 0) -> Path:
    """The sample itself (平阳县), without its last ``drop`` projects."""
    wb = openpyxl.load_workbook(SAMPLE)
    if drop:
        _drop_last(wb, drop)
    wb.save(path)
    return path


def _drop_last(wb, n: int) -> None:
    """Blank the last ``n`` project rows of the first sheet (rows whose 序号 is a number)."""
    ws = wb.worksheets[0]
    rows = [r for r in range(1, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, int)
            or (isinstance(ws.cell(r, 1).value, str) and ws.cell(r, 1).value.isdigit())]
    for r in rows[-n:]:
        for c in range(1, ws.max_column + 1):
            ws.cell(r, c).value = None
