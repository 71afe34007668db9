"""``projtrack demo``: a demo portfolio — the sample annex plus a deterministic, realistic
weekly history.

Most projects are done and in use; some lag (their plans run into 2026–2027), a couple are
over budget, two have stalled, milestones slip.  Physical progress follows the work put in
place week by week (so EV keeps up with the money), except on two running projects whose work
costs more than it earns (a forecast overrun) and two whose officers report a stage without a
percent (no progress rate); the lagging and stalled ones miss their year and their term.  The same as-of date always gives the same
database (a seeded generator; amounts are whole 百元, exact Decimals).  The history is made
here as core types and written by the store in one transaction (``store.seed``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from importlib.resources import as_file, files
from pathlib import Path

from projtrack.core.calendar import fridays
from projtrack.core.terms import AnnexClass, EntryKind, Phase
from projtrack.core.types import FUND_SOURCES, MILESTONES, Entry, ProgressPoint, ProjectFacts
from projtrack.errors import BadUsage
from projtrack.store.engine import normalize_url, sqlite_path
from projtrack.store.repo import Store
from projtrack.store.seed import ProjectHistory, write_histories

# the sample annex ships inside the package (imports/ holds a copy for officers to try)
SAMPLE = files("projtrack") / "data" / "sample-annex.xlsx"
CENT = Decimal("0.01")  # demo amounts are whole 百元 (0.01 万元)
SEED = 20210101


def _q(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def _prepare_target(target: str) -> None:
    """The demo rebuilds its database from scratch; refuse to wipe a database that is not one."""
    path = sqlite_path(normalize_url(target))
    if path is None:
        raise BadUsage("err.demo_needs_file")
    if path.exists() and path.stat().st_size > 0:
        store = Store.open(str(path))
        is_demo = store.setting("demo") is not None
        store.close()
        if not is_demo:
            raise BadUsage("err.demo_not_demo", db=str(path))
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)


@dataclass
class _Dates:
    """A milestone's dates while the history is made."""

    planned: dt.date | None
    actual: dt.date | None


def _id(p: ProjectFacts) -> int:
    assert p.id is not None  # read from the store: every project has its id
    return p.id


def _profiles(projects: list[ProjectFacts], rng: random.Random) -> dict[int, str]:
    """Most projects on track; lagging and stalled ones among those still running late in the
    plan period (so they are visibly behind in the current year); a couple over budget."""
    running = [_id(p) for p in projects
               if p.annex_class != AnnexClass.PREPARATORY and (p.end_year or 0) >= 2024]
    others = [_id(p) for p in projects
              if p.annex_class != AnnexClass.PREPARATORY and p.id not in set(running)]
    rng.shuffle(running)
    rng.shuffle(others)
    profile: dict[int, str] = {pid: "on_track" for pid in running + others}
    for pid in running[:8]:
        profile[pid] = "lagging"
    for pid in running[8:10]:
        profile[pid] = "stalled"
    for pid in others[:2]:
        profile[pid] = "overrun"
    for pid in others[2:5] + running[10:12]:
        profile[pid] = "slipped"  # money on time, milestones late
    for pid in running[12:14]:
        profile[pid] = "costly"  # progress earns less than the money spent: EAC above 总投资
    for pid in running[14:16]:
        profile[pid] = "no_percent"  # progress reported as a stage only
    for p in projects:
        if p.annex_class == AnnexClass.PREPARATORY:
            profile[_id(p)] = "preparing"
    return profile


def _schedule(p: ProjectFacts, prior: Decimal | None, plans: dict[int, Decimal], profile: str,
              as_of: dt.date, rng: random.Random) -> dict[int, tuple[Decimal, Decimal]]:
    """Year → (plan, work put in place), 万元.  Late work spills into the next year's plan;
    lagging and stalled projects run on into the current year."""
    total = p.total_investment or sum(plans.values(), Decimal(0))
    remaining = total - (prior or Decimal(0))
    end = p.end_year or 2025
    if profile in ("lagging", "stalled", "costly", "no_percent"):  # still running at as_of
        end = max(end + 1, as_of.year)
    first = min(plans) if plans else max(p.start_year or 2021, 2021)
    years = list(range(first, end + 1))
    out: dict[int, tuple[Decimal, Decimal]] = {}
    carry = Decimal(0)
    spent = Decimal(0)
    last_annex_year = max(plans) if plans else first - 1
    for y in years:
        want = plans.get(y, Decimal(0)) + carry
        if y > last_annex_year:  # beyond the annex: spread what is left over the years left
            want = _q((remaining - spent) / (years[-1] - y + 1))
        if y == years[-1]:
            want = remaining - spent
        want = max(want, Decimal(0))
        low, high = {"lagging": (55, 75), "stalled": (60, 75), "overrun": (110, 118),
                     "costly": (85, 95), "no_percent": (85, 95)}.get(profile, (95, 104))
        done = _q(want * rng.randint(low, high) / 100)
        if y == years[-1] and profile not in ("lagging", "stalled", "overrun"):
            done = want
        out[y] = (plans.get(y, want), max(done, Decimal(0)))
        spent += done
        carry = max(want - done, Decimal(0))
    return out


def build_demo(target: str, as_of: dt.date, annex: Path | None = None) -> Store:
    """The demo database at ``target`` (a SQLite file, made anew; an existing one must be a
    demo) from ``annex`` (default: the bundled sample), with its history up to ``as_of``."""
    from projtrack.services.annex import import_annex

    _prepare_target(target)
    store = Store.open(target)
    with as_file(SAMPLE) as sample:
        source = annex or sample
        plan = import_annex(store, source)
    if plan.errors:
        raise BadUsage("err.demo_annex", file=str(source))
    rng = random.Random(SEED)
    projects = store.projects()
    milestones = store.milestones()
    profiles = _profiles(projects, rng)
    histories = [_history(p, {m.name: _Dates(m.planned, m.actual)
                              for m in milestones.get(_id(p), [])}, profiles[_id(p)], as_of, rng)
                 for p in projects]
    write_histories(store, histories, origin="demo", settings={"demo": {"as_of": as_of.isoformat()}})
    _budget(store, profiles, as_of)
    _issues(store, profiles, as_of)
    return store


# (profile, days before the as-of date it was raised, text, who must act, days to its due date
# from raising, updates: (days after raising, text, new state or None, who))
_ISSUES = (
    ("stalled", 75, "工程款拨付不及时,施工单位资金周转困难,现场停工", "县财政局", 30,
     ((12, "已召开专题协调会,财政局同意分两批拨付", "协调中", "基建科"),
      (40, "第一批款项已到位,第二批待县政府审批", None, "基建科"))),
    ("stalled", 40, "设计变更未批复,主体结构无法继续施工", "分管副局长", 21,
     ((9, "已报县发改局审核", "协调中", "基建科"),)),
    ("lagging", 58, "用地红线内尚有两户未完成征迁,影响场地平整", "属地镇政府", 45,
     ((20, "镇政府已约谈当事人,拟下月完成腾空", "协调中", "属地镇政府"),)),
    ("lagging", 26, "项目用地指标未落实,施工许可无法办理", "县自然资源和规划局", 60, ()),
    ("slipped", 33, "电力增容方案未确定,影响竣工验收节点", "县供电公司", 28,
     ((14, "已现场踏勘,方案待供电公司内部审批", "协调中", "基建科"),)),
    ("slipped", 90, "消防设计审查意见未回复", "县住建局", 20,
     ((10, "住建局已出具审查意见", "已解决", "基建科"),)),
)


def _issues(store: Store, profiles: dict[int, str], as_of: dt.date) -> None:
    """A few issues in each state, on the lagging, stalled and slipped projects, so the open
    issues view and the weekly report have something to show (one of them resolved)."""
    from projtrack.services.issues import add, update

    taken: set[int] = set()
    for profile, ago, text, owner, due, updates in _ISSUES:
        pid = next((p for p in sorted(profiles) if profiles[p] == profile and p not in taken), None)
        if pid is None:
            continue
        taken.add(pid)
        raised = as_of - dt.timedelta(days=ago)
        done = add(store, pid, text, owner=owner, due=raised + dt.timedelta(days=due),
                   raised_on=raised, origin="demo")
        for after, words, state, who in updates:
            update(store, done.id, words, status=state, date=raised + dt.timedelta(days=after),
                   who=who, origin="demo")


def _budget(store: Store, profiles: dict[int, str], as_of: dt.date) -> None:
    """A baseline set after the history (the import set the first one), then budget changes in
    each state: two pending (a 总投资 increase, plan money moved into next year), one approved
    (next year's plan; it leaves every figure at the as-of date as it was) and one rejected."""
    from projtrack.services.baseline import set_baseline
    from projtrack.services.budget import approve, propose, reject

    set_baseline(store, f"{as_of.year}年中期调整", source="demo")
    lagging = sorted(pid for pid, p in profiles.items() if p == "lagging")
    overrun = sorted(pid for pid, p in profiles.items() if p == "overrun")
    plans = {p.id: p for p in store.projects(project_ids=lagging + overrun)}
    year, decided = as_of.year, as_of - dt.timedelta(days=45)
    if lagging:
        first = plans[lagging[0]]
        if first.total_investment is not None:
            propose(store, lagging[0], total=first.total_investment + Decimal(1250),
                    reason="材料价格上涨,概算调整", source="demo")
    if len(lagging) > 1:
        this_year = plans[lagging[1]].annual_plan.get(year)
        if this_year and this_year > 0:
            propose(store, lagging[1], moves=[(year, year + 1, _q(min(Decimal(300), this_year / 4)))],
                    reason="进度滞后,部分计划移至下一年", source="demo")
    if len(lagging) > 2:
        nxt = plans[lagging[2]].annual_plan.get(year + 1, Decimal(0))
        done = propose(store, lagging[2], plans={year + 1: nxt + Decimal(500)},
                       reason="增加室外配套工程", source="demo")
        approve(store, done.id, doc_no=f"平发改投资〔{year}〕58号", date=decided, source="demo")
    if overrun:
        total = plans[overrun[0]].total_investment
        if total is not None:
            done = propose(store, overrun[0], total=total + Decimal(800),
                           reason="超概部分申请调增", source="demo")
            reject(store, done.id, reason="超概部分由业主单位自筹", date=decided, source="demo")


def _history(p: ProjectFacts, milestones: dict[str, _Dates], profile: str, as_of: dt.date,
             rng: random.Random) -> ProjectHistory:
    pid = _id(p)
    prior = p.prior_actual
    if p.annex_class == AnnexClass.CONTINUING and p.total_investment and p.period_plan:
        prior = p.total_investment - p.period_plan
    before = {name: (d.planned, d.actual) for name, d in milestones.items()}

    def history(phase: str, plans: dict[int, Decimal] | None = None,
                entries: Sequence[Entry] = (), progress: Sequence[ProgressPoint] = ()
                ) -> ProjectHistory:
        changed = {name: (d.planned, d.actual) for name, d in milestones.items()
                   if (d.planned, d.actual) != before[name]}
        return ProjectHistory(pid, profile, prior, phase, plans=plans or {}, entries=entries,
                              progress=progress, milestones=changed)

    if profile == "preparing":
        _milestones_preparing(milestones, p, as_of)
        return history(Phase.PREPARATION)
    plans = dict(p.annual_plan)
    full = _schedule(p, prior, plans, profile, as_of, rng)
    added = {year: plan_amount for year, (plan_amount, _done) in full.items()  # the years the
             if year not in plans and plan_amount > 0}                       # annex omits
    schedule = {year: done for year, (_plan, done) in full.items()}
    first_year = min(schedule)
    start = dt.date(first_year, 3, 1) if p.annex_class != AnnexClass.CONTINUING else dt.date(2021, 1, 1)
    cumulative = prior or Decimal(0)
    total = p.total_investment or Decimal(1)
    last_day = as_of - dt.timedelta(days=70) if profile == "stalled" else as_of
    finished: dt.date | None = None
    final_year = max(schedule)
    entries: list[Entry] = []
    progress: list[ProgressPoint] = []
    for year, amount in sorted(schedule.items()):
        # a project on time finishes its work before the autumn term of its last year
        year_end = dt.date(year, 7, 31) if year == final_year and profile in (
            "on_track", "overrun", "slipped") else dt.date(year, 12, 31)
        weeks = fridays(max(start, dt.date(year, 1, 1)), year_end)
        if not weeks or amount <= 0:
            continue
        weights = [Decimal(rng.randint(60, 140)) for _ in weeks]
        wsum = sum(weights)
        paid_so_far = Decimal(0)
        for i, (day, w) in enumerate(zip(weeks, weights, strict=True)):
            inc = amount - paid_so_far if i == len(weeks) - 1 else _q(amount * w / wsum)
            paid_so_far += inc
            if day > last_day or inc <= 0:
                continue
            entries.append(Entry(pid, EntryKind.ACTUAL, day, inc))
            cumulative += inc
            if day.day <= 7:  # monthly: funds, payments and physical progress
                entries.append(Entry(pid, EntryKind.FUNDS, day,
                                     _q(inc * 4 * Decimal(rng.randint(90, 110)) / 100),
                                     source=rng.choice(FUND_SOURCES)))
                entries.append(Entry(pid, EntryKind.PAYMENT, day,
                                     _q(inc * 4 * Decimal(rng.randint(75, 90)) / 100)))
            # physical progress with every week's work (rounded up to 0.01 %: EV never
            # trails the money by a rounding)
            share = min(cumulative / total, Decimal(1))
            if profile == "costly":
                share = share * Decimal("0.9")
            pct = share.quantize(Decimal("0.0001"), rounding=ROUND_CEILING)
            progress.append(ProgressPoint(pid, day, _stage(pct),
                                          None if profile == "no_percent" else pct))
            if cumulative >= total and finished is None:
                finished = day
    _milestones(milestones, p, profile, start, finished, as_of, rng)
    phase = p.phase
    if finished and finished <= as_of:
        handover = milestones["投用"].actual
        phase = Phase.IN_USE if handover and handover <= as_of else Phase.COMPLETED
    elif start <= as_of:
        phase = Phase.CONSTRUCTION
    return history(phase, plans=added, entries=entries, progress=progress)


def _stage(pct: Decimal) -> str:
    for limit, stage in ((Decimal("0.2"), "基础"), (Decimal("0.6"), "主体结构"),
                         (Decimal("0.7"), "屋面"), (Decimal("0.9"), "装饰装修"),
                         (Decimal("0.999"), "收尾")):
        if pct < limit:
            return stage
    return "竣工"


def _milestones(ms: dict[str, _Dates], p: ProjectFacts, profile: str, start: dt.date, finished: dt.date | None,
                as_of: dt.date, rng: random.Random) -> None:
    slip = rng.randint(45, 160) if profile in ("lagging", "slipped", "stalled") else rng.randint(-10, 12)
    approvals = ("立项", "可研批复", "用地批准", "初设批复", "施工许可")
    for i, name in enumerate(approvals):
        day = start - dt.timedelta(days=30 * (len(approvals) - i) + rng.randint(0, 20))
        ms[name].planned = ms[name].planned or day
        if day <= as_of:
            ms[name].actual = day
    ms["开工"].planned = ms["开工"].planned or start
    if start <= as_of:
        ms["开工"].actual = (min(start, ms["开工"].planned) if p.annex_class == AnnexClass.CONTINUING
                           else start)
    end_year = p.end_year or start.year + 2
    topping = dt.date(max(start.year, end_year - 1), 10, 31)
    ms["主体结顶"].planned = topping
    ms["竣工验收"].planned = dt.date(end_year, 6, 30)
    for name, planned in (("主体结顶", topping), ("竣工验收", ms["竣工验收"].planned),
                          ("投用", ms["投用"].planned)):
        if planned is None:
            continue
        slipped = planned + dt.timedelta(days=slip)
        actual: dt.date | None = slipped
        if name != "主体结顶" and (finished is None or finished > slipped):
            actual = (finished + dt.timedelta(days=20)) if finished else None
        if name == "投用" and actual is not None and actual > planned:
            actual = dt.date(actual.year, 8, 31) if actual <= dt.date(actual.year, 8, 31) else \
                dt.date(actual.year + 1, 8, 31)
        if actual is not None and actual <= as_of:
            ms[name].actual = actual


def _milestones_preparing(ms: dict[str, _Dates], p: ProjectFacts, as_of: dt.date) -> None:
    base = dt.date((p.start_year or as_of.year), 3, 31)
    for i, name in enumerate(MILESTONES[:5]):
        planned = base + dt.timedelta(days=60 * i)
        ms[name].planned = planned
        if planned + dt.timedelta(days=15) <= as_of and i < 3:
            ms[name].actual = planned + dt.timedelta(days=15)
