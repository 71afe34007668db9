"""import history: counts, the before-state of each annex import, undone

``import_run`` gains the counts of each import (added, changed, withdrawn; filled from the JSON
summary of the imports already recorded), ``undo`` — the rows an annex import changed as they
were before it, and the ids of the projects it added (JSON, see ``projtrack.store.history``) —
and ``undone_at`` / ``undone_by``.  Imports recorded before this revision have no ``undo``:
they are listed, but cannot be undone.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-14
"""
import json
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0005'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

COUNTS = ("added", "changed", "withdrawn")


def upgrade() -> None:
    with op.batch_alter_table('import_run') as batch:
        for name in COUNTS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('undo', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch.add_column(sa.Column('undone_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column('undone_by', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    runs = sa.table('import_run', sa.column('id', sa.Integer()), sa.column('summary', sa.String()),
                    *(sa.column(name, sa.Integer()) for name in COUNTS))
    conn = op.get_bind()
    for run_id, summary in conn.execute(sa.select(runs.c.id, runs.c.summary)).all():
        try:
            data = json.loads(summary or "{}")
        except ValueError:
            continue
        counts = {name: data[name] for name in COUNTS
                  if isinstance(data, dict) and isinstance(data.get(name), int)}
        if counts:
            conn.execute(runs.update().where(runs.c.id == run_id).values(**counts))


def downgrade() -> None:
    with op.batch_alter_table('import_run') as batch:
        for name in ('undone_by', 'undone_at', 'undo', *reversed(COUNTS)):
            batch.drop_column(name)
