"""The CLI's entry into the terminal UI (``projtrack``, ``projtrack tui``, ``demo --run``)."""

from __future__ import annotations

import datetime as dt

from projtrack.services.database import Store


def run_tui(store: Store, as_of: dt.date, lang: str | None = None) -> None:
    """Open the app on ``store`` at ``as_of``; Chinese unless ``lang`` is "en"."""
    from projtrack.tui.app import ProjtrackApp

    ProjtrackApp(store, as_of, lang or "zh").run()
