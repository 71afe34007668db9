"""core.funding: 到位资金 by source against the funding plan, pure, worked by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from projtrack.core.figures import LedgerSums, project_figures
from projtrack.core.funding import funding_breakdown
from projtrack.core.groups import UNFILLED, township_of, unfilled_last, unit_of
from projtrack.core.types import ProjectFacts

DAY = dt.date(2023, 5, 26)


def item(pid: int, plan: dict, funds: dict, paid: str, status: str = "active"):
    f = ProjectFacts(id=pid, name=f"P{pid}", funding_plan={k: D(v) for k, v in plan.items()},
                     status=status)
    by_source = {k: D(v) for k, v in funds.items()}
    sums = LedgerSums(funds_to_date=sum(by_source.values(), D(0)), payments_to_date=D(paid))
    return f, project_figures(f, sums, DAY), by_source


def test_sources_in_the_plan_s_order_other_names_then_the_unfilled():
    b = funding_breakdown([
        item(1, {"省": "100", "其他": "50"}, {"省": "40", "乡镇自筹": "5", "": "7"}, "30"),
        item(2, {"省": "300"}, {"省": "60", "其他": "10", " ": "3"}, "20"),
        item(3, {"中央": "999"}, {"中央": "999"}, "999", status="withdrawn"),
    ], DAY)
    got = [(s.source, s.planned, s.received, s.received_rate) for s in b.sources]
    assert got == [("中央", None, D(0), None), ("省", D(400), D(100), D("0.25")),
                   ("市", None, D(0), None), ("专项债", None, D(0), None),
                   ("县财政", None, D(0), None), ("自筹", None, D(0), None),
                   ("其他", D(50), D(10), D("0.2")), ("乡镇自筹", None, D(5), None),
                   (UNFILLED, None, D(10), None)]
    assert (b.count, b.planned, b.received, b.payments) == (2, D(450), D(125), D(50))
    assert b.payment_rate == D("0.4") and b.received_rate == D(125) / D(450)


def test_no_plan_and_no_funds():
    b = funding_breakdown([item(1, {}, {}, "0")], DAY)
    assert b.planned is None and b.received_rate is None and b.payment_rate is None
    assert [s.source for s in b.sources] == ["中央", "省", "市", "专项债", "县财政", "自筹"]


def test_group_keys_and_the_unfilled_group_last():
    assert township_of(ProjectFacts(id=1, name="a", township=" 鳌江镇 ")) == "鳌江镇"
    assert township_of(ProjectFacts(id=1, name="a", township="  ")) == UNFILLED
    assert unit_of(ProjectFacts(id=1, name="a")) == UNFILLED
    assert list(unfilled_last({UNFILLED: 1, "a": 2, "b": 3})) == ["a", "b", UNFILLED]  # type: ignore[arg-type]


def test_the_portfolio_by_township_uses_the_same_key():
    """The variance view's by-township (``Portfolio.by_township``) groups as the breakdown does:
    a township with stray spaces is the same township, a blank one is the unfilled group."""
    from projtrack.core.portfolio import Portfolio, ProjectView
    from projtrack.core.types import FlagRules

    views = []
    for pid, town in ((1, "鳌江镇"), (2, " 鳌江镇 "), (3, "  "), (4, None)):
        f = ProjectFacts(id=pid, name=f"P{pid}", township=town)
        views.append(ProjectView(f, project_figures(f, LedgerSums(), DAY)))
    groups = Portfolio(DAY, FlagRules(), tuple(views)).by_township()
    assert {k: g.count for k, g in groups.items()} == {"鳌江镇": 2, UNFILLED: 2}
