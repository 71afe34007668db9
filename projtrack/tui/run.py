"""The CLI's entry into the terminal UI (``projtrack``, ``projtrack tui``, ``demo --run``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from projtrack.services.database import Store


def run_tui(store: Store, as_of: dt.date, lang: str | None = None) -> None:
    """Open the app on ``store`` at ``as_of``; Chinese unless ``lang`` is "en"."""
    from projtrack.tui.app import ProjtrackApp

    ProjtrackApp(store, as_of, lang or "zh").run()


def run_tui_on(target: str | None, as_of: dt.date, lang: str | None,
               open_store: Callable[[], Store]) -> None:
    """Open the app on the database ``target``.  A SQLite file of this program's schema is
    handed to the app unopened: it paints its first screen from SQL, then opens the store
    and loads the portfolio behind it (a failure to open it is raised here once the app has
    closed, as the CLI says every error).  Anything else is opened first (``open_store``,
    which says what is wrong with it) and handed over open."""
    from projtrack.services.firstpage import sqlite_file

    path = sqlite_file(target) if target is not None else None
    if target is None or path is None:
        run_tui(open_store(), as_of, lang)
        return
    from projtrack.tui.early import start

    early = start(target, path, as_of)  # read while the app is imported
    from projtrack.tui.app import ProjtrackApp

    app = ProjtrackApp(None, as_of, lang or "zh", database=target, early=early)
    app.run()
    if app.failed is not None:
        raise app.failed
