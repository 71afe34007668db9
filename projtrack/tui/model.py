"""The portfolio table's rows: filter, sort, group and page a loaded Portfolio.

Pure Python (no Textual), so it runs in a worker thread and is tested without an app.  Sorting
is on raw values (Decimal, int, date, str) through a None-safe key: a missing figure sorts last
in either direction.  Only one page of rows is handed to the table; the totals cover every row
that passes the filter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from operator import itemgetter

from projtrack.core.figures import GroupFigures
from projtrack.core.groups import category_of, county_of
from projtrack.core.portfolio import Portfolio, ProjectView
from projtrack.core.terms import Flag, Status
from projtrack.core.types import CATEGORIES
from projtrack.tui.spelling import full_pattern, spell

PAGE_SIZE = 200
_VALUE_AND_ID = itemgetter(0, 1)
FLAG_ORDER = {Flag.RED: 0, Flag.YELLOW: 1, Flag.GREEN: 2}


def _next_date(v: ProjectView):
    m = v.figures.next_milestone
    return m.planned if m else None


# column key → the raw value it sorts on
SORT_KEYS: dict[str, Callable[[ProjectView], object]] = {
    "flag": lambda v: FLAG_ORDER.get(v.figures.flag, 3),
    "name": lambda v: v.facts.name,
    "category": lambda v: CATEGORIES.index(v.facts.category) if v.facts.category in CATEGORIES else None,
    "annex_class": lambda v: v.facts.annex_class,
    "phase": lambda v: v.figures.phase,
    "township": lambda v: v.facts.township,
    "total_investment": lambda v: v.facts.total_investment,
    "annual_plan": lambda v: v.figures.annual_plan,
    "actual_this_year": lambda v: v.figures.actual_this_year,
    "rate": lambda v: v.figures.points_vs_time,
    "actual_to_date": lambda v: v.figures.actual_to_date,
    "variance": lambda v: v.figures.variance,
    "land_mu": lambda v: v.facts.land_mu,
    "new_places": lambda v: v.facts.new_places,
    "next_milestone": _next_date,
    "reason": lambda v: tuple(str(r) for r in v.figures.flag_reasons) or None,
    "id": lambda v: v.id,
}


def sort_views(views: list[ProjectView], column: str, descending: bool = False) -> list[ProjectView]:
    """Sorted on the raw value, ties by id (so the order is total: descending is ascending
    reversed); None (and unknown) last whichever the direction, in the order given."""
    known, missing = _sorted_parts(views, column)
    return (known[::-1] if descending else known) + missing


def _sorted_parts(views: list[ProjectView], column: str
                  ) -> tuple[list[ProjectView], list[ProjectView]]:
    """The views with a value for ``column`` in ascending (value, id) order, and those
    without (``_sorted_ids``' views)."""
    known, _, missing, _ = _sorted_ids(views, column)
    return known, missing


def _sorted_ids(views: list[ProjectView], column: str
                ) -> tuple[list[ProjectView], list[int], list[ProjectView], list[int]]:
    """The views with a value for ``column`` in ascending (value, id) order and their ids,
    then those without and theirs.  Each value is read once; views already in id order (a
    portfolio's) are sorted on the value alone, the sort being stable (at 100,000 projects the
    (value, id) pairs and their comparisons were most of a sort)."""
    get = SORT_KEYS.get(column, SORT_KEYS["id"])
    known: list[ProjectView] = []
    values: list = []  # the column's raw values: Decimal, int, str, date or tuple
    missing: list[ProjectView] = []
    for v in views:
        value = get(v)
        if value is None:
            missing.append(v)
        else:
            known.append(v)
            values.append(value)
    ids = [v.facts.id or 0 for v in known]
    if all(a < b for a, b in zip(ids, ids[1:], strict=False)):  # one shorter
        at = sorted(range(len(values)), key=values.__getitem__)
    else:
        at = sorted(range(len(values)), key=lambda i: (values[i], ids[i]))
    return ([known[i] for i in at], [ids[i] for i in at], missing,
            [v.facts.id or 0 for v in missing])


@dataclass(frozen=True)
class Query:
    """What the officer asked to see."""

    text: str = ""
    county: str | None = None  # one county of a city's database; None: every county
    category: str | None = None
    phase: str | None = None
    annex_class: str | None = None
    flagged_only: bool = False
    show_withdrawn: bool = False
    grouped: bool = True
    sort: str = "id"
    descending: bool = False
    page: int = 0

    def but(self, **changes: object) -> Query:
        """A copy with ``changes``; any change but the page itself goes back to the first page."""
        if "page" not in changes:
            changes["page"] = 0
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class PageRow:
    """One table row: a project, or a group's subtotal row (``group`` is its key)."""

    key: str
    view: ProjectView | None = None
    group: object = None
    figures: GroupFigures | None = None


@dataclass
class Page:
    query: Query
    rows: list[PageRow]
    first: int  # index of rows[0] among all display rows (0-based)
    total_rows: int  # display rows, group rows included
    project_count: int  # projects that pass the filter
    totals: GroupFigures
    page_size: int = PAGE_SIZE
    ids: list[int] = field(default_factory=list)  # every project id that passes, in order

    @property
    def pages(self) -> int:
        return max(1, -(-self.total_rows // self.page_size))


def haystack(v: ProjectView) -> str:
    f = v.facts
    parts = (f.name, f.township, f.responsible_unit, f.project_code, str(f.id))
    return "".join("".join(p.split()).lower() for p in parts if p)


def pinyin_haystack(v: ProjectView) -> tuple[str, str]:
    """The name, township and unit in full pinyin (syllables marked, projtrack.tui.spelling)
    and in initials, each text apart (a filter never matches across two of them): what a
    filter typed in letters is also looked for in."""
    f = v.facts
    spelled = [spell(text) for text in (f.name, f.township, f.responsible_unit) if text]
    return "\x1f".join(s[0] for s in spelled), "\x1f".join(s[1] for s in spelled)


class PortfolioIndex:
    """A loaded portfolio with what a page needs, computed once and reused: a search text per
    project, the order of every project for each sort asked for, and the totals (and category
    subtotals) of each filter asked for.  So a new sort or page costs one pass over the
    projects, and typing in the filter costs one pass plus the totals of what passes.
    Safe to share between worker threads (a race only computes an entry twice)."""

    def __init__(self, portfolio: Portfolio):
        self.portfolio = portfolio
        self._hay = {v.id: haystack(v) for v in portfolio.projects}
        self._pinyin: dict[int, tuple[str, str]] | None = None  # made on the first filter in letters
        self._orders: dict[tuple[str, bool], tuple[list[ProjectView], list[int]]] = {}
        self._parts: dict[str, tuple[list[ProjectView], list[int], list[ProjectView],
                                     list[int]]] = {}
        self._group_of: dict[int | None, str] = {v.facts.id: category_of(v.facts) for v in portfolio.projects}
        self._withdrawn = any(v.facts.status == Status.WITHDRAWN for v in portfolio.projects)
        self._sums: dict[tuple, tuple[GroupFigures, dict | None]] = {}
        self._counties: tuple[GroupFigures, dict] | None = None

    def haystack_of(self, project_id: int) -> str:
        return self._hay.get(project_id, "")

    def pinyin_hay(self) -> dict[int, tuple[str, str]]:
        """Every project's pinyin haystack, made once per index when a filter is first typed
        in letters (at 10,000 projects about half a second the first time; a later index,
        after a change, finds the texts' readings already known, projtrack.tui.spelling)."""
        if self._pinyin is None:
            self._pinyin = {v.id: pinyin_haystack(v) for v in self.portfolio.projects}
        return self._pinyin

    def counties(self) -> tuple[GroupFigures, dict]:
        """The city's figures and each county's (``core.groups.by_county``: the city is the sum
        of its counties), computed once per index: the county level's rows."""
        if self._counties is None:
            self._counties = self.portfolio.totals_and_by_county()
        return self._counties

    def order(self, column: str, descending: bool) -> list[ProjectView]:
        """Every project in the order of ``column`` (``sort_views``); one sort serves both
        directions."""
        return self._ordered(column, descending)[0]

    def _ordered(self, column: str, descending: bool) -> tuple[list[ProjectView], list[int]]:
        """``order`` and the ids in it (so a page's ids and groups are had without reading
        100,000 projects again)."""
        key = (column, descending)
        if key not in self._orders:
            if column not in self._parts:
                self._parts[column] = _sorted_ids(list(self.portfolio.projects), column)
            known, known_ids, missing, missing_ids = self._parts[column]
            if descending:
                self._orders[key] = (known[::-1] + missing, known_ids[::-1] + missing_ids)
            else:
                self._orders[key] = (known + missing, known_ids + missing_ids)
        return self._orders[key]

    def select(self, q: Query, views: list[ProjectView] | None = None) -> list[ProjectView]:
        """The projects that pass the filter, in the order of ``views`` (default: by id)."""
        needle = "".join(q.text.split()).lower()
        if self._all_pass(q):
            return list(self.portfolio.projects if views is None else views)
        spelled = self.pinyin_hay() if needle.isascii() and needle.isalpha() else None
        full = full_pattern(needle) if spelled is not None else None
        out = []
        for v in self.portfolio.projects if views is None else views:
            f, fig = v.facts, v.figures
            if not q.show_withdrawn and f.status == Status.WITHDRAWN:
                continue
            if q.county is not None and county_of(f) != q.county:
                continue
            if q.category and category_of(f) != q.category:
                continue
            if q.phase and fig.phase != q.phase:
                continue
            if q.annex_class and f.annex_class != q.annex_class:
                continue
            if q.flagged_only and fig.flag == Flag.GREEN:
                continue
            if needle and needle not in self._hay[v.id] and (
                    spelled is None or not self._spelled(spelled[v.id], needle, full)):
                continue
            out.append(v)
        return out

    @staticmethod
    def _spelled(spelled: tuple[str, str], needle: str, full) -> bool:
        """``needle`` in the initials, or in the full reading from a syllable's start."""
        return needle in spelled[1] or full.search(spelled[0]) is not None

    def _all_pass(self, q: Query) -> bool:
        """No filter leaves a project out."""
        return not ("".join(q.text.split()) or q.county is not None or q.category or q.phase
                    or q.annex_class or q.flagged_only) and (q.show_withdrawn
                                                            or not self._withdrawn)

    def sums(self, q: Query, views: list[ProjectView]) -> tuple[GroupFigures, dict]:
        """Totals and category subtotals of the filtered projects (any order)."""
        key = (q.text, q.county, q.category, q.phase, q.annex_class, q.flagged_only,
               q.show_withdrawn)
        if len(self._sums) > 64:
            self._sums.clear()
        if key not in self._sums:
            if q.grouped:
                self._sums[key] = self.portfolio.totals_and_by_category(views)
            else:
                self._sums[key] = (self.portfolio.totals(views), None)
        totals, groups = self._sums[key]
        if q.grouped and groups is None:
            groups = self.portfolio.by_category(views)
            self._sums[key] = (totals, groups)
        return totals, groups or {}

    def page(self, q: Query, page_size: int = PAGE_SIZE) -> Page:
        """One page of display rows.  Only the page's own rows are built: at 10,000 projects a
        Row for every match, to keep 200 of them, was most of a filter keystroke's work."""
        ordered, ordered_ids = self._ordered(q.sort, q.descending)
        if self._all_pass(q):
            views, ids = ordered, ordered_ids
        else:
            views = self.select(q, ordered)
            ids = [v.facts.id or 0 for v in views]
        totals, groups = self.sums(q, views)
        if q.grouped:
            by_cat: dict[object, tuple[list[ProjectView], list[int]]] = {}
            group_of = self._group_of
            for v, pid in zip(views, ids, strict=True):  # the ids, not the projects, are read
                bucket = by_cat.get(group := group_of[pid])
                if bucket is None:
                    bucket = by_cat[group] = ([], [])
                bucket[0].append(v)
                bucket[1].append(pid)
            keys = sorted(by_cat, key=lambda k: CATEGORIES.index(k) if k in CATEGORIES else 99)
            blocks = [(key, by_cat[key][0]) for key in keys]
            views = [v for _, members in blocks for v in members]
            ids = [pid for key in keys for pid in by_cat[key][1]]
            total_rows = len(blocks) + len(views)
        else:
            blocks, total_rows = [], len(views)
        pages = max(1, -(-total_rows // page_size))
        page = min(max(q.page, 0), pages - 1)
        first = page * page_size
        end = first + page_size
        rows: list[PageRow] = []
        if q.grouped:
            at = 0  # display index of the block's group row
            for key, members in blocks:
                if at >= end:
                    break
                if at + len(members) >= first:  # the block reaches into the page
                    if at >= first:
                        rows.append(PageRow(f"group:{key}", group=key, figures=groups.get(key)))
                    lo, hi = max(first - at - 1, 0), min(end - at - 1, len(members))
                    rows.extend(PageRow(str(v.id), view=v) for v in members[lo:hi])
                at += 1 + len(members)
        else:
            rows = [PageRow(str(v.id), view=v) for v in views[first:end]]
        return Page(query=replace(q, page=page), rows=rows, first=first, total_rows=total_rows,
                    project_count=len(views), totals=totals, page_size=page_size,
                    ids=ids)


def ranked_by_variance(portfolio: Portfolio) -> list[ProjectView]:
    """Active projects, most behind plan first: by variance (万元), then variance rate."""
    views = [v for v in portfolio.projects if v.facts.status != Status.WITHDRAWN]

    def key(v: ProjectView) -> tuple:
        rate = v.figures.variance_rate
        return (v.figures.variance, rate if rate is not None else Decimal(0), v.id)

    return sorted(views, key=key)
