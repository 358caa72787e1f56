"""the pie: pies and their slices

Revision ID: 20261122_20
Revises: 20261122_40
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '20261122_20'
down_revision: str | None = '20261122_40'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('pies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('open_team_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('target_minor', sa.BigInteger(), nullable=False),
    sa.Column('allow_overclaim', sa.Boolean(), nullable=False),
    sa.Column('claim_deadline', sa.DateTime(timezone=True), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_pies_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pies')),
    sa.UniqueConstraint('open_team_id', name=op.f('uq_pies_open_team_id'))
    )
    with op.batch_alter_table('pies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pies_team_id'), ['team_id'], unique=False)

    op.create_table('pie_slices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pie_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('progress_minor', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_pie_slices_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pie_id'], ['pies.id'], name=op.f('fk_pie_slices_pie_id_pies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pie_slices')),
    sa.UniqueConstraint('pie_id', 'person_id', name=op.f('uq_pie_slices_pie_id_person_id'))
    )
    with op.batch_alter_table('pie_slices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pie_slices_person_id'), ['person_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('pie_slices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pie_slices_person_id'))

    op.drop_table('pie_slices')
    with op.batch_alter_table('pies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pies_team_id'))

    op.drop_table('pies')
