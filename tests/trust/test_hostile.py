"""Hostile and broken files through `projtrack import`: each gets one clear line (Chinese by
default, English with --lang en), exit 1, nothing written, no traceback, in bounded time and
memory — measured on a real process (its own CPU seconds, which a loaded machine does not
stretch as it stretches the wall clock, and its own peak memory)."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import SAMPLE
from tests.trust import hostile
from tests.trust.helpers import cli, measured_projtrack, snapshot

MAX_CPU_SECONDS = 10
MAX_RSS_MB = 300
CJK = re.compile(r"[\u4e00-\u9fff]")

# what the English line must say, per case (the Chinese line is checked for its catalog wording)
ENGLISH = {
    "empty": "empty", "csv_named_xlsx": "CSV", "html_named_xls": "HTML",
    "pdf_named_xlsx": "not an Excel", "docx_named_xlsx": "Word", "doc_named_xlsx": "Word",
    "xls": ".xls", "xls_named_xlsx": ".xls", "encrypted": "password",
    "billion_laughs": "entit", "billion_laughs_in_sheet": "entit", "billion_laughs_late": "read",
    "billion_laughs_utf16": "entit", "external_entity": "entit", "zip_bomb": "MB",
    "ratio_bomb": "zip bomb", "lying_sizes": "read", "million_empty_rows": "project table",
    "unrecognisable_header": "项目名称", "no_table": "project table", "truncated": "damaged",
}
CHINESE = {
    "empty": "空", "xls": "另存为 .xlsx", "xls_named_xlsx": "另存为 .xlsx", "encrypted": "密码",
    "billion_laughs": "实体", "zip_bomb": "压缩", "ratio_bomb": "压缩",
    "unrecognisable_header": "编号, 学校, 金额, 年份, 联系人", "no_table": "没有项目表",
    "million_empty_rows": "没有项目表",
}


@pytest.fixture(scope="module")
def base_db(tmp_path_factory) -> Path:
    """A database holding the sample annex, and an entry: what a hostile file must not touch."""
    from projtrack.cli import main

    path = tmp_path_factory.mktemp("base") / "base.db"
    assert main(["--db", str(path), "import", str(SAMPLE)]) == 0
    assert main(["--db", str(path), "spend", "add", "1", "100", "--date", "2024-01-05"]) == 0
    con = sqlite3.connect(path)  # everything into the main file, so that copies hold it all
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path


@pytest.fixture(scope="module")
def runs(base_db, tmp_path_factory) -> dict:
    """Every case imported by a real process (two at a time): before/after snapshots and the
    process's output, time and peak memory."""
    folder = tmp_path_factory.mktemp("hostile")

    def one(name: str):
        path = hostile.write_case(name, folder)
        db = folder / name / "t.db"
        shutil.copyfile(base_db, db)
        before = snapshot(str(db))
        assert len(before["project"]) == 88 and len(before["ledger_entry"]) == 1
        run = measured_projtrack("--db", str(db), "import", str(path), timeout=60)
        return name, (path, db, before, run, snapshot(str(db)))

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(one, hostile.CASES))


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("case", list(hostile.CASES))
def test_a_hostile_file_gets_one_clear_line_and_changes_nothing(case, runs, capsys):
    path, db, before, run, after = runs[case]
    shown = run.out + run.err
    assert run.rc == 1, shown
    assert "Traceback" not in shown and "Error:" not in run.err, shown
    lines = _lines(shown)
    assert len(lines) == 1, shown
    line = lines[0]
    assert line.startswith("错误") and path.name in line and CJK.search(line.replace(path.name, ""))
    assert "未写入" in line
    if case in CHINESE:
        assert CHINESE[case] in line, line
    assert after == before  # nothing written, nothing withdrawn
    assert 0 < run.cpu_seconds < MAX_CPU_SECONDS, f"{case}: {run.cpu_seconds:.1f} s CPU"
    assert run.max_rss_mb < MAX_RSS_MB, f"{case}: {run.max_rss_mb:.0f} MB"

    rc, out, err = cli(capsys, str(db), "import", str(path), lang="en")
    lines = _lines(out + err)
    assert rc == 1 and len(lines) == 1, out + err
    assert lines[0].startswith("error") and "nothing was written" in lines[0]
    assert ENGLISH[case] in lines[0], lines[0]
    assert "错误" not in lines[0] and "未写入" not in lines[0]
    assert snapshot(str(db)) == before

    rc, out, err = cli(capsys, str(db), "import", str(path), "--json", lang="en")
    summary = json.loads(out)
    assert rc == 1 and summary["written"] is False and len(summary["errors"]) == 1
    assert summary["withdrawn"] == [] and summary["counts"]["withdrawn"] == 0
    assert "\n" not in summary["errors"][0]["message"]


def test_the_limits_were_measured_not_assumed(runs):
    """The memory figure is the child's own (VmHWM), and it is real: the importer of the sample
    needs tens of MB, not zero."""
    peaks = {case: r[3].max_rss_mb for case, r in runs.items()}
    assert all(20 < mb < MAX_RSS_MB for mb in peaks.values()), peaks


def test_a_million_empty_formatted_rows_under_the_table_cost_nothing(tmp_path):
    path = tmp_path / "附件.xlsx"
    path.write_bytes(hostile.empty_formatted_rows(with_table=True))
    db = tmp_path / "t.db"
    run = measured_projtrack("--db", str(db), "--lang", "en", "import", str(path))
    assert run.rc == 0, run.out + run.err
    assert "added 88" in run.out
    assert 0 < run.cpu_seconds < MAX_CPU_SECONDS and run.max_rss_mb < MAX_RSS_MB, (
        run.cpu_seconds, run.max_rss_mb)


def test_an_entity_declaration_late_in_a_part_is_called_unsafe(tmp_path):
    from projtrack.importer import read_annex

    path = tmp_path / "附件.xlsx"
    path.write_bytes(hostile.billion_laughs(pad=200_000))
    issues = read_annex(path).issues
    assert [i.code for i in issues] == ["unsafe_xml"]
    assert "\n" not in issues[0].message
