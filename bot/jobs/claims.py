"""Claiming deliveries with leases: a sender takes due rows for a while, so two senders never send one row.

A claim is a lease (`claimed_until`), not a lock held across the Slack call: a sender that dies simply lets
its lease run out, and the row is claimable again (a row left 'sending' is then checked against Slack
before any resend; see bot/jobs/sending.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.deliveries import PENDING, SENDING
from bot.models import Delivery

LEASE = timedelta(minutes=2)


def _claimable(now: datetime) -> Any:
    return Delivery.status.in_((PENDING, SENDING)) & (
        Delivery.claimed_until.is_(None) | (Delivery.claimed_until < now)
    )


def claim_due(*, session: Session, now: datetime, limit: int, lease: timedelta = LEASE) -> list[int]:
    """Claim up to `limit` due deliveries for this sender (SKIP LOCKED on PostgreSQL).

    Rows left 'sending' by a sender that died or lost Slack's answer are claimable again once their
    lease ran out; deliver_one checks Slack before sending them again.
    """
    query = (
        select(Delivery.id)
        .where(Delivery.due_at <= now, _claimable(now))
        .order_by(Delivery.due_at, Delivery.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(session.scalars(query))
    if ids:
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids))
            .values(claimed_until=now + lease, attempts=Delivery.attempts + 1)
        )
    return ids


def claim_one(*, session: Session, dedupe_key: str, now: datetime, lease: timedelta = LEASE) -> int | None:
    """Claim one pending delivery by its key, if no other sender holds it; its id or None."""
    delivery_id = session.scalar(select(Delivery.id).where(Delivery.dedupe_key == dedupe_key))
    if delivery_id is None:
        return None
    claimed = session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, _claimable(now))
        .values(claimed_until=now + lease, attempts=Delivery.attempts + 1)
        .returning(Delivery.id)
    ).first()
    return delivery_id if claimed is not None else None


def release(*, session: Session, ids: list[int]) -> None:
    """Give claimed but untouched deliveries back, so the next pass takes them at once."""
    if ids:
        session.execute(update(Delivery).where(Delivery.id.in_(ids)).values(claimed_until=None))
