"""Subtotal and count checks: a section or total row is a claim that can be checked against its items.

Groups nest in the order their kinds first appear on the sheet (usually category, then class):
a heading row "一、中小学项目(44个)" opens a category group that lasts until the next category
heading; "(一)续建项目(9个)" opens a class group inside it.  A heading's figures and count are
checked against the items of its group when the group closes.  A closing row ("小计",
"中小学合计") is checked against the items of the group it ends (or the items since the last
section row); a 总计/合计 row against every item of the sheet, and a breakdown row ("其中:续建项目",
"其中:幼儿园") against every item of the sheet in that class or category.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from projtrack.core.money import to_plain

from .headers import Header
from .model import IssueLog, place
from .rows import Section

_ZERO = Decimal(0)


@dataclass
class ItemFigures:
    """The numeric cells of one row: column index → value (None when blank)."""

    row: int
    values: dict[int, Decimal | None]
    uncertain: set[int] = field(default_factory=set)  # 待定 or unreadable: the sum is unknown
    kinds: dict[str, str | None] = field(default_factory=dict)  # an item's category and class


@dataclass
class Claim:
    section: Section
    row: int
    figures: ItemFigures
    label_cell: str
    total: Decimal | None = None  # a summary sheet's 总投资, for the check across sheets


@dataclass
class Group:
    kind: str
    value: str | None
    claims: list[Claim] = field(default_factory=list)
    items: list[ItemFigures] = field(default_factory=list)
    rank: int | None = None  # of its heading's numbering (一、 0, (一) 1, 1. 2, (1) 3)
    values: tuple[str, ...] = ()  # a heading naming two categories ("职业教育及特殊教育")


class Tally:
    def __init__(self, sheet: str, header: Header, log: IssueLog):
        self.sheet, self.header, self.log = sheet, header, log
        self.order: list[str] = []  # group kinds, outermost first
        self.open: list[Group] = []  # outermost first
        self.items: list[ItemFigures] = []
        self.recent: list[ItemFigures] = []  # items since the last section row
        self.totals: list[Claim] = []
        self.breakdowns: list[Claim] = []  # "其中:续建项目": every item of that class on the sheet
        self.closed: list[Claim] = []  # claims met before any item: kept, not checked
        self.on_top: dict[str, bool] = {}  # by kind: subtotals written above their items

    def context(self, kind: str) -> str | None:
        """The category or class of the group an item now falls in (the innermost)."""
        return next((g.value for g in reversed(self.open) if g.kind == kind), None)

    def choices(self, kind: str) -> tuple[str, ...]:
        """The values a heading of two categories leaves an item to choose from."""
        return next((g.values for g in reversed(self.open) if g.kind == kind), ())

    def item(self, figures: ItemFigures) -> None:
        self.items.append(figures)
        self.recent.append(figures)
        for group in self.open:
            group.items.append(figures)

    def section(self, claim: Claim) -> None:
        section = claim.section
        recent, self.recent = self.recent, []
        if section.kind == "total":
            self.totals.append(claim)
            return
        if section.of_which:
            self.breakdowns.append(claim)
            return
        if section.kind == "subtotal":
            if self.open and self.open[-1].items:
                self._close_from(len(self.open) - 1, extra=claim)
            elif self.open:
                self.open[-1].claims.append(claim)
            elif recent:
                self._check(claim, recent)
            return
        if section.kind not in self.order:
            self.order.append(section.kind)
        level = self.order.index(section.kind)
        depth = next((i for i, g in enumerate(self.open) if not _deeper(section.rank, g.rank) and (
            self.order.index(g.kind) > level or g.kind == section.kind)), len(self.open))
        if section.closing and section.value is not None:
            # the first "续建项目小计" of a sheet says where its subtotals stand: on top of
            # their items (a heading with figures), or under them
            on_top = self.on_top.setdefault(section.kind, not recent and not any(
                g.kind == section.kind and g.value == section.value for g in self.open))
        else:
            on_top = False
        if section.closing and not on_top:
            match = next((i for i, g in enumerate(self.open)
                          if g.kind == section.kind and g.value == section.value), None)
            if match is not None:
                self._close_from(match, extra=claim)
            else:
                self._check(claim, recent)
            return
        # a subtotal written on top of its items ("(一)续建项目小计" before them): a heading
        self._close_from(depth)
        self.open.append(Group(section.kind, section.value, [claim], rank=section.rank,
                               values=section.values))

    def _close_from(self, index: int, extra: Claim | None = None) -> None:
        """Close the open groups from ``index`` inwards, checking their claims."""
        for position, group in reversed(list(enumerate(self.open))):
            if position < index:
                break
            claims = group.claims + ([extra] if extra is not None and position == index else [])
            for claim in claims:
                self._check(claim, group.items)
        del self.open[index:]

    def claims(self) -> list[Claim]:
        """Every claim of the sheet (a sheet of totals only is checked elsewhere)."""
        return self.closed + [c for g in self.open for c in g.claims] + self.totals + \
            self.breakdowns

    def finish(self) -> None:
        self._close_from(0)
        for claim in self.totals:
            self._check(claim, self.items)
        for claim in self.breakdowns:
            kind, value = claim.section.kind, claim.section.value
            if claim.section.exact:
                self._check(claim, [i for i in self.items if i.kinds.get(kind) == value])

    def _check(self, claim: Claim, items: list[ItemFigures]) -> None:
        if not self.items:  # no project yet: a sheet of totals, checked across sheets if so
            self.closed.append(claim)
            return
        label = claim.section.label.replace("\n", "")
        count = claim.section.count
        if count is not None and count != len(items):
            self.log.warning(
                "count_mismatch",
                f"Row {place(self.sheet, claim.label_cell)} '{label}' announces {count} projects, "
                f"but {len(items)} {'is' if len(items) == 1 else 'are'} listed under it.",
                sheet=self.sheet, cell=claim.label_cell, found=str(count), expected=str(len(items)))
        uncertain: set[int] = set().union(*[i.uncertain for i in items if i.uncertain])
        values = [i.values for i in items]
        for col in self.header.numeric():
            found = claim.figures.values.get(col.index)
            if found is None or col.index in uncertain:
                continue
            index = col.index
            expected = sum([v.get(index) or _ZERO for v in values], Decimal(0))
            if found == expected:
                continue
            cell = f"{col.letter}{claim.row}"
            self.log.warning(
                "subtotal_mismatch",
                f"Subtotal {place(self.sheet, cell)} ({col.title}) of '{label}' says "
                f"{to_plain(found)} but {_items(len(items))} to {to_plain(expected)}.",
                sheet=self.sheet, cell=cell, found=to_plain(found), expected=to_plain(expected))


def _deeper(rank: int | None, than: int | None) -> bool:
    """A heading numbered (一) under one numbered 一、 is a part of it ("一、义务教育" › "(一)小学")."""
    return rank is not None and than is not None and rank > than


def _items(n: int) -> str:
    return "its 1 item sums" if n == 1 else f"its {n} items sum"
