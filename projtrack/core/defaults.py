"""What a project starts with when an annex first lists it: its phase, and the planned dates of
its milestones that the annex implies."""

from __future__ import annotations

import datetime as dt

from projtrack.core.calendar import autumn_term_start
from projtrack.core.terms import AnnexClass, Phase
from projtrack.core.types import ProjectFacts


def default_milestone_dates(start_year: int | None, end_year: int | None) -> dict[str, dt.date]:
    """开工 by the end of the start year; 投用 by 31 August of the end year (the autumn term)."""
    out: dict[str, dt.date] = {}
    if start_year:
        out["开工"] = dt.date(start_year, 12, 31)
    if end_year:
        out["投用"] = autumn_term_start(end_year)
        if start_year == end_year:  # a one-year project must start before its autumn term
            out["开工"] = dt.date(start_year, 3, 31)
    return out


def initial_phase(facts: ProjectFacts) -> Phase:
    """A continuing project (续建) is under construction; any other is in preparation."""
    return Phase.CONSTRUCTION if facts.annex_class == AnnexClass.CONTINUING else Phase.PREPARATION
