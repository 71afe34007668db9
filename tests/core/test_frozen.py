"""core.frozen.maker: instances built without the per-field __init__ are the same instances."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal as D

import pytest

from projtrack.core.figures import Figures, LedgerSums, project_figures
from projtrack.core.frozen import maker
from projtrack.core.types import MilestoneFacts, ProjectFacts, SourceRef


def _values(obj) -> dict:
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


def test_a_built_instance_equals_the_constructed_one_and_stays_frozen():
    facts = ProjectFacts(id=3, name="甲", category="中小学", total_investment=D("1.5"),
                         annual_plan={2024: D(1)}, source=SourceRef("a.xlsx", "表1", 7))
    built = maker(ProjectFacts)(**_values(facts))
    assert type(built) is ProjectFacts
    assert built == facts and repr(built) == repr(facts)
    assert dataclasses.replace(built, name="乙") == dataclasses.replace(facts, name="乙")
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.name = "乙"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del built.name  # type: ignore[misc]


def test_figures_built_fast_keep_their_cached_properties():
    as_of = dt.date(2024, 7, 1)
    facts = ProjectFacts(id=1, name="甲", total_investment=D(100), annual_plan={2024: D(40)},
                         phase="在建")
    milestones = (MilestoneFacts(1, "开工", dt.date(2024, 3, 1), None),
                  MilestoneFacts(1, "立项", dt.date(2023, 1, 1), dt.date(2023, 1, 5)))
    fig = project_figures(facts, LedgerSums(actual_this_year=D(10)), as_of,
                          milestones=milestones)
    again = Figures(**_values(fig))  # the plain constructor, field by field
    assert fig == again and hash(fig) == hash(again)
    assert fig.milestones == again.milestones
    assert [m.name for m in fig.milestones] == ["立项", "开工"]
    assert fig.next_milestone is not None and fig.next_milestone.name == "开工"
    assert fig.max_slip_days == (as_of - dt.date(2024, 3, 1)).days


def test_a_missing_or_unknown_field_is_refused():
    make = maker(LedgerSums)
    values = _values(LedgerSums())
    del values["funds_to_date"]
    with pytest.raises(TypeError, match=r"missing \['funds_to_date'\], unknown \[\]"):
        make(**values)
    with pytest.raises(TypeError, match=r"unknown \['funds'\]"):
        make(**values, funds_to_date=D(0), funds=D(1))
    with pytest.raises(TypeError, match="missing"):
        make()  # defaults are not filled in: every field is named


def test_only_plain_frozen_dataclasses_are_taken():
    @dataclasses.dataclass
    class Loose:
        a: int

    @dataclasses.dataclass(frozen=True)
    class Checked:
        a: int

        def __post_init__(self):
            assert self.a > 0

    @dataclasses.dataclass(frozen=True, slots=True)
    class Slotted:
        a: int

    @dataclasses.dataclass(frozen=True)
    class Derived:
        a: int
        b: int = dataclasses.field(init=False, default=0)

    for cls in (Loose, Checked, Slotted, Derived, int):
        with pytest.raises(TypeError):
            maker(cls)
