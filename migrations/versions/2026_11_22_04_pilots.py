"""pilots

Revision ID: 20261122_30
Revises: 20261122_03
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '20261122_30'
down_revision: str | None = '20261122_03'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('pilots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('not_goal', sa.String(length=200), nullable=False),
    sa.Column('growth_metric', sa.String(length=200), nullable=False),
    sa.Column('observe', sa.String(length=500), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('length_days', sa.Integer(), nullable=False),
    sa.Column('share', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('root_id', sa.Integer(), nullable=True),
    sa.Column('iteration', sa.Integer(), nullable=False),
    sa.Column('summary_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['people.id'], name=op.f('fk_pilots_owner_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['previous_id'], ['pilots.id'], name=op.f('fk_pilots_previous_id_pilots'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_pilots_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilots'))
    )
    with op.batch_alter_table('pilots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilots_root_id'), ['root_id'], unique=False)
        batch_op.create_index('ix_pilots_team_status', ['team_id', 'status'], unique=False)

    op.create_table('pilot_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('mid_score', sa.Integer(), nullable=True),
    sa.Column('mid_note', sa.Text(), nullable=True),
    sa.Column('mid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('wants_tweak', sa.Boolean(), nullable=False),
    sa.Column('vote', sa.String(length=8), nullable=True),
    sa.Column('learning', sa.Text(), nullable=True),
    sa.Column('skill_score', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_pilot_participants_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilots.id'], name=op.f('fk_pilot_participants_pilot_id_pilots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pilot_participants')),
    sa.UniqueConstraint('pilot_id', 'person_id', name=op.f('uq_pilot_participants_pilot_id_person_id'))
    )
    with op.batch_alter_table('pilot_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pilot_participants_person_id'), ['person_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('pilot_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pilot_participants_person_id'))

    op.drop_table('pilot_participants')
    with op.batch_alter_table('pilots', schema=None) as batch_op:
        batch_op.drop_index('ix_pilots_team_status')
        batch_op.drop_index(batch_op.f('ix_pilots_root_id'))

    op.drop_table('pilots')
