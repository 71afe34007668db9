"""Two counties' SQLite files (each a demo database: an annex and weeks of entries, progress,
issues, baselines) merged into a third SQLite file and into PostgreSQL: per county, every
table's rows and money sums equal the source's; every reference follows its row; ``db check``
is clean; merging a county again is refused with nothing written; a source whose projects
have no county needs --county."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from projtrack.cli import main
from projtrack.store.engine import normalize_url
from projtrack.store.models import metadata
from projtrack.store.types import Scaled

from .countyfiles import county_annex

AS_OF = "2023-06-30"
BY_PROJECT = [t for t in metadata.sorted_tables if "project_id" in t.c and t.name != "audit_log"]


def _run(capsys, *args, lang="en"):
    rc = main(["--lang", lang, *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return rc, out, err


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    """(平阳县's file, 苍南县's file), each a demo database of its county's annex."""
    root = tmp_path_factory.mktemp("counties")
    a, b = root / "pingyang.db", root / "cangnan.db"
    assert main(["--lang", "en", "demo", "--db", str(a), "--as-of", AS_OF]) == 0
    annex = county_annex(root / "苍南.xlsx")
    assert main(["--lang", "en", "demo", "--db", str(b), "--annex", str(annex),
                 "--as-of", AS_OF]) == 0
    return a, b


def _tallies(url: str, county: str | None = None) -> dict[str, tuple]:
    """Per table: rows and Σ of each money column of the projects (of ``county``)."""
    engine = create_engine(normalize_url(url))
    out = {}
    where = "WHERE county = :c" if county else ""
    try:
        with engine.connect() as conn:
            for t in BY_PROJECT + [metadata.tables["project"]]:
                money = [c.name for c in t.columns if isinstance(c.type, Scaled)]
                sums = "".join(f", COALESCE(SUM(x.{m}), 0)" for m in money)
                pid = "id" if t.name == "project" else "project_id"
                row = conn.execute(text(
                    f"SELECT COUNT(*){sums} FROM {t.name} x WHERE x.{pid} IN "
                    f"(SELECT id FROM project {where})"), {"c": county}).one()
                out[t.name] = tuple(int(v) for v in row)
    finally:
        engine.dispose()
    return out


def _all_rows(url: str) -> dict[str, int]:
    engine = create_engine(normalize_url(url))
    try:
        with engine.connect() as conn:
            return {t.name: conn.execute(text(f"SELECT COUNT(*) FROM {t.name}")).scalar_one()
                    for t in metadata.sorted_tables}
    finally:
        engine.dispose()


def _references_follow(url: str) -> None:
    """Every reversal names an entry of its own project; every issue update its issue's
    project; every baseline row a project of the database."""
    engine = create_engine(normalize_url(url))
    try:
        with engine.connect() as conn:
            for t in ("ledger_entry", "progress_entry"):
                bad = conn.execute(text(
                    f"SELECT COUNT(*) FROM {t} r JOIN {t} o ON o.id = r.reverses_id "
                    "WHERE o.project_id <> r.project_id")).scalar_one()
                dangling = conn.execute(text(
                    f"SELECT COUNT(*) FROM {t} r WHERE r.reverses_id IS NOT NULL AND NOT EXISTS "
                    f"(SELECT 1 FROM {t} o WHERE o.id = r.reverses_id)")).scalar_one()
                assert bad == 0 and dangling == 0, t
            assert conn.execute(text(
                "SELECT COUNT(*) FROM issue_update u JOIN issue i ON i.id = u.issue_id "
                "WHERE i.project_id <> u.project_id")).scalar_one() == 0
            assert conn.execute(text(
                "SELECT COUNT(*) FROM baseline_project b WHERE NOT EXISTS "
                "(SELECT 1 FROM project p WHERE p.id = b.project_id)")).scalar_one() == 0
            assert conn.execute(text(
                "SELECT COUNT(*) FROM audit_log a WHERE a.entity = 'project' AND "
                "a.entity_id <> a.project_id")).scalar_one() == 0
    finally:
        engine.dispose()




@pytest.fixture
def city(db_url):
    """The city database the county files are merged into: a new SQLite file, and a new
    PostgreSQL database (conftest's ``db_url``)."""
    return db_url


def test_two_county_files_merged_into_a_city_database(sources, city, capsys):
    a, b = sources
    want = {"平阳县": _tallies(str(a)), "苍南县": _tallies(str(b))}
    rc, out, err = _run(capsys, "--db", str(a), "db", "copy", "--to", city, "--merge")
    assert rc == 0, out + err
    assert "平阳县: " in out and "row counts and money sums checked table by table" in out
    rc, out, err = _run(capsys, "--db", str(b), "db", "copy", "--to", city, "--merge")
    assert rc == 0, out + err
    for county, tally in want.items():
        assert _tallies(city, county) == tally, county
    assert _tallies(city)["ledger_entry"] == tuple(
        x + y for x, y in zip(want["平阳县"]["ledger_entry"], want["苍南县"]["ledger_entry"],
                              strict=True))
    _references_follow(city)
    rc, out, err = _run(capsys, "--db", city, "db", "check")
    assert rc == 0, out + err
    rc, out, _ = _run(capsys, "--db", city, "county", "list")
    assert "平阳县: 88 projects (88 active, 0 withdrawn)" in out
    assert "苍南县: 88 projects (88 active, 0 withdrawn)" in out
    # each county's import runs came along, named by their county, not undoable here
    rc, out, _ = _run(capsys, "--db", city, "import", "list")
    assert "[平阳县]" in out and "[苍南县]" in out
    # a county merged again: refused, naming it; nothing written
    before = _all_rows(city)
    rc, out, err = _run(capsys, "--db", str(b), "db", "copy", "--to", city, "--merge")
    assert rc == 1 and "苍南县" in out + err and "nothing was written" in out + err
    assert _all_rows(city) == before
    # the city database takes a third county's annex beside them, and its weekly report
    rc, out, _ = _run(capsys, "--db", city, "import", str(county_annex(
        Path(str(a)).parent / "文成.xlsx", "文成县")))
    assert rc == 0 and "added 88," in out and "withdrawn 0" in out, out


def test_a_source_without_counties_needs_one(sources, capsys, tmp_path):
    a, _ = sources
    old = tmp_path / "old.db"
    shutil.copy(a, old)
    engine = create_engine(normalize_url(str(old)))
    with engine.begin() as conn:  # as a database from before counties, its setting unset
        conn.execute(text("UPDATE project SET county = ''"))
        conn.execute(text("DELETE FROM setting WHERE key = 'county'"))
    engine.dispose()
    city = str(tmp_path / "city.db")
    rc, out, err = _run(capsys, "--db", str(old), "db", "copy", "--to", city, "--merge")
    assert rc == 1 and "88 projects of the source database have no county" in out + err
    assert "--county" in out + err
    rc, out, err = _run(capsys, "--db", str(old), "db", "copy", "--to", city, "--merge",
                        "--county", "鳌江县")
    assert rc == 0, out + err
    assert "the source's projects without a county were merged as 鳌江县's" in out
    assert _tallies(city, "鳌江县") == _tallies(str(a))
    rc, out, err = _run(capsys, "--db", city, "db", "check")
    assert rc == 0, out + err
    rc, out, err = _run(capsys, "--db", str(a), "db", "copy", "--to", city, "--county", "x")
    assert rc == 2 and "--merge" in out + err


def _tamper(path: Path, entry_id: int) -> None:
    """Someone edits a ledger entry of the SQLite file ``path`` behind projtrack's back."""
    engine = create_engine(normalize_url(str(path)))
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER ledger_entry_no_update"))
        conn.execute(text("UPDATE ledger_entry SET amount = amount + 1 WHERE id = :i"),
                     {"i": entry_id})
    engine.dispose()


def test_a_source_whose_chain_is_broken_is_refused(sources, capsys, tmp_path):
    a, _ = sources
    bad = tmp_path / "bad.db"
    shutil.copy(a, bad)
    _tamper(bad, 5)
    city = str(tmp_path / "city.db")
    rc, out, err = _run(capsys, "--db", str(bad), "db", "copy", "--to", city, "--merge")
    assert rc == 1 and "nothing was merged" in out + err
    if Path(city).exists():  # made for the merge, perhaps: then with no project in it
        with sqlite3.connect(city) as conn:
            assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'project'"
                                ).fetchone()[0] == 0 or conn.execute(
                "SELECT count(*) FROM project").fetchone()[0] == 0


def test_a_target_whose_chain_is_broken_is_refused(sources, capsys, tmp_path):
    a, b = sources
    city = tmp_path / "city.db"
    assert _run(capsys, "--db", str(a), "db", "copy", "--to", str(city), "--merge")[0] == 0
    _tamper(city, 7)
    before = _all_rows(str(city))
    rc, out, err = _run(capsys, "--db", str(b), "db", "copy", "--to", str(city), "--merge")
    assert rc == 1 and "target database's append-only records do not verify" in out + err
    assert _all_rows(str(city)) == before


def test_a_setting_the_target_holds_otherwise_is_kept_and_said(sources, capsys, tmp_path):
    """A database-wide setting (here the flag rules) that the city already holds with another
    value keeps the city's — and the merge says which, never dropping the source's unseen."""
    a, b = sources
    city, b2 = str(tmp_path / "city.db"), str(tmp_path / "cangnan.db")
    assert _run(capsys, "--db", str(b), "backup", b2)[0] == 0  # 苍南县's, to be changed
    assert _run(capsys, "--db", str(a), "db", "copy", "--to", city, "--merge")[0] == 0
    rc, out, err = _run(capsys, "--db", city, "rules", "set", "red_behind", "25", "--yes")
    assert rc == 0, out + err
    rc, out, err = _run(capsys, "--db", b2, "rules", "set", "red_behind", "30", "--yes")
    assert rc == 0, out + err
    rc, out, err = _run(capsys, "--db", b2, "db", "copy", "--to", city, "--merge")
    assert rc == 0, out + err
    assert "kept as they are (the source's not used): " in out and "flag_rules" in out
