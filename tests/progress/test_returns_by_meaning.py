"""Returns from real townships: read by meaning when they are not the template as sent —
renamed, pasted into a new workbook, with columns added or hidden, typed as 本年累计 or 开累,
saved as .xls — through the command line, checked through the store."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from projtrack.cli import main
from projtrack.core.types import ACTUAL
from projtrack.importer.reader import read_annex
from projtrack.store.models import ImportRun, LedgerEntry, Project
from projtrack.store.repo import Store
from tests.conftest import SAMPLE
from tests.progress import returns_kit as kit
from tests.reports.demo import AS_OF, WEEK

MONDAY = dt.date(2026, 11, 23)
TOWN = "鳌江镇"  # six active projects in the demo


def run(capsys, db, *args, lang="zh"):
    rc = main(["--db", db, "--as-of", AS_OF.isoformat(), "--lang", lang, *args])
    out, err = capsys.readouterr()
    return rc, out, err


def entries(db) -> list[tuple[int, Decimal, Decimal | None, str | None, str]]:
    store = Store.open(db)
    try:
        with store.read() as s:
            return [tuple(r) for r in s.execute(
                select(LedgerEntry.project_id, LedgerEntry.amount,
                       LedgerEntry.entered_cumulative, LedgerEntry.basis, LedgerEntry.origin)
                .where(LedgerEntry.kind == ACTUAL).order_by(LedgerEntry.id)).all()]
    finally:
        store.close()


def template_for(db, folder: Path, capsys):
    def make(town: str) -> Path:
        out = folder / f"tpl-{town}.xlsx"
        rc, _, err = run(capsys, db, "progress", "template", "--out", str(out),
                         "--township", town)
        assert rc == 0, err
        return out
    return make


def rows(db) -> list:
    return kit.rows_of(db, AS_OF)[TOWN]


def make(shape, db, tmp_path, capsys, these=None):
    these = these if these is not None else rows(db)
    template = template_for(db, tmp_path, capsys)(TOWN) if shape in ("template", "renamed") \
        else None
    return kit.make_return(shape, tmp_path / shape, these, week=WEEK, monday=MONDAY,
                           sunday=AS_OF, template=template, stem=f"{TOWN}-{shape}"), these


SHAPES = [s for s in kit.SHAPES if s != "xls" or kit.soffice()]


@pytest.mark.parametrize("shape", SHAPES)
def test_every_shape_records_the_week_s_increment(shape, demo_db, tmp_path, capsys):
    path, these = make(shape, demo_db, tmp_path, capsys)
    before = entries(demo_db)
    week = ["--week", WEEK] if shape == "pasted_total" else []
    rc, out, err = run(capsys, demo_db, "progress", "import", str(path), *week)
    assert rc == 0, out + err
    new = entries(demo_db)[len(before):]
    want = {r.project_id: r.increment for r in these if r.increment}
    assert {pid: amount for pid, amount, *_ in new} == want
    basis = kit.BASIS_OF[shape]
    for (pid, _, typed, recorded_basis, origin), r in zip(new, [r for r in these if r.increment],
                                                          strict=True):
        assert origin.startswith(f"progress:{WEEK}:") and pid == r.project_id
        assert recorded_basis == (None if basis == "week" else basis)
        assert typed == (None if basis == "week" else r.typed_for(basis))
    if shape != "template":  # read by meaning: never silent about it
        assert "按列名读取" in out and "识别的列" in out
    # the same file again records nothing, and says so
    rc, out, err = run(capsys, demo_db, "progress", "import", str(path), *week)
    assert rc == 0, out + err
    assert len(entries(demo_db)) == len(before) + len(new)


def test_the_summary_names_every_column_read_and_not(demo_db, tmp_path, capsys):
    path, _ = make("pasted_week", demo_db, tmp_path, capsys)
    rc, out, err = run(capsys, demo_db, "progress", "import", "--dry-run", str(path))
    assert rc == 0, err
    assert "没有 projtrack 模板的隐藏页" in out
    assert "填报周 2026-W48 取自Sheet1!A1“" in out  # the cell, then the title it read
    assert "Sheet1!B3“项目代码”→ 项目代码" in out
    assert "Sheet1!E3“本周完成投资(万元)”→ 本周完成投资" in out
    assert "Sheet1!A3“序号”(不认识的列名)" in out
    assert "Sheet1!H3“联系人”(不认识的列名)" in out
    assert "合计行“合计”未读取" in out
    rc, out, err = run(capsys, demo_db, "progress", "import", "--dry-run", str(path), lang="en")
    assert "read by meaning" in out and 'Sheet1!E3 "本周完成投资(万元)" → actual this week' in out


def test_renamed_template_hides_and_inserts_columns(demo_db, tmp_path, capsys):
    path, these = make("renamed", demo_db, tmp_path, capsys)
    rc, out, err = run(capsys, demo_db, "progress", "import", "--dry-run", str(path))
    assert rc == 0, err
    assert "模板的隐藏页签名无误,但表的版式已改动" in out
    assert "昆阳镇回报!A5“联系人”(不认识的列名)" in out
    assert "昆阳镇回报!I5“累计完成投资”(现有数据或计划数,不从回报读取)" in out
    assert "节点" not in out.split("将记录")[0]  # the dates the template printed are no news


def test_a_tampered_renamed_template_is_still_refused(demo_db, tmp_path, capsys):
    path, _ = make("renamed", demo_db, tmp_path, capsys)
    wb = openpyxl.load_workbook(path)
    for row in wb["_projtrack"].iter_rows(min_col=1, max_col=2):
        if row[0].value == "period":
            row[1].value = "2026-W40"
    wb.save(path)
    before = entries(demo_db)
    rc, out, err = run(capsys, demo_db, "progress", "import", str(path))
    assert rc == 1 and path.name in err and "与签名不符" in err, out + err
    assert entries(demo_db) == before


def test_no_week_anywhere_is_refused_naming_the_file(demo_db, tmp_path, capsys):
    path, _ = make("pasted_total", demo_db, tmp_path, capsys)
    rc, out, err = run(capsys, demo_db, "progress", "import", str(path))
    assert rc == 1 and path.name in err and "--week" in err, out + err
    rc, out, err = run(capsys, demo_db, "progress", "import", str(path), lang="en")
    assert rc == 1 and path.name in err and "say which with --week" in err


@pytest.mark.parametrize("title", ["平阳县2026年第60周项目进度", "2026-11-23 至 2026-11-30",
                                   "2026-11-23 至 2026-11-31"])
def test_a_title_that_reads_as_a_week_but_names_none_is_named(title, demo_db, tmp_path, capsys):
    path = kit.plain_return(tmp_path / "t.xlsx", rows(demo_db)[:2], title=f"{title} 2026-W48")
    before = entries(demo_db)
    rc, out, err = run(capsys, demo_db, "progress", "import", str(path))
    assert rc == 1 and f"t.xlsx Sheet1!A1:表头“{title} 2026-W48”像是填报周" in err, out + err
    assert entries(demo_db) == before
    rc, out, err = run(capsys, demo_db, "progress", "import", str(path), "--week", WEEK)
    assert rc == 0, out + err
    assert f"t.xlsx Sheet1!A1:表头“{title} 2026-W48”读不出是哪一周,未采用;按 --week {WEEK}" in out
    assert len(entries(demo_db)) == len(before) + 2


def test_two_columns_of_one_meaning_are_named_and_a_hidden_twin_gives_way(demo_db, tmp_path,
                                                                           capsys):
    these = rows(demo_db)[:2]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["2026-W48"])
    ws.append(["项目名称", "本周完成投资", "本周完成(万元)", "开工日期", "实际开工时间"])
    for r in these:
        ws.append([r.name, 10, None, None, None])
    wb.save(tmp_path / "d.xlsx")
    before = entries(demo_db)
    rc, out, err = run(capsys, demo_db, "progress", "import", str(tmp_path / "d.xlsx"))
    assert rc == 1, out + err
    assert "d.xlsx Sheet1!B2:与 Sheet1!C2 都是“本周完成投资”列" in err
    assert "d.xlsx Sheet1!D2:与 Sheet1!E2 都是“开工日期”列" in err
    assert entries(demo_db) == before
    ws.column_dimensions["C"].hidden = ws.column_dimensions["E"].hidden = True
    wb.save(tmp_path / "d.xlsx")
    rc, out, err = run(capsys, demo_db, "progress", "import", str(tmp_path / "d.xlsx"))
    assert rc == 0, out + err
    assert "Sheet1!C2“本周完成(万元)”(" in out and "Sheet1!E2“实际开工时间”(" in out
    assert [e[0] for e in entries(demo_db)[len(before):]] == [r.project_id for r in these]


@pytest.mark.parametrize("label", ["累计完成投资", "Actual to date"])
def test_the_template_s_figure_on_record_pasted_alone_is_the_new_total(label, demo_db, tmp_path,
                                                                      capsys):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["2026-W48"])
    ws.append(["项目名称", label, "备注"])  # (a figure alone would not make a return's header)
    ws.append([rows(demo_db)[0].name, 12345, None])
    wb.save(tmp_path / "a.xlsx")
    rc, out, err = run(capsys, demo_db, "progress", "import", "--dry-run", str(tmp_path / "a.xlsx"))
    assert rc == 0, out + err
    assert f"Sheet1!B2“{label}”→ 累计完成投资(新总数)" in out
    ws["D2"] = label  # two of them: which one is meant is not guessed
    wb.save(tmp_path / "a.xlsx")
    rc, out, err = run(capsys, demo_db, "progress", "import", "--dry-run", str(tmp_path / "a.xlsx"))
    assert rc == 1 and "a.xlsx Sheet1!B2:与 Sheet1!D2 都是“累计完成投资(新总数)”列" in err, out + err


@pytest.mark.skipif(not kit.soffice(), reason="LibreOffice makes the .xls")
def test_an_xls_percent_of_one_is_refused_naming_the_cell(demo_db, tmp_path, capsys):
    these = rows(demo_db)[:2]
    path = kit.plain_return(tmp_path / "p.xlsx", these, title="2026-W48")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws["F3"].value == "形象进度(%)"
    ws["F4"].value, ws["F4"].number_format = 1, "0%"  # 100% as a spreadsheet stores it
    ws["F5"].value = 45
    wb.save(path)
    before = entries(demo_db)
    rc, out, err = run(capsys, demo_db, "progress", "import", str(kit.to_xls(path)))
    assert rc == 1 and "p.xls Sheet1!F4:.xls 不保存单元格格式:1 可能是 100%,也可能是 1%" in err, \
        out + err
    assert "F5" not in err and entries(demo_db) == before


def test_a_plan_is_never_read_as_done_and_a_bracketed_year_is_this_year(demo_db, tmp_path,
                                                                          capsys):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["2026-W48"])
    ws.append(["项目名称", "本周计划投资", "累计完成投资(本年)", "计划开工日期"])
    ws.append([rows(demo_db)[0].name, 50, 100000, dt.datetime(2026, 11, 2)])
    wb.save(tmp_path / "p.xlsx")
    rc, out, err = run(capsys, demo_db, "progress", "import", "--dry-run", str(tmp_path / "p.xlsx"))
    assert "Sheet1!B2“本周计划投资”(现有数据或计划数,不从回报读取)" in out, out + err
    assert "Sheet1!D2“计划开工日期”(现有数据或计划数,不从回报读取)" in out
    assert "Sheet1!C2“累计完成投资(本年)”→ 本年累计完成投资" in out


def test_an_id_s_name_is_compared_as_the_importer_keeps_names(demo_db, tmp_path, capsys):
    r = rows(demo_db)[0]
    store = Store.open(demo_db)
    with store.write() as s:  # a name as an annex cell wrapped it
        s.get(Project, r.project_id).name = r.name[:4] + "\n" + r.name[4:]
    store.close()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2026-W48"])
    ws.append(["项目编号", "项目名称", "本周完成投资"])
    ws.append([r.project_id, r.name[:4] + "\n" + r.name[4:], 10])
    ws.append([rows(demo_db)[1].project_id, "别的学校", 10])
    wb.save(tmp_path / "n.xlsx")
    rc, out, err = run(capsys, demo_db, "progress", "import", "--dry-run", str(tmp_path / "n.xlsx"))
    assert rc == 1 and "n.xlsx Sheet!A4" in err and "别的学校" in err, out + err
    assert "Sheet!A3" not in err


def test_a_week_that_disagrees_with_the_title_is_refused(demo_db, tmp_path, capsys):
    path, _ = make("pasted_week", demo_db, tmp_path, capsys)
    rc, out, err = run(capsys, demo_db, "progress", "import", str(path), "--week", "2026-W47")
    assert rc == 1 and "Sheet1!A1" in err and "2026-W48" in err and "2026-W47" in err


def test_rows_match_by_code_then_name_and_the_unmatched_are_named(demo_db, tmp_path, capsys):
    these = rows(demo_db)
    store = Store.open(demo_db)
    with store.write() as s:  # one project with its 项目代码, two sharing one (typed twice)
        s.get(Project, these[0].project_id).project_code = "2101-330326-04-01-123456"
        for r in these[1:3]:
            s.get(Project, r.project_id).project_code = "2101-330326-04-01-000001"
    store.close()
    these[0].code, these[0].name = "2101-330326-04-01-123456", "改了名的学校"  # matched by code
    these[1].code = "2101-330326-04-01-000001"
    these[3].name, these[3].code = "不存在的学校", None
    path = kit.plain_return(tmp_path / "m.xlsx", [these[0], these[1], these[3]],
                            title="2026年第48周")
    rc, out, err = run(capsys, demo_db, "progress", "import", str(path))
    assert rc == 1, out + err
    assert "m.xlsx Sheet1!B5:“2101-330326-04-01-000001”对应不止一个项目:" \
        f"#{these[1].project_id} {these[1].name}、#{these[2].project_id}" in err
    assert "m.xlsx Sheet1!C6:找不到这个项目(项目代码 —,项目名称 不存在的学校)" in err
    assert "Sheet1!B4" not in err  # the code found its project, whatever the name says
    these[4].code = "2101-330326-04-01-999999"  # a code no project has: found by its name
    path = kit.plain_return(tmp_path / "ok.xlsx", [these[0], these[4]], title="2026年第48周")
    before = entries(demo_db)
    rc, out, err = run(capsys, demo_db, "progress", "import", str(path))
    assert rc == 0, out + err
    assert [e[0] for e in entries(demo_db)[len(before):]] == [these[0].project_id,
                                                               these[4].project_id]
    assert f"按项目代码 2101-330326-04-01-123456 对应到 #{these[0].project_id}" in out
    assert "ok.xlsx Sheet1!B5:没有项目的项目代码是 2101-330326-04-01-999999:按项目名称对应到 " \
        f"#{these[4].project_id}“{these[4].name}”(库中项目代码 —)" in out


def test_cumulative_below_the_record_is_refused_with_the_cell(demo_db, tmp_path, capsys):
    these = [next(r for r in rows(demo_db) if r.year_before > 10)]
    these[0].increment = Decimal(-5)  # a 本年累计 below what is on record
    path = kit.plain_return(tmp_path / "low.xlsx", these, basis="year", title="2026-W48")
    rc, out, err = run(capsys, demo_db, "progress", "import", str(path))
    assert rc == 1 and "low.xlsx Sheet1!E4" in err and "本年累计" in err and "低于" in err


def test_two_visible_columns_of_one_meaning_are_an_error(demo_db, tmp_path, capsys):
    path = kit.plain_return(tmp_path / "two.xlsx", rows(demo_db)[:1], title="2026-W48")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws.column_dimensions["H"].hidden = False
    ws["H3"] = "本周完成"
    wb.save(path)
    rc, out, err = run(capsys, demo_db, "progress", "import", str(path))
    assert rc == 1 and "two.xlsx Sheet1!E3" in err and "Sheet1!H3" in err, out + err


def test_a_zero_return_counts_as_returned_once(demo_db, tmp_path, capsys):
    these = rows(demo_db)[:2]
    for r in these:
        r.increment = Decimal(0)
    path = kit.plain_return(tmp_path / "zero.xlsx", these, title="2026-W48")
    for _ in range(2):
        rc, out, err = run(capsys, demo_db, "progress", "import", str(path))
        assert rc == 0, out + err
    store = Store.open(demo_db)
    with store.read() as s:
        runs = s.execute(select(ImportRun.summary).where(ImportRun.kind == "progress")).all()
    store.close()
    assert len(runs) == 1
    assert json.loads(runs[0][0])["projects"] == sorted(r.project_id for r in these)


# --- .xls -----------------------------------------------------------------------------------------
def test_the_committed_xls_return_imports(demo_db, capsys):
    path = kit.FIXTURES / "pasted-week.xls"
    these = kit.fixture_rows(demo_db, AS_OF)
    before = entries(demo_db)
    rc, out, err = run(capsys, demo_db, "progress", "import", str(path))
    assert rc == 0, out + err
    assert "pasted-week.xls" in out and "识别的列" in out
    assert [(e[0], e[1]) for e in entries(demo_db)[len(before):]] == [
        (r.project_id, r.increment) for r in these]


@pytest.mark.skipif(kit.soffice() is None, reason="LibreOffice makes the .xls")
def test_a_signed_template_saved_as_xls_keeps_its_signature(demo_db, tmp_path, capsys):
    path, these = make("template", demo_db, tmp_path, capsys)
    xls = kit.to_xls(path)
    before = entries(demo_db)
    rc, out, err = run(capsys, demo_db, "progress", "import", str(xls))
    assert rc == 0, out + err
    assert "模板的隐藏页签名无误" in out and "节点" not in out.split("已记录")[0]
    assert [(e[0], e[1]) for e in entries(demo_db)[len(before):]] == [
        (r.project_id, r.increment) for r in these if r.increment]


def test_an_xls_annex_reads_as_its_xlsx(tmp_path):
    xls = kit.FIXTURES / "sample-annex.xls"
    if kit.soffice():  # made afresh where LibreOffice is, else the committed copy
        fresh = tmp_path / "sample-annex.xlsx"
        fresh.write_bytes(SAMPLE.read_bytes())
        xls = kit.to_xls(fresh)
    a, b = read_annex(SAMPLE), read_annex(xls)
    assert a.ok and b.ok and len(b.projects) == 88
    strip = lambda p: {k: v for k, v in vars(p).items() if k != "source"}  # noqa: E731
    assert [strip(p) for p in a.projects] == [strip(p) for p in b.projects]
    assert [i.code for i in a.issues] == [i.code for i in b.issues]


def test_an_xls_annex_imports_through_the_cli(tmp_path, capsys):
    db = str(tmp_path / "x.db")
    rc = main(["--db", db, "--lang", "en", "import", str(kit.FIXTURES / "sample-annex.xls")])
    out, err = capsys.readouterr()
    assert rc == 0, out + err
    store = Store.open(db)
    assert len(store.projects()) == 88
    store.close()
