"""Schema migrations (Alembic) run from inside projtrack: ``projtrack db upgrade``.

The migration scripts are package data, ``projtrack/store/migrations`` (env.py, script.py.mako,
versions/), so an installed projtrack finds them wherever it was installed.
"""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from projtrack.errors import BadData

# Alembic reads its scripts from a folder: the package's own, on the file system once installed
MIGRATIONS = files("projtrack.store") / "migrations"


class SchemaError(BadData, RuntimeError):
    """The database's schema does not match this program (too old, or newer than it).  A BadData,
    so the CLI and the UI say it in the officer's language."""


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        # configparser reads % as interpolation: a path or password holding one is escaped
        url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    return heads[0]


def known_revisions() -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def _reading(engine: Engine) -> Engine:
    """``engine`` for reads only: no write lock taken (store.engine's BEGIN IMMEDIATE or advisory
    lock), so opening a database never waits for a writer."""
    return engine.execution_options(projtrack_readonly=True)


def current_revision(engine: Engine) -> str | None:
    with _reading(engine).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
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
