"""attention: team message budgets and working hours, the policy's decision log, short check-ins

Revision ID: 20261129_16
Revises: 20261129_19
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '20261129_16'
down_revision: str | None = '20261129_19'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('attention_settings',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('week_budget', sa.Integer(), nullable=False),
    sa.Column('day_budget', sa.Integer(), nullable=False),
    sa.Column('work_days', sa.String(length=40), nullable=False),
    sa.Column('day_starts', sa.String(length=5), nullable=False),
    sa.Column('day_ends', sa.String(length=5), nullable=False),
    sa.Column('pinned_question', sa.String(length=40), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_attention_settings_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', name=op.f('pk_attention_settings'))
    )
    op.create_table('dm_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('decision', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['delivery_id'], ['deliveries.id'], name=op.f('fk_dm_decisions_delivery_id_deliveries'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_dm_decisions_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dm_decisions'))
    )
    with op.batch_alter_table('dm_decisions', schema=None) as batch_op:
        batch_op.create_index('ix_dm_decisions_person_at', ['person_id', 'decided_at'], unique=False)
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.add_column(sa.Column('question_keys', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('quiet', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('rider_blocks', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_column('rider_blocks')
        batch_op.drop_column('quiet')
        batch_op.drop_column('question_keys')
    with op.batch_alter_table('dm_decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_dm_decisions_person_at')
    op.drop_table('dm_decisions')
    op.drop_table('attention_settings')
