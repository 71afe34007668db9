"""A name two counties' projects share finds neither silently: a progress return's row matched
by name alone, and a project named on the command line, are refused naming both projects with
their counties."""

from __future__ import annotations

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
