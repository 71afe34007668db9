"""`projtrack progress status`: who has returned the week's sheet and who has not, from what the
database records (entries of the week, progress imports of the week), as text and CSV."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from projtrack.cli import main
from tests.progress import returns_kit as kit
from tests.reports.demo import AS_OF, WEEK


def run(capsys, db, *args, lang="zh"):
    rc = main(["--db", db, "--as-of", AS_OF.isoformat(), "--lang", lang, *args])
    out, err = capsys.readouterr()
    return rc, out, err


def chased(out: str) -> dict[str, list[int]]:
    """The 催报 section: group → the ids still without a figure."""
    groups: dict[str, list[int]] = {}
    section = out.split("【催报】")[1].split("【已报齐】")[0] if "【催报】" in out else ""
    current = None
    for line in section.splitlines()[1:]:
        if m := re.match(r"^(\S+?):", line):
            current = m[1]
            groups[current] = []
        elif m := re.match(r"^  #(\d+) ", line):
            assert current is not None
            groups[current].append(int(m[1]))
    return groups


def test_status_lists_the_missing_and_a_return_clears_them(demo_db, capsys, tmp_path):
    rc, out, err = run(capsys, demo_db, "progress", "status")
    assert rc == 0, err
    assert out.startswith(f"{WEEK}(2026-11-23 至 2026-11-29)进度填报情况,按乡镇;截至 2026-11-29")
    missing = chased(out)
    assert missing and sum(map(len, missing.values())) == int(
        re.search(r"未报 (\d+) 个;", out)[1])
    town, ids = next(iter(missing.items()))
    rows = [r for r in kit.rows_of(demo_db, AS_OF)[town] if r.project_id in ids]
    for r in rows:  # "nothing this week": a zero is an answer
        r.increment = Decimal(0)
    path = kit.plain_return(tmp_path / f"{town}.xlsx", rows, title=WEEK)
    rc, o, err = run(capsys, demo_db, "progress", "import", str(path))
    assert rc == 0, o + err
    rc, out, err = run(capsys, demo_db, "progress", "status")
    assert town not in chased(out)
    assert f"{town}({len(kit.rows_of(demo_db, AS_OF)[town])} 个项目;{town}.xlsx)" in out


def test_status_by_unit_and_as_csv(demo_db, capsys):
    rc, out, err = run(capsys, demo_db, "progress", "status", "--by", "unit")
    assert rc == 0, err
    assert "按责任单位" in out and "【催报】" in out
    rc, text, err = run(capsys, demo_db, "progress", "status", "--format", "csv")
    assert rc == 0, err
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["乡镇", "项目编号", "项目名称", "已报", "回报文件"]
    missing = {int(r[1]) for r in table[1:] if r[3] == "否"}
    rc, out, _ = run(capsys, demo_db, "progress", "status")
    assert missing == {i for ids in chased(out).values() for i in ids}


def test_an_entry_typed_by_hand_counts_and_an_undone_one_does_not(demo_db, capsys):
    rc, out, _ = run(capsys, demo_db, "progress", "status")
    pid = next(i for ids in chased(out).values() for i in ids)
    rc, o, err = run(capsys, demo_db, "spend", "add", str(pid), "5", "--date", "2026-11-27")
    assert rc == 0, o + err
    rc, out, _ = run(capsys, demo_db, "progress", "status")
    assert pid not in {i for ids in chased(out).values() for i in ids}
    rc, o, err = run(capsys, demo_db, "spend", "undo", str(pid), "--yes")
    assert rc == 0, o + err
    rc, out, _ = run(capsys, demo_db, "progress", "status")
    assert pid in {i for ids in chased(out).values() for i in ids}


def test_another_week_and_bad_options(demo_db, capsys):
    rc, out, err = run(capsys, demo_db, "progress", "status", "--week", "2026-W40", lang="en")
    assert rc == 0, err
    assert out.startswith("Progress returns of 2026-W40 (2026-09-28 to 2026-10-04), by township")
    rc, out, err = run(capsys, demo_db, "progress", "status", "--by", "county")
    assert rc == 2 and "township、unit" in err
    rc, out, err = run(capsys, demo_db, "progress", "status", "--format", "pdf")
    assert rc == 2 and "pdf" in err
    rc, out, err = run(capsys, demo_db, "progress", "status", "--week", "48")
    assert rc == 2 and "48" in err


def test_status_and_returns_by_meaning_on_each_engine(db_url, capsys, tmp_path):
    """The sample annex on SQLite and PostgreSQL: a township's pasted 开累 return and another's
    zeros; the status counts both, and the increments are exact."""
    from tests.conftest import SAMPLE

    def cli(*args):
        rc = main(["--db", db_url, "--as-of", "2026-11-27", "--lang", "zh", *args])
        out, err = capsys.readouterr()
        return rc, out, err

    rc, out, err = cli("import", str(SAMPLE))
    assert rc == 0, out + err
    by_town = kit.rows_of(db_url, AS_OF)
    (town_a, rows_a), (town_b, rows_b) = sorted(by_town.items())[:2]
    for r in rows_a:
        r.increment = Decimal("0.01") * r.project_id + Decimal("100.5")
    for r in rows_b:
        r.increment = Decimal(0)
    a = kit.plain_return(tmp_path / "a.xlsx", rows_a, basis="total", title="进度 2026-W48")
    b = kit.plain_return(tmp_path / "b.xlsx", rows_b, title="2026年第48周")
    rc, out, err = cli("progress", "import", str(a), str(b))
    assert rc == 0, out + err
    rc, out, err = cli("progress", "status", "--week", WEEK)
    assert rc == 0, err
    assert town_a not in chased(out) and town_b not in chased(out)
    assert f"{town_a}({len(rows_a)} 个项目;a.xlsx)" in out
    assert f"{town_b}({len(rows_b)} 个项目;b.xlsx)" in out
    rc, out, err = cli("spend", "list", str(rows_a[0].project_id))
    assert f"{rows_a[0].increment:,.2f}" in out, out
