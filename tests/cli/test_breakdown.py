"""``projtrack breakdown``: the tables as text and as CSV on the hand-worked portfolio
(tests/services/breakdown_data.py), exact exit codes for a bad kind or format."""

from __future__ import annotations

import csv
import io

from projtrack.cli import main
from projtrack.store.repo import Store
from tests.services.breakdown_data import AS_OF, build


def run(capsys, db, *args, lang="zh"):
    rc = main(["--db", db, "--as-of", AS_OF.isoformat(), "--lang", lang, "breakdown", *args])
    out, err = capsys.readouterr()
    return rc, out, err


def _db(db_url) -> str:
    store = Store.open(db_url)
    try:
        build(store)
    finally:
        store.close()
    return db_url


def test_township_as_text(db_url, capsys):
    rc, out, err = run(capsys, _db(db_url), "township")
    assert rc == 0, err
    lines = out.splitlines()
    assert lines[0] == "分项统计(截至 2019-05-26,金额单位:万元)"
    assert lines[1] == "分乡镇统计(2 个乡镇)"
    rows = {ln.split()[0]: ln.split()[1:] for ln in lines[4:]}
    assert list(rows) == ["昆阳镇", "鳌江镇", "(未填)", "总计"]
    # count, 总投资, 年度计划, 本年完成, 年度完成率, 序时进度, 比序时, 偏差, 红, 黄, 新增学位
    assert rows["鳌江镇"] == ["2", "3,000.00", "1,500.00", "400.00", "26.7%", "40.0%", "▼13.3",
                             "-200.00", "0", "1", "540"]
    assert rows["(未填)"] == ["1", "500.00", "100.00", "0.00", "0.0%", "40.0%", "▼40.0",
                            "-40.00", "1", "0", "270"]
    assert rows["总计"] == ["4", "4,300.00", "2,000.00", "440.00", "22.0%", "40.0%", "▼18.0",
                          "-260.00", "2", "1", "1,170"]


def test_unit_and_funding_as_csv(db_url, capsys):
    db = _db(db_url)
    rc, out, err = run(capsys, db, "unit", "--format", "csv", lang="en")
    assert rc == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:3] == ["Responsible unit", "Projects", "Total investment"]
    assert [r[0] for r in rows[1:]] == ["城投", "教育局", "(not filled in)", "Total"]
    assert rows[2][:5] == ["教育局", "2", "1500", "600", "150"]
    assert rows[2][5] == "0.25" and rows[2][-1] == "810"
    rc, out, err = run(capsys, db, "funding", "--format", "csv")
    assert rc == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["资金来源", "计划资金", "到位资金", "到位率", "拨付", "拨付率"]
    body = {r[0]: r[1:] for r in rows[1:]}
    assert body["中央"] == ["300", "180", "0.6", "", ""]
    assert body["自筹"] == ["", "30", "", "", ""]
    assert body["(未填)"] == ["", "50", "", "", ""]
    assert body["总计"][:4] == ["2500", "760", "0.304", "320"]
    assert body["总计"][4].startswith("0.42105263157894736842")  # 320 ÷ 760


def test_a_bad_kind_or_format_is_a_usage_error(db_url, capsys):
    db = _db(db_url)
    rc, out, err = run(capsys, db, "village")
    assert (rc, out) == (2, "")
    assert "village" in err and "township、unit、funding、county" in err
    rc, out, err = run(capsys, db, "unit", "--format", "xml", lang="en")
    assert (rc, out) == (2, "")
    assert 'no format "xml"' in err


def test_a_missing_database_is_exit_2_and_nothing_is_created(tmp_path, capsys):
    db = tmp_path / "typo" / "projtrak.db"
    rc = main(["--db", str(db), "--lang", "en", "breakdown", "township"])
    out, err = capsys.readouterr()
    assert rc == 2 and f"no database at {db}" in err and "Traceback" not in out + err
    assert not db.parent.exists()
