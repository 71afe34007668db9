"""An import plan: what importing an annex would change — pure data, built before any write.

A project in the annex is matched to a stored one by its project code (项目代码) when both have
one, else by its name.  Each stored project keeps a snapshot of the facts as last imported;
a field is changed only when the annex itself changed it since then, so an officer's later
edits (a revised plan, a corrected township) survive re-importing the same annex.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from projtrack.core.money import to_plain
from projtrack.core.types import ProjectFacts

# annex facts that an import compares and updates
FIELDS = ("category", "annex_class", "construction_type", "township", "responsible_unit",
          "start_year", "end_year", "total_investment", "period_plan", "land_mu",
          "floor_area_m2", "classes", "new_places", "content", "remarks", "project_code",
          "prior_actual")
DECIMAL_FIELDS = {"total_investment", "period_plan", "land_mu", "floor_area_m2", "prior_actual"}


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return to_plain(value)
    return value


def snapshot(facts: ProjectFacts) -> dict[str, object]:
    """The annex facts as JSON-able plain values (Decimals as strings)."""
    data: dict[str, object] = {f: _plain(getattr(facts, f)) for f in FIELDS}
    data["annual_plan"] = {str(y): to_plain(a) for y, a in sorted(facts.annual_plan.items())}
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
    name: str
    facts: ProjectFacts  # as read from the annex
    changes: list[FieldChange]
    reactivated: bool = False


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
    maps: list = field(default_factory=list)  # importer SheetMaps: what each column fed
    remembered: list = field(default_factory=list)  # (sheet, map, where from) used again

    @property
    def errors(self) -> list:
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list:
        return [i for i in self.issues if i.level == "warning"]

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.withdrawn or self.moved)


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
    old_plans: dict = base.get("annual_plan") or {}
    new_plans: dict = new_snap["annual_plan"]  # type: ignore[assignment]
    for year in sorted(set(old_plans) | set(new_plans), key=int):
        if old_plans.get(year) == new_plans.get(year):
            continue
        current = stored.annual_plan.get(int(year))
        wanted = new.annual_plan.get(int(year), Decimal(0) if current is not None else None)
        if current == wanted:
            continue
        changes.append(FieldChange(f"plan.{year}", current, wanted))
    return changes


def build_plan(parsed, stored: list[ProjectFacts], snapshots: dict[int, dict | None], sha256: str,
               *, keep_missing: bool = False) -> ImportPlan:
    """Compare a ParsedAnnex with the stored projects."""
    plan = ImportPlan(file=parsed.file, sha256=sha256, issues=list(parsed.issues))
    by_code = {p.project_code: p for p in stored if p.project_code}
    by_name = {p.name: p for p in stored}
    seen: set[int] = set()
    for facts in parsed.projects:
        match = by_code.get(facts.project_code) if facts.project_code else None
        match = match or by_name.get(facts.name)
        if match is None:
            plan.added.append(facts)
            continue
        assert match.id is not None
        seen.add(match.id)
        changes = diff_project(match, snapshots.get(match.id), facts)
        if match.name != facts.name:
            changes.insert(0, FieldChange("name", match.name, facts.name))
        reactivated = match.status != "active"
        if changes or reactivated:
            plan.changed.append(ProjectChange(match.id, match.name, facts, changes, reactivated))
        else:
            plan.unchanged.append((match.id, match.name))
            if match.source != facts.source:
                plan.moved.append(ProjectChange(match.id, match.name, facts, []))
    if not keep_missing:
        plan.withdrawn = [(p.id, p.name) for p in stored
                          if p.id not in seen and p.status == "active"]  # type: ignore[misc]
    return plan
