"""quiet-rep alert settings per team and the engine's last-run mark

Revision ID: 20261122_50
Revises: 20261122_08
Create Date: 2026-11-22 23:50:20.818105
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '20261122_50'
down_revision: str | None = '20261122_08'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('alert_runs',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('evaluated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('mark', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_alert_runs'))
    )
    op.create_table('team_alert_settings',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('thresholds', sa.JSON(), nullable=False),
    sa.Column('updated_by_person_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_alert_settings_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_person_id'], ['people.id'], name=op.f('fk_team_alert_settings_updated_by_person_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('team_id', name=op.f('pk_team_alert_settings'))
    )


def downgrade() -> None:
    op.drop_table('team_alert_settings')
    op.drop_table('alert_runs')
