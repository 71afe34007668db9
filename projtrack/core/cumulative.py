"""A cumulative figure as an officer gives it, and the increment that follows from it
(DOMAIN.md, "Entries as officers give them"): 本年累计 (``year``, this year to the date) or 开累
(``total``, since the project began, prior actual included for 完成投资).  Pure: the entries on
record are handed in.  Used by the entry verbs and by the progress returns alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from projtrack.core.money import ZERO
from projtrack.core.types import ACTUAL


@dataclass(frozen=True)
class Derived:
    """An amount as the officer gave it and the increment recorded for it.  ``basis`` None: the
    amount is the increment; else ``before`` is what is on record on that basis up to the date
    (本年累计: this year's entries; 开累: prior actual and every entry) and ``increment`` =
    ``typed`` − ``before``."""

    typed: Decimal
    basis: str | None
    before: Decimal
    increment: Decimal


def derive(typed: Decimal, basis: str | None, *, kind: str, day: dt.date,
           amounts: Iterable[tuple[dt.date, Decimal]], prior: Decimal | None) -> Derived:
    """The increment of ``typed`` on ``basis`` from the series' entries (date, amount) dated up to
    ``day`` (later ones are ignored)."""
    if basis is None:
        return Derived(typed, None, ZERO, typed)
    on_record = [a for d, a in amounts if d <= day and (basis == "total" or d.year == day.year)]
    before = sum(on_record, ZERO)
    if basis == "total" and kind == ACTUAL:
        before += prior or ZERO
    return Derived(typed, basis, before, typed - before)
