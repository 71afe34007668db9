"""the append-only promise everywhere: a hash chain, audit and issued reports append-only,
REPLACE refused

- ``ledger_entry``, ``progress_entry``, ``audit_log`` and ``report_snapshot`` gain ``row_hash``
  (``store.chain``: the sha256 of the previous row's hash and of the row's canonical content),
  filled here for the rows already there, in id order; ``chain_head`` keeps each table's row
  count and last hash.  The columns are added in place (ALTER TABLE ADD COLUMN): the ledger is
  not rebuilt and keeps its triggers.
- ``report_snapshot`` loses its one-row-per-period unique key (a re-issue is a new row; the
  latest issue of a period is its report) for an index on (kind, period, id).  On SQLite that
  rebuilds it (batch mode), before any trigger is put on it.
- ``audit_log`` and ``report_snapshot`` refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL)
  as the ledger does (0003); ON CONFLICT DO UPDATE fires those UPDATE triggers.
- SQLite: a REPLACE (``INSERT OR REPLACE``, ``REPLACE INTO``) deletes the row it conflicts with
  without firing DELETE triggers; a BEFORE INSERT trigger on each of the four tables refuses an
  insert whose id is taken, before the conflict is resolved.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel

from projtrack.store import chain


revision: str = '0007'
down_revision: Union[str, None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

NEW_APPEND_ONLY = ("audit_log", "report_snapshot")
OLD_APPEND_ONLY = ("ledger_entry", "progress_entry")  # 0003


def _sqlite_trigger(table: str, action: str) -> str:
    if action == "replace":
        return (f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
                f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: REPLACE refused'); END")
    return (f"CREATE TRIGGER {table}_no_{action} BEFORE {action.upper()} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {action.upper()} refused'); END")


def _backfill(bind) -> None:
    """Each table's rows chained in id order, and its head."""
    for table in chain.TABLES_0007:
        previous, count, updates = "", 0, []
        for row in bind.execute(sa.text(chain.select_rows(table))).fetchall():
            previous = chain.row_hash(table, previous, row[2:])
            updates.append({"h": previous, "i": row[0]})
            count += 1
        if not updates:  # an empty table has no head (an empty schema stays empty: db copy)
            continue
        bind.execute(sa.text(f"UPDATE {table} SET row_hash = :h WHERE id = :i"), updates)
        bind.execute(sa.text(f"INSERT INTO {chain.HEAD_TABLE} (name, rows, last_hash) "
                             "VALUES (:n, :r, :h)"), {"n": table, "r": count, "h": previous})


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql"):  # pragma: no cover - make_engine refuses it
        raise RuntimeError(f"projtrack's schema is for SQLite and PostgreSQL, not {dialect}")
    with op.batch_alter_table('report_snapshot') as batch:
        batch.drop_constraint('uq_report_snapshot_kind_period', type_='unique')
        batch.create_index('ix_report_snapshot_kind_period', ['kind', 'period', 'id'])
    for table in chain.TABLES_0007:
        op.add_column(table, sa.Column('row_hash', sqlmodel.sql.sqltypes.AutoString(),
                                       nullable=True))
    op.create_table(
        'chain_head',
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('last_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_chain_head')),
    )
    bind = op.get_bind()
    # the ledger's own triggers refuse the backfill's UPDATE: off for it, in this transaction
    if dialect == "sqlite":
        for table in OLD_APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_no_update")
        _backfill(bind)
        for table in OLD_APPEND_ONLY:
            op.execute(_sqlite_trigger(table, "update"))
        for table in NEW_APPEND_ONLY:
            for action in ("update", "delete"):
                op.execute(_sqlite_trigger(table, action))
        for table in chain.TABLES_0007:
            op.execute(_sqlite_trigger(table, "replace"))
    else:
        for table in OLD_APPEND_ONLY:
            op.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        _backfill(bind)
        for table in OLD_APPEND_ONLY:
            op.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
        for table in NEW_APPEND_ONLY:  # projtrack_append_only() is 0003's
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION projtrack_append_only()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION projtrack_append_only()")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in chain.TABLES_0007:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace")
        for table in NEW_APPEND_ONLY:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
        for table in chain.TABLES_0007:  # in place: a rebuild would drop the ledger's triggers
            op.execute(f"ALTER TABLE {table} DROP COLUMN row_hash")
    else:
        for table in NEW_APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        for table in chain.TABLES_0007:
            op.drop_column(table, 'row_hash')
    op.drop_table('chain_head')
    # one report per period again: the latest issue of each
    op.execute("DELETE FROM report_snapshot WHERE id NOT IN (SELECT max(id) FROM report_snapshot "
               "GROUP BY kind, period)")
    with op.batch_alter_table('report_snapshot') as batch:
        batch.drop_index('ix_report_snapshot_kind_period')
        batch.create_unique_constraint('uq_report_snapshot_kind_period', ['kind', 'period'])
