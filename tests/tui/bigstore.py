"""A synthetic portfolio of many projects, inserted directly (one transaction, bulk INSERTs),
for the 10,000-project responsiveness test."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from sqlalchemy import insert

from projtrack.core.types import ANNEX_CLASSES, CATEGORIES, CONSTRUCTION_TYPES, MILESTONES
from projtrack.store.models import AnnualPlan, LedgerEntry, Milestone, Project
from projtrack.store.repo import Store

TOWNS = ("昆阳镇", "鳌江镇", "水头镇", "萧江镇", "万全镇", "腾蛟镇", "麻步镇", "山门镇", "顺溪镇",
         "南雁镇", "海西镇", "南麂镇", "凤卧镇", "怀溪镇", "闹村乡", "衙前乡", "青街畲族乡")
KINDS = ("小学", "中学", "幼儿园", "九年一贯制学校", "职业学校")


def build_big_store(target: str, n: int = 10_000, seed: int = 7) -> Store:
    """``n`` projects with plans for 2021-2027, weekly-ish 完成投资 entries and milestones."""
    rng = random.Random(seed)
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    projects, plans, entries, milestones = [], [], [], []
    entry_id = 0
    for pid in range(1, n + 1):
        town = TOWNS[pid % len(TOWNS)]
        start = rng.randint(2021, 2026)
        end = start + rng.randint(1, 3)
        total = Decimal(rng.randint(800, 40000))
        category = CATEGORIES[min(pid % 7, 4)]
        projects.append(dict(
            id=pid, name=f"平阳县{town}第{pid}{KINDS[pid % len(KINDS)]}建设工程", category=category,
            annex_class=ANNEX_CLASSES[pid % 3], construction_type=CONSTRUCTION_TYPES[pid % 4],
            township=town, responsible_unit="县教育局" if pid % 2 else f"{town}人民政府",
            start_year=start, end_year=end, total_investment=total, period_plan=total,
            land_mu=Decimal(rng.randint(5, 120)), floor_area_m2=Decimal(rng.randint(2000, 60000)),
            new_places=rng.randint(0, 2000), phase=rng.choice(("前期", "在建", "在建", "竣工", "投用")),
            status="active", version=1, created_at=now, updated_at=now))
        years = list(range(start, end + 1))
        share = (total / len(years)).quantize(Decimal("0.01"))
        for year in years:
            plans.append(dict(project_id=pid, year=year, amount=share, version=1))
        for year in years:
            if year > 2026:
                break
            for month in (3, 6, 9):
                day = dt.date(year, month, 15)
                if day > dt.date(2026, 11, 29):
                    break
                entry_id += 1
                amount = (share * Decimal(rng.randint(15, 40)) / 100).quantize(Decimal("0.01"))
                entries.append(dict(id=entry_id, project_id=pid, kind="完成投资", entry_date=day,
                                    amount=amount, origin="test", created_at=now, created_by="test"))
        for seq, name in enumerate(MILESTONES):
            if name not in ("开工", "主体结顶", "投用"):
                continue
            planned = {"开工": dt.date(start, 3, 31), "主体结顶": dt.date(end, 1, 31),
                       "投用": dt.date(end, 8, 31)}[name]
            actual = planned + dt.timedelta(days=rng.randint(-10, 60))
            milestones.append(dict(project_id=pid, name=name, seq=seq, planned=planned,
                                   actual=actual if actual <= dt.date(2026, 11, 29) else None,
                                   version=1))
    store = Store.open(target)
    with store.write() as s:
        s.execute(insert(Project), projects)
        s.execute(insert(AnnualPlan), plans)
        s.execute(insert(LedgerEntry), entries)
        s.execute(insert(Milestone), milestones)
    return store
