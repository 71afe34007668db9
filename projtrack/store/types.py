"""Column types that keep Decimals exact on every engine.

SQLite stores a NUMERIC column as a binary float (see PITFALLS), so money, land and floor area
are stored as scaled integers: ``Scaled(6)`` keeps 6 decimals (万元 to the cent) in a BIGINT.
Sums in SQL stay exact integers; the type converts them back to Decimal on the way out.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger
from sqlalchemy.types import TypeDecorator

from projtrack.store.exact import _EXACT, _POWERS, from_units

MAX_SCALED = 2**63 - 1  # BIGINT: with 6 decimals, up to about 9.2 trillion 万元

__all__ = ["MAX_SCALED", "Scaled", "from_units", "money"]


class Scaled(TypeDecorator):
    """A Decimal stored as an integer count of 10**-scale units."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, scale: int = 6):
        super().__init__()
        self.scale = scale
        self._factor = Decimal(10) ** scale

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("money must be a Decimal, never a float")
        d = Decimal(value) * self._factor
        if d != d.to_integral_value():
            raise ValueError(f"{value} has more than {self.scale} decimals")
        if abs(d) > MAX_SCALED:
            raise ValueError(f"{value} is too large to store")
        return int(d)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float):  # never expected: guard against a float sneaking in
            raise TypeError("a scaled integer column returned a float")
        return from_units(int(value), self.scale)

    def result_processor(self, dialect, coltype):
        # ``process_result_value`` inlined, without TypeDecorator's generic wrapper around it
        # (neither SQLite's nor psycopg's BIGINT needs a processor of its own: both hand back
        # an int): a portfolio of 10,000 projects reads about 100,000 of these
        divide, factor = _EXACT.divide, _POWERS[self.scale]

        def process(value):
            if value is None:
                return None
            if type(value) is not int:
                if isinstance(value, float):  # never expected: guard against a float
                    raise TypeError("a scaled integer column returned a float")
                value = int(value)
            return divide(Decimal(value), factor)
        return process

    def __repr__(self) -> str:
        return f"Scaled({self.scale})"

    def copy(self, **kw):
        return Scaled(self.scale)


def money() -> Scaled:
    return Scaled(6)
