"""Two dozen annex layouts of other counties (``counties.py``), read field by field against
what their officers say they mean: nothing lost, nothing misread, and every column either read
or named as not read."""

from __future__ import annotations

from decimal import Decimal

import pytest

from projtrack.importer import read_annex

from .counties import BUILDERS, FIELDS, truth_json, wps_patch

# what a workbook's import may rightly say besides the figures (a city table grouped by county)
EXPECTED_WARNINGS = {"01": {"county_sections"}, "18": {"county_sections"},
                     "22": {"county_sections"}}


def _norm(field: str, value: object) -> object:
    if field == "annual_plan":
        return {str(y): format(Decimal(str(a)).normalize(), "f") for y, a in (value or {}).items()}
    if field in ("total_investment", "period_plan", "land_mu") and value is not None:
        return format(Decimal(str(value)).normalize(), "f")
    return value


@pytest.mark.parametrize("stem,build", BUILDERS, ids=[s for s, _ in BUILDERS])
def test_a_county_annex_reads_exactly(tmp_path, stem, build):
    wb, truth = build()
    path = tmp_path / f"{stem}.xlsx"
    wb.save(path)
    if stem.startswith("15-"):
        wps_patch(path)
    result = read_annex(path)
    assert result.errors == [], result.errors
    assert {w.code for w in result.warnings} == EXPECTED_WARNINGS.get(stem[:2], set()), \
        result.warnings
    got = {p.name: p for p in result.projects}
    want = truth_json(truth)["projects"]
    assert sorted(got) == sorted(p["name"] for p in want)
    for p in want:
        for field in FIELDS:
            assert _norm(field, getattr(got[p["name"]], field)) == _norm(field, p[field]), \
                (p["name"], field)
    for m in result.maps:  # every column that holds values fed a field or is named
        for c in m.columns:
            assert c.field is not None or c in m.not_read or c.how == "empty", c
