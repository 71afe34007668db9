"""The issues log through the real command line, on both engines: ``issue add / update / close /
list`` (text and CSV), refusals naming the field and the value and writing nothing (a date
typed wrong is exit 2 as every command's --date, a date out of order, a state or a text exit 1),
a missing project or issue exit 2, the audit trail, the export's
``issues`` and the append-only, chained rows that db check verifies."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

import pytest

from tests.cli.test_cli import export, run
from tests.conftest import SAMPLE
from tests.trust.helpers import snapshot

SEVENTH = "平阳县鳌江镇第七小学新建工程"
AS_OF = "2026-11-29"


@pytest.fixture
def db(db_url, capsys):
    rc, out, err = run(capsys, db_url, "import", str(SAMPLE))
    assert rc == 0, out + err
    return db_url


def ok(capsys, db, *args, lang="en") -> str:
    rc, out, err = run(capsys, db, *args, as_of=AS_OF, lang=lang)
    assert rc == 0, out + err
    return out


def test_add_update_close_and_list(db, capsys):
    out = ok(capsys, db, "issue", "add", "第七小学", "用地指标未落实", "--owner", "县自然资源和规划局",
             "--due", "2026年12月31日", "--date", "2026/11/2", lang="zh")
    assert f"已提出问题 #1:{SEVENTH}" in out and "[待协调]" in out and "时限 2026-12-31" in out
    out = ok(capsys, db, "issue", "update", "1", "已召开协调会", "--status", "coordinating",
             "--date", "2026-11-10", "--by", "基建科")
    assert "[coordinating]" in out and "latest 2026-11-10: 已召开协调会 (基建科)" in out
    ok(capsys, db, "issue", "add", "第六小学", "施工许可未办", "--date", "2026-10-01")
    out = ok(capsys, db, "issue", "list")
    lines = out.splitlines()
    assert lines[0].startswith("#2 ") and lines[1].startswith("#1 ")  # oldest first
    assert "open 59 days" in lines[0] and "open 27 days" in lines[1]
    assert "to act: 县自然资源和规划局" in lines[1] and lines[-1] == "2 open issues (as of 2026-11-29)"
    out = ok(capsys, db, "issue", "list", "--project", "第七小学", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["id"], r["state"], r["days_open"], r["latest"], r["latest_by"]) for r in rows] == [
        ("1", "协调中", "27", "已召开协调会", "基建科")]
    out = ok(capsys, db, "issue", "close", "1", "指标已下达", "--date", "2026-11-20")
    assert "issue #1 resolved" in out and "[resolved]" in out
    assert [ln.split()[0] for ln in ok(capsys, db, "issue", "list").splitlines()[:-1]] == ["#2"]
    out = ok(capsys, db, "issue", "list", "--all", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["id"], r["state"], r["days_open"]) for r in rows] == [("2", "待协调", "59"),
                                                                    ("1", "已解决", "")]
    # as of a day before it was closed, it was open
    rc, out, err = run(capsys, db, "issue", "list", as_of="2026-11-15")
    assert rc == 0 and "#1 " in out and "[coordinating]" in out
    audit = ok(capsys, db, "audit", "list", "--limit", "4")
    assert "status: 协调中 → 已解决" in audit and "status: 待协调 → 协调中" in audit
    data = export(capsys, db, AS_OF)
    seventh = next(p for p in data["projects"] if p["name"] == SEVENTH)
    assert seventh["issues"] == [{
        "id": 1, "text": "用地指标未落实", "owner": "县自然资源和规划局", "due": "2026-12-31",
        "raised_on": "2026-11-02", "state": "已解决", "raised_by": seventh["issues"][0]["raised_by"],
        "updates": [{"id": 1, "date": "2026-11-10", "text": "已召开协调会", "state": "协调中",
                     "who": "基建科"},
                    {"id": 2, "date": "2026-11-20", "text": "指标已下达", "state": "已解决",
                     "who": seventh["issues"][0]["updates"][1]["who"]}]}]
    assert all(p["issues"] == [] for p in data["projects"] if p["name"] not in
               (SEVENTH, "平阳县昆阳镇第六小学新建工程"))
    assert "hash chains" in ok(capsys, db, "db", "check")


def test_the_csv_marks_a_text_a_spreadsheet_would_run_as_a_formula(db, capsys):
    ok(capsys, db, "issue", "add", "第七小学", "=HYPERLINK(\"x\")", "--owner", "-县财政局",
       "--date", "2026-11-02")
    ok(capsys, db, "issue", "update", "1", "@协调会", "--date", "2026-11-03", "--by", "+基建科")
    (row,) = csv.DictReader(io.StringIO(ok(capsys, db, "issue", "list", "--format", "csv")))
    assert (row["text"], row["owner"], row["latest"], row["latest_by"]) == (
        "'=HYPERLINK(\"x\")", "'-县财政局", "'@协调会", "'+基建科")
    assert row["days_open"] == "27"  # a number is not text: never marked


@pytest.mark.parametrize("args, code, said", [
    (("issue", "add", "第七小学", "x", "--due", "12/31"), 2,
     "due date (--due) “12/31”: the year is missing"),
    (("issue", "add", "第七小学", "x", "--date", "03/04/2026"), 2, "date raised (--date) “03/04/2026”"),
    (("issue", "add", "第七小学", "x", "--date", "2026-11-02", "--due", "2026-11-01"), 1,
     "due date “2026-11-01”: before the date the issue was raised (2026-11-02)"),
    (("issue", "add", "第七小学", "   "), 1, "issue “   ”: required"),
    (("issue", "add", "没有这个项目", "x"), 2, "no project matches “没有这个项目”"),
    (("issue", "update", "1", "x", "--status", "done"), 1, "state “done”: not an issue state"),
    (("issue", "update", "1", "x", "--status", "待协调"), 1, "the state only moves forward"),
    (("issue", "update", "1", "x", "--date", "2026-11-05"), 1,
     "date of the update “2026-11-05”: before the date of its latest update (2026-11-10)"),
    (("issue", "update", "1", "x", "--date", "2026-11-31"), 2, "date of the update (--date)"),
    (("issue", "close", "1", "--date", "11/20"), 2, "date of the update (--date) “11/20”"),
    (("issue", "update", "7", "x"), 2, "no issue #7"),
    (("issue", "close", "7"), 2, "no issue #7"),
    (("issue", "list", "--format", "xlsx"), 2, "use text or csv"),
    (("issue", "list", "--project", "没有这个项目"), 2, "no project matches"),
])
def test_refusals_name_the_field_and_value_and_write_nothing(db, capsys, args, code, said):
    ok(capsys, db, "issue", "add", "第七小学", "用地指标未落实", "--date", "2026-11-02")
    ok(capsys, db, "issue", "update", "1", "已召开协调会", "--status", "协调中", "--date", "2026-11-10")
    before = snapshot(db)
    rc, out, err = run(capsys, db, *args, as_of=AS_OF)
    assert rc == code and said in err, err
    assert "Traceback" not in err
    assert snapshot(db) == before


def test_a_resolved_issue_takes_no_update_and_the_chinese_message(db, capsys):
    ok(capsys, db, "issue", "add", "第七小学", "用地指标未落实", "--date", "2026-11-02")
    ok(capsys, db, "issue", "close", "1", "--date", "2026-11-03")
    rc, out, err = run(capsys, db, "issue", "update", "1", "再次", lang="zh", as_of=AS_OF)
    assert rc == 1 and "已解决,不能再更新" in err
    rc, out, err = run(capsys, db, "issue", "add", "第七小学", "x", "--due", "12/31", lang="zh")
    assert rc == 2 and "完成时限(--due)“12/31”:缺少年份" in err


def test_help_is_in_chinese_by_default():
    """In a process of its own: the help strings are looked up when the command modules are
    first imported, in the language of that moment (a test before this one in English would
    have set it; tests/cli/test_help_lang.py)."""
    env = {k: v for k, v in os.environ.items() if k != "PROJTRACK_LANG"}
    r = subprocess.run([sys.executable, "-m", "projtrack", "issue", "add", "--help"],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "提出项目的一个问题" in r.stdout and "责任单位或领导" in r.stdout
