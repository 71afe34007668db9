"""The app on a copy of the demo database at a fixed as-of date, headless.

The demo database is built once per test session (tests/conftest.py); each test gets its own
copy, so writes never leak between tests.  ``steady=True`` switches off what varies (cursor blink, animation)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from tests.reports.demo import AS_OF as DEMO_AS_OF

for var in ("NO_COLOR", "TEXTUAL_THEME", "PROJTRACK_LANG", "PROJTRACK_DB"):
    os.environ.pop(var, None)

AS_OF = DEMO_AS_OF
SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "sample-annex.xlsx"


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
