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
    """The template's columns, sized for print: A4 landscape one page wide at about two thirds
    (``template.PRINT_SCALE_MIN``), the long texts wrapped, a date in a 10 pt cell."""
    cols = [
        Col("id", "project", 5, False, "int"),
        Col("name", "project", 24, False, "text"),
        Col("township", "project", 7, False, "text"),
        Col("unit", "project", 9, False, "text"),
        Col("phase", "project", 5, False, "text"),
        Col("total_investment", "current", 9, False, "money"),
        Col("annual_plan", "current", 9, False, "money"),
        Col("actual_to_date", "current", 9, False, "money"),
        Col("progress", "current", 9, False, "text"),
        Col("week_actual", "fill", 9, True, "money"),
        Col("cumulative", "fill", 9, True, "money"),
        Col("stage", "fill", 7, True, "stage"),
        Col("percent", "fill", 6, True, "percent"),
    ]
    cols += [Col(f"ms:{m}", "milestones", 9.5, True, "date") for m in MILESTONES]
    cols.append(Col("note", "fill", 14, True, "text"))
    return cols


def header_key(code: str) -> str:
    """The catalog key of a column's header ("ms:开工" → the milestone's own term)."""
    return f"term.{code[3:]}" if code.startswith("ms:") else f"progress.col.{code}"


# --- the signature of the hidden sheet ---------------------------------------------------------
# The hidden sheet says which week a return books its entries on and which project each row is;
# an edited period would book entries on the wrong date.  The template signs both with an
# HMAC-SHA256 under a secret of the database it was made from (kept in its setting table), and
# the reader refuses a return whose signatures do not match.  Two signatures, so that a refusal
# can say what was changed: the period and its dates, or the rows' projects.
SECRET_SETTING = "progress_template_secret"
PERIOD_FIELDS = ("magic", "version", "period", "week_start", "week_end", "as_of", "sheet",
                 "header_row", "first_row", "columns")
SIGNED_PERIOD, SIGNED_ROWS = "signature_period", "signature_rows"
MAX_RETURN_ROWS = 100_000  # rows of a returned sheet (a province holds tens of thousands)


def sign(secret: bytes, meta: dict[str, str], ids: list[str]) -> dict[str, str]:
    """The two signatures of a template: over its period fields, and over its rows' project
    ids (column A, in order)."""
    import hashlib
    import hmac

    period = "\x1f".join(f"{k}={meta.get(k, '')}" for k in PERIOD_FIELDS)
    rows = "\x1f".join([meta.get("magic", ""), *ids])
    return {SIGNED_PERIOD: hmac.new(secret, period.encode(), hashlib.sha256).hexdigest(),
            SIGNED_ROWS: hmac.new(secret, rows.encode(), hashlib.sha256).hexdigest()}


def changed_parts(secret: bytes | None, meta: dict[str, str], ids: list[str]) -> list[str]:
    """What does not match its signature: "period", "rows" (or "unsigned" when the sheet has
    no signature, "secret" when the database has no secret); empty when all is as signed."""
    import hmac

    if SIGNED_PERIOD not in meta or SIGNED_ROWS not in meta:
        return ["unsigned"]
    if secret is None:
        return ["secret"]
    want = sign(secret, meta, ids)
    return [part for part, key in (("period", SIGNED_PERIOD), ("rows", SIGNED_ROWS))
            if not hmac.compare_digest(want[key], meta[key])]
