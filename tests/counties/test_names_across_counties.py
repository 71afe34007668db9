"""A name two counties' projects share finds neither silently: a progress return's row matched
by name alone, and a project named on the command line, are refused naming both projects with
their counties."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from projtrack.core.types import ProjectFacts
from projtrack.progress_io.match import match_rows
from projtrack.progress_io.reader import FilledRow, ReturnedFile
from tests.cli.helpers import run

from .countyfiles import county_annex, sample_annex
from .test_county_import import SHARED


def _row(name: str, code: str = "") -> FilledRow:
    return FilledRow(file="r.xlsx", sheet="进度", row=5, project_id=0, name=name, code=code)


def test_a_return_row_matched_by_a_shared_name_is_refused_naming_both_counties():
    projects = [ProjectFacts(id=1, name="城关第一小学", county="平阳县"),
                ProjectFacts(id=2, name="城关第一小学", county="苍南县"),
                ProjectFacts(id=3, name="苍南县灵溪小学", county="苍南县")]
    f = ReturnedFile(Path("r.xlsx"), "r.xlsx", "")
    f.rows = [_row("城关第一小学"), _row("苍南县灵溪小学")]
    problems = match_rows([f], projects)
    assert [p.key for p in problems] == ["progress.err.ambiguous"]
    text = problems[0].text("en")
    assert "#1 城关第一小学(平阳县)" in text and "#2 城关第一小学(苍南县)" in text
    assert [r.project_id for r in f.rows] == [3]  # the other row found its one project


def test_a_project_named_on_the_command_line_in_two_counties_is_refused(sqlite_db, capsys,
                                                                         tmp_path):
    assert run(capsys, sqlite_db, "import", str(sample_annex(tmp_path / "a.xlsx")))[0] == 0
    assert run(capsys, sqlite_db, "import", str(county_annex(tmp_path / "b.xlsx")))[0] == 0
    rc, out, err = run(capsys, sqlite_db, "audit", "list", SHARED, lang="en")
    assert rc == 2, out + err
    assert "(平阳县)" in out + err and "(苍南县)" in out + err
    rc, out, err = run(capsys, sqlite_db, "audit", "list", f"苍南县/{SHARED}", lang="en")
    assert rc == 0 and SHARED in out, out + err
    rc, out, err = run(capsys, sqlite_db, "audit", "list", f"文成县/{SHARED}", lang="en")
    assert rc == 2, out + err


def test_a_pasted_return_names_a_shared_project_and_its_county_chooses(sqlite_db, capsys,
                                                                       tmp_path):
    from projtrack.store.repo import Store
    from tests.importer.builders import Grid, save_grids

    assert run(capsys, sqlite_db, "import", str(sample_annex(tmp_path / "a.xlsx")))[0] == 0
    assert run(capsys, sqlite_db, "import", str(county_annex(tmp_path / "b.xlsx")))[0] == 0
    sheet = save_grids(tmp_path / "return.xlsx", Grid("进度", [
        ["2023年第26周项目进度"], ["项目名称", "本周完成投资(万元)"], [SHARED, 12]]))
    rc, out, err = run(capsys, sqlite_db, "progress", "import", str(sheet), lang="en")
    assert rc == 1, out + err
    assert "(平阳县)" in out + err and "(苍南县)" in out + err
    rc, out, err = run(capsys, sqlite_db, "progress", "import", str(sheet), "--county", "苍南县",
                       lang="en")
    assert rc == 0, out + err
    store = Store.open(sqlite_db)
    try:
        ids = {p.county: p.id for p in store.projects() if p.name == SHARED}
        got = {c: store.ledger_sums(dt.date(2023, 6, 30), [pid]).get(pid) for c, pid in ids.items()}
    finally:
        store.close()
    assert got["苍南县"] is not None and got["苍南县"].actual_to_date == 12
    assert got["平阳县"] is None or got["平阳县"].actual_to_date == 0
