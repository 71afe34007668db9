"""Values as JSON holds them — the one encoder of the export, the frozen reports, the import
history's undo rows and the audit trail.

Decimals become decimal strings (never floats; a float reaching here is a bug and is refused),
dates and datetimes ISO strings, dataclasses objects of their fields, mappings objects with
string keys, sequences and sets lists; ``None``, booleans, integers and strings (a ``StrEnum``
member is its value) stay as they are.  Anything else is written as its ``str``.

``decimal`` says how a Decimal is written: ``to_plain`` (the default: "1200", "0.4", no
exponent, no trailing zeros) for what officers and other programs read, ``str`` where the text
must give back the very same Decimal, digits and exponent alike (a frozen report reprints
exactly as it was issued).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal

from projtrack.core.money import to_plain


def to_json(value: object, decimal: Callable[[Decimal], object] = to_plain) -> object:
    """``value`` as plain JSON values (see the module docstring)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        return decimal(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name), decimal) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_json(v, decimal) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_json(v, decimal) for v in value]
    if isinstance(value, float):
        raise TypeError("a float reached a JSON value: money and rates must be Decimal")
    return str(value)
