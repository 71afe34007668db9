"""The database a front end works on: opened here, then handed to every service call.

``Store`` is named here so that the CLI and the terminal UI can say what they hold without
importing the store package; they only pass it back to services.
"""

from __future__ import annotations

from projtrack.errors import BadUsage
from projtrack.store.engine import normalize_url, sqlite_path
from projtrack.store.repo import Store, display_name, os_user

__all__ = ["Store", "current_user", "database_name", "open_store", "require_database",
           "store_name"]


def open_store(target: str | None = None, *, create: bool = True) -> Store:
    """The database at ``target`` (a SQLite path or an SQLAlchemy URL; default
    ``db/projtrack.db``); made when missing and ``create`` (``Store.created`` then says so),
    else a usage error naming it.  An older schema is refused with the command that upgrades
    it, a newer one with the advice to upgrade projtrack."""
    return Store.open(target, create=create)


def require_database(target: str | None) -> None:
    """A usage error naming the file when the SQLite database ``target`` does not exist (for
    the commands that work on it without opening a Store); nothing is created."""
    path = sqlite_path(normalize_url(target))
    if path is not None and not path.exists():
        raise BadUsage("err.no_database", db=str(path))


def database_name(target: str | None) -> str:
    """The database as an officer names it: the file's path, or the URL without a password."""
    return display_name(target)


def store_name(store: Store) -> str:
    """The database an open store works on, as an officer names it (a SQLite URL with its
    path, or the server's URL without a password): what per-database settings are kept under."""
    return store.url


def current_user(store: Store | None = None) -> str:
    """Who the audit trail records as making this session's changes: the PostgreSQL login of
    ``store``, whoever it is (the database records it), else the OS user (SQLite, or no
    store)."""
    return store.login if store is not None else os_user()
