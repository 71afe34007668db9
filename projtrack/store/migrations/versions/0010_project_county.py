"""every project belongs to a county (区县): ``project.county``, names unique within a county

- ``project.county``: the county's name (e.g. 平阳县), NOT NULL.  A database made before this
  revision is one county's: its projects take the county its ``county`` setting names, or ''
  (not yet named: projtrack asks for it once, ``projtrack county set``, or takes it from the
  next annex import's ``--county`` or title).
- A project's name is unique within its county, no longer across the database: two counties
  may each have a 城关第一小学 (``uq_project_county_name`` replaces the unique
  ``ix_project_name``, which stays as a plain index for lookups by name).
- ``import_run.county``: the county an annex import was for (its re-import withdraws only that
  county's missing projects; its undo touches only that county); '' for the runs before, as
  their projects' county is.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""
import json
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0010'
down_revision: Union[str, None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _named_county(bind) -> str:
    """The county the database's ``county`` setting names (JSON text), or ''."""
    row = bind.execute(sa.text("SELECT value FROM setting WHERE key = 'county'")).first()
    if row is None:
        return ''
    try:
        value = json.loads(row[0])
    except ValueError:
        return ''
    return value.strip() if isinstance(value, str) else ''


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table('project', recreate='never') as batch:
        batch.add_column(sa.Column('county', sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                   server_default=''))
    county = _named_county(bind)
    if county:
        bind.execute(sa.text("UPDATE project SET county = :c"), {"c": county})
    with op.batch_alter_table('project', recreate='never') as batch:
        batch.drop_index('ix_project_name')
        batch.create_index('ix_project_name', ['name'], unique=False)
        batch.create_index('ix_project_county', ['county'], unique=False)
        batch.create_index('uq_project_county_name', ['county', 'name'], unique=True)
    with op.batch_alter_table('import_run', recreate='never') as batch:
        batch.add_column(sa.Column('county', sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                   server_default=''))
    if county:
        bind.execute(sa.text("UPDATE import_run SET county = :c"), {"c": county})


def downgrade() -> None:
    op.execute("ALTER TABLE import_run DROP COLUMN county")
    with op.batch_alter_table('project', recreate='never') as batch:
        batch.drop_index('uq_project_county_name')
        batch.drop_index('ix_project_county')
        batch.drop_index('ix_project_name')
        batch.create_index('ix_project_name', ['name'], unique=True)  # fails if two counties share a name
    op.execute("ALTER TABLE project DROP COLUMN county")  # SQLite ≥ 3.35 too, no table copy
