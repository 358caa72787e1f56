"""The check-in clock: plan each rep's check-in at their local time, nudge once, mark missed at day's end.

Registers the planner with every tick and the two delivery kinds the sender renders: the check-in DM
and its nudge. Both renderers re-check at send time, so an answer, an away span or a skip date added
after planning cancels the message instead of sending it.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from bot.deliveries import EXPIRED, Message
from bot.domain.checkins import nudge_time
from bot.models import Delivery
from bot.models.checkins import (
    CHECKIN_EXCUSED,
    CHECKIN_OPEN,
    CHECKIN_SKIPPED,
    CHECKIN_UNDELIVERABLE,
    Checkin,
)
from bot.services.checkins import (
    ANSWERABLE,
    checkin_view,
    is_excused_now,
    mark_missed,
    plan_checkins,
    plan_nudges,
    settle_unsubmitted,
)
from bot.slack.blocks.checkins import build_checkin_message, build_nudge

logger = logging.getLogger(__name__)


def plan(session: Session, now: datetime) -> int:
    """Plan due check-ins and nudges, and mark the day's unanswered check-ins missed; returns DMs planned."""
    report = plan_checkins(session=session, now=now)
    nudges = plan_nudges(session=session, now=now)
    missed, excused = mark_missed(session=session, now=now)
    settle_unsubmitted(session=session, now=now)
    if report.created or nudges or missed or excused:
        logger.info(
            "check-ins: %d created (%d skipped as too late), %d nudges, %d missed, %d excused",
            report.created,
            report.skipped_late,
            nudges,
            missed,
            excused,
        )
    return report.created - report.skipped_late + nudges


def render_checkin(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """The check-in DM, unless it closed or the rep became unavailable since it was planned."""
    checkin = session.get(Checkin, delivery.ref_id) if delivery.ref_id is not None else None
    if checkin is None or checkin.status not in ANSWERABLE or now >= checkin.closes_at:
        return None
    if is_excused_now(session=session, checkin=checkin):
        if checkin.status == CHECKIN_OPEN:
            checkin.status = CHECKIN_EXCUSED
        return None
    text, blocks = build_checkin_message(checkin_view(session=session, checkin_id=checkin.id, now=now))
    return Message(text=text, blocks=blocks)


def after_checkin_sent(session: Session, delivery: Delivery, now: datetime) -> None:
    """Remember where the DM is (for chat.update) and when to nudge."""
    checkin = session.get(Checkin, delivery.ref_id) if delivery.ref_id is not None else None
    if checkin is None:
        return
    checkin.message_channel = delivery.message_channel
    checkin.message_ts = delivery.message_ts
    if checkin.sent_at is None:
        checkin.sent_at = now
        checkin.nudge_at = nudge_time(sent_at=now, day=checkin.local_date, tz_name=checkin.tz)


def checkin_given_up(session: Session, delivery: Delivery, now: datetime) -> None:
    """A check-in DM that couldn't be sent never counts against the rep."""
    checkin = session.get(Checkin, delivery.ref_id) if delivery.ref_id is not None else None
    if checkin is None or checkin.status != CHECKIN_OPEN or checkin.sent_at is not None:
        return
    checkin.status = CHECKIN_SKIPPED if delivery.status == EXPIRED else CHECKIN_UNDELIVERABLE


def render_nudge(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """The nudge, unless the rep answered or became unavailable meanwhile."""
    checkin = session.get(Checkin, delivery.ref_id) if delivery.ref_id is not None else None
    if checkin is None or checkin.status != CHECKIN_OPEN or checkin.first_answer_at is not None:
        return None
    if is_excused_now(session=session, checkin=checkin):
        return None
    text, blocks = build_nudge(local_day=checkin.local_date)
    return Message(text=text, blocks=blocks)
