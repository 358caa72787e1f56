"""pie checkpoints, progress log, the weekly confidence question, anonymous pressure tallies

Revision ID: 20261129_19
Revises: 20261129_17
Create Date: 2026-11-29
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = '20261129_19'
down_revision: str | None = '20261129_17'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONFIDENCE_PROMPT = "How confident are you in your slice by the period end?"


def upgrade() -> None:
    op.create_table('pie_checkpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pie_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_pie_checkpoints_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pie_id'], ['pies.id'], name=op.f('fk_pie_checkpoints_pie_id_pies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pie_checkpoints'))
    )
    with op.batch_alter_table('pie_checkpoints', schema=None) as batch_op:
        batch_op.create_index('ix_pie_checkpoints_pie_person', ['pie_id', 'person_id'], unique=False)

    op.create_table('pie_progress_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pie_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('logged_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_pie_progress_entries_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pie_id'], ['pies.id'], name=op.f('fk_pie_progress_entries_pie_id_pies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pie_progress_entries'))
    )
    with op.batch_alter_table('pie_progress_entries', schema=None) as batch_op:
        batch_op.create_index('ix_pie_progress_entries_pie_at', ['pie_id', 'logged_at'], unique=False)

    op.create_table('team_pressure_settings',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_pressure_settings_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', name=op.f('pk_team_pressure_settings'))
    )
    op.create_table('pressure_weeks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('never', sa.Integer(), nullable=False),
    sa.Column('a_little', sa.Integer(), nullable=False),
    sa.Column('yes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_pressure_weeks_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pressure_weeks')),
    sa.UniqueConstraint('team_id', 'week_start', name=op.f('uq_pressure_weeks_team_id_week_start'))
    )
    op.create_table('pressure_answered',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_pressure_answered_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_pressure_answered_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pressure_answered')),
    sa.UniqueConstraint('team_id', 'week_start', 'person_id', name=op.f('uq_pressure_answered_team_id_week_start_person_id'))
    )

    # Teams whose questions were already seeded get the weekly confidence question at the end of their set
    # (new teams get it with the defaults).
    questions = sa.table(
        'checkin_questions',
        sa.column('team_id', sa.Integer()),
        sa.column('key', sa.String()),
        sa.column('kind', sa.String()),
        sa.column('prompt', sa.String()),
        sa.column('options', sa.Text()),
        sa.column('position', sa.Integer()),
        sa.column('created_at', sa.DateTime(timezone=True)),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(questions.c.team_id, sa.func.max(questions.c.position), sa.func.count())
        .group_by(questions.c.team_id)
    ).all()
    taken = {
        team_id
        for (team_id,) in bind.execute(
            sa.select(questions.c.team_id).where(questions.c.key == 'confidence')
        )
    }
    options = json.dumps([[str(n), str(n)] for n in range(1, 11)])
    now = datetime.now(UTC)
    values = [
        {
            'team_id': team_id,
            'key': 'confidence',
            'kind': 'choice',
            'prompt': CONFIDENCE_PROMPT,
            'options': options,
            'position': (position or 0) + 1,
            'created_at': now,
        }
        for team_id, position, _count in rows
        if team_id not in taken
    ]
    if values:
        op.bulk_insert(questions, values)


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM checkin_questions WHERE key = 'confidence'"))
    op.drop_table('pressure_answered')
    op.drop_table('pressure_weeks')
    op.drop_table('team_pressure_settings')
    with op.batch_alter_table('pie_progress_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_pie_progress_entries_pie_at')

    op.drop_table('pie_progress_entries')
    with op.batch_alter_table('pie_checkpoints', schema=None) as batch_op:
        batch_op.drop_index('ix_pie_checkpoints_pie_person')

    op.drop_table('pie_checkpoints')
