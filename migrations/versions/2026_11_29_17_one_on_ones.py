"""1:1 pages: 1:1s held, the managers' private note per rep, and when an unacknowledged alert escalated

Revision ID: 20261129_17
Revises: 20261129_15
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '20261129_17'
down_revision: str | None = '20261129_15'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('one_on_ones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('rep_person_id', sa.Integer(), nullable=False),
    sa.Column('manager_person_id', sa.Integer(), nullable=True),
    sa.Column('held_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['manager_person_id'], ['people.id'], name=op.f('fk_one_on_ones_manager_person_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['rep_person_id'], ['people.id'], name=op.f('fk_one_on_ones_rep_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_one_on_ones_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_one_on_ones'))
    )
    op.create_index('ix_one_on_ones_team_rep_held', 'one_on_ones', ['team_id', 'rep_person_id', 'held_at'], unique=False)
    op.create_table('manager_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('rep_person_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_by_person_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['rep_person_id'], ['people.id'], name=op.f('fk_manager_notes_rep_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_manager_notes_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_person_id'], ['people.id'], name=op.f('fk_manager_notes_updated_by_person_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_manager_notes')),
    sa.UniqueConstraint('team_id', 'rep_person_id', name=op.f('uq_manager_notes_team_id_rep_person_id'))
    )
    with op.batch_alter_table('quiet_alerts') as batch:
        batch.add_column(sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('quiet_alerts') as batch:
        batch.drop_column('escalated_at')
    op.drop_table('manager_notes')
    op.drop_index('ix_one_on_ones_team_rep_held', table_name='one_on_ones')
    op.drop_table('one_on_ones')
