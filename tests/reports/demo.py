"""The demo database as a test fixture: built once per session at a fixed as-of date (a
Sunday, the last day of ISO week 2026-W48), copied for each test."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

AS_OF = dt.date(2026, 11, 29)  # Sunday of 2026-W48
WEEK = "2026-W48"


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory) -> Path:
    from projtrack.services.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = build_demo(str(path), AS_OF)
    store.close()
    return path


@pytest.fixture
def demo_db(demo_file, tmp_path) -> str:
    """A fresh copy of the demo database (a file path)."""
    target = tmp_path / "demo.db"
    shutil.copyfile(demo_file, target)
    return str(target)


@pytest.fixture
def demo_store(demo_db):
    from projtrack.store.repo import Store

    store = Store.open(demo_db)
    yield store
    store.close()
