"""The app on a copy of the demo database at a fixed as-of date, headless.

The demo database is built once per test session; each test gets its own copy, so writes never
leak between tests.  ``steady=True`` switches off what varies (cursor blink, animation)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

for var in ("NO_COLOR", "TEXTUAL_THEME", "PROJTRACK_LANG", "PROJTRACK_DB"):
    os.environ.pop(var, None)

AS_OF = dt.date(2026, 11, 29)
SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "sample-annex.xlsx"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    from projtrack.services.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = build_demo(str(path), AS_OF)
    store.close()  # checkpoints the WAL into the file
    return path


@pytest.fixture
def demo_store(demo_template, tmp_path):
    from projtrack.store.repo import Store

    target = tmp_path / "demo.db"
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(demo_template) + suffix)
        if src.exists():
            shutil.copy(src, str(target) + suffix)
    store = Store.open(str(target))
    yield store
    store.close()


@pytest.fixture
def imports_dir(tmp_path) -> Path:
    folder = tmp_path / "imports"
    folder.mkdir()
    return folder


@pytest.fixture
def make_app(demo_store, imports_dir):
    from projtrack.tui.app import ProjtrackApp

    def make(lang: str = "zh", store=None, as_of: dt.date = AS_OF) -> ProjtrackApp:
        return ProjtrackApp(store or demo_store, as_of, lang, imports_dir=imports_dir, steady=True)

    return make


@pytest.fixture(autouse=True)
def state_home(tmp_path, monkeypatch) -> Path:
    """Each test keeps the app's remembered view (projtrack.tui.viewstate) in a folder of its
    own, never the user's."""
    folder = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(folder))
    return folder
