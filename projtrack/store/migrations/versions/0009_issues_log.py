"""the issues log (存在问题及协调事项): issues and their dated updates, append-only and chained

- ``issue``: a project's issue — when it was raised, its text, who must act (``owner``, free
  text), its due date, where it was written, when and by whom.
- ``issue_update``: a dated update of an issue — its text, the state it moved to (待协调 →
  协调中 → 已解决; none: unchanged), who reported it.
Both are history: never updated, never deleted.  They join the hash chain (``store.chain``:
``row_hash``, ``chain_head``) and carry the append-only triggers of 0003/0007: UPDATE and
DELETE refused (and TRUNCATE on PostgreSQL), and on SQLite a REPLACE refused before its
conflict is resolved.  The tables are new, so there is nothing to backfill.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision: str = '0009'
down_revision: Union[str, None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TABLES = ("issue", "issue_update")


def _text(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(), nullable=nullable)


def _sqlite_trigger(table: str, action: str) -> str:  # as 0007 writes them
    if action == "replace":
        return (f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
                f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: REPLACE refused'); END")
    return (f"CREATE TRIGGER {table}_no_{action} BEFORE {action.upper()} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {action.upper()} refused'); END")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql"):  # pragma: no cover - make_engine refuses it
        raise RuntimeError(f"projtrack's schema is for SQLite and PostgreSQL, not {dialect}")
    op.create_table(
        'issue',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('raised_on', sa.Date(), nullable=False),
        _text('text'),
        _text('owner', nullable=True),
        sa.Column('due', sa.Date(), nullable=True),
        _text('origin', nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        _text('created_by'),
        _text('row_hash', nullable=True),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='RESTRICT',
                                name=op.f('fk_issue_project_id_project')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_issue')),
    )
    op.create_index(op.f('ix_issue_project_id'), 'issue', ['project_id'])
    op.create_table(
        'issue_update',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('issue_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('update_date', sa.Date(), nullable=False),
        _text('text', nullable=True),
        _text('status', nullable=True),
        _text('who'),
        _text('origin', nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        _text('created_by'),
        _text('row_hash', nullable=True),
        sa.ForeignKeyConstraint(['issue_id'], ['issue.id'], ondelete='RESTRICT',
                                name=op.f('fk_issue_update_issue_id_issue')),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='RESTRICT',
                                name=op.f('fk_issue_update_project_id_project')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_issue_update')),
    )
    op.create_index('ix_issue_update_issue_date', 'issue_update', ['issue_id', 'update_date', 'id'])
    op.create_index(op.f('ix_issue_update_project_id'), 'issue_update', ['project_id'])
    if dialect == "sqlite":
        for table in TABLES:
            for action in ("update", "delete", "replace"):
                op.execute(_sqlite_trigger(table, action))
    else:
        for table in TABLES:  # projtrack_append_only() is 0003's
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION projtrack_append_only()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION projtrack_append_only()")


def downgrade() -> None:
    op.execute("DELETE FROM chain_head WHERE name IN ('issue', 'issue_update')")
    for table in ('issue_update', 'issue'):
        op.drop_table(table)  # its triggers go with it
