"""A small portfolio with known entries for the breakdown tests, and its figures worked by hand.

As of 2019-05-26: day 146 of 365, time progress exactly 0.4, so PV = plan × 0.4.

  id  township  unit    总投资  plan 2019  本年完成      PV   places  flag
  P1  鳌江镇    教育局   1000     500        150       200     540   green (30 % vs 40 %: 10 points, not more)
  P2  鳌江镇    城投     2000    1000        250       400       —   yellow (25 %: 15 points behind)
  P3  —         教育局    500     100          0        40     270   red (0 %)
  P4  昆阳镇    —         800     400         40       160     360   red (10 %); 100 more in 2018
  P5  昆阳镇    教育局   9999    1000        999         —       —   withdrawn: in no group, no total
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from projtrack.core.types import Entry
from projtrack.store.ledger import add_entries
from projtrack.store.models import AnnualPlan, FundingPlan, Project

AS_OF = dt.date(2019, 5, 26)
A, F, P = "完成投资", "到位资金", "拨付"

PROJECTS = (  # name, township, unit, total, plan 2019, places, phase, status, funding plan
    ("平阳县鳌江镇第一小学", "鳌江镇", "教育局", "1000", "500", 540, "在建", "active",
     {"中央": "300", "县财政": "700"}),
    ("平阳县鳌江镇第二小学", "鳌江镇", "城投", "2000", "1000", None, "在建", "active",
     {"专项债": "1500"}),
    ("平阳县某幼儿园", None, "教育局", "500", "100", 270, "前期", "active", {}),
    ("平阳县昆阳镇第三中学", "昆阳镇", "  ", "800", "400", 360, "在建", "active", {}),
    ("平阳县昆阳镇撤销项目", "昆阳镇", "教育局", "9999", "1000", 900, "在建", "withdrawn",
     {"中央": "5000"}),
)


def entries(ids: list[int]) -> list[Entry]:
    p1, p2, p3, p4, p5 = ids
    d = dt.date.fromisoformat
    return [
        Entry(p1, A, d("2019-03-01"), D("100")), Entry(p1, A, d("2019-05-20"), D("50")),
        Entry(p1, F, d("2019-02-01"), D("200"), source="中央"),
        Entry(p1, F, d("2019-05-01"), D("-20"), source="中央"),  # a reversal
        Entry(p1, F, d("2019-04-01"), D("100"), source="县财政"),
        Entry(p1, P, d("2019-04-10"), D("120")),
        Entry(p2, A, d("2019-05-01"), D("250")),
        Entry(p2, F, d("2019-03-15"), D("400"), source="专项债"),
        Entry(p2, F, d("2019-03-16"), D("50")),  # no source given
        Entry(p2, P, d("2019-05-02"), D("200")),
        Entry(p3, F, d("2019-06-01"), D("99"), source="中央"),  # after the as-of date
        Entry(p4, A, d("2018-12-01"), D("100")), Entry(p4, A, d("2019-05-25"), D("40")),
        Entry(p4, F, d("2019-01-10"), D("30"), source="自筹"),
        Entry(p5, A, d("2019-05-25"), D("999")),
        Entry(p5, F, d("2019-01-10"), D("1000"), source="中央"),
        Entry(p5, P, d("2019-01-11"), D("500")),
    ]


def build(store) -> list[int]:
    """The five projects and their entries written to ``store``; their ids."""
    ids = []
    with store.write() as s:
        for name, town, unit, total, plan, places, phase, status, funding in PROJECTS:
            p = Project(name=name, township=town, responsible_unit=unit, total_investment=D(total),
                        new_places=places, phase=phase, status=status, category="中小学")
            s.add(p)
            s.flush()
            s.add(AnnualPlan(project_id=p.id, year=2019, amount=D(plan)))
            for src, amount in funding.items():
                s.add(FundingPlan(project_id=p.id, source=src, amount=D(amount)))
            ids.append(p.id)
        add_entries(s, entries(ids), origin="test", user="test")
    return ids
