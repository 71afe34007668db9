"""The import command says what it read from every column: the map with --dry-run, columns not
read and missing fields on every import, --map remembered for the same header, units refused
until settled."""

from __future__ import annotations

import json
from decimal import Decimal

from projtrack.cli import main
from tests.importer.builders import Grid, save_grids

HEAD = ["项目名称", "项目阶段", "总投资", "联系人"]
ROWS = [["甲小学新建工程", "续建", 9000, "张工"], ["乙中学迁建工程", "新建", 15000, "李工"],
        ["丙幼儿园新建工程", "在建", 3000, "王工"]]


def run(capsys, db, *args, lang="en"):
    if args[:1] == ("import",) and args[1:2] not in (("list",), ("undo",)):
        args = (*args, "--county", "甲县")  # these annexes name no county
    rc = main(["--db", db, "--as-of", "2023-06-30", "--lang", lang, *args])
    out, err = capsys.readouterr()
    return rc, out, err


def annex(tmp_path, rows=None, title=None, name="annex.xlsx"):
    body = ([[title]] if title else []) + [HEAD, *(rows or ROWS)]
    return str(save_grids(tmp_path / name, Grid("附件", body)))


def projects(capsys, db) -> dict:
    rc, out, _ = run(capsys, db, "export")
    assert rc == 0
    return {p["name"]: p for p in json.loads(out)["projects"]}


def test_dry_run_shows_the_column_map_before_the_diff(db_url, capsys, tmp_path):
    rc, out, _ = run(capsys, db_url, "import", annex(tmp_path), "--dry-run")
    assert rc == 0
    lines = out.splitlines()
    assert lines[0] == "Column map of 附件 (header rows 1–1)"
    assert "  money unit 万元: no unit found in the sheet, read as 万元" in lines
    assert any(line.startswith("  B 项目阶段 → annex class (decided by its values") for line in lines)
    assert "  D 联系人 → not read: neither its header nor its values were recognised; e.g. 张工, 李工, 王工" in lines
    assert lines.index("Column map of 附件 (header rows 1–1)") < next(
        i for i, line in enumerate(lines) if line.startswith("Dry run"))


def test_every_import_names_what_it_did_not_read(db_url, capsys, tmp_path):
    rc, out, _ = run(capsys, db_url, "import", annex(tmp_path))
    assert rc == 0
    assert "Columns not read (check them; --map can assign them):" in out
    assert "  附件!D '联系人' → neither its header nor its values were recognised; e.g. 张工, 李工, 王工" in out
    assert "  附件: no township column: township unknown for 3 projects" in out
    got = projects(capsys, db_url)
    assert got["乙中学迁建工程"]["annex_class"] == "新开工"
    assert got["丙幼儿园新建工程"]["annex_class"] == "续建"


def test_the_same_in_chinese(db_url, capsys, tmp_path):
    rc, out, _ = run(capsys, db_url, "import", annex(tmp_path), lang="zh")
    assert rc == 0
    assert "未读取的列(请核对,需要时用 --map 指定):" in out
    assert "  附件:没有建设地点列,3 个项目的建设地点未知" in out


def test_map_is_applied_remembered_and_offered_for_the_same_header(db_url, capsys, tmp_path):
    rc, out, _ = run(capsys, db_url, "import", annex(tmp_path), "--map", "D=responsible_unit")
    assert rc == 0, out
    assert {p["responsible_unit"] for p in projects(capsys, db_url).values()} == {"张工", "李工", "王工"}
    revised = [[*r[:3], r[3] + "组"] for r in ROWS]
    rc, out, _ = run(capsys, db_url, "import", annex(tmp_path, revised, name="b.xlsx"))
    assert rc == 0, out
    assert "Using the remembered column map (附件: D=responsible_unit, annex.xlsx" in out
    assert projects(capsys, db_url)["甲小学新建工程"]["responsible_unit"] == "张工组"
    data = json.loads(run(capsys, db_url, "import", annex(tmp_path, revised, name="b.xlsx"),
                          "--dry-run", "--json")[1])
    assert data["remembered_maps"][0]["map"] == "D=responsible_unit"
    col = next(c for c in data["sheets"][0]["columns"] if c["column"] == "D")
    assert (col["field"], col["how"]) == ("responsible_unit", "map")


def test_a_map_or_unit_that_cannot_be_read_is_bad_usage(db_url, capsys, tmp_path):
    rc, _, err = run(capsys, db_url, "import", annex(tmp_path), "--map", "D=budget")
    assert rc == 2 and "--map: unknown field 'budget'" in err
    rc, _, err = run(capsys, db_url, "import", annex(tmp_path), "--unit", "美元")
    assert rc == 2 and "unknown unit '美元'" in err


def test_a_wrong_unit_is_refused_until_the_officer_says_which(db_url, capsys, tmp_path):
    rows = [[r[0], r[1], r[2] / 10000, r[3]] for r in ROWS]
    path = annex(tmp_path, rows)
    rc, out, err = run(capsys, db_url, "import", path)
    assert rc == 1 and "a school project costs about 100 to 200,000 万元" in out
    assert "Under the other units it would be 元: 0.00009 万元; 亿元: 9,000 万元" in out
    assert projects(capsys, db_url) == {}
    rc, out, _ = run(capsys, db_url, "import", path, "--unit", "亿元")
    assert rc == 0, out
    assert Decimal(projects(capsys, db_url)["乙中学迁建工程"]["total_investment"]) == 15000


def test_the_wrong_unit_in_chinese(db_url, capsys, tmp_path):
    rows = [[r[0], r[1], r[2] / 10000, r[3]] for r in ROWS]
    rc, out, _ = run(capsys, db_url, "import", annex(tmp_path, rows), lang="zh")
    assert rc == 1
    assert "annex.xlsx 附件:金额单位可能不对——按万元 (—): 0.9 万元" in out
    assert "请用 --unit 指明单位(万元、亿元或元)" in out


def test_a_title_in_yi_yuan_is_read_in_yi_yuan(db_url, capsys, tmp_path):
    rows = [[r[0], r[1], r[2] / 10000, r[3]] for r in ROWS]
    rc, out, _ = run(capsys, db_url, "import", annex(tmp_path, rows, title="某县教育项目投资计划表（亿元）"))
    assert rc == 0, out
    assert "附件:money unit 亿元: from A1 '某县教育项目投资计划表（亿元）'" in out
    assert Decimal(projects(capsys, db_url)["甲小学新建工程"]["total_investment"]) == 9000
