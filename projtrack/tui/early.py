"""The first page read while the app is still being imported.

Importing Textual and the app is most of the time before the first screen; the first page's
read is mostly SQLite's, which runs without the interpreter lock.  So the entry point starts
that read in a thread first, for the view remembered for the database and the terminal's
height as they are then; the app takes its result only when the portfolio view, once mounted,
asks for exactly the same page (``Ask``), and reads it itself otherwise.  No Textual here.
"""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from pathlib import Path

from projtrack.services.firstpage import SQL_SORTS, Ask, FirstPage, first_page, state_key
from projtrack.tui import viewstate


class EarlyPage:
    """``first_page`` of ``ask`` running in a thread of its own; ``result`` waits for it."""

    def __init__(self, path: Path, as_of: dt.date, ask: Ask) -> None:
        self.ask, self.as_of = ask, as_of
        self._page: FirstPage | None = None
        self._thread = threading.Thread(target=self._read, args=(path,), daemon=True,
                                        name="projtrack-first-page")
        self._thread.start()

    def _read(self, path: Path) -> None:
        try:
            self._page = first_page(path, self.as_of, self.ask)
        except Exception:  # the app's own read, on the same file, then says what it is
            self._page = None

    def result(self) -> FirstPage | None:
        self._thread.join()
        return self._page


def start(database: str, path: Path, as_of: dt.date) -> EarlyPage | None:
    """The read of the first page the remembered view will ask for, started; None when that
    view cannot be read so (the app then does what it does without it)."""
    try:
        saved = viewstate.load(state_key(database), known_columns=tuple(SQL_SORTS),
                               known_values={})
    except viewstate.StateUnreadable:
        return None  # the portfolio view says so, and starts from the default view
    q = saved.query if saved is not None else {}
    if q.get("text") or q.get("flagged_only") or q.get("phase"):
        return None
    height = shutil.get_terminal_size().lines
    ask = Ask(sort=str(q.get("sort", "id")), descending=bool(q.get("descending", False)),
              grouped=bool(q.get("grouped", True)), county=q.get("county"),  # type: ignore[arg-type]
              category=q.get("category"), annex_class=q.get("annex_class"),  # type: ignore[arg-type]
              show_withdrawn=bool(q.get("show_withdrawn", False)), limit=max(height, 20))
    return EarlyPage(path, as_of, ask)
