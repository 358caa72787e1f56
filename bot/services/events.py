"""Events API bookkeeping: Slack retries events it thinks were lost, so each event_id counts once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.models import ProcessedEvent


def first_delivery_of(*, session: Session, event_id: str, kind: str, now: datetime) -> bool:
    """Record `event_id`; False when it was already processed (a retry), True the first time."""
    if not event_id:
        return True
    try:
        with session.begin_nested():
            session.add(ProcessedEvent(event_id=event_id[:64], kind=kind, received_at=now))
    except IntegrityError:
        return False
    return True
