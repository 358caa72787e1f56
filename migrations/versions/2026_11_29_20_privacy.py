"""people's data: privacy audit, retention policy, team privacy choices, check-ins by date

Revision ID: 20261129_20
Revises: 20261122_70
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '20261129_20'
down_revision: str | None = '20261122_70'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('privacy_audit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=32), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.String(length=120), nullable=False),
    sa.Column('detail', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_privacy_audit_workspace_id_workspaces'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_audit'))
    )
    with op.batch_alter_table('privacy_audit', schema=None) as batch_op:
        batch_op.create_index('ix_privacy_audit_at', ['at'], unique=False)

    op.create_table('retention_policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_policy'))
    )
    op.create_table('team_privacy',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('managers_export_notes', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_privacy_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', name=op.f('pk_team_privacy'))
    )
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.create_index('ix_checkins_local_date', ['local_date'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_index('ix_checkins_local_date')
    op.drop_table('team_privacy')
    op.drop_table('retention_policy')
    with op.batch_alter_table('privacy_audit', schema=None) as batch_op:
        batch_op.drop_index('ix_privacy_audit_at')
    op.drop_table('privacy_audit')
