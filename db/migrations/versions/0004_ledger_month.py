"""ledger sums per year and per month kept by the database, and indexes for the as-of month

``ledger_year`` and ``ledger_month`` hold Σ of each project's entries per kind and calendar year
(month), with the latest date of a positive entry in it.  An AFTER INSERT trigger on
``ledger_entry`` adds every new entry to its year and its month (the ledger is append-only,
migration 0003, so no entry ever leaves them), and this migration fills both from the entries
already there.  The portfolio's figures at an as-of date read the years before it, the months
of its year before its month, and only its month's entries from the ledger, through a new index
on (entry_date, project_id, kind, amount) that answers that alone.  ``ledger_month`` is keyed by
month first, so a year's months are one range.  ``progress_entry`` gains a (project_id,
entry_date, id) index: each project's latest point is then one index seek.

A later migration that rebuilds ``ledger_entry`` must create ``ledger_entry_sums`` again
(tests/trust/test_append_only.py checks that the triggers exist at head).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import projtrack.store.types


revision: str = '0004'
down_revision: Union[str, None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# (table, its period column, the period of a date on SQLite, on PostgreSQL, primary key)
PERIODS = (
    ("ledger_year", "year", "CAST(strftime('%Y', {d}) AS INTEGER)",
     "EXTRACT(YEAR FROM {d})::integer", ("project_id", "kind", "year")),
    ("ledger_month", "month", "CAST(strftime('%Y%m', {d}) AS INTEGER)",
     "(EXTRACT(YEAR FROM {d})::integer * 100 + EXTRACT(MONTH FROM {d})::integer)",
     ("month", "project_id", "kind")),
)


def _upsert_sqlite(table: str, period: str, key: str) -> str:
    return (
        f"INSERT INTO {table} (project_id, kind, {period}, amount, entries, last_positive) "
        f"VALUES (NEW.project_id, NEW.kind, {key.format(d='NEW.entry_date')}, NEW.amount, 1, "
        "CASE WHEN NEW.amount > 0 THEN NEW.entry_date END) "
        f"ON CONFLICT ({period}, project_id, kind) DO UPDATE SET "
        "amount = amount + excluded.amount, entries = entries + 1, "
        "last_positive = CASE WHEN last_positive IS NULL "
        "OR excluded.last_positive > last_positive THEN coalesce(excluded.last_positive, "
        "last_positive) ELSE last_positive END;"
    )


def _upsert_pg(table: str, period: str, key: str) -> str:
    return (
        f"INSERT INTO {table} AS s (project_id, kind, {period}, amount, entries, last_positive) "
        f"VALUES (NEW.project_id, NEW.kind, {key.format(d='NEW.entry_date')}, NEW.amount, 1, "
        "CASE WHEN NEW.amount > 0 THEN NEW.entry_date END) "
        f"ON CONFLICT ({period}, project_id, kind) DO UPDATE SET "
        "amount = s.amount + EXCLUDED.amount, entries = s.entries + 1, "
        "last_positive = GREATEST(s.last_positive, EXCLUDED.last_positive);"
    )


def upgrade() -> None:
    for table, period, _, _, pk in PERIODS:
        op.create_table(table,
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column(period, sa.Integer(), nullable=False),
        sa.Column('amount', projtrack.store.types.Scaled(6), nullable=False),
        sa.Column('entries', sa.Integer(), nullable=False),
        sa.Column('last_positive', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f(f'fk_{table}_project_id_project'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint(*pk, name=op.f(f'pk_{table}')),
        sqlite_with_rowid=False
        )
    op.create_index('ix_ledger_entry_date_project_kind_amount', 'ledger_entry', ['entry_date', 'project_id', 'kind', 'amount'], unique=False)
    op.create_index('ix_progress_entry_project_date', 'progress_entry', ['project_id', 'entry_date', 'id'], unique=False)

    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        body = " ".join(_upsert_sqlite(t, p, k) for t, p, k, _, _ in PERIODS)
        op.execute(f"CREATE TRIGGER ledger_entry_sums AFTER INSERT ON ledger_entry BEGIN {body} END")
    elif dialect == "postgresql":
        body = " ".join(_upsert_pg(t, p, k) for t, p, _, k, _ in PERIODS)
        op.execute(
            "CREATE OR REPLACE FUNCTION projtrack_ledger_sums() RETURNS trigger "
            f"LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER ledger_entry_sums AFTER INSERT ON ledger_entry "
            "FOR EACH ROW EXECUTE FUNCTION projtrack_ledger_sums()"
        )
    else:  # pragma: no cover - projtrack supports SQLite and PostgreSQL only
        raise NotImplementedError(f"ledger sums trigger for {dialect}")
    for table, period, lite, pg, _ in PERIODS:
        key = (lite if dialect == "sqlite" else pg).format(d="entry_date")
        op.execute(
            f"INSERT INTO {table} (project_id, kind, {period}, amount, entries, last_positive) "
            f"SELECT project_id, kind, {key}, SUM(amount), COUNT(*), "
            "MAX(CASE WHEN amount > 0 THEN entry_date END) FROM ledger_entry "
            f"GROUP BY project_id, kind, {key}"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS ledger_entry_sums")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ledger_entry_sums ON ledger_entry")
        op.execute("DROP FUNCTION IF EXISTS projtrack_ledger_sums()")
    op.drop_index('ix_progress_entry_project_date', table_name='progress_entry')
    op.drop_index('ix_ledger_entry_date_project_kind_amount', table_name='ledger_entry')
    for table, *_ in reversed(PERIODS):
        op.drop_table(table)
