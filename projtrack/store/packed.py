"""One project's milestones as the database packed them, unpacked when first read.

A portfolio of 10,000 projects has 90,000 milestones.  Read as rows, each is four Python
values and a tuple: a fifth of the portfolio's load, and 90,000 more objects for the cyclic
collector to walk afterwards — yet a portfolio reads only each project's "is any overdue"
(which the same query works out) until a project's milestones are shown.  So the query packs
each project's milestones into one text, and ``PackedMilestones`` is the immutable sequence of
``MilestoneFacts`` it stands for, unpacked on first use.  Everything is read in the one query,
so what is unpacked later is what was in the database when the portfolio was read.

The text is the project's records joined by RS (U+001E), each record its fields joined by US
(U+001F): seq, name, planned, actual, the dates ISO (YYYY-MM-DD) or empty for none.  A name is
one of ``core.types.MILESTONES`` (every write checks it), so neither separator occurs in one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import overload

from projtrack.core.types import MilestoneFacts

RECORD, FIELD = "\x1e", "\x1f"


def _day(text: str, days: dict[str, dt.date | None]) -> dt.date | None:
    try:
        return days[text]
    except KeyError:
        day = days[text] = dt.date.fromisoformat(text) if text else None
        return day


def unpack(project_id: int, text: str) -> tuple[MilestoneFacts, ...]:
    """The milestones a packed text stands for, in ``seq`` order."""
    if not text:
        return ()
    days: dict[str, dt.date | None] = {}
    records = []
    for record in text.split(RECORD):
        seq, name, planned, actual = record.split(FIELD)
        records.append((int(seq), MilestoneFacts(project_id, name, _day(planned, days),
                                                 _day(actual, days))))
    records.sort(key=lambda r: r[0])  # stable: equal seqs keep the database's order
    return tuple(m for _, m in records)


class PackedMilestones(Sequence[MilestoneFacts]):
    """An immutable sequence of one project's ``MilestoneFacts``, unpacked on first use.
    Equal to (and hashing like) the tuple of the same milestones."""

    __slots__ = ("_items", "_text", "project_id")

    def __init__(self, project_id: int, text: str):
        self.project_id = project_id
        self._text = text  # kept once unpacked: two threads may both unpack, to the same
        self._items: tuple[MilestoneFacts, ...] | None = None

    def _unpacked(self) -> tuple[MilestoneFacts, ...]:
        items = self._items
        if items is None:
            items = self._items = unpack(self.project_id, self._text)
        return items

    @overload
    def __getitem__(self, index: int) -> MilestoneFacts: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[MilestoneFacts, ...]: ...

    def __getitem__(self, index):
        return self._unpacked()[index]

    def __len__(self) -> int:
        return len(self._unpacked())

    def __iter__(self) -> Iterator[MilestoneFacts]:
        return iter(self._unpacked())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PackedMilestones):
            return self._unpacked() == other._unpacked()
        if isinstance(other, tuple):
            return self._unpacked() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._unpacked())

    def __repr__(self) -> str:
        state = "packed" if self._items is None else f"{len(self._items)} milestones"
        return f"PackedMilestones(project {self.project_id}, {state})"
