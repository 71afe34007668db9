"""The first screen painted before the portfolio is loaded (services.firstpage): its rows are
the loaded table's, cell by cell — on the demo database and on generated portfolios, at
several as-of dates, in the orders and with the filters a remembered view may hold — and the
loaded table takes it over (same rows, the cursor where it was; a key pressed meanwhile is
kept, and said to be waiting)."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from rich.text import Text

from projtrack.core.types import CATEGORIES
from projtrack.services.firstpage import SQL_SORTS, Ask, first_page, sqlite_file, state_key
from projtrack.tui import rows as R
from projtrack.tui.model import SORT_KEYS, PortfolioIndex, Query
from tests.tui.conftest import AS_OF
from tests.tui.helpers import press, screen_text, settle

LIMIT = 45
DATES = (dt.date(2022, 3, 31), dt.date(2024, 12, 31), dt.date(2025, 6, 30), dt.date(2026, 1, 1))
QUERIES = (
    Query(),
    Query(sort="name", descending=True),
    Query(sort="total_investment", grouped=False),
    Query(sort="township"),
    Query(sort="land_mu", descending=True, category="幼儿园"),
    Query(sort="new_places", annex_class="续建", grouped=False),
    Query(sort="category", descending=True, show_withdrawn=True),
    Query(sort="annex_class", show_withdrawn=True, grouped=False),
    Query(category="其他", descending=True),
)


def cell(value: object) -> object:
    """A cell as it is drawn: its text, style, spans and justification."""
    if isinstance(value, Text):
        return (value.plain, str(value.style), value.justify,
                [(s.start, s.end, str(s.style)) for s in value.spans])
    return value


def loaded_rows(path: str, as_of: dt.date, q: Query, lang: str = "zh") -> list:
    """The first LIMIT display rows of the loaded table (the full load)."""
    from projtrack.services.database import open_store
    from projtrack.services.portfolio import load_portfolio

    store = open_store(path, create=False)
    try:
        portfolio = load_portfolio(store, as_of)
    finally:
        store.close()
    page = PortfolioIndex(portfolio).page(q)
    cats = {k: i for i, k in enumerate(CATEGORIES)}
    rows = R.page_rows(page.rows, cats, lang, portfolio.rules)[:LIMIT]
    return [(key, [cell(c) for c in cells]) for key, cells in rows], page


def first_rows(path: str, as_of: dt.date, q: Query, lang: str = "zh") -> list:
    ask = Ask(sort=q.sort, descending=q.descending, grouped=q.grouped, county=q.county,
              category=q.category, annex_class=q.annex_class, show_withdrawn=q.show_withdrawn,
              limit=LIMIT)
    got = first_page(Path(path), as_of, ask)
    assert got is not None
    rows = R.first_rows(got.views, q.grouped, got.group_counts, lang, got.rules, LIMIT)
    return [(key, [cell(c) for c in cells]) for key, cells in rows], got


def same(path: str, as_of: dt.date, q: Query, lang: str = "zh") -> None:
    full, page = loaded_rows(path, as_of, q, lang)
    first, got = first_rows(path, as_of, q, lang)
    assert [k for k, _ in first] == [k for k, _ in full]
    assert got.project_count == page.project_count
    name = [c.key for c in R.COLUMNS].index("name")
    for (key, a), (_, b) in zip(first, full, strict=True):
        if key.startswith("group:"):  # the label and count; the subtotals follow the load
            assert a[name] == b[name], key
        else:
            assert a == b, key


def withdraw_and_undo(path: str) -> None:
    """Some projects withdrawn, and a 形象进度 point undone (services.undo's way: a new entry
    reversing it), straight in the file."""
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE project SET status = 'withdrawn' WHERE id % 13 = 0")
        row = conn.execute("SELECT id, project_id, entry_date FROM progress_entry "
                           "ORDER BY entry_date DESC, id DESC LIMIT 1").fetchone()
        if row is not None:
            conn.execute(
                "INSERT INTO progress_entry (project_id, entry_date, stage, percent, note, "
                "reverses_id, origin, created_at, created_by) VALUES (?, ?, NULL, NULL, "
                "'undo', ?, 'test', '2026-01-01 00:00:00', 'test')", (row[1], row[2], row[0]))


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> str:
    """A generated portfolio (bench.generate: weekly entries, progress, milestones, funds)."""
    from bench.generate import projects, write_database

    path = tmp_path_factory.mktemp("generated") / "portfolio.db"
    write_database(projects(260), f"sqlite:///{path}", "weekly")
    withdraw_and_undo(str(path))
    return str(path)


@pytest.fixture(scope="module")
def generated_counties(tmp_path_factory) -> str:
    from bench.generate import projects, write_database

    path = tmp_path_factory.mktemp("generated") / "counties.db"
    write_database(projects(240, counties=3), f"sqlite:///{path}", "monthly")
    return str(path)


@pytest.mark.parametrize("as_of", DATES)
@pytest.mark.parametrize("q", QUERIES, ids=lambda q: f"{q.sort}-{q.descending}-{q.grouped}")
def test_the_first_page_is_the_loaded_tables_on_a_generated_portfolio(generated, as_of, q):
    same(generated, as_of, q)


@pytest.mark.parametrize("as_of", (AS_OF, dt.date(2024, 2, 29)))
@pytest.mark.parametrize("q", QUERIES[:5], ids=lambda q: f"{q.sort}-{q.descending}-{q.grouped}")
def test_the_first_page_is_the_loaded_tables_on_the_demo(demo_db, as_of, q):
    same(demo_db, as_of, q)


def test_in_english_too(demo_db):
    same(demo_db, AS_OF, Query(sort="township", descending=True), "en")


def test_one_county_of_a_citys_database(generated_counties):
    first, got = first_rows(generated_counties, AS_OF, Query())
    assert got.multi_county and len(got.counties) == 3
    county = got.counties[1]
    q = Query(county=county, sort="name")
    same(generated_counties, AS_OF, q)
    _, got = first_rows(generated_counties, AS_OF, q)
    assert {v.facts.county.strip() for v in got.views} == {county}
    _, gone = first_rows(generated_counties, AS_OF, Query(county="不在库中的县"))
    assert gone.ask.county is None  # forgotten, as the loaded table forgets it


def test_what_sql_cannot_order_waits_for_the_load(demo_db):
    assert SQL_SORTS < set(SORT_KEYS)
    for key in set(SORT_KEYS) - SQL_SORTS:
        assert first_page(Path(demo_db), AS_OF, Ask(sort=key)) is None


def test_the_remembered_view_is_kept_under_the_stores_name(demo_db):
    from projtrack.services.database import open_store, store_name

    store = open_store(demo_db, create=False)
    try:
        assert state_key(demo_db) == store_name(store)
    finally:
        store.close()


def test_only_a_file_of_this_schema_is_read_so(demo_db, tmp_path):
    assert sqlite_file(demo_db) == Path(demo_db)
    assert sqlite_file(str(tmp_path / "missing.db")) is None
    assert sqlite_file("postgresql://u@h/db") is None
    old = tmp_path / "old.db"
    shutil.copy(demo_db, old)
    with sqlite3.connect(old) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
    assert sqlite_file(str(old)) is None  # opened the usual way, which says it is old


def test_the_first_screen_imports_no_database_library():
    code = ("import sys, projtrack.tui.app, projtrack.services.firstpage; "
            "bad = [m for m in ('sqlalchemy', 'sqlmodel', 'alembic', 'openpyxl') "
            "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


# --- the app: the first screen, then the load ---------------------------------------------------
@pytest.fixture
def held_load(monkeypatch):
    """The portfolio's load waits until the test lets it go."""
    import projtrack.services.portfolio as svc

    release = threading.Event()
    real = svc.load_portfolio

    def held(*args, **kwargs):
        release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(svc, "load_portfolio", held)
    yield release
    release.set()


def unopened(database: str, lang: str = "zh"):
    from projtrack.tui.app import ProjtrackApp

    return ProjtrackApp(None, AS_OF, lang, database=database, steady=True)


async def until(pilot, test, rounds: int = 400) -> None:
    for _ in range(rounds):
        if test():
            return
        await pilot.pause(0.01)
    raise AssertionError("not reached")


def table_cells(table, key: str) -> list:
    return [cell(c) for c in table.get_row(key)]


async def test_the_loaded_table_takes_the_first_screen_over(demo_db, held_load):
    app = unopened(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await until(pilot, lambda: screen.first_painted_at is not None)
        assert app.portfolio is None and screen.page is None
        table = screen.query_one("#table")
        first = {key: table_cells(table, key) for key, _ in screen.first_rows}
        assert "载入中" in screen_text(app) and "一、中小学" in screen_text(app)
        for _ in range(3):
            await pilot.press("down")
        await pilot.pause()
        at = table.current_key()
        await pilot.press("right_square_bracket")  # the next page: not there yet, said so
        await pilot.press("f")  # flagged only: kept, and said to wait
        await pilot.pause()
        notes = [n.message for n in app._notifications]
        assert any("正在载入全部项目" in n for n in notes)
        assert screen.query_state.flagged_only
        await pilot.press("f")  # and back: the load shows the first view again
        held_load.set()
        await until(pilot, lambda: screen.page is not None)
        await settle(pilot)
        assert not screen.query_state.flagged_only and screen.first_rows is None
        assert table.current_key() == at  # the cursor where it was
        for key, cells in first.items():
            if not key.startswith("group:"):
                assert table_cells(table, key) == cells, key
        assert "载入中" not in screen_text(app)
        assert app.first_seconds is not None and app.load_seconds is not None


async def test_a_key_pressed_while_loading_works_once_loaded(demo_db, held_load):
    app = unopened(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await until(pilot, lambda: screen.first_painted_at is not None)
        await pilot.press("f")
        held_load.set()
        await until(pilot, lambda: screen.page is not None)
        await settle(pilot)
        assert screen.page.query.flagged_only
        flags = {app.index.portfolio.get(pid).figures.flag for pid in screen.page.ids}
        assert "green" not in flags


async def test_a_store_that_cannot_be_opened_is_said_on_exit(demo_db, monkeypatch):
    import projtrack.services.database as db
    from projtrack.errors import BadUsage

    def refuse(*args, **kwargs):
        raise BadUsage("err.no_database", db=demo_db)

    monkeypatch.setattr(db, "open_store", refuse)
    app = unopened(demo_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.failed is not None)
        await settle(pilot)
    assert isinstance(app.failed, BadUsage) and app.return_code == 2


async def test_a_citys_county_list_waits_for_the_load_and_says_so(county_db, held_load):
    app = unopened(county_db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await until(pilot, lambda: screen.first_painted_at is not None)
        assert screen.county_level()
        assert "各区县和全市的数字要由全部" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert any("正在载入全部项目" in n.message for n in app._notifications)
        held_load.set()
        await until(pilot, lambda: screen.city is not None)
        await settle(pilot)
        assert screen.query_one("#counties").row_count == len(app.index.portfolio.counties) + 1


# --- the county level's keys --------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_county_levels_footer(make_app, county_store, lang):
    app = make_app(lang, store=county_store)
    back, spend = ("返回区县列表", "录入") if lang == "zh" else ("back to counties", "entry")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.county_level()
        footer = screen_text(app).splitlines()[-1]
        assert spend not in footer and " m " not in footer
        await press(pilot, "e")
        said = app.tr("msg.no_project_on_counties")
        assert any(n.message == said for n in app._notifications)
        await press(pilot, "enter")
        assert screen.in_county()
        footer = screen_text(app).splitlines()[-1]
        assert back in footer and app.tr("key.back_to_groups") not in footer
        assert spend in footer
        await press(pilot, "backspace")
        assert screen.county_level()


# --- the command line's quick start -------------------------------------------------------------
def test_only_the_bare_tui_invocation_skips_the_command_line(demo_db, tmp_path, monkeypatch):
    from projtrack.cli.quick import tui_invocation

    monkeypatch.delenv("PROJTRACK_DB", raising=False)
    day = dt.date(2026, 11, 29)
    assert tui_invocation(["--db", demo_db, "--as-of", "2026-11-29"]) == (demo_db, day, None)
    assert tui_invocation([f"--db={demo_db}", "tui", "--lang", "en", "--as-of=2026-11-29"]) == (
        demo_db, day, "en")
    monkeypatch.setenv("PROJTRACK_DB", demo_db)
    assert tui_invocation(["--as-of", "2026年11月29日"]) == (demo_db, day, None)
    for args in (["--help"], ["export"], ["--as-of", "11/29"], ["--lang", "fr"], ["tui", "--db", demo_db],
                 ["--db", str(tmp_path / "missing.db")], ["--db", "postgresql://u@h/db"],
                 ["--as-of"], ["tui", "tui"], ["--version"]):
        assert tui_invocation(args) is None, args


# --- the page read while the app is imported (tui.early) ----------------------------------------
@pytest.mark.parametrize("limit, used", [(40, True), (999, False)])
async def test_the_early_page_is_taken_only_when_it_is_the_one_asked_for(demo_db, limit, used):
    from projtrack.tui.app import ProjtrackApp
    from projtrack.tui.early import EarlyPage

    early = EarlyPage(Path(demo_db), AS_OF, Ask(limit=limit))
    app = ProjtrackApp(None, AS_OF, "zh", database=demo_db, steady=True, early=early)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.screen.first_painted_at is not None)
        assert (app.first_page is early.result()) is used
        assert len(app.first_page.views) == 40  # the screen's height in projects


def test_the_early_page_is_the_remembered_views(demo_db):
    from projtrack.tui import viewstate
    from projtrack.tui.early import start

    key = state_key(demo_db)
    viewstate.save(key, viewstate.ViewState({"sort": "name", "descending": True,
                                             "grouped": False}, None))
    early = start(demo_db, Path(demo_db), AS_OF)
    assert early is not None and (early.ask.sort, early.ask.descending, early.ask.grouped) == (
        "name", True, False)
    viewstate.save(key, viewstate.ViewState({"text": "鳌江"}, None))
    assert start(demo_db, Path(demo_db), AS_OF) is None  # a text filter: only the load has it
