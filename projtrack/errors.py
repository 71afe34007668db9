"""Errors an officer may see.  Each carries a catalog key and its parameters, so the CLI and the
UI can say it in Chinese or in English; ``exit_code`` follows the CLI contract (1 bad data,
2 bad usage)."""

from __future__ import annotations


class ProjtrackError(Exception):
    exit_code = 1

    def __init__(self, key: str, **params: object):
        self.key = key
        self.params = params
        super().__init__(self.render("en"))

    def render(self, lang: str | None = None) -> str:
        from projtrack.i18n import t

        return t(self.key, lang=lang, **self.params)


class BadData(ProjtrackError):
    """The input cannot be accepted; nothing was written."""

    exit_code = 1


class BadUsage(ProjtrackError):
    """The command was called wrongly (unknown project, ambiguous name, bad option)."""

    exit_code = 2


class Conflict(ProjtrackError):
    """Someone else changed the record since it was read; the save was refused."""

    exit_code = 1


class DatabaseError(ProjtrackError):
    """The database failed (locked past the busy timeout, gone, unreachable, refused a
    statement): the store's translation of its driver's errors, the original as ``__cause__``.
    The transaction was rolled back; nothing was written."""

    exit_code = 1

    def __init__(self, why: object):
        super().__init__("err.database", why=why)


class DatabaseBusy(DatabaseError):
    """A writer waited for the database's write lock longer than its timeout and gave up: the
    message says how long, who holds the lock and since when (PostgreSQL), or that SQLite cannot
    tell; nothing was written."""

    exit_code = 1

    def __init__(self, key: str, **params: object):
        ProjtrackError.__init__(self, key, **params)


class AccessRefused(BadData):
    """The login's role does not allow the action (refused by projtrack before trying, or by
    the database's grants and row-level security): nothing was written."""

    exit_code = 1
