"""ledger sums per year and per month kept by the database, and indexes for the as-of month

``ledger_year`` and ``ledger_month`` hold, per project and calendar year (month), Σ of its
完成投资, 到位资金 and 拨付 entries (one column each, one row per project and period) and the
latest date of a positive 完成投资 in it.  An AFTER INSERT trigger on
``ledger_entry`` adds every new entry to its year and its month (the ledger is append-only,
migration 0003, so no entry ever leaves them), and this migration fills both from the entries
already there.  The portfolio's figures at an as-of date read the years before it, the months
of its year before its month, and only its month's entries from the ledger, through a new index
on (entry_date, project_id, kind, amount) that answers that alone.  ``ledger_month`` is keyed by
month first, so a year's months are one range.  ``progress_entry`` gains a (project_id,
entry_date, id) index: each project's latest point is then one index seek; ``milestone`` a
(project_id, seq) index, so milestones come back in order without a sort.

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

KINDS = (("actual", "完成投资"), ("funds", "到位资金"), ("payments", "拨付"))  # column, entry kind
ACTUAL = "完成投资"

# (table, its period column, the period of a date on SQLite, on PostgreSQL, primary key)
PERIODS = (
    ("ledger_year", "year", "CAST(strftime('%Y', {d}) AS INTEGER)",
     "EXTRACT(YEAR FROM {d})::integer", ("project_id", "year")),
    ("ledger_month", "month", "CAST(strftime('%Y%m', {d}) AS INTEGER)",
     "(EXTRACT(YEAR FROM {d})::integer * 100 + EXTRACT(MONTH FROM {d})::integer)",
     ("month", "project_id")),
)
COLUMNS = "project_id, {period}, actual, funds, payments, entries, last_actual"


def _new_values(key: str) -> str:
    amounts = ", ".join(f"CASE WHEN NEW.kind = '{kind}' THEN NEW.amount ELSE 0 END"
                        for _, kind in KINDS)
    return (f"VALUES (NEW.project_id, {key.format(d='NEW.entry_date')}, {amounts}, 1, "
            f"CASE WHEN NEW.kind = '{ACTUAL}' AND NEW.amount > 0 THEN NEW.entry_date END)")


def _upsert_sqlite(table: str, period: str, key: str) -> str:
    added = ", ".join(f"{c} = {c} + excluded.{c}" for c, _ in KINDS)
    return (
        f"INSERT INTO {table} ({COLUMNS.format(period=period)}) {_new_values(key)} "
        f"ON CONFLICT ({period}, project_id) DO UPDATE SET {added}, entries = entries + 1, "
        "last_actual = CASE WHEN last_actual IS NULL OR excluded.last_actual > last_actual "
        "THEN coalesce(excluded.last_actual, last_actual) ELSE last_actual END;"
    )


def _upsert_pg(table: str, period: str, key: str) -> str:
    added = ", ".join(f"{c} = s.{c} + EXCLUDED.{c}" for c, _ in KINDS)
    return (
        f"INSERT INTO {table} AS s ({COLUMNS.format(period=period)}) {_new_values(key)} "
        f"ON CONFLICT ({period}, project_id) DO UPDATE SET {added}, entries = s.entries + 1, "
        "last_actual = GREATEST(s.last_actual, EXCLUDED.last_actual);"
    )


def upgrade() -> None:
    for table, period, _, _, pk in PERIODS:
        op.create_table(table,
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column(period, sa.Integer(), nullable=False),
        sa.Column('actual', projtrack.store.types.Scaled(6), nullable=False),
        sa.Column('funds', projtrack.store.types.Scaled(6), nullable=False),
        sa.Column('payments', projtrack.store.types.Scaled(6), nullable=False),
        sa.Column('entries', sa.Integer(), nullable=False),
        sa.Column('last_actual', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f(f'fk_{table}_project_id_project'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint(*pk, name=op.f(f'pk_{table}')),
        sqlite_with_rowid=False
        )
    op.create_index('ix_ledger_entry_date_project_kind_amount', 'ledger_entry', ['entry_date', 'project_id', 'kind', 'amount'], unique=False)
    op.create_index('ix_progress_entry_project_date', 'progress_entry', ['project_id', 'entry_date', 'id'], unique=False)
    op.create_index('ix_milestone_project_seq', 'milestone', ['project_id', 'seq'], unique=False)

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
        raise RuntimeError(f"projtrack's schema is for SQLite and PostgreSQL, not {dialect} (make_engine refuses it)")
    amounts = ", ".join(f"SUM(CASE WHEN kind = '{kind}' THEN amount ELSE 0 END)" for _, kind in KINDS)
    for table, period, lite, pg, _ in PERIODS:
        key = (lite if dialect == "sqlite" else pg).format(d="entry_date")
        op.execute(
            f"INSERT INTO {table} ({COLUMNS.format(period=period)}) "
            f"SELECT project_id, {key}, {amounts}, COUNT(*), "
            f"MAX(CASE WHEN kind = '{ACTUAL}' AND amount > 0 THEN entry_date END) "
            f"FROM ledger_entry GROUP BY project_id, {key}"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS ledger_entry_sums")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ledger_entry_sums ON ledger_entry")
        op.execute("DROP FUNCTION IF EXISTS projtrack_ledger_sums()")
    op.drop_index('ix_milestone_project_seq', table_name='milestone')
    op.drop_index('ix_progress_entry_project_date', table_name='progress_entry')
    op.drop_index('ix_ledger_entry_date_project_kind_amount', table_name='ledger_entry')
    for table, *_ in reversed(PERIODS):
        op.drop_table(table)
