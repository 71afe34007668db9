"""The one cell writer of every workbook projtrack writes — the weekly report, the portfolio
export, the progress fill-in sheet.

- Text is text: never a formula, an error value or a link, whatever it starts with (=, +, -,
  @, #N/A), and without the control characters xlsx cannot hold.
- A Decimal is written as its exact digits.  openpyxl writes a number with ``"%.16g"``, i.e.
  through a binary float: Decimal("0.0933") became 0.09329999999999999 in the file, and an
  amount to the cent above 10¹⁴ lost its cents.  ``Exact`` carries the digits to the file; the
  cell stays a number (type "n"), so sums and number formats work as before.  A computed
  figure finer than 6 decimals (a variance against a share of a year's plan) is rounded half
  up to 6, the cent of 万元 and the finest rate projtrack shows, as money is kept everywhere.
"""

from __future__ import annotations

import re
from decimal import Decimal

from projtrack.core.money import QUANTUM, quantize, to_plain

MAX_TEXT = 32767  # characters in one cell
# the control characters an xlsx cell cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE, kept here
# so that a writer other than openpyxl, XlsxWriter, cleans text the same way)
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


class Exact:
    """A Decimal's plain digits ("0.0933", "-1200.5") for a numeric cell: openpyxl's writer
    turns a value it does not know as a number or a date into ``str(value)``."""

    __slots__ = ("digits", "value")

    def __init__(self, value: Decimal):
        if value.as_tuple().exponent < QUANTUM.as_tuple().exponent:  # type: ignore[operator]
            value = quantize(value)
        self.value = value
        self.digits = to_plain(value) or "0"

    def __str__(self) -> str:
        return self.digits

    def __repr__(self) -> str:
        return f"Exact({self.digits})"

    def __eq__(self, other: object) -> bool:
        return self.value == (other.value if isinstance(other, Exact) else other)

    def __hash__(self) -> int:
        return hash(self.value)


def text(value: str) -> str:
    """A string as a cell holds it: no control characters, at most MAX_TEXT characters."""
    if not value.isprintable():  # printable text (most of it) holds no control character
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value[:MAX_TEXT]


def store(cell, value: object) -> None:
    """Write ``value`` into ``cell`` (its style untouched): text as text, a Decimal exactly, a
    non-finite Decimal as an empty cell, anything else as openpyxl writes it."""
    if isinstance(value, str):
        cell.value = text(value)
        cell.data_type = "s"
    elif isinstance(value, Decimal):
        if value.is_finite():
            cell.value = 0  # sets the number type
            cell._value = Exact(value)
        else:
            cell.value = None
    else:
        cell.value = value


def put(ws, row: int, col: int, value: object, number_format: str | None = None):
    """Write one cell of ``ws`` (``store``), with a number format for a value that has one."""
    cell = ws.cell(row=row, column=col)
    store(cell, value)
    if number_format and value is not None and not isinstance(value, str):
        cell.number_format = number_format
    return cell
