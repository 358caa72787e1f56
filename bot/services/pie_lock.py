"""Taking one pie's row lock by its id: the manager's modals change the pie and its checkpoints under it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.errors import UserError
from bot.models import PIE_OPEN, Pie


def lock_pie(session: Session, pie_id: int, team_id: int) -> Pie:
    """One open pie of the team, locked for this transaction (else a UserError: it is closed)."""
    pie = session.scalar(
        select(Pie)
        .where(Pie.id == pie_id, Pie.team_id == team_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if pie is None or pie.status != PIE_OPEN:
        raise UserError("That pie is already closed. Type `/claim-pie` to see the current one.")
    return pie
