"""The database a front end works on: opened here, then handed to every service call.

``Store`` is named here so that the CLI and the terminal UI can say what they hold without
importing the store package; they only pass it back to services.
"""

from __future__ import annotations

from projtrack.store.repo import Store

__all__ = ["Store", "open_store"]


def open_store(target: str | None = None) -> Store:
    """The database at ``target`` (a SQLite path or an SQLAlchemy URL; default
    ``db/projtrack.db``), created when missing; an older schema is refused with the command that
    upgrades it, a newer one with the advice to upgrade projtrack."""
    return Store.open(target)
