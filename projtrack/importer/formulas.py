"""Formulas whose cached value is missing (a workbook written by a script, never opened in Excel).

Only simple arithmetic is computed: ``=SUM(I11:M11)``, ``=SUM(I11:M11,N11)``, ``=A1+B1-C1``,
``=G9``, constants, and sums of those terms, over cells of the same sheet.  Blank cells and "none"
markers (—, /) count as 0; a referenced cell that is 待定, text, or another formula that cannot be
computed makes the result unknown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from projtrack.core.money import NumberFormatError, NumState, read_number

_REF = r"\$?([A-Z]{1,3})\$?(\d+)"
_TERM = re.compile(rf"SUM\(([^()]*)\)|{_REF}(?::{_REF})?|(\d+(?:\.\d+)?)")
MAX_CELLS = 10_000  # cells a single formula may sum
MAX_DEPTH = 50


class Unresolvable(Exception):
    pass


def column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def _cells(first: tuple[str, str], last: tuple[str, str] | None) -> list[tuple[int, int]]:
    c1, r1 = column_number(first[0]), int(first[1])
    c2, r2 = (column_number(last[0]), int(last[1])) if last else (c1, r1)
    rows = range(min(r1, r2), max(r1, r2) + 1)
    cols = range(min(c1, c2), max(c1, c2) + 1)
    if len(rows) * len(cols) > MAX_CELLS:
        raise Unresolvable("range too large")
    return [(r, c) for r in rows for c in cols]


def _sum_args(args: str, value_of: Callable[[int, int], Decimal]) -> Decimal:
    total = Decimal(0)
    for arg in filter(None, args.split(",")):
        m = re.fullmatch(rf"{_REF}(?::{_REF})?|(\d+(?:\.\d+)?)", arg)
        if not m:
            raise Unresolvable(arg)
        if m[5] is not None:
            total += Decimal(m[5])
            continue
        last = (m[3], m[4]) if m[3] else None
        total += sum((value_of(r, c) for r, c in _cells((m[1], m[2]), last)), Decimal(0))
    return total


def evaluate(formula: str, value_of: Callable[[int, int], Decimal]) -> Decimal:
    """The value of a simple formula; ``value_of(row, col)`` gives a cell's number.
    Raises Unresolvable for anything else."""
    text = re.sub(r"\s+", "", formula.lstrip("=")).upper()
    if not text or "!" in text:
        raise Unresolvable(formula)
    pos, total = 0, Decimal(0)
    while pos < len(text):
        sign = Decimal(1)
        if text[pos] in "+-":
            sign = Decimal(-1) if text[pos] == "-" else sign
            pos += 1
        elif pos:
            raise Unresolvable(formula)
        m = _TERM.match(text, pos)
        if not m:
            raise Unresolvable(formula)
        if m[1] is not None:
            term = _sum_args(m[1], value_of)
        elif m[6] is not None:
            term = Decimal(m[6])
        elif m[4]:  # a range outside SUM
            raise Unresolvable(formula)
        else:
            term = value_of(int(m[3]), column_number(m[2]))
        total += sign * term
        pos = m.end()
    return total


class Resolver:
    """Computes uncached formulas of one sheet over its grid of values (``grid[row-1][col-1]``)."""

    def __init__(self, grid: list[list], formulas: dict[tuple[int, int], str]):
        self.grid, self.formulas = grid, formulas
        self._memo: dict[tuple[int, int], Decimal] = {}
        self._active: set[tuple[int, int]] = set()

    def _raw(self, row: int, col: int) -> object:
        if row - 1 < len(self.grid) and col - 1 < len(self.grid[row - 1]):
            return self.grid[row - 1][col - 1]
        return None

    def value(self, row: int, col: int) -> Decimal:
        raw = self._raw(row, col)
        if raw is None and (row, col) in self.formulas:
            return self.compute(row, col)
        try:
            num = read_number(raw)
        except NumberFormatError as exc:
            raise Unresolvable(raw) from exc
        if num.state is NumState.TBD:
            raise Unresolvable(raw)
        return num.value if num.value is not None else Decimal(0)

    def compute(self, row: int, col: int) -> Decimal:
        key = (row, col)
        if key in self._memo:
            return self._memo[key]
        if key in self._active or len(self._active) > MAX_DEPTH:
            raise Unresolvable("circular or too deep")
        self._active.add(key)
        try:
            result = evaluate(self.formulas[key], self.value)
        finally:
            self._active.discard(key)
        self._memo[key] = result
        return result
