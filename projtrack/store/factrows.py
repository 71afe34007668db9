"""A project's stored row as its ``ProjectFacts`` — one way for both readers of the project
table: ``Store.projects`` (SQLAlchemy, whose column types give Decimals already) and the first
screen's plain ``sqlite3`` reader (``store.firstpage``, whose money columns are scaled
integers).  Without SQLAlchemy, so the first screen can use it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from projtrack.core.frozen import maker
from projtrack.core.types import ProjectFacts, SourceRef

# the project table's columns a ProjectFacts is made of, in the order ``facts_of`` reads them
FACT_COLUMNS = (
    "id", "name", "category", "annex_class", "construction_type", "township", "responsible_unit",
    "start_year", "end_year", "total_investment", "period_plan", "land_mu", "floor_area_m2",
    "classes", "new_places", "content", "remarks", "project_code", "prior_actual", "phase",
    "status", "source_file", "source_sheet", "source_row", "county")

NO_SOURCES: Mapping[str, Decimal] = MappingProxyType({})  # shared, so read-only
_make_facts = maker(ProjectFacts)


def _same(value):
    return value


def facts_of(rows: Iterable[Iterable], plans: Mapping[int, dict[int, Decimal]],
             funding: Mapping[int, Mapping[str, Decimal]],
             money: Callable[[Any], Decimal | None] = _same) -> list[ProjectFacts]:
    """The facts of ``rows`` (the columns of FACT_COLUMNS, in order), with each project's
    yearly plan and funding plan; ``money`` turns a stored money value into its Decimal."""
    out = []
    for (pid, name, category, annex_class, construction_type, township, unit, start, end,
         total, period_plan, land, floor, classes, places, content, remarks, code, prior,
         phase, status, file, sheet, row, county) in rows:
        out.append(_make_facts(
            id=pid, name=name, category=category, annex_class=annex_class,
            construction_type=construction_type, township=township, responsible_unit=unit,
            start_year=start, end_year=end, total_investment=money(total),
            period_plan=money(period_plan), annual_plan=plans.get(pid) or {},
            land_mu=money(land), floor_area_m2=money(floor), classes=classes,
            new_places=places, content=content, remarks=remarks, project_code=code,
            prior_actual=money(prior), phase=phase, status=status,
            funding_plan=funding.get(pid) or NO_SOURCES,
            source=SourceRef(file, sheet or "", row or 0) if file else None, county=county))
    return out
