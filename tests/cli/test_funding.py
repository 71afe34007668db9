"""The annex's funding plan (资金来源 by source) is kept: imported, exported, re-imported from an
export, changed by a revised annex, and put back by ``import undo`` — on both engines."""

from __future__ import annotations

import json
from decimal import Decimal

from projtrack.cli import main
from tests.importer.builders import Grid, save_grids

HEAD = [["项目名称", "总投资", "资金来源", None, None, None],
        [None, None, "合计", "中央", "省级", "单位自筹"]]
MERGES = ["A1:A2", "B1:B2", "C1:F1"]


def rows(second_province: int = 3000):
    return HEAD + [["甲小学新建工程", 9000, 9000, 1000, 2000, 6000],
                   ["乙中学迁建工程", 15000, 15000, 0, second_province, 15000 - second_province],
                   ["丙幼儿园新建工程", 3000, 3000, 500, 500, 2000]]


def run(capsys, db, *args):
    if args[:1] == ("import",) and args[1:2] not in (("list",), ("undo",)):
        args = (*args, "--county", "甲县")  # these annexes name no county
    rc = main(["--db", db, "--as-of", "2023-06-30", "--lang", "en", *args])
    out, err = capsys.readouterr()
    return rc, out, err


def funding(capsys, db) -> dict:
    rc, out, err = run(capsys, db, "export")
    assert rc == 0, err
    return {p["name"]: p["funding_plan"] for p in json.loads(out)["projects"]}


def test_funding_is_imported_changed_exported_and_undone(db_url, capsys, tmp_path):
    first = save_grids(tmp_path / "a.xlsx", Grid("附件", rows(), MERGES))
    assert run(capsys, db_url, "import", str(first))[0] == 0
    got = funding(capsys, db_url)
    assert got["甲小学新建工程"] == {"中央": "1000", "省": "2000", "自筹": "6000"}
    assert got["乙中学迁建工程"] == {"省": "3000", "自筹": "12000"}  # a 0 is no source
    revised = save_grids(tmp_path / "b.xlsx", Grid("附件", rows(second_province=5000), MERGES))
    rc, out, _ = run(capsys, db_url, "import", str(revised))
    assert rc == 0, out
    assert "~ 乙中学迁建工程" in out and "funding" in out
    assert funding(capsys, db_url)["乙中学迁建工程"] == {"省": "5000", "自筹": "10000"}
    rc, out, err = run(capsys, db_url, "import", "undo", "--yes")
    assert rc == 0, out + err
    assert funding(capsys, db_url) == got


def test_an_export_carries_the_funding_plan_back(db_url, capsys, tmp_path):
    path = save_grids(tmp_path / "a.xlsx", Grid("附件", rows(), MERGES))
    assert run(capsys, db_url, "import", str(path))[0] == 0
    out = tmp_path / "export.xlsx"
    assert run(capsys, db_url, "export", "--format", "xlsx", "--out", str(out))[0] == 0
    again = str(tmp_path / "again.db")
    rc, text, _ = run(capsys, again, "import", str(out))
    assert rc == 0, text
    assert funding(capsys, again) == funding(capsys, db_url)
    rc, text, _ = run(capsys, db_url, "import", str(out))  # into the database it came from
    assert rc == 0 and "changed 0" in text, text


def test_funding_in_the_csv_export(db_url, capsys, tmp_path):
    path = save_grids(tmp_path / "a.xlsx", Grid("附件", rows(), MERGES))
    assert run(capsys, db_url, "import", str(path))[0] == 0
    rc, out, _ = run(capsys, db_url, "export", "--format", "csv")
    header = out.splitlines()[0].split(",")
    assert [h for h in header if h.startswith("funding_")] == ["funding_中央", "funding_省",
                                                               "funding_自筹"]
    assert Decimal(out.splitlines()[1].split(",")[header.index("funding_自筹")]) == 6000
