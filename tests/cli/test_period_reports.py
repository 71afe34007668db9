"""``report monthly``, ``report quarterly`` and ``report brief`` through the CLI: exact exit
codes and messages, the paragraph on stdout alone (the draft or issued note on stderr)."""

from __future__ import annotations

import pytest

from projtrack.cli import main
from projtrack.reports.brief import brief_text
from projtrack.services.weekly import load_snapshot
from projtrack.store.repo import Store
from tests.conftest import SAMPLE

AS_OF = "2023-12-10"


def run(capsys, db, *args, lang="zh"):
    rc = main(["--db", db, "--as-of", AS_OF, "--lang", lang, *args])
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture
def db(db_url, capsys):
    rc, out, err = run(capsys, db_url, "import", str(SAMPLE))
    assert rc == 0, out + err
    rc, out, err = run(capsys, db_url, "spend", "add", "第六小学", "120", "--date", "2023-11-05")
    assert rc == 0, out + err
    return db_url


def test_brief_of_a_week_not_issued_is_a_draft(db, capsys):
    rc, out, err = run(capsys, db, "report", "brief", "--week", "2023-W45")
    assert rc == 0
    assert err.strip() == "2023-W45 尚未签发:以下通报按当前数字生成,是草稿"
    assert out.startswith("截至2023年11月12日,全县") and out.endswith("。\n")
    assert ";本周无新开工、竣工项目;" in out
    assert out.count("\n") == 1  # one paragraph to paste


def test_brief_of_an_issued_month_is_its_frozen_paragraph(db, capsys, tmp_path):
    rc, out, err = run(capsys, db, "report", "monthly", "--month", "2023-11", "--format", "xlsx",
                       "--out", str(tmp_path))
    assert rc == 0, out + err
    # a late entry changes the current figures, not what was issued
    rc, *_ = run(capsys, db, "spend", "add", "第六小学", "999", "--date", "2023-11-06")
    assert rc == 0
    rc, out, err = run(capsys, db, "report", "brief", "--month", "2023-11")
    assert rc == 0
    store = Store.open(db, create=False)
    try:
        frozen = load_snapshot(store, "2023-11", "monthly")
    finally:
        store.close()
    assert frozen is not None
    assert out == brief_text(frozen, "zh") + "\n"
    assert err.startswith("2023-11 已于 ") and "签发:以下通报按签发时冻结的数字" in err
    assert ";本月无新开工、竣工项目;" in out
    rc, out, err = run(capsys, db, "report", "brief", "--month", "2023-11", lang="en")
    assert out == brief_text(frozen, "en") + "\n"
    assert "This month, no project started construction or was completed." in out


def test_brief_of_a_quarter_says_this_quarter(db, capsys):
    rc, out, err = run(capsys, db, "report", "brief", "--quarter", "2023-Q4", lang="en")
    assert rc == 0
    assert err.strip() == ("2023-Q4 has not been issued: this paragraph is a draft from the "
                           "current figures")
    assert out.startswith("As of 10 December 2023, the county's ")  # not over: the as-of date
    assert "This quarter, " in out


@pytest.mark.parametrize("args, message", [
    (("report", "monthly", "--month", "2023-13"), "错误:月份写法不对:“2023-13”(应如 2026-11)"),
    (("report", "monthly", "--month", "2023-W48"), "错误:月份写法不对:“2023-W48”(应如 2026-11)"),
    (("report", "quarterly", "--quarter", "2023-Q5"),
     "错误:季度写法不对:“2023-Q5”(应如 2026-Q4)"),
    (("report", "brief", "--week", "2023-48"), "错误:周次写法不对:“2023-48”(应如 2026-W48)"),
    (("report", "brief", "--week", "2023-W48", "--month", "2023-11"),
     "错误:--week、--month、--quarter 只能用一个"),
    (("report", "quarterly", "--format", "docx"), "错误:不支持的报表格式“docx”,可用 xlsx、pdf"),
])
def test_bad_periods_are_usage_errors(db, capsys, tmp_path, args, message):
    out_dir = tmp_path / "out"
    rc, out, err = run(capsys, db, *args, "--out", str(out_dir)) if args[1] != "brief" else \
        run(capsys, db, *args)
    assert rc == 2, out + err
    assert err.strip() == message
    assert not out_dir.exists()


def test_help_is_chinese_by_default(capsys):
    for cmd, words in (("monthly", ("月报", "--month", "2026-11")),
                       ("quarterly", ("季报", "--quarter", "2026-Q4")),
                       ("brief", ("通报", "--week", "--month", "--quarter"))):
        assert main(["report", cmd, "--help"]) == 0
        out = capsys.readouterr().out
        for w in words:
            assert w in out, (cmd, w)
