"""shout-outs: peer and manager-posted shout-outs, recipients, draft offers and decisions

Revision ID: 20261122_40
Revises: 20261122_30
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '20261122_40'
down_revision: str | None = '20261122_30'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('shoutouts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('giver_person_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=False),
    sa.Column('message_ts', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['giver_person_id'], ['people.id'], name=op.f('fk_shoutouts_giver_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_shoutouts_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shoutouts'))
    )
    with op.batch_alter_table('shoutouts', schema=None) as batch_op:
        batch_op.create_index('ix_shoutouts_giver_time', ['giver_person_id', 'created_at'], unique=False)
        batch_op.create_index('ix_shoutouts_team_time', ['team_id', 'created_at'], unique=False)

    op.create_table('moment_decisions',
    sa.Column('moment_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=False),
    sa.Column('decided_by_person_id', sa.Integer(), nullable=True),
    sa.Column('shoutout_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_person_id'], ['people.id'], name=op.f('fk_moment_decisions_decided_by_person_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['moment_id'], ['stretch_moments.id'], name=op.f('fk_moment_decisions_moment_id_stretch_moments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shoutout_id'], ['shoutouts.id'], name=op.f('fk_moment_decisions_shoutout_id_shoutouts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('moment_id', name=op.f('pk_moment_decisions'))
    )
    op.create_table('shoutout_draft_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('moment_id', sa.Integer(), nullable=False),
    sa.Column('manager_person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['delivery_id'], ['deliveries.id'], name=op.f('fk_shoutout_draft_offers_delivery_id_deliveries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['manager_person_id'], ['people.id'], name=op.f('fk_shoutout_draft_offers_manager_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['moment_id'], ['stretch_moments.id'], name=op.f('fk_shoutout_draft_offers_moment_id_stretch_moments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shoutout_draft_offers')),
    sa.UniqueConstraint('moment_id', 'manager_person_id', name=op.f('uq_shoutout_draft_offers_moment_id_manager_person_id'))
    )
    with op.batch_alter_table('shoutout_draft_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shoutout_draft_offers_delivery_id'), ['delivery_id'], unique=False)

    op.create_table('shoutout_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shoutout_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('in_team', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_shoutout_recipients_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shoutout_id'], ['shoutouts.id'], name=op.f('fk_shoutout_recipients_shoutout_id_shoutouts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shoutout_recipients')),
    sa.UniqueConstraint('shoutout_id', 'person_id', name=op.f('uq_shoutout_recipients_shoutout_id_person_id'))
    )
    with op.batch_alter_table('shoutout_recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shoutout_recipients_person_id'), ['person_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('shoutout_recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shoutout_recipients_person_id'))

    op.drop_table('shoutout_recipients')
    with op.batch_alter_table('shoutout_draft_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shoutout_draft_offers_delivery_id'))

    op.drop_table('shoutout_draft_offers')
    op.drop_table('moment_decisions')
    with op.batch_alter_table('shoutouts', schema=None) as batch_op:
        batch_op.drop_index('ix_shoutouts_team_time')
        batch_op.drop_index('ix_shoutouts_giver_time')

    op.drop_table('shoutouts')
