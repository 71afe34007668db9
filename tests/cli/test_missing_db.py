"""The database you meant: a mistyped --db creates nothing — every command but init, import,
demo and db copy --to exits 2 naming it — and those four say "created new database PATH".  A
weekly report of a portfolio with no projects is refused."""

from __future__ import annotations

import pytest

from projtrack.cli import main
from tests.conftest import PG_ADMIN, SAMPLE

COMMANDS = [
    ["report", "weekly", "--week", "2026-W47"], ["export"], ["tui"], [],
    ["spend", "add", "P", "5", "--date", "2026-11-20"], ["spend", "list", "P"],
    ["undo", "--yes"], ["progress", "template", "--out", "t.xlsx"], ["audit", "list"],
    ["import", "list"], ["import", "undo", "--yes"], ["db", "check"], ["db", "upgrade"],
    ["phase", "set", "P", "在建"],
]


def run(capsys, db, *args, lang="en"):
    rc = main(["--db", db, "--lang", lang, *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return rc, out, err


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a) or "(none)")
def test_a_missing_database_is_exit_2_naming_it_and_nothing_is_created(tmp_path, capsys,
                                                                      monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "typo" / "projtrak.db"
    rc, out, err = run(capsys, str(db), *args)
    assert rc == 2, out + err
    assert f"no database at {db}" in err and "projtrack init" in err
    assert not db.parent.exists()  # neither the file nor its folder


def test_said_in_chinese_by_default(tmp_path, capsys):
    db = tmp_path / "nope.db"
    rc, out, err = run(capsys, str(db), "export", lang="zh")
    assert rc == 2 and f"找不到数据库:{db}" in err and not db.exists()


def test_init_import_demo_and_copy_create_and_say_so(tmp_path, capsys):
    new = tmp_path / "a" / "new.db"
    rc, out, err = run(capsys, str(new), "init")
    assert rc == 0 and f"created new database {new}" in err and new.exists()
    rc, out, err = run(capsys, str(new), "init")
    assert rc == 0 and "already exists" in out and "created" not in err
    assert run(capsys, str(new), "export")[0] == 0  # now it is there

    imported = tmp_path / "b" / "imported.db"
    rc, out, err = run(capsys, str(imported), "import", str(SAMPLE), "--json")
    assert rc == 0 and f"created new database {imported}" in err
    assert out.lstrip().startswith("{")  # the JSON stays clean: the line is on stderr

    dry = tmp_path / "c" / "dry.db"
    rc, out, err = run(capsys, str(dry), "import", str(SAMPLE), "--dry-run")
    assert rc == 0 and "against an empty one" in err and not dry.parent.exists()

    demo = tmp_path / "d" / "demo.db"
    rc, out, err = run(capsys, str(demo), "--as-of", "2026-11-29", "demo")
    assert rc == 0 and f"created new database {demo}" in err

    copy = tmp_path / "e" / "copy.db"
    rc, out, err = run(capsys, str(imported), "db", "copy", "--to", str(copy), "-q")
    assert rc == 0 and f"created new database {copy}" in err, err


def test_a_weekly_report_of_no_projects_is_refused(tmp_path, capsys):
    db = tmp_path / "empty.db"
    assert run(capsys, str(db), "init")[0] == 0
    rc, out, err = run(capsys, str(db), "--as-of", "2026-11-30", "report", "weekly", "--week",
                       "2026-W48", "--out",
                       str(tmp_path / "out"), lang="zh")
    assert rc == 1 and "数据库里没有项目" in err and "2026-W48" in err, err
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())
    from projtrack.store.repo import Store

    store = Store.open(str(db), create=False)
    assert store.snapshot_periods("weekly") == []  # no empty week frozen
    store.close()


@pytest.mark.skipif(not PG_ADMIN, reason="PostgreSQL not configured (PROJTRACK_TEST_PG)")
def test_on_postgresql_a_database_the_server_lacks_or_an_empty_one(db_url, capsys):
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    lacking = db_url.rsplit("/", 1)[0] + "/pt_no_such_database"
    rc, out, err = run(capsys, lacking, "export")
    assert rc == 2 and "pt_no_such_database" in err and "createdb" in err, err
    rc, out, err = run(capsys, db_url, "report", "weekly", "--week", "2026-W47")
    assert rc == 2 and "no database at" in err  # empty: no schema, nothing made
    rc, out, err = run(capsys, db_url, "init")
    assert rc == 0 and "created new database postgresql" in err
    assert run(capsys, db_url, "export")[0] == 0
