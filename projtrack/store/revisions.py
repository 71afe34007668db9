"""The migration scripts' revisions, read from their ``revision`` / ``down_revision`` lines
without importing Alembic or SQLAlchemy: what opening a database checks its ``alembic_version``
against (``store.migrate``, and the first page's plain reader, ``store.firstpage``)."""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

# Alembic reads its scripts from a folder: the package's own, on the file system once installed
MIGRATIONS = files("projtrack.store") / "migrations"

_REVISION = re.compile(r"^revision(?::[^=]+)?=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision(?::[^=]+)?=\s*(?:['\"]([^'\"]+)['\"]|None)", re.M)


@cache
def _graph() -> dict[str, str | None]:
    """Each migration script's revision and the one it revises (None for the first)."""
    out: dict[str, str | None] = {}
    for f in (MIGRATIONS / "versions").iterdir():
        if not f.name.endswith(".py") or f.name.startswith("_"):
            continue
        body = f.read_text(encoding="utf-8")
        rev, down = _REVISION.search(body), _DOWN.search(body)
        if rev is None or down is None:
            raise RuntimeError(f"migration script {f.name} has no revision / down_revision line")
        out[rev[1]] = down[1]
    return out


def head_revision() -> str:
    graph = _graph()
    revised = set(graph.values())
    heads = sorted(r for r in graph if r not in revised)
    if len(heads) != 1:
        raise RuntimeError(f"the migration scripts have {len(heads)} heads: {heads}")
    return heads[0]


def known_revisions() -> set[str]:
    return set(_graph())
