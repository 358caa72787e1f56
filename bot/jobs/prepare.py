"""Getting a claimed delivery ready to send: its window, the message budget, its render and the DMs that ride along.

Every planned DM passes the one message-budget policy (bot/services/attention.py: working hours, welcome
first, the daily budget, merges) here, before the sender calls Slack.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.deliveries import CANCELLED, EXPIRED, FAILED, PENDING, SENDING, Message
from bot.jobs.claims import LEASE
from bot.jobs.outcomes import DispatchReport, Kinds, give_up
from bot.models import Delivery
from bot.services import attention

logger = logging.getLogger(__name__)


def prepare(
    session: Session,
    delivery: Delivery,
    now: datetime,
    report: DispatchReport,
    kinds: Kinds,
    *,
    asked_for: bool = False,
) -> tuple[Message | None, list[int]]:
    """Render a claimed delivery and mark it 'sending' (committed before Slack is called: if this process
    dies after Slack posted, the row says so), with the ids of the DMs that ride along in it; no message
    when it is settled instead (expired, cancelled…) or held by the message budget for later."""
    if delivery.expires_at is not None and now >= delivery.expires_at:
        reason = "window closed before it could be sent"
        if delivery.last_error:
            reason = f"gave up after the delivery window: {delivery.last_error}"
        give_up(session, delivery, EXPIRED, reason, now, kinds)
        report.expired += 1
        return None, []
    spec = kinds.get(delivery.kind)
    if spec is None:
        logger.error("no renderer for delivery kind %s (id %s)", delivery.kind, delivery.id)
        give_up(session, delivery, FAILED, f"unknown kind {delivery.kind}", now, kinds)
        report.failed += 1
        return None, []
    # The one message-budget policy every planned DM passes (hours, welcome first, budget, merges).
    if not asked_for and attention.hold(session=session, delivery=delivery, now=now) is not None:
        report.held += 1
        return None, []
    message = spec.render(session, delivery, now)
    if message is None:
        delivery.status = CANCELLED
        delivery.claimed_until = None
        report.cancelled += 1
        return None, []
    rider_ids = _take_riders(session, delivery, now, kinds)
    if rider_ids:
        message = spec.render(session, delivery, now) or message
    delivery.status = SENDING
    return message, rider_ids


def _take_riders(session: Session, delivery: Delivery, now: datetime, kinds: Kinds) -> list[int]:
    """Fold the DMs waiting to ride along with this one (a check-in) into it; their ids."""
    taken: list[int] = []
    blocks: list[dict[str, Any]] = []
    for rider in attention.riders_for(session=session, delivery=delivery, now=now):
        spec = kinds.get(rider.kind)
        message = spec.render(session, rider, now) if spec is not None else None
        if message is None:
            rider.status = CANCELLED
            continue
        blocks.extend(
            message.blocks or [{"type": "section", "text": {"type": "mrkdwn", "text": message.text}}]
        )
        blocks.append({"type": "divider"})
        rider.claimed_until = now + LEASE
        taken.append(rider.id)
    if taken:
        attention.attach_riders(session=session, delivery=delivery, blocks=blocks)
    return taken


def record_riders(
    session: Session, host: Delivery, rider_ids: list[int], now: datetime, kinds: Kinds
) -> None:
    """Record the DMs that rode along in a sent delivery as merged into it, and tell their kinds."""
    riders = [
        r for r in (session.get(Delivery, i) for i in rider_ids) if r is not None and r.status == PENDING
    ]
    attention.record_merged(session=session, riders=riders, host=host, now=now)
    for rider in riders:
        spec = kinds.get(rider.kind)
        if spec and spec.after_send:
            spec.after_send(session, rider, now)
