"""Scaled integers back to exact Decimals, without SQLAlchemy (``store.types.Scaled`` and the
first page's plain reader, ``store.firstpage``, both convert through ``from_units``)."""

from __future__ import annotations

from decimal import Context, Decimal, Inexact, InvalidOperation, Overflow

# An exact division: a BIGINT has at most 19 digits, and should a quotient ever need more than
# 40, Inexact is raised rather than a digit dropped.
_EXACT = Context(prec=40, traps=[Inexact, InvalidOperation, Overflow])
_POWERS = {scale: Decimal(10) ** scale for scale in range(10)}


def from_units(value: int, scale: int = 6) -> Decimal:
    """An integer count of 10**-scale units as the Decimal it stands for, without trailing
    zeros after the point (1500000 → 1.5; 5000000 → 5; 1200000000 → 1200).

    One exact division: its result keeps the exponent nearest the "ideal" 0, which is exactly
    that form, in half the time of scaling and normalising."""
    return _EXACT.divide(Decimal(value), _POWERS[scale])
