"""Annexes of two counties imported side by side into one database, re-imported (each
withdrawing only its own county's missing projects), undone county by county; the county an
import is for is never silent: --county, the annex's title cell, the setting, the database's
only county, else refused naming the file."""

from __future__ import annotations

import json

from projtrack.core.terms import Status
from projtrack.store.repo import Store
from tests.cli.helpers import run
from tests.importer.builders import Grid, save_grids
from tests.importer.counties import b18

from .countyfiles import county_annex, sample_annex

SHARED = "万全综合高中万全校区三期工程"  # the one name of the sample without 平阳 in it


def _by_county(db: str) -> dict[str, dict[str, int]]:
    store = Store.open(db)
    try:
        out: dict[str, dict[str, int]] = {}
        for p in store.projects(include_withdrawn=True):
            slot = out.setdefault(p.county, {"active": 0, "withdrawn": 0})
            slot["active" if p.status == Status.ACTIVE else "withdrawn"] += 1
        return out
    finally:
        store.close()


def test_two_counties_side_by_side_reimported_and_undone(db_url, capsys, tmp_path):
    rc, out, _ = run(capsys, db_url, "import", str(sample_annex(tmp_path / "a.xlsx")), lang="en")
    assert rc == 0, out
    assert "County: 平阳县 (from the annex's cell 附件!A2)" in out
    assert "The database's county is now 平阳县" in out
    cangnan = county_annex(tmp_path / "苍南.xlsx")
    rc, out, _ = run(capsys, db_url, "import", str(cangnan), lang="en")
    assert rc == 0, out
    assert "County: 苍南县 (from the annex's cell 附件!A2)" in out
    assert "added 88," in out and "withdrawn 0" in out
    assert "The database's county is now" not in out  # the setting stays the first county's
    assert _by_county(db_url) == {"平阳县": {"active": 88, "withdrawn": 0},
                                  "苍南县": {"active": 88, "withdrawn": 0}}
    rc, out, _ = run(capsys, db_url, "county", "list", lang="en")
    assert rc == 0
    assert "平阳县: 88 projects (88 active, 0 withdrawn) *" in out
    assert "苍南县: 88 projects (88 active, 0 withdrawn)" in out
    # the same name in both counties: two projects, each matched within its own county
    store = Store.open(db_url)
    shared = [p.county for p in store.projects() if p.name == SHARED]
    store.close()
    assert sorted(shared) == ["平阳县", "苍南县"]
    # 苍南县 again without its last two projects: only 苍南县's two are withdrawn
    rc, out, _ = run(capsys, db_url, "import", str(county_annex(tmp_path / "b.xlsx", drop=2)),
                     lang="en")
    assert rc == 0, out
    assert "added 0, changed 0, unchanged 86, withdrawn 2" in out
    assert _by_county(db_url) == {"平阳县": {"active": 88, "withdrawn": 0},
                                  "苍南县": {"active": 86, "withdrawn": 2}}
    # the sample again: nothing of 苍南县 is touched, nothing of 平阳县 changes
    rc, out, _ = run(capsys, db_url, "import", str(sample_annex(tmp_path / "c.xlsx", drop=1)),
                     lang="en")
    assert rc == 0 and "withdrawn 1" in out, out
    # undo 平阳县's latest import, though 苍南县's came later: it touched other projects
    rc, out, err = run(capsys, db_url, "import", "undo", "--county", "平阳县", "--yes", lang="en")
    assert rc == 0, out + err
    assert _by_county(db_url) == {"平阳县": {"active": 88, "withdrawn": 0},
                                  "苍南县": {"active": 86, "withdrawn": 2}}
    rc, out, _ = run(capsys, db_url, "import", "list", lang="en")
    assert "[苍南县]" in out and "[平阳县]" in out
    # the first 苍南县 import cannot be undone while its re-import stands
    rc, out, err = run(capsys, db_url, "import", "undo", "2", "--yes", lang="en")
    assert rc == 1 and "#3" in out + err


def test_the_county_given_and_the_title_disagree(db_url, capsys, tmp_path):
    rc, out, err = run(capsys, db_url, "import", "--county", "苍南县",
                       str(sample_annex(tmp_path / "a.xlsx")), lang="en")
    assert rc == 1
    assert "a.xlsx 附件!A2" in out and "苍南县" in out and "平阳县" in out and "--county" in out
    assert "nothing was written" in out
    rc, out, _ = run(capsys, db_url, "import", "--county", "苍南县",
                     str(sample_annex(tmp_path / "a.xlsx")))
    assert rc == 1 and "--county 指定的是 苍南县,但附件写的是 平阳县" in out


def _nameless(tmp_path, name="annex.xlsx"):
    head = ["项目名称", "项目类型", "总投资"]
    rows = [["甲小学新建工程", "续建", 9000], ["乙中学迁建工程", "新开工", 15000]]
    return save_grids(tmp_path / name, Grid("附件", [head, *rows]))


def test_an_annex_naming_no_county_is_refused_until_one_is_given(sqlite_db, capsys, tmp_path):
    path = _nameless(tmp_path)
    rc, out, _ = run(capsys, sqlite_db, "import", str(path), lang="en")
    assert rc == 1
    assert "annex.xlsx: which county this annex is for is not known" in out and "--county" in out
    rc, out, _ = run(capsys, sqlite_db, "import", str(path))
    assert rc == 1 and "无法确定这份附件属于哪个区县" in out
    rc, out, _ = run(capsys, sqlite_db, "import", str(path), "--county", "甲县", lang="en")
    assert rc == 0 and "County: 甲县 (from --county)" in out, out
    # next time the database's setting says it
    rc, out, _ = run(capsys, sqlite_db, "import", str(path), "--dry-run", lang="en")
    assert rc == 0 and "County: 甲县 (from the database's county setting)" in out, out
    rc, out, err = run(capsys, sqlite_db, "import", str(path), "--county", "甲 县", lang="en")
    assert rc == 2 and "is not a county's name" in out + err  # a bad option: 2


def test_the_file_name_names_the_county(sqlite_db, capsys, tmp_path):
    path = _nameless(tmp_path, "文成县项目表.xlsx")
    rc, out, _ = run(capsys, sqlite_db, "import", str(path), "--json")
    data = json.loads(out)
    assert rc == 0 and data["county"]["counties"] == ["文成县"]
    assert data["county"]["from"] == "file" and data["county"]["where"] == "文成县项目表.xlsx"


def test_projects_without_a_county_are_given_the_first_county_named(sqlite_db, capsys, tmp_path):
    from tests.conftest import new_project

    store = Store.open(sqlite_db)
    new_project(store, "平阳县鳌江镇第七小学新建工程")  # a project from before counties ('')
    store.close()
    rc, out, _ = run(capsys, sqlite_db, "county", "list", lang="en")
    assert "(no county yet): 1 projects" in out
    rc, out, _ = run(capsys, sqlite_db, "import", str(sample_annex(tmp_path / "a.xlsx")),
                     lang="en")
    assert rc == 0, out
    assert "1 projects without a county were given 平阳县" in out
    assert "added 87, changed 1" in out  # the unnamed one was matched within 平阳县
    assert _by_county(sqlite_db) == {"平阳县": {"active": 88, "withdrawn": 0}}


def test_county_set_names_the_unnamed_projects_audited(sqlite_db, capsys, tmp_path):
    from tests.conftest import new_project

    run(capsys, sqlite_db, "import", str(_nameless(tmp_path)), "--county", "甲县")
    rc, out, err = run(capsys, sqlite_db, "county", "set", "乙县", lang="en")
    assert rc == 0 and "0 projects without a county were given 乙县" in out, out + err
    store = Store.open(sqlite_db)
    new_project(store, "丙幼儿园")
    new_project(store, "丁幼儿园")
    store.close()
    rc, out, _ = run(capsys, sqlite_db, "county", "set", "乙县")
    assert rc == 0 and "2 个尚未指定区县的项目已归入 乙县" in out
    rc, out, _ = run(capsys, sqlite_db, "county", "list", "--json")
    assert json.loads(out) == [{"county": "乙县", "projects": 2, "active": 2, "withdrawn": 0},
                               {"county": "甲县", "projects": 2, "active": 2, "withdrawn": 0}]
    rc, out, _ = run(capsys, sqlite_db, "county", "list")
    assert "乙县:2 个项目(在库 2,已撤出 0) *" in out
    store = Store.open(sqlite_db)
    audits = [a for a in store.audit(limit=50) if a.field == "county" and a.entity == "project"]
    store.close()
    assert len(audits) == 2 and {a.new_value for a in audits} == {"乙县"}
    assert {a.context for a in audits} == {"county set 乙县"}
    rc, out, err = run(capsys, sqlite_db, "county", "set", "x", lang="en")
    assert rc == 2 and "is not a county's name" in out + err  # a bad option: 2


def test_a_city_table_imports_each_section_into_its_county(db_url, capsys, tmp_path):
    wb, _ = b18()
    path = tmp_path / "city.xlsx"
    wb.save(path)
    rc, out, _ = run(capsys, db_url, "import", str(path), lang="en")
    assert rc == 0, out
    assert "County: 龙湾区、瓯海区 (from the annex's county sections 附件)" in out
    assert "  龙湾区: added 3, changed 0, unchanged 0, withdrawn 0" in out
    assert "  瓯海区: added 3, changed 0, unchanged 0, withdrawn 0" in out
    assert _by_county(db_url) == {"龙湾区": {"active": 3, "withdrawn": 0},
                                  "瓯海区": {"active": 3, "withdrawn": 0}}
    # --county cuts the table to its section: the others' projects are left out, not withdrawn
    rc, out, _ = run(capsys, db_url, "import", str(path), "--county", "瓯海区", "--json")
    data = json.loads(out)
    assert rc == 0 and data["counts"]["unchanged"] == 3 and data["counts"]["withdrawn"] == 0
    assert data["county"]["left_out"] == {"龙湾区": 3}
    rc, out, _ = run(capsys, db_url, "import", str(path), "--county", "鹿城区", lang="en")
    assert rc == 1 and "鹿城区" in out and "龙湾区、瓯海区" in out


def test_an_annex_naming_two_counties_is_refused(sqlite_db, capsys, tmp_path):
    head = ["项目名称", "项目类型", "总投资"]
    path = save_grids(tmp_path / "two.xlsx",
                      Grid("中小学", [["平阳县中小学项目表"], head, ["甲小学新建工程", "续建", 9000]]),
                      Grid("幼儿园", [["苍南县幼儿园项目表"], head, ["乙幼儿园新建工程", "续建", 3000]]))
    rc, out, _ = run(capsys, sqlite_db, "import", str(path), lang="en")
    assert rc == 1 and "names more than one county" in out, out
    assert "平阳县(中小学!A1)" in out and "苍南县(幼儿园!A1)" in out
    rc, out, _ = run(capsys, sqlite_db, "import", str(path), "--county", "平阳县", lang="en")
    assert rc == 1 and "幼儿园!A1" in out and "苍南县" in out


def test_an_export_of_several_counties_needs_the_county(sqlite_db, capsys, tmp_path):
    assert run(capsys, sqlite_db, "import", str(sample_annex(tmp_path / "a.xlsx")))[0] == 0
    distinct = county_annex(tmp_path / "b.xlsx", renames={"万全综合高中": "灵溪综合高中"})
    assert run(capsys, sqlite_db, "import", str(distinct))[0] == 0  # no name in both counties
    book = tmp_path / "export.xlsx"
    assert run(capsys, sqlite_db, "export", "--format", "xlsx", "--out", str(book))[0] == 0
    rc, out, _ = run(capsys, sqlite_db, "import", str(book), lang="en")
    assert rc == 1 and "this is a projtrack export" in out and "平阳县、苍南县" in out, out
    assert _by_county(sqlite_db) == {"平阳县": {"active": 88, "withdrawn": 0},
                                     "苍南县": {"active": 88, "withdrawn": 0}}
