"""The layout of the progress fill-in sheet, shared by the template writer and the reader.

The template records its layout (week, columns, first row) in a very hidden sheet, so the reader
never guesses: it reads the columns the template says it wrote and checks their headers.
"""

from __future__ import annotations

from dataclasses import dataclass

from projtrack.core.types import MILESTONES

META_SHEET = "_projtrack"
MAGIC = "projtrack-progress-template"
VERSION = 1
GROUP_ROW, HEADER_ROW, FIRST_ROW = 4, 5, 6
MAX_NOTE = 200  # characters of a note


@dataclass(frozen=True)
class Col:
    code: str
    group: str  # project | current | fill | milestones
    width: float
    fill: bool  # a cell the sender fills in (unlocked, validated)
    kind: str  # text | int | money | rate | date | stage | percent


def columns() -> list[Col]:
    cols = [
        Col("id", "project", 7, False, "int"),
        Col("name", "project", 34, False, "text"),
        Col("township", "project", 9, False, "text"),
        Col("unit", "project", 14, False, "text"),
        Col("phase", "project", 6, False, "text"),
        Col("total_investment", "current", 11, False, "money"),
        Col("annual_plan", "current", 10, False, "money"),
        Col("actual_to_date", "current", 11, False, "money"),
        Col("progress", "current", 13, False, "text"),
        Col("week_actual", "fill", 11, True, "money"),
        Col("cumulative", "fill", 11, True, "money"),
        Col("stage", "fill", 10, True, "stage"),
        Col("percent", "fill", 8, True, "percent"),
    ]
    cols += [Col(f"ms:{m}", "milestones", 10.5, True, "date") for m in MILESTONES]
    cols.append(Col("note", "fill", 24, True, "text"))
    return cols


def header_key(code: str) -> str:
    """The catalog key of a column's header ("ms:开工" → the milestone's own term)."""
    return f"term.{code[3:]}" if code.startswith("ms:") else f"progress.col.{code}"
