"""The weekly report's 八、存在问题及协调事项: the issues open at the week's end, oldest first, with
their days open and who must act, in the workbook (its own sheet) and the PDF; frozen with the
week (an update after the issue leaves the reprint as it was), and a week frozen before the
issues log existed reprints without the section."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl

from projtrack.reports.model import WeeklyReport, from_data
from projtrack.services.weekly import encode, load_snapshot, render
from projtrack.store.repo import Store
from tests.conftest import SAMPLE
from tests.reports.test_reprint import WEEK, cells, pdf_text, run

NAME = f"周报-{WEEK}"  # 2023-W25: 2023-06-19 … 2023-06-25, issued on its first print


def _log(capsys, db: str) -> None:
    run(capsys, db, "import", str(SAMPLE))
    run(capsys, db, "issue", "add", "第七小学", "施工许可未办", "--owner", "县住建局", "--date",
        "2023-06-10", "--due", "2023-06-20")
    run(capsys, db, "issue", "add", "第六小学", "用地指标未落实", "--owner", "分管副局长",
        "--date", "2023-05-02")
    run(capsys, db, "issue", "update", "2", "已召开协调会", "--status", "协调中", "--date",
        "2023-06-12", "--by", "基建科")
    run(capsys, db, "issue", "add", "第六小学", "已解决的不列", "--date", "2023-05-01")
    run(capsys, db, "issue", "close", "3", "--date", "2023-05-20")
    run(capsys, db, "issue", "add", "第六小学", "下周才提出", "--date", "2023-06-26")


def test_the_open_issues_are_printed_oldest_first_and_frozen_with_the_week(db_url, capsys,
                                                                            tmp_path):
    _log(capsys, db_url)
    first = tmp_path / "first"
    run(capsys, db_url, "report", "weekly", "--week", WEEK, "--out", str(first))
    sheet = cells(first / f"{NAME}.xlsx")["存在问题"]
    body = [row for row in sheet if isinstance(row[0], int)]
    assert [(r[1], r[2], r[3], r[4], r[5], r[6], r[7]) for r in body] == [
        ("平阳县昆阳镇第六小学新建工程", "用地指标未落实", "分管副局长", "2023-05-02", 54, "—", "协调中"),
        ("平阳县鳌江镇第七小学新建工程", "施工许可未办", "县住建局", "2023-06-10", 15,
         "2023-06-20(超期)", "待协调"),
    ]
    assert body[0][8] == "2023-06-12 已召开协调会"
    ws = openpyxl.load_workbook(first / f"{NAME}.xlsx")["存在问题"]
    due_fill = {r[2].value: r[6].fill.fgColor.rgb for r in ws.iter_rows(min_row=6) if r[2].value}
    assert due_fill["施工许可未办"].endswith("FFE699")  # overdue: its due date marked
    assert not due_fill["用地指标未落实"].endswith("FFE699")
    heads = [v for row in sheet for v in row if isinstance(v, str) and v.startswith("周末未解决问题")]
    assert heads == ["周末未解决问题 2 个(超期 1 个),最早提出的在前"]
    text = pdf_text(first / f"{NAME}.pdf")
    section = text.split("八、存在问题及协调事项")[1]
    assert section.index("用地指标未落实") < section.index("施工许可未办")
    assert "已解决的不列" not in text and "下周才提出" not in text
    # updates after the issue: the reprint shows the issues as they were
    run(capsys, db_url, "issue", "close", "1", "已办结", "--date", "2023-06-24")
    run(capsys, db_url, "issue", "update", "2", "再次协调", "--date", "2023-06-30")
    again = tmp_path / "again"
    assert "重印" in run(capsys, db_url, "report", "weekly", "--week", WEEK, "--out", str(again))
    assert cells(again / f"{NAME}.xlsx") == cells(first / f"{NAME}.xlsx")
    assert pdf_text(again / f"{NAME}.pdf") == text
    # a reissue reads the log as it is now, as of the week's end: issue 1 closed on 06-24
    run(capsys, db_url, "report", "weekly", "--week", WEEK, "--reissue", "--out", str(again))
    now = [row for row in cells(again / f"{NAME}.xlsx")["存在问题"] if isinstance(row[0], int)]
    assert [r[2] for r in now] == ["用地指标未落实"] and now[0][8] == "2023-06-12 已召开协调会"


def test_english_and_an_empty_log(db_url, capsys, tmp_path):
    run(capsys, db_url, "import", str(SAMPLE))
    out = tmp_path / "en"
    run(capsys, db_url, "report", "weekly", "--week", WEEK, "--out", str(out), "--lang", "en")
    (xlsx,), (pdf,) = out.glob("*.xlsx"), out.glob("*.pdf")
    sheets = cells(xlsx)
    assert "Issues" in sheets
    flat = [v for row in sheets["Issues"] for v in row if v is not None]
    assert "0 issues open at the week's end (0 overdue), oldest first" in flat
    assert "8. Issues needing coordination" in pdf_text(pdf)


def test_a_week_frozen_before_the_issues_log_reprints_without_it(db_url, capsys, tmp_path):
    _log(capsys, db_url)
    run(capsys, db_url, "report", "weekly", "--week", WEEK, "--out", str(tmp_path / "first"))
    store = Store.open(db_url, create=False)
    try:
        issued = load_snapshot(store, WEEK)
        assert issued is not None and [i.issue_id for i in issued.issues or ()] == [2, 1]
    finally:
        store.close()
    data = json.loads(encode(issued)[0])
    del data["issues"]  # as a week issued before this feature was frozen
    old = from_data(WeeklyReport, data)
    assert old.issues is None
    day = dt.date(2023, 7, 1)
    old_paths = render(old, out_dir=tmp_path / "old", lang="zh", printed_on=day)
    new_paths = render(issued, out_dir=tmp_path / "new", lang="zh", printed_on=day)
    old_cells, new_cells = cells(old_paths[0]), cells(new_paths[0])
    # the same sheets, and 存在问题 (before the breakdowns, which came in the same release)
    assert [s for s in new_cells if s != "存在问题"] == list(old_cells)
    assert list(new_cells).index("存在问题") == list(old_cells).index("预测与风险") + 1
    for sheet in old_cells:
        assert old_cells[sheet] == new_cells[sheet], sheet
    old_text, new_text = pdf_text(old_paths[1]), pdf_text(new_paths[1])
    assert "存在问题及协调事项" not in old_text and "存在问题及协调事项" in new_text
