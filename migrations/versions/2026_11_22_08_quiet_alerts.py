"""quiet rep alerts

Revision ID: 20261122_08
Revises: 20261122_10
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '20261122_08'
down_revision: str | None = '20261122_10'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('quiet_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('signal', sa.String(length=32), nullable=False),
    sa.Column('episode_key', sa.String(length=200), nullable=False),
    sa.Column('evidence', sa.String(length=500), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('suggested_step', sa.String(length=300), nullable=False),
    sa.Column('strong_record', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acted_by_person_id', sa.Integer(), nullable=True),
    sa.Column('acted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('snoozed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recovered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['acted_by_person_id'], ['people.id'], name=op.f('fk_quiet_alerts_acted_by_person_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_quiet_alerts_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_quiet_alerts_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiet_alerts')),
    sa.UniqueConstraint('episode_key', name=op.f('uq_quiet_alerts_episode_key'))
    )
    with op.batch_alter_table('quiet_alerts', schema=None) as batch_op:
        batch_op.create_index('ix_quiet_alerts_team_status', ['team_id', 'status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('quiet_alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_quiet_alerts_team_status')

    op.drop_table('quiet_alerts')
