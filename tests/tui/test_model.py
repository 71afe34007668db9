"""The table model without an app: None-safe sort on raw values, filter, grouping with
subtotals, paging; display cells measured in terminal cells."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rich.cells import cell_len

from projtrack.core.figures import LedgerSums, project_figures
from projtrack.core.portfolio import Portfolio, ProjectView
from projtrack.core.types import CATEGORIES, DEFAULT_RULES, ProjectFacts
from projtrack.tui import cells
from projtrack.tui.model import PortfolioIndex, Query, ranked_by_variance, sort_views

AS_OF = dt.date(2026, 11, 29)


def view(pid: int, name: str, category: str = "中小学", total: str | None = "1000",
         plan: str | None = "400", actual: str = "100", township: str = "昆阳镇",
         status: str = "active") -> ProjectView:
    facts = ProjectFacts(id=pid, name=name, category=category, township=township,
                         total_investment=Decimal(total) if total else None,
                         annual_plan={2026: Decimal(plan)} if plan else {}, phase="在建",
                         status=status)
    sums = LedgerSums(actual_to_date=Decimal(actual), actual_this_year=Decimal(actual),
                      last_actual_date=AS_OF)
    return ProjectView(facts, project_figures(facts, sums, AS_OF))


def portfolio(n: int = 0) -> Portfolio:
    views = [
        view(1, "平阳县昆阳镇第一小学", total="3000", plan="1000", actual="900"),
        view(2, "平阳县鳌江镇幼儿园", category="幼儿园", total=None, plan=None, actual="0",
             township="鳌江镇"),
        view(3, "平阳县鳌江镇第二中学", total="500", plan="200", actual="50", township="鳌江镇"),
        view(4, "撤出的项目", status="withdrawn"),
    ]
    views += [view(10 + i, f"项目{i}", total=str(100 + i)) for i in range(n)]
    return Portfolio(AS_OF, DEFAULT_RULES, tuple(views))


def test_sort_on_raw_values_with_missing_last_both_ways():
    views = list(portfolio().projects)
    up = [v.id for v in sort_views(views, "total_investment")]
    down = [v.id for v in sort_views(views, "total_investment", descending=True)]
    assert up == [3, 4, 1, 2] and down == [1, 4, 3, 2]
    assert [v.id for v in sort_views(views, "annual_plan")][-1] == 2


def test_filter_by_text_township_and_flags():
    index = PortfolioIndex(portfolio())
    assert [v.id for v in index.select(Query(text="鳌江"))] == [2, 3]
    assert [v.id for v in index.select(Query(text=" 鳌 江 "))] == [2, 3]  # spaces ignored
    assert [v.id for v in index.select(Query(category="幼儿园"))] == [2]
    assert 4 not in [v.id for v in index.select(Query())]
    assert 4 in [v.id for v in index.select(Query(show_withdrawn=True))]
    flagged = index.select(Query(flagged_only=True))
    assert flagged and all(v.figures.flag != "green" for v in flagged)


def test_grouped_page_has_subtotal_rows_and_totals_cover_the_filter():
    index = PortfolioIndex(portfolio())
    page = index.page(Query(grouped=True))
    assert [r.key for r in page.rows] == ["group:中小学", "1", "3", "group:幼儿园", "2"]
    sub = page.rows[0].figures
    assert sub.count == 2 and sub.total_investment == Decimal("3500")
    assert page.totals.count == 3 and page.project_count == 3


def test_paging_windows_and_clamps():
    index = PortfolioIndex(portfolio(450))
    q = Query(grouped=False)
    first = index.page(q, page_size=200)
    assert len(first.rows) == 200 and first.pages == 3 and first.project_count == 453
    last = index.page(q.but(page=9), page_size=200)  # past the end: the last page
    assert last.query.page == 2 and len(last.rows) == 53 and last.first == 400
    assert q.but(text="x").page == 0


def _every_row(index: PortfolioIndex, q: Query) -> list[str]:
    """The display rows the plain way: every row built, in order (the page is a slice)."""
    views = index.select(q, index.order(q.sort, q.descending))
    if not q.grouped:
        return [str(v.id) for v in views]
    by_cat: dict[str, list] = {}
    for v in views:
        by_cat.setdefault(v.facts.category or "其他", []).append(v)
    keys = sorted(by_cat, key=lambda k: CATEGORIES.index(k) if k in CATEGORIES else 99)
    return [k for key in keys for k in [f"group:{key}", *(str(v.id) for v in by_cat[key])]]


def test_a_page_is_the_slice_of_every_display_row():
    """Only the page's own rows are built; they are that window of all the display rows, with
    the right subtotals, whatever the page size, page, grouping, sort and filter."""
    views = list(portfolio().projects)
    categories = ["中小学", "幼儿园", "职业教育", "特殊教育", None]
    views += [view(100 + i, f"项目{i}", category=categories[i % 5] or "其他",
                   total=str(50 + i * 7 % 300)) for i in range(137)]
    index = PortfolioIndex(Portfolio(AS_OF, DEFAULT_RULES, tuple(views)))
    for q in (Query(), Query(grouped=False), Query(sort="total_investment", descending=True),
              Query(text="项目1"), Query(category="幼儿园"), Query(text="nothing matches")):
        every = _every_row(index, q)
        for size in (1, 2, 5, 7, 50, 200):
            pages = max(1, -(-len(every) // size))
            for n in range(pages + 1):
                page = index.page(q.but(page=n), page_size=size)
                start = min(n, pages - 1) * size
                assert [r.key for r in page.rows] == every[start:start + size], (q, size, n)
                assert page.total_rows == len(every) and page.first == start
                assert page.ids == [int(k) for k in every if not k.startswith("group:")]
                for r in page.rows:
                    if r.group is not None:
                        assert r.figures.count == sum(
                            1 for k in every if not k.startswith("group:")
                            and (index.portfolio.get(int(k)).facts.category or "其他") == r.group)


def test_ranked_by_variance_most_behind_first():
    ranked = ranked_by_variance(portfolio())
    variances = [v.figures.variance for v in ranked]
    assert variances == sorted(variances) and 4 not in [v.id for v in ranked]


def test_cells_fit_in_terminal_cells_and_say_missing_plainly():
    assert cells.fit("平阳县鳌江镇第七小学新建工程", 12) == "平阳县鳌江.."
    assert cell_len(cells.fit("平阳县鳌江镇第七小学新建工程", 13)) <= 13
    assert cells.money(None).plain == "-" and cells.money(Decimal("1234.5")).plain == "1,234.50"
    text = cells.rate_vs_time(Decimal("0.5"), Decimal("-0.41"), DEFAULT_RULES)
    assert text.plain == "50.0% (-41.0)" and "ef5350" in str(text.style)
    assert cells.bar(Decimal("0.5"), 10).cell_len == 10
