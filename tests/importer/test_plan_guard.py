"""The import plan as pure data: renames proposed one to one, what needs a confirmation (fields
an earlier annex filled left blank, more than a tenth of the projects withdrawn), and a
projtrack export's own phase and status."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from projtrack.core.types import ProjectFacts, SourceRef
from projtrack.importer.model import ParsedAnnex
from projtrack.importer.plan import build_plan, snapshot


def facts(i: int, **kw) -> ProjectFacts:
    base = dict(id=None, name=f"项目{i}", category="中小学", township=f"镇{i}", start_year=2021,
                end_year=2023, total_investment=Decimal(1000 + i), responsible_unit="县教育局",
                annual_plan={2021: Decimal(100), 2022: Decimal(200)},
                source=SourceRef("附件.xlsx", "附件", 10 + i))
    return ProjectFacts(**(base | kw))


def stored(n: int) -> tuple[list[ProjectFacts], dict[int, dict]]:
    """n projects as an import of ``facts(1..n)`` left them: ids, snapshots."""
    rows = [replace(facts(i), id=i) for i in range(1, n + 1)]
    return rows, {p.id: snapshot(p) for p in rows}


def plan_of(annex: list[ProjectFacts], rows, snaps, **kw):
    return build_plan(ParsedAnnex(file="附件-修订.xlsx", projects=annex), rows, snaps, "0" * 64, **kw)


def test_a_new_name_with_the_same_code_town_years_and_money_is_a_rename():
    rows, snaps = stored(5)
    annex = [facts(i) for i in (1, 2, 3, 4)] + [facts(5, name="项目5(调整)")]
    plan = plan_of(annex, rows, snaps)
    assert plan.added == [] and plan.withdrawn == []
    (change,) = plan.changed
    assert (change.project_id, change.name, change.new_name) == (5, "项目5", "项目5(调整)")
    assert change.changes[0].field == "name" and plan.renamed == [change]
    assert not plan.needs_confirmation


def test_no_rename_when_a_figure_differs_or_the_match_is_not_one_to_one():
    rows, snaps = stored(4)
    keep = [facts(1), facts(2)]
    for other in (dict(total_investment=Decimal(9999)), dict(township="别的镇"),
                  dict(end_year=2024), dict(project_code="2101-330326-04-01-000001")):
        plan = plan_of(keep + [facts(3), facts(4, name="新名", **other)], rows, snaps)
        assert [f.name for f in plan.added] == ["新名"] and plan.withdrawn == [(4, "项目4")], other
    # two missing projects alike: which one was renamed is not known
    twins = [replace(p, township="同镇", total_investment=Decimal(5)) for p in rows[2:]]
    rows2 = rows[:2] + twins
    snaps2 = {p.id: snapshot(p) for p in rows2}
    plan = plan_of(keep + [facts(9, name="新名", township="同镇", total_investment=Decimal(5))],
                   rows2, snaps2)
    assert [f.name for f in plan.added] == ["新名"] and len(plan.withdrawn) == 2
    # two new names for one missing project: neither is taken for it
    plan = plan_of(keep + [facts(3), facts(4, name="甲"), facts(4, name="乙")], rows, snaps)
    assert sorted(f.name for f in plan.added) == ["乙", "甲"] and plan.renamed == []
    # nothing to tell projects apart by: no total investment
    rows3 = [replace(p, total_investment=None) for p in rows]
    snaps3 = {p.id: snapshot(p) for p in rows3}
    plan = plan_of([replace(f, total_investment=None) for f in keep + [facts(3)]]
                   + [facts(4, name="新名", total_investment=None)], rows3, snaps3)
    assert plan.renamed == [] and [f.name for f in plan.added] == ["新名"]


def test_a_withdrawn_project_renamed_comes_back_under_its_new_name():
    rows, snaps = stored(3)
    rows[2] = replace(rows[2], status="withdrawn")
    plan = plan_of([facts(1), facts(2), facts(3, name="项目3(恢复)")], rows, snaps)
    (change,) = plan.changed
    assert change.new_name == "项目3(恢复)" and change.reactivated


def test_blanking_a_field_the_earlier_annex_filled_needs_a_confirmation():
    rows, snaps = stored(3)
    annex = [facts(1, responsible_unit=None), facts(2, annual_plan={2021: Decimal(100)}), facts(3)]
    plan = plan_of(annex, rows, snaps)
    assert [(b.project_id, b.field, b.old) for b in plan.blanked] == [
        (1, "responsible_unit", "县教育局"), (2, "plan.2022", Decimal(200))]
    assert plan.needs_confirmation and not plan.withdraws_many
    # a plan the annex sets to 0 is a value, not a blank
    plan = plan_of([facts(1), facts(2, annual_plan={2021: Decimal(100), 2022: Decimal(0)}),
                    facts(3)], rows, snaps)
    assert plan.blanked == [] and not plan.needs_confirmation and plan.changed


def test_an_officer_s_own_value_is_not_blanked_by_an_annex_that_never_had_it():
    rows, snaps = stored(2)
    rows[0] = replace(rows[0], remarks="科室补记")  # the annex never had a remark
    plan = plan_of([facts(1), facts(2)], rows, snaps)
    assert plan.blanked == [] and plan.changed == []


def test_withdrawing_more_than_a_tenth_needs_a_confirmation():
    rows, snaps = stored(20)
    plan = plan_of([facts(i) for i in range(1, 19)], rows, snaps)  # 2 of 20: a tenth exactly
    assert len(plan.withdrawn) == 2 and not plan.withdraws_many and not plan.needs_confirmation
    plan = plan_of([facts(i) for i in range(1, 18)], rows, snaps)  # 3 of 20
    assert plan.withdraws_many and plan.needs_confirmation and plan.active_before == 20
    plan = plan_of([facts(i) for i in range(1, 18)], rows, snaps, keep_missing=True)
    assert not plan.needs_confirmation
    rows[19] = replace(rows[19], status="withdrawn")  # the share is of the active ones:
    plan = plan_of([facts(i) for i in range(1, 18)], rows, {p.id: snapshot(p) for p in rows})
    assert plan.active_before == 19 and len(plan.withdrawn) == 2  # 2 of 19, not of 20
    assert plan.withdraws_many


def test_an_export_keeps_each_project_s_status_and_the_stored_sources():
    rows, snaps = stored(3)
    annex = [replace(f, source=SourceRef("导出.xlsx", "项目", 3 + i))
             for i, f in enumerate((facts(1), facts(2), facts(3)), 1)]
    carried = {"项目1": ("在建", "active"), "项目2": ("竣工", "active"),
               "项目3": ("前期", "withdrawn")}
    plan = plan_of(annex, rows, snaps, carried=carried)
    assert plan.export and plan.moved == [] and plan.withdrawn == [(3, "项目3")]
    rows[2] = replace(rows[2], status="withdrawn")
    plan = plan_of(annex, rows, snaps, carried=carried)
    assert not plan.has_changes  # stays withdrawn: not listed again
    plan = plan_of(annex, rows, snaps)  # the same file read as an annex: listed again, moved
    assert [c.reactivated for c in plan.changed] == [True] and len(plan.moved) == 2
