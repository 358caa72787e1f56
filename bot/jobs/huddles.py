"""Team huddles on the clock: the card before each scheduled huddle, the managers' recap after it, and
late stuck notes. Stuck text is deleted as soon as the managers' DMs about it are settled."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import SessionFactory, session_scope
from bot.deliveries import Message
from bot.domain import huddles as rules
from bot.domain.schedule import parse_days, parse_time
from bot.models import Delivery, Huddle, HuddleSettings, Team, TeamSkipDate
from bot.models.huddles import HUDDLE_DAY_OFF, HUDDLE_SCHEDULED
from bot.services.huddles.card import huddle_card, mark_card_posted, plan_huddle
from bot.services.huddles.recaps import forget_stuck_note, forget_stuck_when_told, huddle_recap, stuck_note
from bot.services.huddles.replies import mark_thread_readable, threads_to_check
from bot.services.teams import load_team
from bot.slack.blocks.huddles import build_huddle_card, build_recap, build_stuck_note

logger = logging.getLogger(__name__)

# Slack's answers when Stretch can't read a channel: it isn't a member (or the channel is gone).
UNREADABLE_ERRORS = frozenset({"not_in_channel", "channel_not_found", "is_archived"})


def check_huddle_threads(*, session_factory: SessionFactory, client: WebClient, now: datetime) -> int:
    """Before recaps go out, ask Slack whether Stretch could read each finished huddle's thread (it
    must be in the channel); one that it couldn't is never counted as silence. Returns how many it asked.

    Runs in each tick before the sends, with the client (planners have none)."""
    with session_scope(session_factory) as session:
        pending = threads_to_check(session=session, now=now)
    answers: dict[str, bool | None] = {}
    for huddle_id, channel in pending:
        if channel not in answers:
            try:
                answers[channel] = can_read_channel(client, channel)
            except Exception:  # a network failure: ask again next tick, never guess
                logger.warning("could not ask Slack whether huddle %s's thread is readable", huddle_id)
                answers[channel] = None
        readable = answers[channel]
        if readable is None:
            continue
        with session_scope(session_factory) as session:
            mark_thread_readable(session=session, huddle_id=huddle_id, readable=readable)
        if not readable:
            logger.warning("huddle %s: Stretch is not in its channel, so its thread can't be read", huddle_id)
    return len(pending)


def can_read_channel(client: WebClient, channel_id: str) -> bool | None:
    """Whether Slack lets Stretch read `channel_id` (its messages and threads); None when Slack can't say
    right now (ask again later). Installs without channels:read fall back to conversations.history."""
    try:
        info = client.conversations_info(channel=channel_id)
        return bool((info.get("channel") or {}).get("is_member"))
    except SlackApiError as error:
        code = _error_code(error)
        if code == "channel_not_found":
            return False
        if code != "missing_scope":
            logger.warning("conversations.info on a huddle channel failed: %s", code)
            return None
    try:
        client.conversations_history(channel=channel_id, limit=1)
    except SlackApiError as error:
        code = _error_code(error)
        if code in UNREADABLE_ERRORS:
            return False
        logger.warning("conversations.history on a huddle channel failed: %s", code)
        return None
    return True


def _error_code(error: SlackApiError) -> str:
    return str((error.response or {}).get("error") or "unknown_error")


def plan_huddles(session: Session, now: datetime) -> int:
    """Plan the card (and recap) of every scheduled huddle that is due now (a team day off plans nothing
    or one note)."""
    planned = 0
    rows = session.execute(
        select(HuddleSettings, Team)
        .join(Team, Team.id == HuddleSettings.team_id)
        .where(HuddleSettings.days != "", Team.channel_id.is_not(None))
    ).all()
    for settings, team in rows:
        due = rules.due_huddles(
            days=parse_days(settings.days),
            at=parse_time(settings.at),
            tz_name=team.tz,
            lead_minutes=settings.lead_minutes,
            now=now,
        )
        for huddle in due:
            key = f"{HUDDLE_SCHEDULED}:{team.id}:{huddle.day.isoformat()}"
            if session.scalar(select(Huddle.id).where(Huddle.key == key)) is not None:
                continue
            day_off = session.scalar(
                select(TeamSkipDate.id).where(TeamSkipDate.team_id == team.id, TeamSkipDate.day == huddle.day)
            )
            if day_off is not None and not settings.skip_notice:
                continue
            created = plan_huddle(
                session=session,
                team=load_team(session=session, team_id=team.id),
                kind=HUDDLE_DAY_OFF if day_off is not None else HUDDLE_SCHEDULED,
                day=huddle.day,
                starts_at=huddle.starts_at,
                key=key,
                now=now,
            )
            planned += created is not None
    return planned


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
