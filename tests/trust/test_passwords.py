"""Passwords against a server that demands them (scram-sha-256: a cluster of the tests' own,
``tests.trust.scram``), never the trust-auth test server alone: ``db grant --password-stdin``
makes a login whose password the server then asks for; projtrack connects with it from the
environment (PGPASSWORD), a password file (PGPASSFILE) and a service file (PGSERVICEFILE and a
URL naming the service); a wrong one is refused plainly (exit 1, no traceback, the password
never shown); and the password is in no output, no ``--db`` echo, no audit row, and not in the
text of any statement projtrack sends the server (its log of every statement): the server is
sent a SCRAM verifier.

The test first checks that the server refuses a wrong password, so it cannot pass against a
server that asks for none.  It runs wherever the PostgreSQL tests run (PROJTRACK_TEST_PG, as
.ci/run sets it): a machine with PostgreSQL but no way to start a cluster fails it."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import PG_ADMIN
from tests.trust import scram
from tests.trust.helpers import cli

pytestmark = pytest.mark.skipif(not PG_ADMIN, reason="PostgreSQL not configured (PROJTRACK_TEST_PG)")

ANNEX = Path(__file__).resolve().parents[2] / "imports" / "sample-annex.xlsx"
RUN = uuid.uuid4().hex[:6]
LOGIN = f"pw{RUN}_lead"
SECRET = f"Zq9-{RUN}-s3cr3t"  # the password: looked for in everything below
DB = f"pw_{RUN}"


@pytest.fixture(scope="module")
def server():
    try:
        cluster = scram.start()
    except RuntimeError as exc:  # PostgreSQL tests are on: this one must run too
        pytest.fail(f"a cluster that demands passwords could not be started: {exc}")
    try:
        admin = create_engine(cluster.admin, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{DB}"'))
        admin.dispose()
        cluster.db = cluster.admin.rsplit("/", 1)[0] + f"/{DB}"
        yield cluster
    finally:
        cluster.stop()


def _connect(server, password: str | None):
    kwargs = {"host": "127.0.0.1", "port": server.port, "dbname": DB, "user": LOGIN}
    if password is not None:
        kwargs["password"] = password
    return psycopg.connect(**kwargs, connect_timeout=10)


@pytest.fixture(scope="module")
def granted(server, tmp_path_factory):
    """The sample imported by the superuser, and ``LOGIN`` a leader of every county, made
    with ``db grant --password-stdin``: (stdout, stderr) of the grant."""
    import sys

    from projtrack.cli import main

    assert main(["--db", server.db, "--lang", "en", "import", "annex", str(ANNEX)]) == 0
    sys.stdin = io.StringIO(SECRET + "\n")
    try:
        rc = main(["--db", server.db, "--lang", "en", "db", "grant", LOGIN, "--role", "leader",
                   "--password-stdin"])
    finally:
        sys.stdin = sys.__stdin__
    assert rc == 0
    return server


def test_the_server_demands_the_password(granted, capsys):
    """First: a wrong password and none at all are refused, the right one is taken — else
    every test below would pass against a server that asks for nothing."""
    for wrong in ("wrong-" + SECRET, None):
        with pytest.raises(psycopg.OperationalError) as refused:
            _connect(granted, wrong).close()
        assert "password" in str(refused.value)
    with _connect(granted, SECRET) as conn:
        assert conn.execute("SELECT session_user").fetchone() == (LOGIN,)


def test_the_grant_sends_a_verifier_and_prints_no_password(granted, capsys):
    rc, out, err = cli(capsys, granted.db, "db", "roles")
    assert rc == 0 and LOGIN in out and SECRET not in out + err
    engine = create_engine(granted.db)
    with engine.connect() as conn:
        verifier = conn.execute(text("SELECT rolpassword FROM pg_authid WHERE rolname = :n"),
                                {"n": LOGIN}).scalar_one()
        audit = conn.execute(text('SELECT * FROM audit_log')).fetchall()
    engine.dispose()
    assert verifier.startswith("SCRAM-SHA-256$") and SECRET not in verifier
    assert audit and not any(SECRET in str(row) for row in audit)
    log = granted.log
    assert f'ALTER ROLE "{LOGIN}" PASSWORD \'SCRAM-SHA-256$' in log  # what was sent
    assert SECRET not in log


def _export(capsys, url: str) -> tuple[int, str, str]:
    return cli(capsys, url, "export", as_of="2026-11-30")


def test_pgpassword_a_password_file_and_a_service_file(granted, capsys, tmp_path, monkeypatch):
    url = f"postgresql+psycopg://{LOGIN}@127.0.0.1:{granted.port}/{DB}"
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    rc, out, err = _export(capsys, url)  # no password anywhere: refused
    assert rc == 1 and f"refused the password of login {LOGIN}" in err, err
    assert "Traceback" not in err
    monkeypatch.setenv("PGPASSWORD", SECRET)
    rc, out, err = _export(capsys, url)
    assert rc == 0, err
    assert len(json.loads(out)["projects"]) == 88 and SECRET not in out + err
    monkeypatch.delenv("PGPASSWORD")
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"127.0.0.1:{granted.port}:{DB}:{LOGIN}:{SECRET}\n", encoding="utf-8")
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    rc, out, err = _export(capsys, url)
    assert rc == 0 and SECRET not in out + err, err
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[city]\nhost=127.0.0.1\nport={granted.port}\ndbname={DB}\n"
                        f"user={LOGIN}\n", encoding="utf-8")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    rc, out, err = _export(capsys, "postgresql:///?service=city")
    assert rc == 0 and SECRET not in out + err, err
    # the password in the service file itself, no password file
    services.write_text(f"[city]\nhost=127.0.0.1\nport={granted.port}\ndbname={DB}\n"
                        f"user={LOGIN}\npassword={SECRET}\n", encoding="utf-8")
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    rc, out, err = cli(capsys, "postgresql:///?service=city", "db", "check")
    assert rc == 1 and "(leader) may not" in err and SECRET not in out + err  # connected
    assert SECRET not in granted.log


@pytest.mark.parametrize("lang", ["en", None])
def test_a_wrong_password_is_refused_plainly_and_never_shown(granted, capsys, monkeypatch, lang):
    wrong = f"wrong-{RUN}-pw"
    url = f"postgresql+psycopg://{LOGIN}@127.0.0.1:{granted.port}/{DB}"
    monkeypatch.setenv("PGPASSWORD", wrong)
    rc, out, err = cli(capsys, url, "export", lang=lang)
    assert rc == 1 and out == "", (rc, out, err)
    assert "Traceback" not in err and wrong not in err and SECRET not in err
    says = {"en": f"the PostgreSQL server refused the password of login {LOGIN} (a wrong one, "
                  "or none given); nothing was read or written",
            None: f"PostgreSQL 服务器拒绝了登录 {LOGIN} 的密码(密码错误或未提供)"}[lang]
    assert says in err and "PGPASSWORD" in err and "PGPASSFILE" in err, err
    assert len(err.strip().splitlines()) == 1
    monkeypatch.delenv("PGPASSWORD")
    # in the URL itself: refused the same way, the URL shown without it
    rc, out, err = cli(capsys, f"postgresql+psycopg://{LOGIN}:{wrong}@127.0.0.1:"
                                f"{granted.port}/{DB}", "export", lang=lang)
    assert rc == 1 and wrong not in out + err and "Traceback" not in err, err
    assert says in err


def test_a_password_in_the_url_is_never_echoed(granted, capsys, monkeypatch):
    """A URL with the password works (it is the officer's choice) but no output of projtrack
    shows it: the reads, the writes' messages, a database it creates."""
    monkeypatch.delenv("PGPASSWORD", raising=False)
    url = f"postgresql+psycopg://{LOGIN}:{SECRET}@127.0.0.1:{granted.port}/{DB}"
    for args in (("export",), ("forecast",), ("db", "check"), ("db", "upgrade"),
                 ("spend", "add", "1", "1", "--date", "2026-11-20"), ("backup", "x.db")):
        rc, out, err = cli(capsys, url, *args, as_of="2026-11-30")
        assert SECRET not in out + err, args
        assert "Traceback" not in err, (args, err)
    fresh = f"postgresql+psycopg://postgres:{SECRET}@127.0.0.1:{granted.port}/pw_{RUN}_new"
    rc, out, err = cli(capsys, fresh, "init")
    assert SECRET not in out + err and "Traceback" not in err, out + err
    assert SECRET not in granted.log
