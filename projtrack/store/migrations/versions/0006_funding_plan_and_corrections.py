"""the annex's funding plan by source, and entries that say how they were typed

``funding_plan`` holds, per project and source (中央, 省, 市, 专项债, 县财政, 自筹, 其他), the
amount the annex's 资金来源 columns plan, in 万元 (Scaled, exact).  ``ledger_entry`` gains
``correction`` (an entry the officer confirmed as a correction: a negative increment, or one that
takes 开累 past 总投资) and ``basis`` (``year`` for a 本年累计 typed as a cumulative, ``total`` for
a 开累, NULL for an increment).  Both columns are added in place (ALTER TABLE ADD COLUMN), so
``ledger_entry`` is not rebuilt and keeps its triggers (append-only, and the yearly and monthly
sums).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import projtrack.store.types


revision: str = '0006'
down_revision: Union[str, None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'funding_plan',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('amount', projtrack.store.types.Scaled(6), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='RESTRICT',
                                name=op.f('fk_funding_plan_project_id_project')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_funding_plan')),
        sa.UniqueConstraint('project_id', 'source', name='uq_funding_plan_project_source'),
    )
    op.create_index(op.f('ix_funding_plan_project_id'), 'funding_plan', ['project_id'])
    op.add_column('ledger_entry', sa.Column('correction', sa.Boolean(), nullable=False,
                                            server_default=sa.false()))
    op.add_column('ledger_entry', sa.Column('basis', sqlmodel.sql.sqltypes.AutoString(),
                                            nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('ledger_entry') as batch:
        batch.drop_column('basis')
        batch.drop_column('correction')
    op.drop_index(op.f('ix_funding_plan_project_id'), table_name='funding_plan')
    op.drop_table('funding_plan')
