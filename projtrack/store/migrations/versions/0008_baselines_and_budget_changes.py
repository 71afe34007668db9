"""baselines and budget changes with their approval

- ``baseline``: a named, dated frozen copy (基准) of every active project's annual plans
  (``baseline_plan``), milestone planned dates (``baseline_milestone``) and 总投资
  (``baseline_project``); at most one is ``current``.  The items keep the project's id and name
  without a foreign key: a frozen copy outlives the rows it copied.  A database upgraded to
  0008 has no baseline; the next annex import (or ``projtrack baseline set``) sets the first.
- ``budget_change``: a change of a project's 总投资 and/or annual plans, 拟调整 (proposed) →
  已批复 (approved) or 未批准 (rejected), with its 批复文号, date and who; its lines
  (``budget_change_line``) hold each figure as it was when proposed, as it is to be, and the
  difference.  Editable (its state moves), so it carries a version, as project rows do.

Neither is append-only or hash-chained: a baseline is audited when it is set or made current,
and every state change of a budget change, with the figures it moves, is audited.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-20
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import projtrack.store.types


revision: str = '0008'
down_revision: Union[str, None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _money(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, projtrack.store.types.Scaled(6), nullable=nullable)


def _text(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(), nullable=nullable)


def _baseline_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['baseline_id'], ['baseline.id'], ondelete='CASCADE',
                                   name=op.f(f'fk_{table}_baseline_id_baseline'))


def upgrade() -> None:
    op.create_table(
        'baseline',
        sa.Column('id', sa.Integer(), nullable=False),
        _text('name'),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        _text('created_by'),
        _text('source'),
        sa.Column('current', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('import_run_id', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_baseline')),
        sa.UniqueConstraint('name', name=op.f('uq_baseline_name')),
    )
    op.create_table(
        'baseline_project',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('baseline_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        _text('name'),
        _money('total_investment'),
        _baseline_fk('baseline_project'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_baseline_project')),
        sa.UniqueConstraint('baseline_id', 'project_id',
                            name='uq_baseline_project_baseline_project'),
    )
    op.create_table(
        'baseline_plan',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('baseline_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        _money('amount', nullable=False),
        _baseline_fk('baseline_plan'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_baseline_plan')),
    )
    op.create_table(
        'baseline_milestone',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('baseline_id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        _text('name'),
        sa.Column('planned', sa.Date(), nullable=True),
        _baseline_fk('baseline_milestone'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_baseline_milestone')),
    )
    for table in ('baseline_project', 'baseline_plan', 'baseline_milestone'):
        op.create_index(op.f(f'ix_{table}_baseline_id'), table, ['baseline_id'])
    op.create_table(
        'budget_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        _text('state'),
        _text('reason', nullable=True),
        _text('source'),
        sa.Column('proposed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        _text('proposed_by'),
        _text('doc_no', nullable=True),
        sa.Column('decided_on', sa.Date(), nullable=True),
        sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        _text('decided_by', nullable=True),
        _text('decision_note', nullable=True),
        sa.Column('import_run_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], ondelete='RESTRICT',
                                name=op.f('fk_budget_change_project_id_project')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_change')),
    )
    op.create_index(op.f('ix_budget_change_project_id'), 'budget_change', ['project_id'])
    op.create_index(op.f('ix_budget_change_state'), 'budget_change', ['state'])
    op.create_table(
        'budget_change_line',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('change_id', sa.Integer(), nullable=False),
        _text('field'),
        sa.Column('year', sa.Integer(), nullable=True),
        _money('old'),
        _money('new'),
        _money('delta', nullable=False),
        sa.ForeignKeyConstraint(['change_id'], ['budget_change.id'], ondelete='CASCADE',
                                name=op.f('fk_budget_change_line_change_id_budget_change')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_change_line')),
    )
    op.create_index(op.f('ix_budget_change_line_change_id'), 'budget_change_line', ['change_id'])


def downgrade() -> None:
    for table in ('budget_change_line', 'budget_change', 'baseline_milestone', 'baseline_plan',
                  'baseline_project', 'baseline'):
        op.drop_table(table)
