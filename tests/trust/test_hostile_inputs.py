"""Hostile command lines against the real CLI (a real process each): a file that is not SQLite as
--db, odd URLs, year 9999 and year 1, huge ids and limits, a bad --out.  Each ends in its own
clear line with exit 1 (bad input) or 2 (a missing thing, bad usage) — never a traceback, never
"internal error" — and a database given by mistake is left byte for byte as it was."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLE
from tests.trust.helpers import run_process

BIG = "99999999999999999999"
CASES = {  # id: (arguments, exit code, what the English line says)
    "text_as_db": (["--db", "{text}", "export"], 1, "not a SQLite database"),
    "text_as_db_upgrade": (["--db", "{text}", "db", "upgrade"], 1, "not a SQLite database"),
    "text_as_db_check": (["--db", "{text}", "db", "check"], 1, "not a SQLite database"),
    "text_as_copy_target": (["--db", "{good}", "db", "copy", "--to", "{text}"], 1,
                            "not a SQLite database"),
    "foreign_sqlite": (["--db", "{foreign}", "spend", "add", "1", "1", "--date", "2024-01-05"],
                       1, "not a projtrack database"),
    "folder_as_db": (["--db", "{dir}", "export"], 2, "is a folder"),
    "folder_as_demo_db": (["demo", "--db", "{dir}"], 2, "is a folder"),
    "unwritable_db_path": (["--db", "/proc/projtrack-x.db", "init"], 1, "cannot write"),
    "colons_as_db": (["--db", "{dir}/::::", "init"], 0, "created new database"),
    "pg_no_host": (["--db", "postgresql://", "export"], 1, "database error"),
    "sqlite_empty_url": (["--db", "sqlite:///", "export"], 2, "no database"),
    "mysql": (["--db", "mysql://x", "export"], 2, "not mysql"),
    "four_colons": (["--db", "::::", "export"], 2, "no database"),
    "port_not_a_number": (["--db", "postgresql://u:pw@localhost:abc/x", "export"], 2,
                          "cannot be read"),
    "port_too_big": (["--db", "postgresql://u:pw@localhost:99999/x", "export"], 2, "port 99999"),
    "copy_to_colons": (["--db", "{good}", "db", "copy", "--to", "{dir}/::::"], 0, "verified"),
    "copy_to_bad_port": (["--db", "{good}", "db", "copy", "--to", "postgresql://u:p@h:abc/x"], 2,
                         "cannot be read"),
    "copy_to_folder": (["--db", "{good}", "db", "copy", "--to", "{dir}"], 2, "is a folder"),
    "spend_9999": (["--db", "{good}", "spend", "add", "1", "10", "--date", "9999-12-31"], 2,
                   "9999"),
    "as_of_9999": (["--db", "{good}", "--as-of", "9999-12-31", "export"], 2, "9999"),
    "milestone_9999": (["--db", "{good}", "milestone", "set", "1", "开工", "--actual",
                        "9999-01-01"], 2, "9999"),
    "progress_9999": (["--db", "{good}", "progress", "add", "1", "--date", "9999-12-31",
                       "--stage", "主体", "--percent", "50", "--force"], 2, "9999"),
    "week_9999": (["--db", "{good}", "report", "weekly", "--week", "9999-W52", "--out", "{dir}"],
                  2, "not an ISO week"),
    "week_year_1": (["--db", "{good}", "report", "weekly", "--week", "0001-W01", "--out",
                     "{dir}"], 2, "not an ISO week"),
    "template_week_9999": (["--db", "{good}", "progress", "template", "--out", "{dir}/t.xlsx",
                            "--week", "9999-W52"], 2, "not an ISO week"),
    "plan_year_9999": (["--db", "{good}", "plan", "set", "1", "9999", "100"], 2, "not a year"),
    "huge_amount": (["--db", "{good}", "spend", "add", "1", "1e400", "--date", "2024-01-01"], 1,
                    "too large"),
    "huge_id_list": (["--db", "{good}", "spend", "list", BIG], 2, "no project matches"),
    "huge_id_undo": (["--db", "{good}", "undo", BIG, "--yes"], 2, "no project matches"),
    "huge_id_spend": (["--db", "{good}", "spend", "add", BIG, "1", "--date", "2024-01-05"], 2,
                      "no project matches"),
    "huge_limit": (["--db", "{good}", "audit", "list", "--limit", BIG], 2, "--limit"),
    "zero_limit": (["--db", "{good}", "import", "list", "--limit", "0"], 2, "--limit"),
    "export_no_folder": (["--db", "{good}", "export", "--format", "csv", "--out",
                          "{dir}/nope/x.csv"], 2, "no such folder"),
    "export_under_a_file": (["--db", "{good}", "export", "--format", "json", "--out",
                             "{file}/x.json"], 2, "is not a folder"),
    "export_to_a_folder": (["--db", "{good}", "export", "--format", "xlsx", "--out", "{dir}"], 2,
                           "is a folder"),
    "report_out_a_file": (["--db", "{good}", "report", "weekly", "--out", "{file}"], 2,
                          "is not a folder"),
    "report_out_under_a_file": (["--db", "{good}", "report", "weekly", "--out", "{file}/sub"], 2,
                                "is not a folder"),
    "template_no_folder": (["--db", "{good}", "progress", "template", "--out",
                            "{dir}/nope/t.xlsx"], 2, "no such folder"),
    "template_under_a_file": (["--db", "{good}", "progress", "template", "--out",
                               "{file}/t.xlsx"], 2, "is not a folder"),
    "progress_import_folder": (["--db", "{good}", "progress", "import", "{dir}"], 1,
                               "not a file"),
    "import_a_database": (["--db", "{good}", "import", "{good}", "--dry-run"], 1,
                          "not an Excel"),
}


@pytest.fixture(scope="module")
def place(tmp_path_factory) -> dict[str, str]:
    from projtrack.cli import main

    root = tmp_path_factory.mktemp("hostile-inputs")
    good = root / "good.db"
    assert main(["--db", str(good), "import", str(SAMPLE)]) == 0
    con = sqlite3.connect(good)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    text = root / "text.db"
    text.write_text("name,amount\nschool,100\n")
    foreign = root / "foreign.db"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE notes (body TEXT)")
    con.commit()
    con.close()
    afile = root / "afile"
    afile.write_text("x")
    return {"good": str(good), "text": str(text), "foreign": str(foreign), "file": str(afile),
            "root": str(root)}


def _sha(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_command_line_gets_its_own_message(case, place, tmp_path):
    args, code, words = CASES[case]
    folder = tmp_path / "dir"
    folder.mkdir()
    good = tmp_path / "good.db"
    shutil.copyfile(place["good"], good)
    names = {**place, "good": str(good), "dir": str(folder)}
    before = {k: _sha(names[k]) for k in ("text", "foreign")}
    argv = [a.format(**names) for a in args]
    run = run_process([sys.executable, "-m", "projtrack", "--lang", "en", *argv], timeout=120)
    said = run.out + run.err
    assert run.rc == code, f"{case}: exit {run.rc}\n{said}"
    assert words in said, f"{case}: {said}"
    assert "Traceback" not in said and "internal error" not in said, said
    assert "pw@" not in said and "p@h" not in said  # a password is never shown
    assert before == {k: _sha(names[k]) for k in ("text", "foreign")}
    if code:  # refused: one line
        assert len([line for line in run.err.splitlines() if line.strip()]) <= 2, run.err
