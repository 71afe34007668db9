"""An import plan: what importing an annex would change — pure data, built before any write.

A project in the annex is matched to a stored one by its project code (项目代码) when both have
one, else by its name.  Each stored project keeps a snapshot of the facts as last imported;
a field is changed only when the annex itself changed it since then, so an officer's later
edits (a revised plan, a corrected township) survive re-importing the same annex.

A project the annex lists under a new name is proposed as a rename (same id, history kept)
when its project code (or the lack of one), township, start and end years and total investment
are exactly those of one project the annex no longer lists, and of no other.

The plan says when an import needs an officer's confirmation (``needs_confirmation``): when it
blanks fields an earlier annex filled, or withdraws more than a tenth of the active projects.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from projtrack.core.jsonvalue import to_json
from projtrack.core.money import to_plain
from projtrack.core.terms import Status
from projtrack.core.types import ProjectFacts

# annex facts that an import compares and updates
FIELDS = ("category", "annex_class", "construction_type", "township", "responsible_unit",
          "start_year", "end_year", "total_investment", "period_plan", "land_mu",
          "floor_area_m2", "classes", "new_places", "content", "remarks", "project_code",
          "prior_actual")
DECIMAL_FIELDS = {"total_investment", "period_plan", "land_mu", "floor_area_m2", "prior_actual"}
RENAME_KEY = ("project_code", "township", "start_year", "end_year", "total_investment")
ACTIVE = Status.ACTIVE
WITHDRAW_SHARE = Decimal("0.1")  # withdrawing more than this share of active projects: confirm


def snapshot(facts: ProjectFacts) -> dict[str, object]:
    """The annex facts as JSON-able plain values (Decimals as strings)."""
    data: dict[str, object] = {f: to_json(getattr(facts, f)) for f in FIELDS}
    data["annual_plan"] = {str(y): to_plain(a) for y, a in sorted(facts.annual_plan.items())}
    data["funding_plan"] = {src: to_plain(a) for src, a in sorted(facts.funding_plan.items())}
    return data


def snapshot_json(facts: ProjectFacts) -> str:
    return json.dumps(snapshot(facts), ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class FieldChange:
    field: str  # a FIELDS name, or "plan.2023"
    old: object
    new: object


@dataclass
class ProjectChange:
    project_id: int
    name: str  # the stored name (before a rename)
    facts: ProjectFacts  # as read from the annex
    changes: list[FieldChange]
    reactivated: bool = False

    @property
    def new_name(self) -> str | None:
        """The annex's name when it renames the project, else None."""
        return self.facts.name if self.facts.name != self.name else None


@dataclass(frozen=True)
class Blank:
    """A field an earlier annex filled that this annex leaves empty."""

    project_id: int
    name: str
    field: str  # a FIELDS name, or "plan.2023"
    old: object


@dataclass
class ImportPlan:
    file: str
    sha256: str
    added: list[ProjectFacts] = field(default_factory=list)
    changed: list[ProjectChange] = field(default_factory=list)
    unchanged: list[tuple[int, str]] = field(default_factory=list)
    withdrawn: list[tuple[int, str]] = field(default_factory=list)
    moved: list[ProjectChange] = field(default_factory=list)  # only the source row moved
    issues: list = field(default_factory=list)  # importer Issues
    blanked: list[Blank] = field(default_factory=list)
    active_before: int = 0  # active projects stored before the import
    # a projtrack export: each project's phase and status by name (taken for new projects, kept
    # for stored ones), and the stored projects keep the annex they came from as their source
    carried: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    export: bool = False
    held: bool = False  # needed a confirmation it did not have: nothing was written
    maps: list = field(default_factory=list)  # importer SheetMaps: what each column fed
    remembered: list = field(default_factory=list)  # (sheet, map, where from) used again
    baseline: str | None = None  # the baseline this import set (the first one), if any
    budget_changes: int = 0  # 总投资 / plan changes recorded as approved budget changes
    # the county (区县) it is for: each project's (a city table's sections) and where that
    # came from ("option", "cell", "setting", "database", "sections"; the cell or sheet)
    counties: tuple[str, ...] = ()
    county_source: str = ""
    county_where: str = ""
    county_of: dict[int, str] = field(default_factory=dict)  # the stored projects compared
    unnamed: int = 0  # stored projects without a county, not compared (a city table's import)
    assigned: int = 0  # projects without a county given this import's (the first to name one)
    county_setting: str | None = None  # the ``county`` setting this import set (a fresh file)
    left_out: dict[str, int] = field(default_factory=dict)  # --county: other sections' projects

    def by_county(self) -> dict[str, dict[str, int]]:
        """added / changed / unchanged / withdrawn, per county, in the order of ``counties``."""
        out: dict[str, dict[str, int]] = {
            c: {"added": 0, "changed": 0, "unchanged": 0, "withdrawn": 0} for c in self.counties}

        def count(county: str, what: str) -> None:
            out.setdefault(county, {"added": 0, "changed": 0, "unchanged": 0, "withdrawn": 0})
            out[county][what] += 1

        for f in self.added:
            count(f.county, "added")
        for c in self.changed:
            count(c.facts.county, "changed")
        for pid, _name in self.unchanged:
            count(self.county_of.get(pid, ""), "unchanged")
        for pid, _name in self.withdrawn:
            count(self.county_of.get(pid, ""), "withdrawn")
        return out

    @property
    def errors(self) -> list:
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list:
        return [i for i in self.issues if i.level == "warning"]

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.withdrawn or self.moved)

    @property
    def renamed(self) -> list[ProjectChange]:
        return [c for c in self.changed if c.new_name is not None]

    @property
    def withdraws_many(self) -> bool:
        """More than a tenth of the active projects withdrawn."""
        return len(self.withdrawn) > WITHDRAW_SHARE * self.active_before

    @property
    def needs_confirmation(self) -> bool:
        return not self.errors and bool(self.blanked or self.withdraws_many)


def _decode(fld: str, value: object) -> object:
    if value is None:
        return None
    if fld in DECIMAL_FIELDS:
        return Decimal(str(value))
    return value


def diff_project(stored: ProjectFacts, stored_snapshot: dict | None, new: ProjectFacts) -> list[FieldChange]:
    """Changes the annex makes to a stored project."""
    base = stored_snapshot if stored_snapshot is not None else snapshot(stored)
    new_snap = snapshot(new)
    changes: list[FieldChange] = []
    for fld in FIELDS:
        if new_snap[fld] == base.get(fld):
            continue
        current, wanted = getattr(stored, fld), getattr(new, fld)
        if current == wanted:
            continue
        changes.append(FieldChange(fld, current, wanted))
    old_plans = base.get("annual_plan") or {}
    new_plans = new_snap["annual_plan"]
    assert isinstance(old_plans, dict) and isinstance(new_plans, dict)
    for year in sorted(set(old_plans) | set(new_plans), key=int):
        if old_plans.get(year) == new_plans.get(year):
            continue
        current = stored.annual_plan.get(int(year))
        wanted = new.annual_plan.get(int(year), Decimal(0) if current is not None else None)
        if current == wanted:
            continue
        changes.append(FieldChange(f"plan.{year}", current, wanted))
    old_funding = base.get("funding_plan") or {}  # snapshots made before 0006 have none
    if old_funding != new_snap["funding_plan"] and dict(stored.funding_plan) != new.funding_plan:
        changes.append(FieldChange("funding_plan", dict(stored.funding_plan),
                                   dict(new.funding_plan)))
    return changes


def _blanks(pid: int, name: str, base: Mapping, new: ProjectFacts,
            changes: list[FieldChange]) -> list[Blank]:
    """The changes that empty a field the earlier annex (``base``, its snapshot) had filled."""
    out = []
    old_plans: Mapping = base.get("annual_plan") or {}
    for fc in changes:
        if fc.field.startswith("plan."):
            year = fc.field.split(".", 1)[1]
            had = old_plans.get(year)
            if had is not None and Decimal(had) != 0 and int(year) not in new.annual_plan:
                out.append(Blank(pid, name, fc.field, fc.old))
        elif fc.field == "funding_plan":
            had = base.get("funding_plan") or {}
            gone = [src for src in had if src not in fc.new]  # type: ignore[operator]
            if gone:
                out.append(Blank(pid, name, fc.field, {k: fc.old[k] for k in gone  # type: ignore[index]
                                                       if k in fc.old}))  # type: ignore[operator]
        elif fc.new is None and fc.old is not None and base.get(fc.field) is not None:
            out.append(Blank(pid, name, fc.field, fc.old))
    return out


def _rename_keys(p: ProjectFacts, snap: Mapping | None) -> set[tuple]:
    """What identifies a stored project besides its name: its current facts, and the annex's
    when they differ (an officer may have corrected one since)."""
    keys = {tuple(getattr(p, f) for f in RENAME_KEY)}
    if snap is not None:
        keys.add(tuple(_decode(f, snap.get(f)) for f in RENAME_KEY))
    return {k for k in keys if k[RENAME_KEY.index("total_investment")] is not None}


def _renames(added: list[ProjectFacts], missing: list[ProjectFacts],
             snapshots: Mapping[int, dict | None]) -> dict[int, ProjectFacts]:
    """Added projects that are a missing one renamed: {stored id: the annex's facts}, only where
    the match is one to one."""
    by_key: dict[tuple, set[int]] = defaultdict(set)
    for p in missing:  # a rename stays within its county
        for key in _rename_keys(p, snapshots.get(p.id)):  # type: ignore[arg-type]
            by_key[(p.county, *key)].add(p.id)  # type: ignore[arg-type]
    wanted: dict[int, list[ProjectFacts]] = defaultdict(list)
    for facts in added:
        ids = by_key.get((facts.county, *(getattr(facts, f) for f in RENAME_KEY)), set())
        if len(ids) == 1:
            wanted[next(iter(ids))].append(facts)
    return {pid: found[0] for pid, found in wanted.items() if len(found) == 1}


def build_plan(parsed, stored: list[ProjectFacts], snapshots: Mapping[int, dict | None], sha256: str,
               *, keep_missing: bool = False,
               carried: Mapping[str, tuple[str, str]] | None = None) -> ImportPlan:
    """Compare a ParsedAnnex with the stored projects.  ``carried`` (given for a projtrack
    export, ``importer.own.export_states``): the phase and status of each of its projects.

    A project is matched within its county (``ProjectFacts.county``, which the annex's and the
    stored ones both carry): ``stored`` holds the projects of the counties the annex is for,
    and only those are withdrawn when the annex no longer lists them."""
    plan = ImportPlan(file=parsed.file, sha256=sha256, issues=list(parsed.issues),
                      carried=dict(carried or {}), export=carried is not None)
    plan.active_before = sum(1 for p in stored if p.status == ACTIVE)
    plan.county_of = {p.id: p.county for p in stored if p.id is not None}
    by_code = {(p.county, p.project_code): p for p in stored if p.project_code}
    by_name = {(p.county, p.name): p for p in stored}
    by_id = {p.id: p for p in stored}
    matched: list[tuple[ProjectFacts, ProjectFacts]] = []  # (stored, annex)
    added: list[ProjectFacts] = []
    for facts in parsed.projects:
        match = by_code.get((facts.county, facts.project_code)) if facts.project_code else None
        match = match or by_name.get((facts.county, facts.name))
        if match is None:
            added.append(facts)
        else:
            matched.append((match, facts))
    seen = {p.id for p, _ in matched}
    if added:
        renames = _renames(added, [p for p in stored if p.id not in seen], snapshots)
        matched += [(by_id[pid], facts) for pid, facts in renames.items()]
        renamed = {id(f) for f in renames.values()}
        added = [f for f in added if id(f) not in renamed]
        seen |= set(renames)
    plan.added = added
    for match, facts in matched:
        assert match.id is not None
        snap = snapshots.get(match.id)
        changes = diff_project(match, snap, facts)
        if match.name != facts.name:
            changes.insert(0, FieldChange("name", match.name, facts.name))
        plan.blanked += _blanks(match.id, match.name, snap if snap is not None else snapshot(match),
                                facts, changes)
        status = plan.carried.get(facts.name, ("", ACTIVE))[1]
        reactivated = match.status != ACTIVE and status == ACTIVE
        if match.status == ACTIVE and status != ACTIVE:  # withdrawn in the export
            plan.withdrawn.append((match.id, match.name))
        if changes or reactivated:
            plan.changed.append(ProjectChange(match.id, match.name, facts, changes, reactivated))
        else:
            plan.unchanged.append((match.id, match.name))
            if match.source != facts.source and not plan.export:
                plan.moved.append(ProjectChange(match.id, match.name, facts, []))
    if not keep_missing:
        plan.withdrawn += [(p.id, p.name) for p in stored  # stored projects have ids
                           if p.id is not None and p.id not in seen and p.status == ACTIVE]
    return plan
