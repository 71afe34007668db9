"""A city's reports: the consolidated one (a line per county adding up to the city's summary,
titled 全市, its 通报 saying 全市) and one county's (its projects alone, titled with its name),
each frozen under its own kind and compared with its own previous report; the files read back."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from projtrack.cli import main
from projtrack.core.periods import snapshot_kind, snapshot_scope
from projtrack.errors import BadUsage
from projtrack.reports.brief import brief_text
from projtrack.reports.model import Totals
from projtrack.services import weekly
from projtrack.store.models import ReportSnapshot
from projtrack.store.repo import Store
from tests.conftest import COUNTIES
from tests.reports.demo import AS_OF, WEEK

PREVIOUS = "2026-W47"
SUMMED = [f.name for f in dataclasses.fields(Totals)
          if f.type in ("Decimal", "int") and "rate" not in f.name and f.name != "time_progress"]


def _squash(text: str) -> str:
    return "".join(text.replace("\x00", "").split())


def test_the_snapshot_kind_is_one_encoding_read_back():
    assert snapshot_kind("weekly") == "weekly"
    assert snapshot_kind("monthly", "苍南县") == "monthly@苍南县"
    assert snapshot_scope("monthly@苍南县") == ("monthly", "苍南县")
    assert snapshot_scope("weekly") == ("weekly", None)


def test_the_consolidated_report_adds_up_its_counties(county_store):
    r = weekly.prepare(county_store, week=WEEK, as_of=AS_OF, draft=True).report
    assert r.scope is None and r.counties is not None
    assert [c.county for c in r.counties] == list(COUNTIES)
    assert "annual_plan" in SUMMED and "variance" in SUMMED and "count" in SUMMED
    for name in SUMMED:
        assert getattr(r.summary, name) == sum(getattr(c.totals, name) for c in r.counties), name
    for flag, n in r.summary.flag_counts.items():
        assert n == sum(c.totals.flag_counts.get(flag, 0) for c in r.counties)
    assert r.summary.count == len(r.rows) == 88
    from projtrack.reports.text import Fmt
    assert Fmt("zh").title(r) == "全市教育基建项目周报"
    assert Fmt("en").title(r) == "City-wide education construction projects: weekly report"
    assert brief_text(r, "zh").startswith("截至2026年11月29日,全市88个教育建设项目")
    assert "the city's 88 education" in brief_text(r, "en")


def test_a_city_name_set_is_the_title(county_store):
    county_store.set_setting("city", "温州市")
    r = weekly.prepare(county_store, week=WEEK, as_of=AS_OF, draft=True).report
    from projtrack.reports.text import Fmt
    assert Fmt("zh").title(r) == "温州市教育基建项目周报"
    assert "全市" in brief_text(r, "zh")


def test_one_county_report_is_its_projects_alone(county_store):
    r = weekly.prepare(county_store, week=WEEK, as_of=AS_OF, draft=True, county="苍南县").report
    city = weekly.prepare(county_store, week=WEEK, as_of=AS_OF, draft=True).report
    mine = next(c.totals for c in city.counties or () if c.county == "苍南县")
    assert r.scope == "苍南县" and r.counties is None and r.county == "苍南县"
    assert {row.id for row in r.rows} == {row.id for row in city.rows if row.id % 3 == 0}
    assert r.summary == mine  # the county's line of the city's report is its own report's
    from projtrack.reports.text import Fmt
    assert Fmt("zh").title(r) == "苍南县教育基建项目周报"
    assert brief_text(r, "zh").startswith(f"截至2026年11月29日,全县{mine.count}个")


def test_each_report_has_its_own_history(county_store):
    weekly.issue(county_store, week=PREVIOUS, as_of=AS_OF, county="苍南县")
    city = weekly.issue(county_store, week=WEEK, as_of=AS_OF)
    county = weekly.issue(county_store, week=WEEK, as_of=AS_OF, county="苍南县")
    other = weekly.issue(county_store, week=WEEK, as_of=AS_OF, county="平阳县")
    assert city.frozen and county.frozen and other.frozen
    # the city's previous report is the city's (none), a county's that county's
    assert city.report.changes.previous_period is None
    assert county.report.changes.previous_period == PREVIOUS
    assert other.report.changes.previous_period is None
    with county_store.read() as s:
        kinds = sorted(tuple(row) for row in s.execute(
            select(ReportSnapshot.kind, ReportSnapshot.period)))
    assert kinds == [("weekly", WEEK), ("weekly@平阳县", WEEK), ("weekly@苍南县", PREVIOUS),
                     ("weekly@苍南县", WEEK)]
    assert weekly.issued_periods(county_store, county="苍南县") == [PREVIOUS, WEEK]
    assert weekly.issued_periods(county_store) == [WEEK]
    # reprinted as frozen, each from its own snapshot
    again = weekly.prepare(county_store, week=WEEK, as_of=AS_OF, county="苍南县")
    assert again.status == weekly.IssueStatus.REPRINTED and again.report == county.report
    assert weekly.prepare(county_store, week=WEEK, as_of=AS_OF).report == city.report


def test_an_unknown_county_is_a_usage_error(county_store):
    with pytest.raises(BadUsage) as caught:
        weekly.prepare(county_store, week=WEEK, as_of=AS_OF, county="龙港市")
    assert caught.value.exit_code == 2
    assert "龙港市" in caught.value.render("zh") and "平阳县、苍南县" in caught.value.render("zh")


def test_a_county_database_prints_as_it_did(demo_store):
    r = weekly.prepare(demo_store, week=WEEK, as_of=AS_OF, draft=True).report
    assert r.counties is None and r.scope is None
    assert brief_text(r, "zh").startswith("截至2026年11月29日,全县")


def _county_rows(ws) -> dict[str, list]:
    head = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "各区县完成情况")
    assert ws.cell(head + 1, 1).value == "区县"
    out = {}
    for row in range(head + 2, head + 2 + len(COUNTIES) + 1):
        out[ws.cell(row, 1).value] = [ws.cell(row, c).value for c in range(2, 11)]
    return out


def test_the_consolidated_files_have_the_county_table(county_db, tmp_path, capsys):
    rc = main(["--db", county_db, "--as-of", AS_OF.isoformat(), "--lang", "zh", "report",
               "weekly", "--week", WEEK, "--out", str(tmp_path)])
    out, err = capsys.readouterr()
    assert rc == 0, out + err
    store = Store.open(county_db)
    r = weekly.load_snapshot(store, WEEK)
    store.close()
    assert r is not None and r.counties is not None
    wb = openpyxl.load_workbook(tmp_path / f"周报-{WEEK}.xlsx")
    ws = wb["摘要"]
    assert ws["A1"].value == "全市教育基建项目周报"
    rows = _county_rows(ws)
    assert list(rows) == [*COUNTIES, "总计"]
    for c in r.counties:
        count, plan, done = rows[c.county][:3]
        assert (count, Decimal(str(plan)), Decimal(str(done))) == (
            c.totals.count, c.totals.annual_plan, c.totals.actual_this_year)
    total = rows["总计"]
    assert total[0] == sum(rows[c][0] for c in COUNTIES) == r.summary.count
    assert Decimal(str(total[1])) == r.summary.annual_plan
    assert total[6:9] == [sum(rows[c][i] for c in COUNTIES) for i in (6, 7, 8)]  # 红 黄 绿
    text = _squash(PdfReader(tmp_path / f"周报-{WEEK}.pdf").pages[0].extract_text())
    assert "全市教育基建项目周报" in text and "各区县完成情况" in text
    assert "平阳县" in text and "苍南县" in text and "截至2026年11月29日,全市" in text


def test_report_county_option(county_db, tmp_path, capsys):
    rc = main(["--db", county_db, "--as-of", AS_OF.isoformat(), "--lang", "zh", "report",
               "weekly", "--week", WEEK, "--county", "苍南县", "--out", str(tmp_path),
               "--format", "xlsx"])
    out, err = capsys.readouterr()
    assert rc == 0, out + err
    ws = openpyxl.load_workbook(tmp_path / f"周报-{WEEK}.xlsx")["摘要"]
    assert ws["A1"].value == "苍南县教育基建项目周报"
    assert all(ws.cell(r, 1).value != "各区县完成情况" for r in range(1, ws.max_row + 1))
    rc = main(["--db", county_db, "--as-of", AS_OF.isoformat(), "--lang", "en", "report",
               "weekly", "--week", WEEK, "--county", "Nowhere", "--out", str(tmp_path)])
    out, err = capsys.readouterr()
    assert rc == 2 and "Nowhere" in err and "Traceback" not in err
    rc = main(["--db", county_db, "--as-of", AS_OF.isoformat(), "--lang", "zh", "report",
               "brief", "--week", WEEK, "--county", "平阳县"])
    out, err = capsys.readouterr()
    assert rc == 0 and out.startswith("截至2026年11月29日,全县")
