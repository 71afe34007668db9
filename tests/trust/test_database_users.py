"""The user every row records on PostgreSQL is the database's (migration 0012), whoever
connects — the schema's owner, a superuser, a login with a role — never what the client sends
(the OS user it knows, a name in raw SQL); ``db copy`` and ``--merge`` keep the users of the
rows they move, by a setting of their own transaction that only the schema's owner may use;
the chain's heads are the database's to move, and a row a login inserts through raw SQL
without a valid hash is named by ``db check`` with the login that made it.

PostgreSQL roles are cluster-wide: the logins are named per run and dropped afterwards."""

from __future__ import annotations

import io
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import PG_ADMIN, _pg_database
from tests.trust.helpers import PgDatabase, cli, snapshot

pytestmark = pytest.mark.skipif(not PG_ADMIN, reason="PostgreSQL not configured (PROJTRACK_TEST_PG)")

ANNEX = Path(__file__).resolve().parents[2] / "imports" / "sample-annex.xlsx"
A = "平阳县"
TOWN = "昆阳镇"
RUN = "du" + uuid.uuid4().hex[:6]
AS_OF = "2026-11-30"


def _name(short: str) -> str:
    return f"{RUN}_{short}"


class Db(PgDatabase):
    """A database of its own: its owner's URL, logins' URLs and raw connections."""

    def __init__(self, admin, name: str, owner: str):
        super().__init__(owner, name)
        self.admin = admin
        self.owner_login = make_url(owner).username

    url = PgDatabase.login_url
    raw = PgDatabase.connect
    sql = PgDatabase.owner_sql

    def drop(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


def _grant(db: Db, login: str, role: str, *options: str) -> None:
    from projtrack.cli import main

    sys.stdin = io.StringIO(f"pw-{RUN}\n")
    try:
        rc = main(["--db", db.owner, "--lang", "en", "db", "grant", login, "--role", role,
                   *options, "--password-stdin"])
    finally:
        sys.stdin = sys.__stdin__
    assert rc == 0, login


@pytest.fixture
def db(capsys):
    """A new database with the sample annex (every project in 平阳县), imported by its owner."""
    admin, name, owner = _pg_database()
    d = Db(admin, name, owner)
    try:
        rc, out, err = cli(capsys, owner, "import", "annex", str(ANNEX), as_of=AS_OF)
        assert rc == 0, err
        d.sql("UPDATE project SET county = :a", a=A)
        d.mine = d.sql("SELECT id FROM project WHERE township = :t ORDER BY id LIMIT 1",
                       t=TOWN)[0][0]
        yield d
    finally:
        d.drop()


@pytest.fixture(scope="module")
def logins():
    """Every login the tests make: dropped at the end (the databases first)."""
    made: list[str] = []
    yield made
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for login in made:
            conn.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
    admin.dispose()


def _users(db: Db, table: str, column: str, where: str = "", **params) -> set[str]:
    return {u for (u,) in db.sql(f'SELECT DISTINCT "{column}" FROM {table} {where}', **params)}


# --- whoever connects, the database names them ------------------------------------------------
def test_the_owner_and_a_superuser_are_recorded_as_their_logins_not_the_os_user(
        db, capsys, monkeypatch, logins):
    monkeypatch.setenv("LOGNAME", "someone-else")  # what the client would send
    monkeypatch.setenv("USER", "someone-else")
    rc, out, err = cli(capsys, db.owner, "spend", "add", str(db.mine), "12.5", "--date",
                       "2026-11-20", as_of=AS_OF)
    assert rc == 0, err
    # the whole import and the entry: the owner's login, nothing the client knew
    assert _users(db, "audit_log", "user") == {db.owner_login}
    assert _users(db, "ledger_entry", "created_by") == {db.owner_login}
    assert _users(db, "import_run", "user") == {db.owner_login}
    root = _name("root")
    db.sql(f'CREATE ROLE "{root}" LOGIN SUPERUSER')
    logins.append(root)
    rc, out, err = cli(capsys, db.url(root), "progress", "add", str(db.mine), "--date",
                       "2026-11-20", "--percent", "30", as_of=AS_OF)
    assert rc == 0, err
    assert _users(db, "progress_entry", "created_by") == {root}
    last = db.sql('SELECT "user" FROM audit_log ORDER BY id DESC LIMIT 1')
    assert last == [(root,)]
    rc, out, err = cli(capsys, db.url(root), "audit", "list", str(db.mine), as_of=AS_OF)
    assert rc == 0 and root in out and db.owner_login in out and "someone-else" not in out
    rc, out, err = cli(capsys, db.owner, "db", "check")  # every hash over what was stored
    assert rc == 0, out + err


AUDIT = ('INSERT INTO audit_log (at, "user", action, entity) VALUES (now(), %s, '
         "'entry', 'x') RETURNING \"user\"")


def test_raw_sql_cannot_claim_another_user_and_only_the_owner_may_keep_one(db, logins):
    """The keep-users setting of a copy: honoured for the owner (and a superuser) inside the
    transaction that set it, never for a login with a role; nothing is kept (rolled back)."""
    reporter = _name("rep")
    _grant(db, reporter, "reporter", "--county", A, "--township", TOWN)
    logins.append(reporter)
    with db.raw(db.owner_login) as conn:
        assert conn.execute(AUDIT, ("someone",)).fetchone() == (db.owner_login,)
        conn.execute("SET LOCAL projtrack.keep_users = 'on'")
        assert conn.execute(AUDIT, ("someone",)).fetchone() == ("someone",)
        conn.rollback()
        # transaction-local: the next transaction records the login again
        assert conn.execute(AUDIT, ("someone",)).fetchone() == (db.owner_login,)
        conn.rollback()
        conn.execute("SET projtrack.keep_users = 'on'")  # for the session: honoured too
        assert conn.execute(AUDIT, ("someone",)).fetchone() == ("someone",)
        conn.rollback()
    entry = ("INSERT INTO progress_entry (project_id, entry_date, percent, origin, created_at, "
             "created_by) VALUES (%s, '2026-11-21', 100000, 'psql', now(), %s) "
             "RETURNING created_by")
    with db.raw(reporter) as conn:
        for set_it in ("SET LOCAL projtrack.keep_users = 'on'",
                       "SET projtrack.keep_users = 'on'",
                       "SELECT set_config('projtrack.keep_users', 'on', true)"):
            conn.execute(set_it)
            assert conn.execute(entry, (db.mine, "someone")).fetchone() == (reporter,), set_it
            audit = conn.execute(
                'INSERT INTO audit_log (at, "user", action, entity, project_id) VALUES '
                "(now(), 'someone', 'entry', 'progress_entry', %s) RETURNING \"user\"",
                (db.mine,))
            assert audit.fetchone() == (reporter,)
            conn.rollback()
    assert _users(db, "progress_entry", "created_by") == set()


def test_a_function_of_a_login_s_own_does_not_answer_for_the_trigger(db, logins):
    """On a server where logins may create objects in public (the default before 15), a
    login's own pg_has_role put before pg_catalog does not make the trigger keep its claim."""
    reporter = _name("rep5")
    _grant(db, reporter, "reporter", "--county", A, "--township", TOWN)
    logins.append(reporter)
    db.sql(f'GRANT CREATE ON SCHEMA public TO "{reporter}"')
    try:
        with db.raw(reporter) as conn:
            conn.execute("CREATE FUNCTION public.pg_has_role(name, oid, text) RETURNS boolean "
                         "LANGUAGE sql AS 'SELECT true'")
            conn.execute("CREATE FUNCTION public.current_setting(text, boolean) RETURNS text "
                         "LANGUAGE sql AS $$SELECT 'on'$$")
            conn.execute("SET search_path = public, pg_catalog")
            conn.execute("SET LOCAL projtrack.keep_users = 'on'")
            got = conn.execute(
                'INSERT INTO audit_log (at, "user", action, entity, project_id) VALUES '
                "(now(), 'someone', 'entry', 'progress_entry', %s) RETURNING \"user\"",
                (db.mine,)).fetchone()
            assert got == (reporter,)
            conn.rollback()
    finally:
        db.sql(f'REVOKE CREATE ON SCHEMA public FROM "{reporter}"')


# --- db copy and --merge keep who made each row -----------------------------------------------
def test_db_copy_from_sqlite_keeps_every_row_s_user(tmp_path, capsys, monkeypatch):
    county = str(tmp_path / "county.db")
    monkeypatch.setenv("LOGNAME", "jjk-wang")
    rc, out, err = cli(capsys, county, "import", "annex", str(ANNEX), as_of=AS_OF)
    assert rc == 0, err
    rc, out, err = cli(capsys, county, "spend", "add", "1", "40", "--date", "2026-11-02",
                       as_of=AS_OF)
    assert rc == 0, err
    monkeypatch.setenv("LOGNAME", "jjk-li")
    rc, out, err = cli(capsys, county, "progress", "add", "1", "--date", "2026-11-02",
                       "--percent", "20", as_of=AS_OF)
    assert rc == 0, err
    monkeypatch.setenv("LOGNAME", "someone-else")  # who runs the copy
    admin, name, target = _pg_database()
    d = Db(admin, name, target)
    try:
        rc, out, err = cli(capsys, county, "db", "copy", "--to", target)
        assert rc == 0, out + err
        assert _users(d, "audit_log", "user") == {"jjk-wang", "jjk-li"}
        assert _users(d, "ledger_entry", "created_by") == {"jjk-wang"}
        assert _users(d, "progress_entry", "created_by") == {"jjk-li"}
        assert _users(d, "import_run", "user") == {"jjk-wang"}
        rc, out, err = cli(capsys, target, "db", "check")
        assert rc == 0, out + err
        # after the copy: the database names the one who writes, as always
        rc, out, err = cli(capsys, target, "spend", "add", "1", "1", "--date", "2026-11-03",
                           as_of=AS_OF)
        assert rc == 0, err
        last = d.sql("SELECT created_by FROM ledger_entry ORDER BY id DESC LIMIT 1")
        assert last == [(d.owner_login,)]
        rc, out, err = cli(capsys, target, "db", "check")
        assert rc == 0, out + err
        # and back: a copy to SQLite keeps them too
        back = str(tmp_path / "back.db")
        rc, out, err = cli(capsys, target, "db", "copy", "--to", back)
        assert rc == 0, out + err
        assert cli(capsys, back, "db", "check")[0] == 0
    finally:
        d.drop()


def test_a_merged_county_keeps_its_users_and_the_merge_s_own_rows_name_its_login(
        db, tmp_path, capsys, monkeypatch):
    from tests.counties.countyfiles import county_annex

    county = str(tmp_path / "cangnan.db")
    monkeypatch.setenv("LOGNAME", "cn-zhao")
    annex = county_annex(tmp_path / "苍南县项目安排表.xlsx", "苍南县")
    rc, out, err = cli(capsys, county, "import", "annex", str(annex), as_of=AS_OF)
    assert rc == 0, err
    rc, out, err = cli(capsys, county, "spend", "add", "1", "7", "--date", "2026-11-02",
                       as_of=AS_OF)
    assert rc == 0, err
    rc, out, err = cli(capsys, county, "county", "set", "苍南县")
    assert rc == 0, err
    monkeypatch.setenv("LOGNAME", "someone-else")
    before = max(i for (i,) in db.sql("SELECT id FROM audit_log"))
    rc, out, err = cli(capsys, county, "db", "copy", "--to", db.owner, "--merge")
    assert rc == 0, out + err
    merged = db.sql('SELECT "user", action FROM audit_log WHERE id > :b', b=before)
    assert {u for u, a in merged if a != "merge"} == {"cn-zhao"}
    assert {u for u, a in merged if a == "merge"} == {db.owner_login}  # the settings it wrote
    assert _users(db, "ledger_entry", "created_by") == {"cn-zhao"}
    assert _users(db, "import_run", "user", "WHERE county = :c", c="苍南县") == {"cn-zhao"}
    assert _users(db, "import_run", "user", "WHERE county = :c", c=A) == {db.owner_login}
    rc, out, err = cli(capsys, db.owner, "db", "check")
    assert rc == 0, out + err


# --- the chain: heads the database's, raw rows named -------------------------------------------
def test_no_login_writes_the_chain_s_heads_and_the_database_moves_them(db, logins):
    officer, reporter = _name("off"), _name("rep2")
    _grant(db, officer, "officer", "--county", A)
    _grant(db, reporter, "reporter", "--county", A, "--township", TOWN)
    logins += [officer, reporter]
    before = snapshot(db.owner)
    for login in (officer, reporter):
        with db.raw(login) as conn:
            for sql in ("UPDATE chain_head SET rows = rows + 1",
                        "UPDATE chain_head SET last_hash = '' WHERE name = 'ledger_entry'",
                        "INSERT INTO chain_head (name, rows, last_hash) VALUES ('x', 1, '')",
                        "DELETE FROM chain_head",
                        "INSERT INTO chain_head (name, rows, last_hash) VALUES "
                        "('ledger_entry', 0, '') ON CONFLICT (name) DO UPDATE SET rows = 0"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(sql)
                conn.rollback()
            # nor through the function that moves them (a trigger function: not callable)
            with pytest.raises(psycopg.errors.FeatureNotSupported):
                conn.execute("SELECT projtrack_chain_head()")
            conn.rollback()
            # a row of its own id, ahead of the sequence, would come before projtrack's later
            # rows in the chain: the id is the sequence's only
            for sql in ("INSERT INTO progress_entry (id, project_id, entry_date, percent, origin, "
                        "created_at, created_by) VALUES (2000000000, %s, '2026-11-21', 1, "
                        "'psql', now(), 'x')",
                        'INSERT INTO audit_log (id, at, "user", action, entity, project_id) '
                        "VALUES (2000000000, now(), 'x', 'entry', 'x', %s)"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute(sql, (db.mine,))
                conn.rollback()
    assert snapshot(db.owner) == before
    heads = dict(db.sql("SELECT name, rows FROM chain_head"))
    audit = db.sql("SELECT count(*) FROM audit_log")[0][0]
    assert heads["audit_log"] == audit


def test_a_reporter_s_raw_rows_are_named_by_db_check_with_the_login(db, capsys, logins):
    """What the policies let a reporter insert through psql (a progress entry of their own
    township's project, an audit row) lands in the chain without a valid hash: the head counts
    it (the database moves it), and ``db check`` names each such row and who made it."""
    reporter = _name("rep3")
    _grant(db, reporter, "reporter", "--county", A, "--township", TOWN)
    logins.append(reporter)
    rc, out, err = cli(capsys, db.owner, "db", "check")
    assert rc == 0, out + err
    with db.raw(reporter) as conn:
        first = conn.execute(
            "INSERT INTO progress_entry (project_id, entry_date, percent, origin, created_at, "
            "created_by) VALUES (%s, '2026-11-21', 500000, 'psql', now(), 'someone') "
            "RETURNING id", (db.mine,)).fetchone()[0]
        forged = conn.execute(
            "INSERT INTO progress_entry (project_id, entry_date, percent, origin, created_at, "
            "created_by, row_hash) VALUES (%s, '2026-11-22', 600000, 'psql', now(), 'x', "
            "repeat('0', 64)) RETURNING id", (db.mine,)).fetchone()[0]
        audit = conn.execute(
            'INSERT INTO audit_log (at, "user", action, entity, project_id) VALUES '
            "(now(), 'x', 'entry', 'progress_entry', %s) RETURNING id", (db.mine,)).fetchone()[0]
        conn.commit()
    heads = dict(db.sql("SELECT name, rows FROM chain_head"))
    assert heads["progress_entry"] == 2  # counted by the database
    # projtrack's own rows after them still chain
    rc, out, err = cli(capsys, db.owner, "progress", "add", str(db.mine), "--date",
                       "2026-11-23", "--percent", "70", as_of=AS_OF)
    assert rc == 0, err
    rc, out, err = cli(capsys, db.owner, "db", "check")
    assert rc == 1 and "Traceback" not in err
    assert (f"progress_entry row {first} has no hash (made by {reporter}; it was not written "
            "through projtrack)") in err, err
    assert f"progress_entry row {forged} does not match its hash (made by {reporter};" in err
    assert f"audit_log row {audit} has no hash (made by {reporter};" in err
    named = [ln for ln in err.splitlines() if " row " in ln and "hash" in ln]
    assert len(named) == 3, err  # the rows projtrack wrote, before and after, are sound
    rc, out, err = cli(capsys, db.owner, "db", "check", lang=None)
    assert rc == 1 and f"progress_entry 第 {first} 行没有哈希(操作人 {reporter}" in err


def test_db_check_notices_a_disabled_head_trigger(db, capsys):
    db.sql("ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_chain_head")
    rc, out, err = cli(capsys, db.owner, "db", "check")
    assert rc == 1
    assert ("ledger_entry: the trigger ledger_entry_chain_head that keeps the chain's head is "
            "missing or disabled") in err
    db.sql("ALTER TABLE ledger_entry ENABLE TRIGGER ledger_entry_chain_head")
    assert cli(capsys, db.owner, "db", "check")[0] == 0


def _inserts_id(db: Db, group: str) -> tuple[bool, bool]:
    """(table-wide INSERT on progress_entry, INSERT of its id) of ``group``."""
    return db.sql("SELECT has_table_privilege(:g, 'progress_entry', 'INSERT'), "
                  "has_column_privilege(:g, 'progress_entry', 'id', 'INSERT')", g=group)[0]


def test_migration_0012_goes_down_and_up_again(db, capsys, monkeypatch, logins):
    """Down to 0011: the owner's rows keep what the client sends, the heads' triggers are
    gone and a reporter inserts the id again; up again: the database names the owner, the id
    is the sequence's, and the database is whole."""
    from alembic import command

    from projtrack.store.engine import make_engine
    from projtrack.store.migrate import alembic_config, upgrade

    reporter = _name("rep4")
    _grant(db, reporter, "reporter", "--county", A, "--township", TOWN)
    logins.append(reporter)
    assert _inserts_id(db, "projtrack_reporter") == (False, False)
    engine = make_engine(db.owner)
    try:
        with engine.begin() as conn:
            cfg = alembic_config(engine)
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0011")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM pg_trigger WHERE tgname LIKE "
                                     "'%_chain_head'")).scalar_one() == 0
            assert conn.execute(text("SELECT count(*) FROM pg_policies WHERE tablename = "
                                     "'chain_head'")).scalar_one() == 3
        with db.raw(db.owner_login) as conn:
            assert conn.execute(AUDIT, ("someone",)).fetchone() == ("someone",)
            conn.rollback()
        assert _inserts_id(db, "projtrack_reporter") == (True, True)
        upgrade(engine)
        assert _inserts_id(db, "projtrack_reporter") == (False, False)
        assert db.sql("SELECT has_column_privilege('projtrack_reporter', 'progress_entry', "
                      "'percent', 'INSERT')") == [(True,)]
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM pg_trigger WHERE tgname LIKE "
                                     "'%_chain_head'")).scalar_one() == 6
            assert conn.execute(text("SELECT count(*) FROM pg_policies WHERE tablename = "
                                     "'chain_head'")).scalar_one() == 1
    finally:
        engine.dispose()
    with db.raw(db.owner_login) as conn:
        assert conn.execute(AUDIT, ("someone",)).fetchone() == (db.owner_login,)
        conn.rollback()
    assert cli(capsys, db.owner, "db", "check")[0] == 0
