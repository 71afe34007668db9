"""Helpers of the scale tests: small generated portfolios and fresh PostgreSQL databases."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

import pytest

from tests.conftest import PG_ADMIN

AS_OF = "2025-06-30"


@contextmanager
def pg_database():
    """A new PostgreSQL database (dropped afterwards), or a skip without a server."""
    if not PG_ADMIN:
        pytest.skip("PostgreSQL not configured (PROJTRACK_TEST_PG)")
    from sqlalchemy import text

    from tests.conftest import _pg_database

    admin, name, url = _pg_database()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def small_portfolio(url: str, n: int = 12) -> None:
    """A generated portfolio of ``n`` projects, plus what the generator does not write: a
    reversal, a fund entry with a source, a setting, so that every table has rows."""
    from bench.generate import projects, write_database
    from projtrack.services.entries import record_entry
    from projtrack.services.undo import undo_last_entry
    from projtrack.store.repo import Store

    write_database(projects(n), url, "weekly")
    store = Store.open(url, create=False)
    try:
        record_entry(store, 1, amount=Decimal("12.345678"), date=dt.date(2025, 6, 30),
                     kind="完成投资", origin="test")
        undo_last_entry(store, 1, origin="test")
        record_entry(store, 2, amount=Decimal("100"), date=dt.date(2025, 6, 2), kind="到位资金",
                     source="专项债", origin="test")
        store.set_setting("flag_rules", {"yellow_behind": "0.15"})
    finally:
        store.close()
