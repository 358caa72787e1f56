"""Who replied in a huddle's thread: replies counted as who and when (never read), updates posted from the
"Post my update" modal (with what someone is stuck on), and whether Stretch can read the thread at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import kinds
from bot.deliveries import PENDING
from bot.domain import huddles as rules
from bot.domain.errors import NotAllowedError, UserError
from bot.domain.text import escape
from bot.models import (
    Delivery,
    Huddle,
    HuddleReply,
    HuddleStuck,
    Membership,
    Person,
    Team,
)
from bot.models.huddles import (
    HUDDLE_DAY_OFF,
    REPLY_THREAD,
    REPLY_UPDATE,
)
from bot.services.huddles.card import dm_managers
from bot.services.teams import load_team

# --- counting thread replies ------------------------------------------------------------------------------


def huddle_for_thread(*, session: Session, channel_id: str, thread_ts: str) -> Huddle | None:
    """The huddle whose card is the parent of this thread, if any."""
    return session.scalar(
        select(Huddle).where(Huddle.channel_id == channel_id, Huddle.message_ts == thread_ts).limit(1)
    )


def _team_member(session: Session, team_id: int, user_id: str) -> Person | None:
    return session.scalar(
        select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.team_id == team_id, Person.slack_user_id == user_id)
    )


def _count_reply(
    session: Session, huddle_id: int, person_id: int, message_ts: str, source: str, now: datetime
) -> None:
    session.add(
        HuddleReply(
            huddle_id=huddle_id, person_id=person_id, message_ts=message_ts, source=source, posted_at=now
        )
    )


def record_thread_reply(
    *, session: Session, channel_id: str, thread_ts: str, user_id: str, message_ts: str, now: datetime
) -> bool:
    """Count a reply in a huddle thread (once per message, whatever the edits); True if it was new."""
    huddle = huddle_for_thread(session=session, channel_id=channel_id, thread_ts=thread_ts)
    if huddle is None or not message_ts or message_ts == thread_ts:
        return False
    person = _team_member(session, huddle.team_id, user_id)
    if person is None:
        return False
    existing = session.scalar(
        select(HuddleReply).where(HuddleReply.huddle_id == huddle.id, HuddleReply.message_ts == message_ts)
    )
    if existing is not None:
        return False
    _count_reply(session, huddle.id, person.id, message_ts, REPLY_THREAD, now)
    session.flush()
    return True


def record_reply_deleted(
    *, session: Session, channel_id: str, thread_ts: str, message_ts: str, now: datetime
) -> bool:
    """A reply was deleted: it no longer counts. True if it had been counted."""
    huddle = huddle_for_thread(session=session, channel_id=channel_id, thread_ts=thread_ts)
    if huddle is None:
        return False
    reply = session.scalar(
        select(HuddleReply).where(HuddleReply.huddle_id == huddle.id, HuddleReply.message_ts == message_ts)
    )
    if reply is None or reply.deleted_at is not None:
        return False
    reply.deleted_at = now
    return True


def reply_counts(*, session: Session, huddle_id: int) -> dict[int, int]:
    """Live (not deleted) replies per person id in a huddle's thread."""
    rows = session.execute(
        select(HuddleReply.person_id, func.count())
        .where(HuddleReply.huddle_id == huddle_id, HuddleReply.deleted_at.is_(None))
        .group_by(HuddleReply.person_id)
    ).all()
    return {person_id: count for person_id, count in rows}


# --- the "Post my update" modal ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UpdateTarget:
    """Where an update goes: the huddle's thread, for a member of its team."""

    huddle_id: int
    team_name: str
    channel_id: str
    thread_ts: str
    person_id: int


def update_target(*, session: Session, huddle_id: int, user_id: str) -> UpdateTarget:
    """Check the person may post an update to this huddle's thread."""
    huddle = session.get(Huddle, huddle_id)
    if huddle is None or huddle.message_ts is None or huddle.kind == HUDDLE_DAY_OFF:
        raise UserError("That huddle can't be found any more. Reply in the latest huddle card's thread.")
    team = session.get(Team, huddle.team_id)
    assert team is not None
    person = _team_member(session, huddle.team_id, user_id)
    if person is None:
        raise NotAllowedError(
            f"This is *{escape(team.name)}*'s huddle, and you're not on that team. Ask its manager to add you."
        )
    return UpdateTarget(
        huddle_id=huddle.id,
        team_name=team.name,
        channel_id=huddle.channel_id,
        thread_ts=huddle.message_ts,
        person_id=person.id,
    )


def record_update(
    *, session: Session, target: UpdateTarget, message_ts: str, stuck: str, now: datetime
) -> None:
    """Count an update posted from the modal; hold "stuck" text only until the managers are told."""
    _count_reply(session, target.huddle_id, target.person_id, message_ts, REPLY_UPDATE, now)
    if not stuck:
        return
    item = HuddleStuck(huddle_id=target.huddle_id, person_id=target.person_id, text=stuck, created_at=now)
    session.add(item)
    session.flush()
    recaps = session.scalars(
        select(Delivery.status).where(
            Delivery.kind == kinds.HUDDLE_RECAP, Delivery.ref_id == target.huddle_id
        )
    ).all()
    if recaps and PENDING not in recaps:
        # The recap is gone already: managers hear about this one on its own, right away.
        huddle = session.get(Huddle, target.huddle_id)
        assert huddle is not None
        team = load_team(session=session, team_id=huddle.team_id)
        dm_managers(
            session=session,
            team=team,
            kind=kinds.HUDDLE_STUCK,
            key=kinds.huddle_stuck_prefix(item.id),
            due_at=now,
            ref_id=item.id,
            now=now,
        )


# --- can Stretch read the thread? (issue 15, item 9) ----------------------------------------------------


def threads_to_check(*, session: Session, now: datetime, limit: int = 50) -> list[tuple[int, str]]:
    """(huddle id, channel) of posted huddles whose recap time has come and whose thread nobody has
    checked yet: whether Stretch could read it decides if silence in it counts."""
    rows = session.execute(
        select(Huddle.id, Huddle.channel_id)
        .where(
            Huddle.kind != HUDDLE_DAY_OFF,
            Huddle.posted_at.is_not(None),
            Huddle.thread_readable.is_(None),
            Huddle.starts_at <= now - rules.RECAP_AFTER,
        )
        .order_by(Huddle.starts_at)
        .limit(limit)
    ).all()
    return [(huddle_id, channel) for huddle_id, channel in rows]


def mark_thread_readable(*, session: Session, huddle_id: int, readable: bool) -> None:
    """Remember whether Stretch could read the huddle's thread."""
    huddle = session.get(Huddle, huddle_id)
    if huddle is not None:
        huddle.thread_readable = readable
