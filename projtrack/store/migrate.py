"""Schema migrations (Alembic) run from inside projtrack: ``projtrack db upgrade``.

The migration scripts are package data, ``projtrack/store/migrations`` (env.py, script.py.mako,
versions/), so an installed projtrack finds them wherever it was installed.

Opening a database only checks its revision against the newest script's: that is read from the
scripts' ``revision`` / ``down_revision`` lines and the ``alembic_version`` table without
importing Alembic (a fifth of every command's start-up); Alembic itself is imported to migrate.
A test holds the two readings equal.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from projtrack.errors import BadData
from projtrack.store.revisions import MIGRATIONS, head_revision, known_revisions

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["MIGRATIONS", "SchemaError", "check_schema", "current_revision", "head_revision",
           "known_revisions", "upgrade"]


class SchemaError(BadData, RuntimeError):
    """The database's schema does not match this program (too old, or newer than it).  A BadData,
    so the CLI and the UI say it in the officer's language."""


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    # the stream as it is now: Config's default is sys.stdout as it was when Alembic was first
    # imported — which, imported lazily, may be a stream replaced (and closed) since
    cfg = Config(stdout=sys.stdout)
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        # configparser reads % as interpolation: a path or password holding one is escaped
        url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def _reading(engine: Engine) -> Engine:
    """``engine`` for reads only: no write lock taken (store.engine's BEGIN IMMEDIATE or advisory
    lock), so opening a database never waits for a writer."""
    return engine.execution_options(projtrack_readonly=True)


def current_revision(engine: Engine) -> str | None:
    """The revision the database's ``alembic_version`` holds (None: none, or no such table)."""
    with _reading(engine).connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        found = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(found) > 1:
        raise SchemaError("err.db_newer", rev=", ".join(sorted(found)))
    return found[0] if found else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def is_empty(engine: Engine) -> bool:
    return not inspect(_reading(engine)).get_table_names()


def check_schema(engine: Engine, *, create: bool = True) -> str:
    """Make sure the schema is usable: create it in an empty database; refuse an old or a newer
    one with a clear message.  Returns the current revision."""
    rev = current_revision(engine)
    head = head_revision()
    if rev == head:
        return rev
    if rev is None:
        if is_empty(engine) and create:
            upgrade(engine)
            return head
        raise SchemaError("err.schema_foreign")
    if rev not in known_revisions():
        raise SchemaError("err.db_newer", rev=rev)
    raise SchemaError("err.schema_old", rev=rev, head=head)
