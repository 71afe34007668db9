"""Roles that PostgreSQL enforces (migration 0011, projtrack.services.roles): three logins of
each role against one real server; every permitted action works through projtrack, every
forbidden one is refused — through projtrack (exit 1 and a message, or not even visible) and
through raw SQL over psycopg — by the database, and nothing is written (the owner's snapshot of
every table before = after).  Audit rows and entries carry the login's name.

PostgreSQL roles are cluster-wide: the logins are named per run and dropped afterwards."""

from __future__ import annotations

import io
import json
import os
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from tests.conftest import PG_ADMIN, _pg_database
from tests.trust.helpers import PgDatabase, cli, snapshot

pytestmark = pytest.mark.skipif(not PG_ADMIN, reason="PostgreSQL not configured (PROJTRACK_TEST_PG)")

ANNEX = Path(__file__).resolve().parents[2] / "imports" / "sample-annex.xlsx"
A, B = "平阳县", "苍南县"
TOWN = "昆阳镇"
RUN = "rt" + uuid.uuid4().hex[:6]


def _name(short: str) -> str:
    return f"{RUN}_{short}"


class Shared(PgDatabase):
    """The database, its owner's URL, a login's URL, and the projects the tests act on."""

    def __init__(self, owner: str, name: str):
        super().__init__(owner, name)
        self.logins: dict[str, str] = {}

    def url(self, short: str) -> str:
        return self.login_url(_name(short))

    def raw(self, short: str) -> psycopg.Connection:
        return self.connect(_name(short))


LOGINS = {  # short name → (role, grant's options)
    "off_a": ("officer", ["--county", A]),
    "off_a2": ("officer", ["--county", A]),
    "off_b": ("officer", ["--county", B]),
    "lead_city": ("leader", []),
    "lead_a": ("leader", ["--county", A]),
    "lead_ab": ("leader", ["--county", A, "--county", B]),
    "rep_town": ("reporter", ["--county", A, "--township", TOWN]),
    "rep_unit": ("reporter", ["--county", A, "--unit", "UNIT"]),
    "rep_b": ("reporter", ["--county", B, "--township", TOWN]),
}


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    from projtrack.cli import main

    admin, name, owner = _pg_database()
    s = Shared(owner, name)
    try:
        assert main(["--db", owner, "--lang", "en", "import", "annex", str(ANNEX)]) == 0
        # two counties: the even ids in A, the odd ones in B
        s.owner_sql("UPDATE project SET county = CASE WHEN id % 2 = 0 THEN :a ELSE :b END",
                    a=A, b=B)
        rows = s.owner_sql("SELECT id, county, township, responsible_unit, name FROM project "
                           "ORDER BY id")
        s.mine = next(r for r in rows if r[1] == A and r[2] == TOWN)  # rep_town's
        s.unit_p = next(r for r in rows if r[1] == A and r[2] != TOWN and r[3] != "县教育局")
        s.other_a = next(r for r in rows if r[1] == A and r[2] != TOWN and r[3] != s.unit_p[3])
        s.in_b = next(r for r in rows if r[1] == B and r[2] == TOWN)
        s.counts = {c: sum(1 for r in rows if r[1] == c) for c in (A, B)}
        assert main(["--db", owner, "--as-of", "2026-11-30", "spend", "add", str(s.other_a[0]),
                     "5", "--date", "2026-11-02"]) == 0  # something a reporter may try to undo
        for short, (role, options) in LOGINS.items():
            options = [s.unit_p[3] if o == "UNIT" else o for o in options]
            sys.stdin = io.StringIO(f"pw-{RUN}-{short}\n")  # for --password-stdin
            try:
                rc = main(["--db", owner, "--lang", "en", "db", "grant", _name(short),
                           "--role", role, *options, "--password-stdin"])
            finally:
                sys.stdin = sys.__stdin__
            assert rc == 0, short
        # a login without a grant
        s.owner_sql(f'CREATE ROLE "{_name("nobody")}" LOGIN')
        yield s
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            for short in [*LOGINS, "nobody"]:
                conn.execute(text(f'DROP ROLE IF EXISTS "{_name(short)}"'))
        admin.dispose()


def _run(capsys, s: Shared, short: str, *args: str):
    return cli(capsys, s.url(short), *args, as_of="2026-11-30")


# --- the administrator's commands -------------------------------------------------------------
def test_db_roles_lists_every_login_with_its_role_and_the_password_is_nowhere(shared, capsys):
    rc, out, err = cli(capsys, shared.owner, "db", "roles")
    assert rc == 0, err
    lines = {ln.split()[0]: ln for ln in out.splitlines()}
    assert "leader" in lines[_name("lead_city")] and "every county" in lines[_name("lead_city")]
    assert A in lines[_name("lead_ab")] and B in lines[_name("lead_ab")]
    assert f"township: {TOWN}" in lines[_name("rep_town")]
    assert f"unit: {shared.unit_p[3]}" in lines[_name("rep_unit")]
    assert "officer" in lines[_name("off_b")] and B in lines[_name("off_b")]
    # the password: a SCRAM verifier on the server, never in the audit
    verifier = shared.owner_sql("SELECT rolpassword FROM pg_authid WHERE rolname = :n",
                                n=_name("off_a"))[0][0]
    assert verifier.startswith("SCRAM-SHA-256$")
    audit = shared.owner_sql("SELECT \"user\", field, new_value FROM audit_log "
                             "WHERE action = 'grant'")
    assert len(audit) == len(LOGINS)
    assert all(f"pw-{RUN}" not in str(row) for row in audit)
    from sqlalchemy.engine import make_url

    # the owner's rows: its login, recorded by the database (not the OS user the client knows)
    assert all(row[0] == make_url(shared.owner).username for row in audit)


def test_db_grant_is_refused_on_sqlite_for_a_non_owner_and_for_a_bad_scope(shared, capsys,
                                                                           tmp_path):
    db = str(tmp_path / "one.db")
    assert cli(capsys, db, "init")[0] == 0
    rc, out, err = cli(capsys, db, "db", "grant", "wang", "--role", "officer", "--county", A)
    assert rc == 2 and "roles need PostgreSQL" in err
    rc, out, err = _run(capsys, shared, "off_a", "db", "grant", "x", "--role", "leader")
    assert rc == 1 and "only the schema's owner" in err and _name("off_a") in err
    rc, out, err = cli(capsys, shared.owner, "db", "grant", "x", "--role", "reporter",
                       "--county", A)
    assert rc == 2 and "exactly one of --township or --unit" in err
    rc, out, err = cli(capsys, shared.owner, "db", "grant", "x", "--role", "boss")
    assert rc == 2 and "unknown role" in err
    rc, out, err = cli(capsys, shared.owner, "db", "grant", "postgres", "--role", "leader")
    assert rc == 2 and "roles do not apply" in err


# --- what each role sees -----------------------------------------------------------------------
@pytest.mark.parametrize("short,counties", [("lead_city", (A, B)), ("lead_a", (A,)),
                                            ("lead_ab", (A, B)), ("off_b", (B,)),
                                            ("rep_town", (A,))])
def test_each_login_sees_the_projects_of_its_counties_only(shared, capsys, short, counties):
    rc, out, err = _run(capsys, shared, short, "export")
    assert rc == 0, err
    projects = json.loads(out)["projects"]
    assert len(projects) == sum(shared.counts[c] for c in counties)


def test_a_login_without_a_grant_sees_nothing_and_is_told_why(shared, capsys):
    rc, out, err = _run(capsys, shared, "nobody", "export")
    assert rc == 1 and f"login {_name('nobody')} has no projtrack role" in err
    assert "projtrack db grant" in err and "Traceback" not in err
    with shared.raw("nobody") as conn:  # and psql shows it nothing either
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT count(*) FROM project")


# --- permitted actions ---------------------------------------------------------------------------
def _ledger_of(s: Shared, pid: int) -> list[tuple]:
    return s.owner_sql("SELECT id, created_by FROM ledger_entry WHERE project_id = :p "
                       "ORDER BY id", p=pid)


def test_every_permitted_action_works_and_names_the_login(shared, capsys):
    mine, unit_p, other_a = shared.mine, shared.unit_p, shared.other_a
    done = [
        ("rep_town", mine, ("spend", "add", str(mine[0]), "12.5", "--date", "2026-11-20")),
        ("rep_town", mine, ("progress", "add", str(mine[0]), "--date", "2026-11-20",
                            "--stage", "主体结构", "--percent", "40")),
        ("rep_town", mine, ("milestone", "set", str(mine[0]), "开工", "--actual", "2026-03-01")),
        ("rep_unit", unit_p, ("spend", "add", str(unit_p[0]), "3", "--date", "2026-11-21")),
        ("off_a", other_a, ("spend", "add", str(other_a[0]), "7", "--date", "2026-11-22")),
        ("off_a2", other_a, ("plan", "set", str(other_a[0]), "2026", "900")),
        ("off_a", other_a, ("issue", "add", str(other_a[0]), "用地指标未落实")),
        ("off_b", shared.in_b, ("phase", "set", str(shared.in_b[0]), "暂缓")),
    ]
    for short, project, args in done:
        rc, out, err = _run(capsys, shared, short, *args)
        assert rc == 0, (short, args, err)
        who = shared.owner_sql('SELECT "user" FROM audit_log WHERE project_id = :p '
                               "ORDER BY id DESC LIMIT 1", p=project[0])
        assert who == [(_name(short),)], (short, args)
    assert _ledger_of(shared, mine[0])[-1][1] == _name("rep_town")
    assert _ledger_of(shared, unit_p[0])[-1][1] == _name("rep_unit")
    progress = shared.owner_sql("SELECT created_by FROM progress_entry WHERE project_id = :p",
                                p=mine[0])
    assert progress == [(_name("rep_town"),)]
    # the leader prints a draft; the officer issues the week
    rc, out, err = _run(capsys, shared, "lead_a", "report", "weekly", "--draft", "--format",
                        "xlsx", "--out", str(Path(os.environ.get("TMPDIR", "/tmp")) / RUN))
    assert rc == 0, err
    rc, out, err = _run(capsys, shared, "off_a", "report", "weekly", "--week", "2026-W47",
                        "--format", "xlsx", "--out", str(Path(os.environ.get("TMPDIR", "/tmp")) / RUN))
    assert rc == 0, err
    issued = shared.owner_sql("SELECT issued_by FROM report_snapshot ORDER BY id DESC LIMIT 1")
    assert issued == [(_name("off_a"),)]
    # every row made by the logins verifies: the chain holds and the sums follow the entries
    rc, out, err = cli(capsys, shared.owner, "db", "check")
    assert rc == 0, out + err


# --- forbidden through projtrack -------------------------------------------------------------------
FORBIDDEN = [  # login, arguments (PID: the project), what the message says, exit code
    ("lead_city", ("spend", "add", "PID", "1", "--date", "2026-11-23"), "(leader) may not", 1),
    ("lead_a", ("milestone", "set", "PID", "开工", "--actual", "2026-03-02"), "(leader) may not", 1),
    ("lead_ab", ("report", "weekly", "--week", "2026-W46", "--format", "xlsx"),
     "(leader) may not do “issue the report of 2026-W46”", 1),
    ("rep_town", ("plan", "set", "PID", "2026", "1"), "(reporter) may not", 1),
    ("rep_unit", ("import", "annex", str(ANNEX)), "(reporter) may not", 1),
    ("rep_b", ("issue", "add", "PID", "x"), "(reporter) may not", 1),
    ("rep_town", ("spend", "add", "OTHER", "1", "--date", "2026-11-23"),
     "(reporter) may not do", 1),
    ("rep_unit", ("progress", "add", "OTHER", "--date", "2026-11-23", "--percent", "5"),
     "(reporter) may not do", 1),
    ("rep_town", ("milestone", "set", "OTHER", "开工", "--actual", "2026-03-02"),
     "(reporter) may not do", 1),
    # no check of projtrack's own before the write: the database refuses the reversal
    ("rep_town", ("spend", "undo", "OTHER", "--yes"), "the database refused this for login", 1),
    ("off_b", ("spend", "add", "PID", "1", "--date", "2026-11-23"), "no project matches", 2),
    ("off_a", ("db", "check"), "(officer) may not", 1),
]


@pytest.mark.parametrize("short,args,says,code", FORBIDDEN,
                         ids=[f"{f[0]}-{'-'.join(f[1][:2])}" for f in FORBIDDEN])
def test_every_forbidden_action_is_refused_and_nothing_is_written(shared, capsys, tmp_path,
                                                                 short, args, says, code):
    swap = {"PID": str(shared.mine[0]), "OTHER": str(shared.other_a[0])}
    args = tuple(swap.get(a, a) for a in args)
    if args[0] == "report":
        args = (*args, "--out", str(tmp_path))
    before = snapshot(shared.owner)
    rc, out, err = _run(capsys, shared, short, *args)
    assert rc == code and says in err, (rc, out, err)
    assert "Traceback" not in err and _name(short) in err or code == 2
    assert snapshot(shared.owner) == before
    assert not list(tmp_path.iterdir())  # no report file either


def test_forbidden_messages_speak_chinese_by_default(shared, capsys):
    rc, out, err = cli(capsys, shared.url("lead_a"), "spend", "add", str(shared.mine[0]), "1",
                       "--date", "2026-11-23", lang=None)
    assert rc == 1 and f"登录 {_name('lead_a')}(领导)不能执行“spend add”" in err


# --- forbidden through raw SQL ------------------------------------------------------------------------
def _refused(conn: psycopg.Connection, sql: str, params: tuple = ()) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(sql, params)
    conn.rollback()


def _untouched(conn: psycopg.Connection, sql: str, params: tuple = ()) -> None:
    """An UPDATE or DELETE of rows the login may not see changes none (RLS hides them)."""
    assert conn.execute(sql, params).rowcount == 0
    conn.rollback()


ENTRY = ("INSERT INTO ledger_entry (project_id, kind, entry_date, amount, origin, created_at, "
         "created_by, correction) VALUES (%s, '完成投资', '2026-11-23', 1000000, 'psql', now(), "
         "%s, false)")


def test_raw_sql_over_psycopg_is_refused_by_the_database(shared):
    before = snapshot(shared.owner)
    mine, other_a, in_b = shared.mine[0], shared.other_a[0], shared.in_b[0]
    for short in ("rep_town", "rep_unit", "rep_b"):
        with shared.raw(short) as conn:
            _refused(conn, ENTRY, (other_a if short != "rep_b" else mine, "x"))
            _refused(conn, "UPDATE project SET name = 'x' WHERE id = %s", (mine,))
            _refused(conn, "DELETE FROM milestone WHERE project_id = %s", (mine,))
            _refused(conn, "INSERT INTO access_grant (login, role) VALUES (%s, 'officer')",
                     (_name(short),))
            _refused(conn, "UPDATE access_grant SET role = 'officer'")
            _refused(conn, "UPDATE ledger_entry SET created_by = 'someone'")
            _refused(conn, "INSERT INTO report_snapshot (kind, period, as_of, issued_at, "
                           "issued_by, data, sha256) VALUES ('weekly', 'x', '2026-11-23', now(), "
                           "'x', '{}', 'x')")
            _untouched(conn, "UPDATE milestone SET actual = '2020-01-01' WHERE project_id = %s",
                       (other_a,))
    for short in ("lead_city", "lead_a", "lead_ab"):
        with shared.raw(short) as conn:
            _refused(conn, ENTRY, (mine, "x"))
            _refused(conn, "UPDATE project SET name = 'x' WHERE id = %s", (mine,))
            _refused(conn, "INSERT INTO setting (key, value, version) VALUES ('k', '1', 1)")
            _refused(conn, "DELETE FROM access_grant")
            assert conn.execute("SELECT count(*) FROM project").fetchone()[0] > 0  # reads
    for short in ("off_a", "off_a2", "off_b"):
        with shared.raw(short) as conn:
            target = in_b if short != "off_b" else mine  # another county's
            _refused(conn, ENTRY, (target, "x"))
            _refused(conn, "INSERT INTO annual_plan (project_id, year, amount, version) "
                           "VALUES (%s, 2030, 1, 1)", (target,))
            _untouched(conn, "UPDATE project SET name = 'x' WHERE id = %s", (target,))
            _untouched(conn, "DELETE FROM annual_plan WHERE project_id = %s", (target,))
            _refused(conn, "INSERT INTO access_grant (login, role) VALUES ('x', 'officer')")
            _refused(conn, "UPDATE ledger_year SET actual = 0")
            _refused(conn, f'GRANT projtrack_officer TO "{_name("rep_town")}"')
    assert snapshot(shared.owner) == before


def test_a_raw_insert_claiming_another_user_records_the_login(shared):
    """What a reporter may insert, it inserts as itself: the trigger overwrites the user."""
    with shared.raw("rep_town") as conn:
        row = conn.execute(ENTRY + " RETURNING created_by", (shared.mine[0], "someone-else"))
        assert row.fetchone() == (_name("rep_town"),)
        audit = conn.execute(
            'INSERT INTO audit_log (at, "user", action, entity, project_id) VALUES '
            "(now(), 'postgres', 'entry', 'ledger_entry', %s) RETURNING \"user\"",
            (shared.mine[0],))
        assert audit.fetchone() == (_name("rep_town"),)
        conn.rollback()  # not kept: a raw row has no place in the hash chain


def test_the_migration_goes_down_and_up_again(shared):
    """0011's downgrade takes the policies, functions and triggers away; its upgrade puts them
    back (on a copy: a database of its own)."""
    from projtrack.store.engine import make_engine
    from projtrack.store.migrate import upgrade

    admin, name, url = _pg_database()
    try:
        engine = make_engine(url)
        upgrade(engine)
        from alembic import command

        from projtrack.store.migrate import alembic_config

        with engine.begin() as conn:
            cfg = alembic_config(engine)
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0010")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM pg_policies")).scalar_one() == 0
            assert conn.execute(text("SELECT to_regclass('access_grant')")).scalar_one() is None
        upgrade(engine)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM pg_policies")).scalar_one() > 20
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_service_file_and_a_password_file_name_the_login_and_no_password_is_shown(
        shared, capsys, tmp_path, monkeypatch):
    """``postgresql:///?service=NAME`` (pg_service.conf) and PGPASSFILE work; the URL projtrack
    prints never holds a password (in the URL, its query, or libpq's key-value words)."""
    from projtrack.redact import redact

    host, port = shared.base.split(":")
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[jjk]\nhost={host}\nport={port}\ndbname={shared.name}\n"
                        f"user={_name('lead_a')}\n", encoding="utf-8")
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"{host}:{port}:{shared.name}:{_name('lead_a')}:pw-{RUN}-lead_a\n",
                        encoding="utf-8")
    passfile.chmod(0o600)
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    rc, out, err = cli(capsys, "postgresql:///?service=jjk", "export")
    assert rc == 0, err
    assert len(json.loads(out)["projects"]) == shared.counts[A]  # the leader of A's view
    rc, out, err = cli(capsys, "postgresql:///?service=jjk", "spend", "add",
                       str(shared.mine[0]), "1", "--date", "2026-11-23")
    assert rc == 1 and f"login {_name('lead_a')} (leader) may not" in err
    secret = f"postgresql+psycopg://{_name('lead_a')}@{shared.base}/nodb?password=pw-{RUN}"
    rc, out, err = cli(capsys, secret, "export")
    assert rc == 2 and f"pw-{RUN}" not in err and "password=***" in err
    for text_, shown in [("postgresql://u:pw@h/db", "postgresql://u:***@h/db"),
                         ("host=h user=u password=pw dbname=d", "host=h user=u password=*** dbname=d"),
                         ("password='p w' host=h", "password=*** host=h"),
                         ("postgresql:///db?service=jjk", "postgresql:///db?service=jjk")]:
        assert redact(text_) == shown


async def test_the_tui_shows_a_login_its_projects_and_disables_what_its_role_may_not_do(shared):
    """A leader's app: only their county's projects, the role said once, the write keys
    disabled; a reporter's: the spend form opens, the phase form does not."""
    import datetime as dt

    from projtrack.services.database import open_store
    from projtrack.tui.app import ProjtrackApp
    from projtrack.tui.screens.portfolio import PortfolioScreen
    from projtrack.tui.widgets.entry_forms import SpendForm
    from tests.tui.helpers import go_to_project, press, settle

    for short, writes in (("lead_a", False), ("rep_town", True)):
        store = open_store(shared.url(short), create=False)
        try:
            app = ProjtrackApp(store, dt.date(2026, 11, 30), "en", steady=True)
            async with app.run_test(size=(120, 40)) as pilot:
                await settle(pilot)
                assert len(app.portfolio.projects) == shared.counts[A]
                notices = " ".join(n.message for n in app._notifications)
                assert f"login {_name(short)} (" in notices and "disabled" in notices
                assert app.check_action("set_phase", ()) is None  # dimmed in the footer
                await press(pilot, "p")
                assert isinstance(app.screen, PortfolioScreen)
                if not writes:
                    await press(pilot, "e")
                    await settle(pilot)
                    assert isinstance(app.screen, PortfolioScreen)
                    continue
                await go_to_project(pilot, shared.other_a[0])  # not the reporter's: said why
                await press(pilot, "e")
                await settle(pilot)
                assert not isinstance(app.screen, SpendForm)
                notices = " ".join(n.message for n in app._notifications)
                assert f"(reporter) may not do “record money · {shared.other_a[4]}”" in notices
                await press(pilot, "escape")
                await go_to_project(pilot, shared.mine[0])
                await press(pilot, "e")
                await settle(pilot)
                assert isinstance(app.screen, SpendForm)
        finally:
            store.close()


def test_db_check_notices_a_disabled_who_trigger_or_row_level_security(shared, capsys):
    rc, out, err = cli(capsys, shared.owner, "db", "check")
    assert rc == 0, out + err
    shared.owner_sql("ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_who")
    shared.owner_sql("ALTER TABLE milestone DISABLE ROW LEVEL SECURITY")
    try:
        rc, out, err = cli(capsys, shared.owner, "db", "check")
        assert rc == 1
        assert "ledger_entry: the trigger ledger_entry_who that records who" in err
        assert "milestone: row-level security is off" in err
    finally:
        shared.owner_sql("ALTER TABLE ledger_entry ENABLE TRIGGER ledger_entry_who")
        shared.owner_sql("ALTER TABLE milestone ENABLE ROW LEVEL SECURITY")


def test_a_grant_changes_a_login_s_role_and_revoke_takes_it_away(shared, capsys, monkeypatch):
    login = _name("moves")
    monkeypatch.setattr(sys, "stdin", io.StringIO("first-pw\n"))
    rc, out, err = cli(capsys, shared.owner, "db", "grant", login, "--role", "reporter",
                       "--county", A, "--township", TOWN, "--password-stdin")
    assert rc == 0 and f"created login {login}" in out, err
    try:
        rc, out, err = cli(capsys, shared.owner, "db", "grant", login, "--role", "officer",
                           "--county", B)
        assert rc == 0 and f"login {login} now has the role officer ({B})" in out, err
        groups = shared.owner_sql(
            "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = :l", l=login)
        assert groups == [("projtrack_officer",)]
        url = f"postgresql+psycopg://{login}@{shared.base}/{shared.name}"
        rc, out, err = cli(capsys, url, "export")
        assert rc == 0 and len(json.loads(out)["projects"]) == shared.counts[B]
        rc, out, err = cli(capsys, shared.owner, "db", "revoke", login)
        assert rc == 0 and "revoked" in out
        rc, out, err = cli(capsys, url, "export")
        assert rc == 1 and f"login {login} has no projtrack role" in err
        rc, out, err = cli(capsys, shared.owner, "db", "revoke", login)
        assert rc == 1 and "no projtrack role to revoke" in err
        audit = shared.owner_sql("SELECT action, new_value FROM audit_log WHERE field = :l "
                                 "ORDER BY id", l=login)
        assert [a for a, _ in audit] == ["grant", "grant", "revoke"]
        assert "first-pw" not in str(audit) and "(password set)" in audit[0][1]
    finally:
        shared.owner_sql(f'DROP ROLE IF EXISTS "{login}"')


def test_an_officer_imports_their_county_s_annex_and_is_refused_another_county_s(tmp_path,
                                                                                 capsys):
    """Counties and roles together, on a database of its own: the administrator imports 平阳县's
    annex; 苍南县's officer imports 苍南县's (its projects go into 苍南县, recorded as the login)
    and re-imports it one project short (only 苍南县's missing project is withdrawn); the same
    officer importing 平阳县's annex is refused, naming the role, and nothing is written."""
    from projtrack.cli import main
    from tests.counties.countyfiles import county_annex

    admin, name, owner = _pg_database()
    login = _name("imp_b")
    s = Shared(owner, name)
    try:
        assert main(["--db", owner, "--lang", "en", "import", "annex", str(ANNEX)]) == 0
        sys.stdin = io.StringIO(f"pw-{RUN}-imp\n")
        try:
            assert main(["--db", owner, "--lang", "en", "db", "grant", login, "--role",
                         "officer", "--county", B, "--password-stdin"]) == 0
        finally:
            sys.stdin = sys.__stdin__
        capsys.readouterr()
        annex_b = county_annex(tmp_path / "苍南县项目安排表.xlsx", B)
        rc, out, err = cli(capsys, s.url("imp_b"), "import", "annex", str(annex_b), "--yes")
        assert rc == 0, out + err
        counts = dict(s.owner_sql("SELECT county, count(*) FROM project GROUP BY county"))
        assert counts == {A: 88, B: 88}
        who = s.owner_sql("SELECT DISTINCT \"user\" FROM audit_log a JOIN project p "
                          "ON p.id = a.project_id WHERE p.county = :b", b=B)
        assert who == [(login,)]
        shorter = county_annex(tmp_path / "苍南县项目安排表-2.xlsx", B, drop=1)
        rc, out, err = cli(capsys, s.url("imp_b"), "import", "annex", str(shorter), "--yes")
        assert rc == 0, out + err
        withdrawn = dict(s.owner_sql("SELECT county, count(*) FROM project "
                                     "WHERE status = 'withdrawn' GROUP BY county"))
        assert withdrawn == {B: 1}, withdrawn
        before = snapshot(owner)
        rc, out, err = cli(capsys, s.url("imp_b"), "import", "annex", str(ANNEX), "--yes")
        assert rc == 1 and "Traceback" not in err and login in err, out + err
        assert snapshot(owner) == before
        rc, out, err = cli(capsys, owner, "db", "check")
        assert rc == 0, out + err
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
        admin.dispose()
