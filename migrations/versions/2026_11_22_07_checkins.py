"""pulse check-ins: questions, check-ins and answers

Revision ID: 20261122_10
Revises: 20261122_20
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '20261122_10'
down_revision: str | None = '20261122_20'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('checkin_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('prompt', sa.String(length=200), nullable=False),
    sa.Column('options', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_checkin_questions_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin_questions')),
    sa.UniqueConstraint('team_id', 'key', name=op.f('uq_checkin_questions_team_id_key'))
    )
    op.create_table('checkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('tz', sa.String(length=64), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('day_ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('message_channel', sa.String(length=32), nullable=True),
    sa.Column('message_ts', sa.String(length=32), nullable=True),
    sa.Column('nudge_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('nudged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('first_answer_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('zone', sa.String(length=8), nullable=True),
    sa.Column('readiness', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_checkins_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_checkins_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkins')),
    sa.UniqueConstraint('team_id', 'person_id', 'local_date', name=op.f('uq_checkins_team_id_person_id_local_date'))
    )
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.create_index('ix_checkins_person_due', ['person_id', 'due_at'], unique=False)
        batch_op.create_index('ix_checkins_status_day_ends', ['status', 'day_ends_at'], unique=False)
        batch_op.create_index('ix_checkins_status_nudge', ['status', 'nudge_at'], unique=False)

    op.create_table('checkin_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checkin_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('question_key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['checkin_id'], ['checkins.id'], name=op.f('fk_checkin_answers_checkin_id_checkins'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['checkin_questions.id'], name=op.f('fk_checkin_answers_question_id_checkin_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin_answers')),
    sa.UniqueConstraint('checkin_id', 'question_id', name=op.f('uq_checkin_answers_checkin_id_question_id'))
    )
    with op.batch_alter_table('checkin_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkin_answers_question_id'), ['question_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('checkin_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkin_answers_question_id'))

    op.drop_table('checkin_answers')
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_index('ix_checkins_status_nudge')
        batch_op.drop_index('ix_checkins_status_day_ends')
        batch_op.drop_index('ix_checkins_person_due')

    op.drop_table('checkins')
    op.drop_table('checkin_questions')
