"""Five dozen annex layouts of other counties (``counties.py``, ``counties2.py``), read field by
field against what their officers say they mean: nothing lost, nothing misread, every column
either read or named as not read — and where a layout cannot be read right, a message naming
the cells."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest

from projtrack.importer import read_annex

from . import counties, counties2, counties3, counties4

CASES = [("1", stem, build, counties) for stem, build in counties.BUILDERS] + [
    ("2", stem, build, counties2) for stem, build in counties2.BUILDERS] + [
    ("3", stem, build, counties3) for stem, build in counties3.BUILDERS] + [
    ("4", stem, build, counties4) for stem, build in counties4.BUILDERS]

# what an import may rightly say besides the figures, by round and workbook
WARNINGS = {
    ("1", "01"): {"county_sections"}, ("1", "18"): {"county_sections"},
    ("1", "22"): {"county_sections"},
    ("2", "02"): {"duplicate_column", "actual_row"}, ("2", "21"): {"duplicate_column", "actual_row"},
    ("2", "15"): {"summary_sheet"}, ("2", "16"): {"no_header"},
    ("2", "17"): {"number_note"}, ("2", "19"): {"parent_row"},
    ("2", "25"): {"hidden_sheet_read", "summary_sheet"}, ("2", "26"): {"no_header"},
    ("3", "06"): {"duplicate_column"}, ("3", "07"): {"duplicate_column"},
    ("3", "09"): {"number_note"}, ("3", "10"): {"plan_exceeds_total"},
    ("3", "11"): {"ditto", "from_remarks"}, ("3", "12"): {"notes_row"},
    ("3", "13"): {"unnamed_row"}, ("3", "15"): {"nature_trimmed"}, ("3", "27"): {"ditto"},
    ("4", "02"): {"formula_uncached"}, ("4", "03"): {"plan_mismatch"},
    ("4", "04"): {"formula_uncached", "no_header"}, ("4", "09"): {"year_as_date"},
    ("4", "15"): {"township_spelling"}, ("4", "20"): {"hidden_row"},
}
# layouts whose figures cannot all be read, and the import says which: the fields are not
# compared, the warnings and the map are
NAMED_ONLY = {
    ("4", "02"): "formulas saved without their values (ROUND, SUBTOTAL): each cell is named",
    ("4", "22"): "the class given by a cell's fill colour: 'class unknown for 6 projects'",
}
# layouts that cannot be read right: the import is refused, naming the cells
ERRORS = {
    ("2", "03"): {"duplicate_name"},  # a project's years as rows: each row repeats its name
    ("2", "24"): {"outlier_total"},  # one total in 元 in a 万元 column
    ("2", "32"): {"outlier_land"},  # one land in 平方米 in an 亩 column
    ("2", "33"): {"duplicate_name"},  # a 汇总 sheet repeating every project
    ("3", "01"): {"side_by_side"},  # a second table beside the first: one table a sheet
    ("3", "18"): {"duplicate_name"},  # one sheet per plan year, each listing the projects again
    ("3", "20"): {"duplicate_name"},  # the same project on two category sheets
}
# sources projtrack has no name for: named as not read, left out of the funding plan
UNNAMED_SOURCES = {("2", "30"): {"上级补助"}}


def _norm(field: str, value: object) -> object:
    if field in ("annual_plan", "funding_plan"):
        return {str(y): format(Decimal(str(a)).normalize(), "f")
                for y, a in (value or {}).items() if Decimal(str(a))}
    if field in ("total_investment", "period_plan", "land_mu") and value is not None:
        return format(Decimal(str(value)).normalize(), "f")
    return value


@pytest.mark.parametrize("round_,stem,build,module", CASES,
                         ids=[f"{r}-{s}" for r, s, _, _ in CASES])
def test_a_county_annex_reads_exactly(tmp_path, round_, stem, build, module):
    wb, truth = build()
    path = tmp_path / f"{stem}.xlsx"
    wb.save(path)
    if hasattr(module, "wps_patch") and stem.startswith("15-") and round_ == "1":
        module.wps_patch(path)
    post = getattr(module, "POST", {}).get(stem[:2])
    if post is not None:
        if post is getattr(module, "libreoffice_recalc", None) and not shutil.which("soffice"):
            pytest.skip("LibreOffice (soffice) is needed to give the formulas cached values")
        post(path)
    result = read_annex(path)
    key = (round_, stem[:2])
    assert {e.code for e in result.errors} == ERRORS.get(key, set()), result.errors
    if key in ERRORS:
        return
    assert {w.code for w in result.warnings} == WARNINGS.get(key, set()), result.warnings
    if key in NAMED_ONLY:
        if key == ("4", "22"):
            (m,) = result.maps
            assert any(f.field == "klass" and f.unknown == 6 for f in m.missing), m.missing
        return
    got = {p.name: p for p in result.projects}
    want = module.truth_json(truth)["projects"]
    assert sorted(got) == sorted(p["name"] for p in want)
    unnamed = UNNAMED_SOURCES.get(key, set())
    for p in want:
        for field in module.FIELDS:
            expected = p.get(field)
            if field == "funding_plan":
                expected = {k: v for k, v in (expected or {}).items() if k not in unnamed}
                if "funding_plan" not in p:
                    continue
            assert _norm(field, getattr(got[p["name"]], field)) == _norm(field, expected), \
                (p["name"], field)
    for m in result.maps:  # every column that holds values fed a field or is named
        for c in m.columns:
            assert c.field is not None or c in m.not_read or c.how == "empty", c
    if unnamed:
        assert {c.header.split("/")[-1] for m in result.maps for c in m.not_read} >= unnamed
