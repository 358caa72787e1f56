"""stretch moments

Revision ID: 20261122_03
Revises: 20261122_02
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '20261122_03'
down_revision: str | None = '20261122_02'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('stretch_moments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_stretch_moments_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_stretch_moments_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stretch_moments')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_stretch_moments_dedupe_key'))
    )
    with op.batch_alter_table('stretch_moments', schema=None) as batch_op:
        batch_op.create_index('ix_stretch_moments_team_time', ['team_id', 'occurred_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('stretch_moments', schema=None) as batch_op:
        batch_op.drop_index('ix_stretch_moments_team_time')

    op.drop_table('stretch_moments')
