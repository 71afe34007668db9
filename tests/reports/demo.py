"""The as-of of the demo database fixtures (``demo_file``, ``demo_db``, ``demo_store`` in
tests/conftest.py): a Sunday, the last day of ISO week 2026-W48."""

from __future__ import annotations

import datetime as dt

AS_OF = dt.date(2026, 11, 29)  # Sunday of 2026-W48
WEEK = "2026-W48"
