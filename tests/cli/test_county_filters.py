"""``--county`` where the CLI lists projects (export, forecast), and the county a column of the
exports of a city's database; a county's own database exports as it did."""

from __future__ import annotations

import csv
import io
import json

from projtrack.cli import main
from tests.conftest import COUNTIES
from tests.reports.demo import AS_OF


def run(capsys, db, *args, lang="zh"):
    rc = main(["--db", db, "--as-of", AS_OF.isoformat(), "--lang", lang, *args])
    out, err = capsys.readouterr()
    return rc, out, err


def test_a_city_export_names_each_projects_county(county_db, capsys):
    rc, out, err = run(capsys, county_db, "export")
    assert rc == 0, err
    data = json.loads(out)
    assert list(data["projects"][0])[:3] == ["id", "name", "county"]
    assert {p["county"] for p in data["projects"]} == set(COUNTIES)
    by_county = data["totals"]["by_county"]
    assert list(by_county) == list(COUNTIES)
    assert sum(g["count"] for g in by_county.values()) == data["totals"]["overall"]["count"]
    rc, out, err = run(capsys, county_db, "export", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:3] == ["id", "name", "county"]
    assert {r[2] for r in rows[1:]} == set(COUNTIES)


def test_export_county_lists_that_county_alone(county_db, capsys, tmp_path):
    rc, out, err = run(capsys, county_db, "export", "--county", "苍南县")
    assert rc == 0, err
    data = json.loads(out)
    assert len(data["projects"]) == 29 and all(p["id"] % 3 == 0 for p in data["projects"])
    assert "county" not in data["projects"][0] and "by_county" not in data["totals"]
    target = tmp_path / "cangnan.xlsx"
    rc, out, err = run(capsys, county_db, "export", "--format", "xlsx", "--out", str(target),
                       "--county", "苍南县")
    assert rc == 0 and target.exists()
    rc, out, err = run(capsys, county_db, "export", "--county", "Nowhere", lang="en")
    assert (rc, out) == (2, "") and "Nowhere" in err and "平阳县、苍南县" in err


def test_forecast_county(county_db, capsys):
    rc, out, err = run(capsys, county_db, "forecast", "--json", "--county", "平阳县")
    assert rc == 0, err
    data = json.loads(out)
    ids = {p["id"] for p in data["projects"]}
    assert ids and all(pid % 3 != 0 for pid in ids)


def test_a_county_database_exports_as_it_did(demo_db, capsys):
    rc, out, err = run(capsys, demo_db, "export")
    data = json.loads(out)
    assert "county" not in data["projects"][0] and "by_county" not in data["totals"]
    rc, out, err = run(capsys, demo_db, "export", "--format", "csv")
    assert out.splitlines()[0].startswith("id,name,category,")


def test_progress_template_and_status_county(county_db, capsys, tmp_path):
    import openpyxl

    out = tmp_path / "cangnan.xlsx"
    rc, text, err = run(capsys, county_db, "progress", "template", "--county", "苍南县",
                        "--out", str(out))
    assert rc == 0, err
    ws = openpyxl.load_workbook(out).worksheets[0]
    cells = [c.value for row in ws.iter_rows(max_row=3) for c in row if c.value]
    assert any(isinstance(v, str) and v.startswith("苍南县") for v in cells), cells
    rc, text, err = run(capsys, county_db, "progress", "status", "--county", "苍南县",
                        "--format", "csv")
    assert rc == 0, err
    rc2, whole, err = run(capsys, county_db, "progress", "status", "--format", "csv")
    assert len(text.splitlines()) < len(whole.splitlines())
    rc, text, err = run(capsys, county_db, "progress", "status", "--county", "Nowhere")
    assert rc == 2 and "Nowhere" in err
