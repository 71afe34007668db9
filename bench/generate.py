"""Synthetic portfolios for the benchmarks: N projects as an annex workbook and as a database.

``python -m bench.generate --n 10000 --out bench/data`` writes ``annex-10000.xlsx`` and
``portfolio-10000-weekly.db``.  The same N and cadence always give the same data (a seeded
generator).  Both hold the same projects; the database adds five years (2021–2025) of history:

- ``weekly`` (county and city scale): 完成投资 every Friday while a project is built, 到位资金 and
  拨付 every quarter, 形象进度 every month: about 250 ledger entries per built project;
- ``monthly`` (province scale, N = 100,000): 完成投资 monthly, the rest quarterly: about 80.

``--counties K`` makes it a city's or a province's database: the projects are dealt out to K
counties (``province_counties``; about 1,000 projects each: K = 10 at N = 10,000, 100 at
N = 100,000), each project's ``county`` set and its name starting with it, in
``portfolio-N-CADENCE-counties-K.db`` (the data otherwise the same: the same seeded draws).

The database is written with SQLAlchemy Core ``executemany`` in chunks (one transaction per
table family), after the migrations ran on it, so the schema is exactly projtrack's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from projtrack.core.calendar import fridays
from projtrack.core.types import FUND_SOURCES, MILESTONES, ProjectFacts

CADENCES = ("weekly", "monthly")
FIRST_YEAR, LAST_YEAR = 2021, 2025
YEARS = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
SEED = 20260101
CHUNK = 20_000  # rows per executemany
CREATED = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

COUNTIES = ("平阳县", "苍南县", "瑞安市", "乐清市", "永嘉县", "文成县", "泰顺县", "洞头区",
            "鹿城区", "龙湾区", "瓯海区", "龙港市")
TOWNS = ("昆阳镇", "鳌江镇", "水头镇", "萧江镇", "万全镇", "腾蛟镇", "山门镇", "顺溪镇", "南雁镇",
         "麻步镇", "海西镇", "南麂镇", "凤卧镇", "怀溪镇", "青街畲族乡", "闹村乡")
SCHOOLS = {"中小学": ("小学", "中学", "实验学校", "九年一贯制学校"), "幼儿园": ("幼儿园", "中心幼儿园"),
           "职业教育": ("职业中专",), "特殊教育": ("特殊教育学校",), "其他": ("青少年活动中心", "研学基地")}
CATEGORY_WEIGHTS = (("中小学", 50), ("幼儿园", 40), ("职业教育", 4), ("特殊教育", 2), ("其他", 4))
CLASS_WEIGHTS = (("续建", 15), ("新开工", 80), ("前期", 5))
TYPES = ("新建", "迁建", "改扩建", "扩建")
CN_NUM = "一二三四五六七八九十"
HEADER_1 = ("序号", "项目名称", "建设\n性质", "建设地点", "建设内容及规模", "建设起止\n年限", "总投资",
            "“十四五”计划投资", None, None, None, None, None, "用地面积\n(亩)", "新增学位\n(个)",
            "责任单位", "备注")
HEADER_2 = (None, None, None, None, None, None, None, "合计") + tuple(f"{y}年" for y in YEARS) + (
    None, None, None, None)


# two characters and a suffix: a hundred made-up county names, the same every run
_FIRST, _SECOND, _SUFFIX = "安宁平永泰兴嘉文长清", "阳川山江源丰和德溪城", "县县县市区"


def province_counties(k: int) -> tuple[str, ...]:
    """``k`` county names (at most 100), deterministic: 安阳县, 安川县, …"""
    names = [f"{a}{b}{_SUFFIX[(i + j) % len(_SUFFIX)]}" for i, a in enumerate(_FIRST)
             for j, b in enumerate(_SECOND)]
    if not 0 < k <= len(names):
        raise ValueError(f"counties must be 1 to {len(names)}")
    return tuple(names[:k])


@dataclass(frozen=True)
class Synthetic:
    """One generated project: its annex facts and what its history needs."""

    facts: ProjectFacts
    pace: Decimal  # share of each year's plan actually put in place (0.6 = lagging)


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    """A whole or one-decimal amount in 万元."""
    tenths = rng.randint(low * 10, high * 10)
    return Decimal(tenths).scaleb(-1) if tenths % 10 else Decimal(tenths // 10)


def projects(n: int, seed: int = SEED, counties: int = 0) -> list[Synthetic]:
    """N projects with realistic, mutually consistent annex figures (deterministic); with
    ``counties``, dealt out to that many counties in turn (see the module docstring)."""
    rng = random.Random(seed + n)
    out: list[Synthetic] = []
    dealt = province_counties(counties) if counties else ()
    for i in range(1, n + 1):
        category = _pick(rng, CATEGORY_WEIGHTS)
        klass = _pick(rng, CLASS_WEIGHTS)
        county, town = rng.choice(COUNTIES), rng.choice(TOWNS)
        if dealt:  # the draw above is still made: the rest of the data stays the same
            county = dealt[(i - 1) % len(dealt)]
        ctype = rng.choice(TYPES)
        name = f"{county}{town}第{i}{rng.choice(SCHOOLS[category])}{ctype}工程"
        if klass == "续建":  # started before the period, finished within it
            start, end = rng.randint(2019, 2020), rng.randint(2023, 2025)
        elif klass == "新开工":  # long builds: most run to the end of the period or beyond
            start = rng.randint(2021, 2022)
            end = start + rng.randint(3, 4)
        else:
            start, end = 2025, 2027
        total = _money(rng, 800, 40_000)
        years = [y for y in YEARS if start <= y <= end]
        if klass == "续建":
            prior_share = Decimal(rng.randint(20, 50)) / 100
            period = (total - (total * prior_share).quantize(Decimal(1))).quantize(Decimal(1))
        elif end > LAST_YEAR:
            period = (total * Decimal(len(years)) / Decimal(end - start + 1)).quantize(Decimal(1))
        else:
            period = total
        plans = _split(period, len(years), rng) if years else []
        classes = rng.randint(6, 48) if category in ("中小学", "幼儿园") else None
        per_class = 30 if category == "幼儿园" else 45
        places = classes * per_class if classes else 0  # none: a blank cell, read as 0
        land = Decimal(rng.randint(5, 120))
        area = Decimal(rng.randint(30, 600) * 100)
        content = f"用地约{land}亩,总建筑面积约{area}平方米" + (f",设{classes}个班" if classes else "")
        facts = ProjectFacts(
            id=i, name=name, category=category, annex_class=klass, construction_type=ctype,
            township=town, responsible_unit="县教育局", start_year=start, end_year=end,
            total_investment=total, period_plan=period,
            annual_plan=dict(zip(years, plans, strict=True)), land_mu=land, floor_area_m2=area,
            classes=classes, new_places=places, content=content, remarks=None,
            phase="在建" if klass == "续建" else "前期", county=county if dealt else "",
        )
        pace = Decimal(rng.choice((60, 75, 90, 95, 100, 100, 100, 105))) / 100
        out.append(Synthetic(facts, pace))
    return out


def _split(amount: Decimal, parts: int, rng: random.Random) -> list[Decimal]:
    """``amount`` (whole 万元) in ``parts`` whole shares that add up exactly."""
    weights = [rng.randint(60, 140) for _ in range(parts)]
    total_w = sum(weights)
    shares = [(amount * w / total_w).quantize(Decimal(1)) for w in weights[:-1]]
    return shares + [amount - sum(shares, Decimal(0))]


# --- the annex workbook ---------------------------------------------------------------------------
def _cell(value: Decimal | int | None, rng: random.Random) -> object:
    """Mostly numbers; now and then a number written as text, as officers do."""
    if value is None:
        return None
    r = rng.random()
    if r < 0.03:
        return f"{value:,}"
    if r < 0.04:
        return str(value).translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    return _num(Decimal(value))


def formula_row(item_id: int) -> bool:
    """Whether the ``--formulas`` annex writes this project's 合计 as a formula: 19 in 50 of the
    projects (3,800 formulas at N = 10,000)."""
    return item_id % 50 < 19


def write_annex(items: list[Synthetic], path: Path, seed: int = SEED, *,
                formulas: bool = False) -> Path:
    """The annex table: title, unit row, two-row merged header, 总计 / category / class section
    rows with their subtotals, the items, a notes row — one sheet, like the county's.

    ``formulas``: the 合计 (period plan) of the projects picked by ``formula_row`` is written as
    ``=SUM(I:M)`` of its year cells, with no cached value (openpyxl stores none), as a workbook
    written by a script and never opened in Excel; those rows' year cells are plain numbers so
    that the sum is the plan."""
    import openpyxl

    rng = random.Random(seed)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("附件")
    rows_written = 0

    def put(row: list) -> None:
        nonlocal rows_written
        ws.append(row)
        rows_written += 1
    width = len(HEADER_1)
    put(["附件"])
    put([f"{COUNTIES[0]}“十四五”教育建设项目安排表({len(items)}个项目)"])  # its county
    put([None] * 15 + ["单位:万元、亩"])
    put(list(HEADER_1))
    put(list(HEADER_2))
    for ref in ("A2:Q2", "P3:Q3", "H4:M4") + tuple(f"{c}4:{c}5" for c in "ABCDEFGNOPQ"):
        ws.merged_cells.add(ref)

    def sums(group: list[Synthetic]) -> list[object]:
        tot = sum((s.facts.total_investment for s in group), Decimal(0))
        per = sum((s.facts.period_plan for s in group), Decimal(0))
        years = [sum((s.facts.annual_plan.get(y, Decimal(0)) for s in group), Decimal(0))
                 for y in YEARS]
        land = sum((s.facts.land_mu for s in group), Decimal(0))
        places = sum(s.facts.new_places or 0 for s in group)
        return [_num(tot), _num(per), *[_num(v) for v in years], _num(land), places]

    put([None, f"总计({len(items)}个)", None, None, None, None, *sums(items)])
    by_cat: dict[str, list[Synthetic]] = {}
    for s in items:
        by_cat.setdefault(s.facts.category or "其他", []).append(s)
    for ci, (cat, group) in enumerate(sorted(by_cat.items(), key=lambda kv: _cat_order(kv[0]))):
        put([None, f"{CN_NUM[ci]}、{cat}项目({len(group)}个)", None, None, None, None,
                   *sums(group)])
        by_class: dict[str, list[Synthetic]] = {}
        for s in group:
            by_class.setdefault(s.facts.annex_class or "", []).append(s)
        for ki, klass in enumerate(k for k, _ in CLASS_WEIGHTS if k in by_class):
            members = by_class[klass]
            put([None, f"({CN_NUM[ki]}){klass}项目({len(members)}个)", None, None, None,
                       None, *sums(members)])
            for seq, s in enumerate(members, 1):
                f = s.facts
                period: object = _cell(f.period_plan, rng)
                years = [_cell(f.annual_plan.get(y), rng) for y in YEARS]
                if formulas and formula_row(f.id):
                    row = rows_written + 1  # the row this put writes
                    period = f"=SUM(I{row}:M{row})"
                    years = [None if (v := f.annual_plan.get(y)) is None else _num(v)
                             for y in YEARS]
                put([seq, f.name, f.construction_type, f.township, f.content,
                           f"{f.start_year}-{f.end_year}", _cell(f.total_investment, rng),
                           period, *years,
                           _cell(f.land_mu, rng), _cell(f.new_places, rng),
                           f.responsible_unit, f.remarks])
    put([None] * width)
    put(["注:本表“十四五”计划投资为预估数,具体以年度投资计划为准。"])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _num(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _cat_order(cat: str) -> int:
    return [c for c, _ in CATEGORY_WEIGHTS].index(cat) if cat in dict(CATEGORY_WEIGHTS) else 99


# --- the database -----------------------------------------------------------------------------------
def _days(start: dt.date, end: dt.date, cadence: str) -> list[dt.date]:
    """Fridays (weekly) or each month's 25th (monthly) from start to end, inclusive."""
    if cadence == "weekly":
        return fridays(start, end)
    return [dt.date(y, m, 25) for y in range(start.year, end.year + 1) for m in range(1, 13)
            if start <= dt.date(y, m, 25) <= end]


def _quarter_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    return [dt.date(y, m, d) for y in range(start.year, end.year + 1)
            for m, d in ((3, 31), (6, 30), (9, 30), (12, 31)) if start <= dt.date(y, m, d) <= end]


def _history(s: Synthetic, cadence: str, rng: random.Random):
    """(ledger rows, progress rows, milestone rows) of one project, as Core parameter dicts."""
    f = s.facts
    pid = f.id
    ledger: list[dict] = []
    progress: list[dict] = []
    if f.annex_class == "前期":
        return ledger, progress, _milestones(f, None, rng)
    if f.annex_class == "续建":
        first = dt.date(FIRST_YEAR, 1, 1)
    else:
        first = dt.date(f.start_year or FIRST_YEAR, 3, 1)
    last = min(dt.date(f.end_year or LAST_YEAR, 12, 31), dt.date(LAST_YEAR, 12, 31))
    done = Decimal(0)
    for year in range(first.year, last.year + 1):
        plan = f.annual_plan.get(year, Decimal(0))
        days = _days(max(first, dt.date(year, 1, 1)), min(last, dt.date(year, 12, 31)), cadence)
        if not days or not plan:
            continue
        target = (plan * s.pace).quantize(Decimal("0.01"))
        cents = int(target * 100)
        base, extra = divmod(cents, len(days))
        for i, day in enumerate(days):
            amount = Decimal(base + (1 if i < extra else 0)).scaleb(-2)
            if amount:
                ledger.append(_entry(pid, "完成投资", day, amount))
        done += target
    q_days = _quarter_ends(first, last)
    for day in q_days:
        share = (done / max(len(q_days), 1)).quantize(Decimal("0.01"))
        ledger.append(_entry(pid, "到位资金", day, share * Decimal("1.05"),
                             source=FUND_SOURCES[rng.randrange(len(FUND_SOURCES))]))
        ledger.append(_entry(pid, "拨付", day, share * Decimal("0.9")))
    steps = _days(first, last, "monthly") if cadence == "weekly" else q_days
    for k, day in enumerate(steps, 1):
        pct = min(Decimal(k) / len(steps) * s.pace, Decimal(1)).quantize(Decimal("0.01"))
        progress.append({"project_id": pid, "entry_date": day, "stage": _stage(pct),
                         "percent": pct, "note": None, "reverses_id": None, "origin": "bench",
                         "created_at": CREATED, "created_by": "bench"})
    return ledger, progress, _milestones(f, first, rng)


def _entry(pid: int, kind: str, day: dt.date, amount: Decimal, source: str | None = None) -> dict:
    return {"project_id": pid, "kind": kind, "entry_date": day, "amount": amount,
            "entered_cumulative": None, "source": source, "note": None, "reverses_id": None,
            "origin": "bench", "created_at": CREATED, "created_by": "bench"}


def _stage(pct: Decimal) -> str:
    for limit, stage in ((Decimal("0.2"), "基础"), (Decimal("0.6"), "主体结构"),
                         (Decimal("0.7"), "屋面"), (Decimal("0.9"), "装饰装修"), (Decimal(1), "收尾")):
        if pct < limit:
            return stage
    return "竣工"


def _milestones(f: ProjectFacts, started: dt.date | None, rng: random.Random) -> list[dict]:
    start_year = f.start_year or LAST_YEAR
    end_year = f.end_year or start_year + 2
    planned = {"开工": dt.date(start_year, 12, 31), "投用": dt.date(end_year, 8, 31)}
    for i, name in enumerate(MILESTONES[:5]):
        planned[name] = dt.date(start_year, 1, 15) + dt.timedelta(days=30 * i)
    planned["主体结顶"] = dt.date(max(start_year, end_year - 1), 10, 31)
    planned["竣工验收"] = dt.date(end_year, 6, 30)
    rows = []
    for seq, name in enumerate(MILESTONES):
        plan = planned.get(name)
        actual = None
        if started is not None and plan is not None and seq <= 6:
            actual = plan + dt.timedelta(days=rng.randint(-10, 60))
            if actual > dt.date(LAST_YEAR, 12, 31):
                actual = None
        rows.append({"project_id": f.id, "name": name, "seq": seq, "planned": plan,
                     "actual": actual, "version": 1})
    return rows


def _project_row(s: Synthetic) -> dict:
    from projtrack.importer.plan import snapshot_json

    f = s.facts
    return {
        "id": f.id, "name": f.name, "county": f.county, "category": f.category,
        "annex_class": f.annex_class,
        "construction_type": f.construction_type, "township": f.township,
        "responsible_unit": f.responsible_unit, "start_year": f.start_year,
        "end_year": f.end_year, "total_investment": f.total_investment,
        "period_plan": f.period_plan, "land_mu": f.land_mu, "floor_area_m2": f.floor_area_m2,
        "classes": f.classes, "new_places": f.new_places, "content": f.content,
        "remarks": f.remarks, "project_code": None, "prior_actual": f.prior_actual,
        "phase": "前期" if f.annex_class == "前期" else "在建", "status": "active",
        "source_file": "bench", "source_sheet": "附件", "source_row": f.id,
        "annex_facts": snapshot_json(f), "created_at": CREATED, "updated_at": CREATED,
        "version": 1,
    }


def _chunks(rows: Iterator[dict], size: int = CHUNK) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_database(items: list[Synthetic], url: str, cadence: str = "weekly",
                   seed: int = SEED) -> dict[str, int]:
    """Migrate an empty database at ``url`` and fill it; returns the row count per table."""
    from sqlalchemy import insert

    from projtrack.store.check import rebuild_sums
    from projtrack.store.copy import reset_sequences, sums_trigger
    from projtrack.store.engine import make_engine
    from projtrack.store.migrate import is_empty, upgrade
    from projtrack.store.models import (
        AnnualPlan,
        AuditLog,
        ImportRun,
        LedgerEntry,
        Milestone,
        ProgressEntry,
        Project,
    )

    if cadence not in CADENCES:
        raise ValueError(f"cadence must be one of {CADENCES}")
    engine = make_engine(url)
    try:
        if not is_empty(engine):
            raise ValueError(f"{url} is not empty: the generator fills new databases only")
        upgrade(engine)
        counts = {"project": 0, "annual_plan": 0, "milestone": 0, "ledger_entry": 0,
                  "progress_entry": 0, "audit_log": 0}
        tables = {"project": Project.__table__, "annual_plan": AnnualPlan.__table__,
                  "milestone": Milestone.__table__, "ledger_entry": LedgerEntry.__table__,
                  "progress_entry": ProgressEntry.__table__, "audit_log": AuditLog.__table__}

        def put(conn, name: str, rows: list[dict]) -> None:
            if rows:
                conn.execute(insert(tables[name]), rows)
                counts[name] += len(rows)

        with engine.begin() as conn:
            for batch in _chunks(_project_row(s) for s in items):
                put(conn, "project", batch)
            plans = ({"project_id": s.facts.id, "year": y, "amount": a, "version": 1}
                     for s in items for y, a in sorted(s.facts.annual_plan.items()))
            for batch in _chunks(plans):
                put(conn, "annual_plan", batch)
            audit = ({"at": CREATED, "user": "bench", "action": "create", "entity": "project",
                      "entity_id": s.facts.id, "project_id": s.facts.id, "field": "name",
                      "old_value": None, "new_value": s.facts.name, "context": "import:bench"}
                     for s in items)
            for batch in _chunks(audit):
                put(conn, "audit_log", batch)
            conn.execute(insert(ImportRun.__table__), [{
                "at": CREATED, "user": "bench", "kind": "annex", "file": "bench", "sha256": "",
                "summary": json.dumps({"added": len(items)})}])
        rng = random.Random(seed * 7 + len(items))
        ledger: list[dict] = []
        progress: list[dict] = []
        milestones: list[dict] = []
        # one transaction for the history, inserted in chunks, project after project; the
        # yearly and monthly sums' trigger is off meanwhile and the sums are built after it in
        # one statement each, as ``db copy`` builds them: laid out as in a database whose
        # entries arrived week after week (project after project, each project's monthly row
        # would land all over the table; its range scans would read half-empty pages)
        with engine.begin() as conn:
            trigger = sums_trigger(conn, on=False)
            for s in items:
                lg, pg, ms = _history(s, cadence, rng)
                ledger += lg
                progress += pg
                milestones += ms
                if len(ledger) >= CHUNK:
                    put(conn, "ledger_entry", ledger)
                    ledger = []
                if len(progress) >= CHUNK:
                    put(conn, "progress_entry", progress)
                    progress = []
                if len(milestones) >= CHUNK:
                    put(conn, "milestone", milestones)
                    milestones = []
            put(conn, "ledger_entry", ledger)
            put(conn, "progress_entry", progress)
            put(conn, "milestone", milestones)
            sums_trigger(conn, on=True, sql=trigger)
            rebuild_sums(conn)
        reset_sequences(engine)
        return counts
    finally:
        engine.dispose()


def build(n: int, out: Path, cadence: str = "weekly", *, annex: bool = True,
          database: bool = True, url: str | None = None,
          formulas: bool = False, counties: int = 0) -> dict[str, object]:
    """Write the annex and/or the database of N projects into ``out``; skip what exists.
    ``formulas``: also ``annex-N-formulas.xlsx`` (see ``write_annex``); ``counties``: the
    database of a province of that many counties (no annex: a province imports its counties'
    annexes one by one)."""
    out.mkdir(parents=True, exist_ok=True)
    items = projects(n, counties=counties)
    info: dict[str, object] = {"n": n, "cadence": cadence, "counties": counties}
    if counties:
        annex = formulas = False
    if formulas:
        fx = out / f"annex-{n}-formulas.xlsx"
        if not fx.exists():
            t0 = time.perf_counter()
            write_annex(items, fx.with_suffix(".tmp.xlsx"), formulas=True).rename(fx)
            info["formulas_annex_seconds"] = round(time.perf_counter() - t0, 2)
        info["formulas_annex"] = str(fx)
        info["formulas"] = sum(1 for s in items if formula_row(s.facts.id))
    xlsx = out / f"annex-{n}.xlsx"
    if annex:
        if not xlsx.exists():
            t0 = time.perf_counter()
            write_annex(items, xlsx.with_suffix(".tmp.xlsx")).rename(xlsx)
            info["annex_seconds"] = round(time.perf_counter() - t0, 2)
        info["annex"] = str(xlsx)
    if database:
        db = out / (f"portfolio-{n}-{cadence}-counties-{counties}.db" if counties
                    else f"portfolio-{n}-{cadence}.db")
        target = url or str(db)
        if url is not None or not db.exists():
            t0 = time.perf_counter()
            tmp = db.with_suffix(".tmp.db")
            if url is None:
                for suffix in ("", "-wal", "-shm"):
                    Path(str(tmp) + suffix).unlink(missing_ok=True)
            info["rows"] = write_database(items, url or str(tmp), cadence)
            if url is None:
                tmp.rename(db)
                for suffix in ("-wal", "-shm"):
                    Path(str(tmp) + suffix).unlink(missing_ok=True)
            info["database_seconds"] = round(time.perf_counter() - t0, 2)
        elif (moved := upgrade_cached(db)) is not None:
            info["upgraded"] = moved
        info["database"] = target
    return info


def upgrade_cached(db: Path) -> str | None:
    """A database generated by an earlier version, whose schema is older than projtrack's:
    brought up to date in place, as an officer's would be (``projtrack db upgrade``; its data
    stays, generating it again takes most of an hour at N = 100,000).  "0011 → 0012", or None
    when it was current already."""
    from projtrack.store.engine import make_engine
    from projtrack.store.migrate import current_revision, upgrade
    from projtrack.store.revisions import head_revision

    engine = make_engine(str(db))
    try:
        rev, head = current_revision(engine), head_revision()
        if rev == head:
            return None
        print(f"{db.name}: schema {rev} → {head} (upgraded in place)", file=sys.stderr)
        upgrade(engine)
        return f"{rev} → {head}"
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, required=True, help="number of projects")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "data")
    ap.add_argument("--cadence", choices=CADENCES, default="weekly")
    ap.add_argument("--url", help="fill this (empty) database instead of a SQLite file in --out")
    ap.add_argument("--no-annex", action="store_true")
    ap.add_argument("--no-database", action="store_true")
    ap.add_argument("--formulas", action="store_true",
                    help="also annex-N-formulas.xlsx: 19 in 50 projects' 合计 as uncached formulas")
    ap.add_argument("--counties", type=int, default=0,
                    help="a province's database: the projects dealt out to this many counties")
    args = ap.parse_args(argv)
    info = build(args.n, args.out, args.cadence, annex=not args.no_annex,
                 database=not args.no_database, url=args.url, formulas=args.formulas,
                 counties=args.counties)
    print(json.dumps(info, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
