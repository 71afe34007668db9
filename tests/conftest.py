"""Shared fixtures: a real SQLite file per test and, when a PostgreSQL server is given in
PROJTRACK_TEST_PG (an admin URL such as postgresql+psycopg://postgres@127.0.0.1:55432/postgres),
the same tests on a fresh PostgreSQL database each."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from decimal import Decimal
from pathlib import Path

import pytest

from tests.reports.demo import AS_OF as DEMO_AS_OF

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "sample-annex.xlsx"
EXPECTED = FIXTURES / "sample-annex.expected.json"

for var in ("NO_COLOR", "TEXTUAL_THEME", "PROJTRACK_DB", "PROJTRACK_LANG"):
    os.environ.pop(var, None)

PG_ADMIN = os.environ.get("PROJTRACK_TEST_PG")


def _pg_line() -> str:
    if PG_ADMIN:
        return f"PostgreSQL tests: on ({PG_ADMIN.rsplit('@', 1)[-1]})"
    return "PostgreSQL tests: skipped (set PROJTRACK_TEST_PG to run them; .ci/run does)"


def pytest_report_header(config):
    return _pg_line()


def pytest_terminal_summary(terminalreporter):
    """Said again at the end, where a quiet run (``-q``, the project's default) shows it."""
    terminalreporter.write_line(_pg_line())


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory) -> Path:
    """The demo database at DEMO_AS_OF, built once per test session (closed: the WAL is
    checkpointed into the file).  Never written: tests take a copy (``demo_db``)."""
    from projtrack.services.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = build_demo(str(path), DEMO_AS_OF)
    store.close()
    return path


def fresh_copy(source: Path, folder: Path) -> str:
    """A copy of the database file ``source`` in ``folder`` (its path): a test writes that."""
    target = folder / source.name
    shutil.copyfile(source, target)
    return str(target)


def opened(path: str):
    """The store on ``path``, closed after the test (a fixture's body: ``yield from``)."""
    from projtrack.store.repo import Store

    store = Store.open(path)
    yield store
    store.close()


@pytest.fixture
def demo_db(demo_file, tmp_path) -> str:
    """A fresh copy of the demo database (a file path)."""
    return fresh_copy(demo_file, tmp_path)


@pytest.fixture
def demo_store(demo_db):
    """The store on a fresh copy of the demo database."""
    yield from opened(demo_db)


@pytest.fixture(scope="session")
def expected() -> dict:
    return json.loads(EXPECTED.read_text(encoding="utf-8"), parse_float=Decimal)


def _pg_database():
    from sqlalchemy import create_engine, text

    name = "pt_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN.rsplit("/", 1)[0]
    return admin, name, f"{base}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A database URL on each engine: a SQLite file, and a new PostgreSQL database."""
    if request.param == "sqlite":
        yield str(tmp_path / "test.db")
        return
    if not PG_ADMIN:
        pytest.skip("PostgreSQL not configured (PROJTRACK_TEST_PG)")
    from sqlalchemy import text

    admin, name, url = _pg_database()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def new_project(store, name: str = "P") -> int:
    """A bare project (a name, the defaults) written to ``store``; its id."""
    from projtrack.store.models import Project

    with store.write() as s:
        p = Project(name=name)
        s.add(p)
        s.flush()
        return p.id


@pytest.fixture
def sqlite_db(tmp_path) -> str:
    return str(tmp_path / "test.db")


@pytest.fixture
def store(db_url):
    from projtrack.store.repo import Store

    s = Store.open(db_url)
    yield s
    s.close()


@pytest.fixture
def loaded_store(store):
    """A store with the sample annex imported."""
    from projtrack.services.annex import import_annex

    plan = import_annex(store, SAMPLE)
    assert not plan.errors, plan.errors
    return store


COUNTIES = ("平阳县", "苍南县")  # the two counties of ``county_store`` (a city's database)


def split_counties(store) -> dict[int, str]:
    """Make ``store``'s portfolio a city's: every third project (by id) goes to 苍南县, the others
    to 平阳县 (so both counties have every category).  Written as the county side will write
    it: ``project.county`` (schema 0010).  The county of each project id."""
    from sqlalchemy import select, update

    from projtrack.store.models import Project

    with store.write() as s:
        ids = list(s.execute(select(Project.id).order_by(Project.id)).scalars())
        where = {pid: COUNTIES[1] if pid % 3 == 0 else COUNTIES[0] for pid in ids}
        for county in COUNTIES:
            s.execute(update(Project).where(Project.id.in_(
                [pid for pid, c in where.items() if c == county])).values(county=county))
    return where


@pytest.fixture(scope="session")
def county_file(demo_file, tmp_path_factory) -> Path:
    """The demo database made a city's: its projects in two counties (``split_counties``).
    Never written: tests take a copy (``county_store``)."""
    from projtrack.store.repo import Store

    path = tmp_path_factory.mktemp("counties") / "city.db"
    shutil.copyfile(demo_file, path)
    store = Store.open(str(path))
    split_counties(store)
    store.close()
    return path


@pytest.fixture
def county_db(county_file, tmp_path) -> str:
    """A fresh copy of the two-county demo database (a file path)."""
    return fresh_copy(county_file, tmp_path)


@pytest.fixture
def county_store(county_db):
    """The store on a fresh copy of the two-county demo database."""
    yield from opened(county_db)
