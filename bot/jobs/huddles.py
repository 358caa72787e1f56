"""Team huddles on the clock: the card before each scheduled huddle, the managers' recap after it, and
late stuck notes. Stuck text is deleted as soon as the managers' DMs about it are settled."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.deliveries import Message
from bot.models import Delivery
from bot.services.huddles import (
    forget_stuck_note,
    forget_stuck_when_told,
    huddle_card,
    huddle_recap,
    mark_card_posted,
    plan_scheduled_huddles,
    stuck_note,
)
from bot.slack.blocks.huddles import build_huddle_card, build_recap, build_stuck_note


def plan_huddles(session: Session, now: datetime) -> int:
    """Plan the cards (and recaps) of scheduled huddles that are due."""
    return plan_scheduled_huddles(session=session, now=now)


def render_card(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """The huddle card as it stands when sent."""
    card = huddle_card(session=session, huddle_id=delivery.ref_id or 0, now=now)
    if card is None:
        return None
    text, blocks = build_huddle_card(card)
    return Message(text=text, blocks=blocks)


def card_sent(session: Session, delivery: Delivery, now: datetime) -> None:
    """The card's ts is the thread whose replies count."""
    mark_card_posted(session=session, huddle_id=delivery.ref_id or 0, ts=delivery.message_ts, now=now)


def render_recap(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """The managers' after-huddle DM (nothing if the card never reached the channel)."""
    recap = huddle_recap(session=session, huddle_id=delivery.ref_id or 0)
    if recap is None:
        return None
    text, blocks = build_recap(recap)
    return Message(text=text, blocks=blocks)


def recap_settled(session: Session, delivery: Delivery, now: datetime) -> None:
    """Once every manager's recap is sent (or given up), the stuck text is deleted."""
    forget_stuck_when_told(session=session, huddle_id=delivery.ref_id or 0)


def render_stuck(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """A stuck note that arrived after the recap."""
    note = stuck_note(session=session, stuck_id=delivery.ref_id or 0)
    if note is None:
        return None
    recap, user_id, text = note
    title, blocks = build_stuck_note(recap, user_id=user_id, text=text)
    return Message(text=title, blocks=blocks)


def stuck_settled(session: Session, delivery: Delivery, now: datetime) -> None:
    """Delete a late stuck note once every manager's DM about it is settled."""
    forget_stuck_note(session=session, stuck_id=delivery.ref_id or 0)
