"""What the portfolio view showed when the officer left it — grouped or flat, the sort, the
filters, the columns picked — kept per database in a small JSON file of the user's state folder
(platformdirs: ``$XDG_STATE_HOME/projtrack/views/`` on Linux, ``~/.local/state`` by default),
one file per database (named by a hash of the database's URL, which the file also holds).

Written the safe way (projtrack.safefile: a temporary renamed over the file, 0600).  A file that
cannot be read, is not JSON or holds values of the wrong kind is ignored as a whole (the caller
says so once, naming the file, the field and the value found); a value that no longer means anything (a column or a category
this version does not know) is dropped alone.  No Textual here.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from projtrack.errors import ProjtrackError

VERSION = 1
FIELDS: dict[str, type | tuple[type, ...]] = {
    "text": str, "county": (str, type(None)), "category": (str, type(None)), "phase": (str, type(None)),
    "annex_class": (str, type(None)), "flagged_only": bool, "show_withdrawn": bool,
    "grouped": bool, "sort": str, "descending": bool,
}


class StateUnreadable(Exception):
    """The state file exists but cannot be used: ``why`` says why (shown to the officer)."""

    def __init__(self, path: Path, why: str):
        super().__init__(f"{path}: {why}")
        self.path, self.why = path, why


@dataclass(frozen=True)
class ViewState:
    """The remembered view: ``query`` holds Query's fields (those of FIELDS that were valid),
    ``columns`` the keys of the columns picked, None for "by the terminal's width"."""

    query: dict[str, object]
    columns: tuple[str, ...] | None = None


def state_dir() -> Path:
    from platformdirs import user_state_path

    return user_state_path("projtrack") / "views"


def state_path(database: str) -> Path:
    digest = hashlib.sha256(database.encode("utf-8")).hexdigest()[:16]
    return state_dir() / f"portfolio-{digest}.json"


def load(database: str, *, known_columns: tuple[str, ...],
         known_values: dict[str, tuple[str | None, ...]]) -> ViewState | None:
    """The view remembered for ``database``, None when there is none; StateUnreadable when the
    file is there but unusable.  ``known_values`` lists, per filter field, the values it may
    take (others are dropped); a sort on an unknown column falls back to none."""
    path = state_path(database)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise StateUnreadable(path, getattr(exc, "strerror", None) or type(exc).__name__) from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise StateUnreadable(path, f"JSON: {exc.msg} (line {exc.lineno})") from exc
    if not isinstance(data, dict):
        raise StateUnreadable(path, _seen("", data))
    if data.get("version") != VERSION:
        raise StateUnreadable(path, _seen("version", data.get("version")))
    query = data.get("query", {})
    columns = data.get("columns")
    if not isinstance(query, dict):
        raise StateUnreadable(path, _seen("query", query))
    if not (columns is None or (
            isinstance(columns, list) and all(isinstance(c, str) for c in columns))):
        raise StateUnreadable(path, _seen("columns", columns))
    out: dict[str, object] = {}
    for name, kind in FIELDS.items():
        if name not in query:
            continue
        value = query[name]
        if not isinstance(value, kind):
            raise StateUnreadable(path, _seen(name, value))
        if name in known_values and value not in known_values[name]:
            continue
        if name == "sort" and value not in (*known_columns, "id"):
            continue
        out[name] = value
    picked = None if columns is None else tuple(c for c in columns if c in known_columns)
    return ViewState(out, picked or None)


def _seen(name: str, value: object) -> str:
    """The field and the value found in it, as the file holds it (a notice names both)."""
    shown = json.dumps(value, ensure_ascii=False)
    shown = shown if len(shown) <= 60 else shown[:59] + "…"
    return f"{name}: {shown}" if name else shown


def save(database: str, state: ViewState) -> None:
    """Write the view for ``database`` (its folder made, 0700); OSError or projtrack's own error
    when it cannot be written (the caller says so and goes on)."""
    from projtrack.safefile import write_text

    folder = state_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    payload = {"version": VERSION, "database": database, "query": state.query,
               "columns": list(state.columns) if state.columns is not None else None}
    write_text(state_path(database), json.dumps(payload, ensure_ascii=False, indent=1) + "\n",
               private=True)


SAVE_ERRORS = (OSError, ProjtrackError)
