"""huddles: whether Stretch could read the huddle's thread (a member of its channel) when it was recapped

Revision ID: 20261129_15
Revises: 20261129_18
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = '20261129_15'
down_revision: str | None = '20261129_18'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL: not checked yet (and every huddle before this revision); False: Slack would not let Stretch
    # read the thread, so nobody's silence in it may be counted.
    with op.batch_alter_table("huddles") as batch:
        batch.add_column(sa.Column("thread_readable", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("huddles") as batch:
        batch.drop_column("thread_readable")
