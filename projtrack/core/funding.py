"""到位资金 by funding source against the annex's funding plan, and 拨付 against 到位.

Pure: the caller hands in each project's facts (whose ``funding_plan`` is the annex's 资金来源
columns), its figures (``funds_received`` and ``payments`` to the as-of date) and its 到位资金
summed by the source each entry named (``Store.funds_by_source_all``; ``""`` for an entry that
named none).  Withdrawn projects are left out, as in every group figure.  Money is Decimal 万元;
rates are Decimal fractions (0.4 is 40 %), from the sums, never averages.

Payments carry no source (an officer records a 拨付 against a project, not a source), so 拨付
÷ 到位 is read for the whole portfolio, not per source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from projtrack.core.figures import Figures
from projtrack.core.groups import UNFILLED
from projtrack.core.money import ZERO
from projtrack.core.terms import Status
from projtrack.core.types import FUNDING_SOURCES, ProjectFacts

# always listed, in this order (the funding plan's sources but 其他, which is listed when used)
LISTED_SOURCES = tuple(s for s in FUNDING_SOURCES if s != "其他")


@dataclass(frozen=True)
class SourceFunding:
    source: str  # 中央, 省, 市, 专项债, 县财政, 自筹, 其他, a name as entered, or UNFILLED
    planned: Decimal | None  # Σ the annex's plan for the source; None: no project plans it
    received: Decimal  # Σ 到位资金 entered with this source, to the as-of date
    received_rate: Decimal | None  # received ÷ planned; None without a plan (or a plan of 0)


@dataclass(frozen=True)
class FundingBreakdown:
    as_of: dt.date
    count: int  # projects (withdrawn ones excluded)
    sources: tuple[SourceFunding, ...]
    planned: Decimal | None  # Σ every source's plan; None: no project has a funding plan
    received: Decimal  # Σ 到位资金, every source (= Σ of the sources' ``received``)
    payments: Decimal  # Σ 拨付
    payment_rate: Decimal | None  # 拨付 ÷ 到位
    received_rate: Decimal | None  # 到位 ÷ the plan, every source together


def _div(a: Decimal, b: Decimal | None) -> Decimal | None:
    return None if b is None or b == 0 else a / b


def _order(source: str) -> tuple[int, str]:
    if source in FUNDING_SOURCES:
        return (FUNDING_SOURCES.index(source), "")
    return (len(FUNDING_SOURCES) + (source == UNFILLED), source)


def funding_breakdown(items: Iterable[tuple[ProjectFacts, Figures, Mapping[str, Decimal]]],
                      as_of: dt.date) -> FundingBreakdown:
    """The sources in the funding plan's order (中央 … 自筹 always; 其他, any other name and the
    entries without a source when there are some), then the totals."""
    planned: dict[str, Decimal] = {}
    received: dict[str, Decimal] = dict.fromkeys(LISTED_SOURCES, ZERO)
    count = 0
    total_received = payments = ZERO
    for f, fig, by_source in items:
        if f.status == Status.WITHDRAWN:
            continue
        count += 1
        total_received += fig.funds_received
        payments += fig.payments
        for source, amount in f.funding_plan.items():
            planned[source] = planned.get(source, ZERO) + amount
        for source, amount in by_source.items():
            key = source.strip() or UNFILLED
            received[key] = received.get(key, ZERO) + amount
    names = sorted(set(received) | set(planned), key=_order)
    lines = tuple(SourceFunding(s, planned.get(s), received.get(s, ZERO),
                                _div(received.get(s, ZERO), planned.get(s))) for s in names)
    plan_total = sum(planned.values(), ZERO) if planned else None
    return FundingBreakdown(as_of=as_of, count=count, sources=lines, planned=plan_total,
                            received=total_received, payments=payments,
                            payment_rate=_div(payments, total_received),
                            received_rate=_div(total_received, plan_total))
