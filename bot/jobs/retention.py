"""People's data on the clock: answers and notes older than the retention are deleted a batch at a time
(one transaction per batch, so the app is never locked out and a crash loses at most one batch's work,
which the next tick redoes), and managers get their one-line note when a member was forgotten.

Past digests are messages already sent: they are not recomputed."""

from __future__ import annotations

import logging
import time
from datetime import datetime

from sqlalchemy.orm import Session

from bot.deliveries import Message
from bot.models import Delivery
from bot.models.privacy import AUDIT_RETENTION_PURGE
from bot.services.privacy import CLOCK, forgotten_note, record_act
from bot.services.retention import purge_batch, retention_days
from bot.slack.blocks.privacy import forgotten_note_text

logger = logging.getLogger(__name__)

BATCH = 500
# At most this long per tick: the other planners and the sender share the tick.
BUDGET_SECONDS = 5.0


def plan_retention(session: Session, now: datetime) -> int:
    """Delete what is past the retention, batch by batch, committing each; returns check-ins deleted."""
    days = retention_days(session=session)
    if days <= 0:
        return 0
    started = time.monotonic()
    deleted = 0
    while True:
        batch = purge_batch(session=session, now=now, days=days, batch=BATCH)
        if batch.checkins or batch.pilot_notes:
            record_act(
                session=session,
                actor=CLOCK,
                action=AUDIT_RETENTION_PURGE,
                subject=" ".join(f"team:{t}" for t in sorted(batch.per_team))[:120],
                detail=(
                    f"older than {days} days: checkins={batch.checkins} answers={batch.answers} "
                    f"pilot_notes={batch.pilot_notes}"
                ),
                now=now,
            )
        # The planner is the edge here: each batch is its own transaction.
        session.commit()
        deleted += batch.checkins
        if not batch.more or time.monotonic() - started > BUDGET_SECONDS:
            return deleted


def render_forgotten(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """A manager's one line: who asked to be forgotten, in which team, nothing of what they wrote."""
    note = forgotten_note(session=session, delivery=delivery)
    if note is None:
        return None
    return Message(text=forgotten_note_text(user_id=note.user_id, team_name=note.team_name))
