"""team huddles: schedule, huddles, thread replies (who and when), stuck notes until sent

Revision ID: 20261122_70
Revises: 20261122_50
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '20261122_70'
down_revision: str | None = '20261122_50'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('huddle_settings',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('days', sa.String(length=40), nullable=False),
    sa.Column('at', sa.String(length=5), nullable=False),
    sa.Column('lead_minutes', sa.Integer(), nullable=False),
    sa.Column('skip_notice', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_huddle_settings_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', name=op.f('pk_huddle_settings'))
    )
    op.create_table('huddles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('since', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expected', sa.JSON(), nullable=False),
    sa.Column('away', sa.JSON(), nullable=False),
    sa.Column('started_by_person_id', sa.Integer(), nullable=True),
    sa.Column('channel_id', sa.String(length=32), nullable=False),
    sa.Column('message_ts', sa.String(length=32), nullable=True),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['started_by_person_id'], ['people.id'], name=op.f('fk_huddles_started_by_person_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_huddles_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_huddles')),
    sa.UniqueConstraint('key', name=op.f('uq_huddles_key'))
    )
    with op.batch_alter_table('huddles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_huddles_message_ts'), ['message_ts'], unique=False)
        batch_op.create_index('ix_huddles_team_start', ['team_id', 'starts_at'], unique=False)

    op.create_table('huddle_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('huddle_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('message_ts', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['huddle_id'], ['huddles.id'], name=op.f('fk_huddle_replies_huddle_id_huddles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_huddle_replies_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_huddle_replies')),
    sa.UniqueConstraint('huddle_id', 'message_ts', name=op.f('uq_huddle_replies_huddle_id_message_ts'))
    )
    with op.batch_alter_table('huddle_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_huddle_replies_person_id'), ['person_id'], unique=False)

    op.create_table('huddle_stuck',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('huddle_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['huddle_id'], ['huddles.id'], name=op.f('fk_huddle_stuck_huddle_id_huddles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_huddle_stuck_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_huddle_stuck'))
    )
    with op.batch_alter_table('huddle_stuck', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_huddle_stuck_huddle_id'), ['huddle_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('huddle_stuck', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_huddle_stuck_huddle_id'))

    op.drop_table('huddle_stuck')
    with op.batch_alter_table('huddle_replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_huddle_replies_person_id'))

    op.drop_table('huddle_replies')
    with op.batch_alter_table('huddles', schema=None) as batch_op:
        batch_op.drop_index('ix_huddles_team_start')
        batch_op.drop_index(batch_op.f('ix_huddles_message_ts'))

    op.drop_table('huddles')
    op.drop_table('huddle_settings')
