"""The managers' recap after a huddle (who posted, who didn't, who was away, who is stuck) and late stuck
notes; stuck text is deleted once the managers have been told."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import kinds
from bot.deliveries import PENDING
from bot.models import (
    Delivery,
    Huddle,
    HuddleStuck,
    Person,
    Team,
)
from bot.services.huddles.replies import reply_counts

# --- the managers' recap ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recap:
    """Who posted in a huddle's thread, who didn't, who was away, and what was flagged as stuck."""

    team_name: str
    channel_id: str
    thread_ts: str
    starts_at: datetime
    tz: str
    posted: tuple[tuple[str, int], ...]
    not_posted: tuple[str, ...]
    away: tuple[str, ...]
    stuck: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    # False when Slack wouldn't let Stretch read the thread: then nobody is listed as not having posted.
    thread_readable: bool = True


def huddle_recap(*, session: Session, huddle_id: int) -> Recap | None:
    """The recap, or None when the card never made it to the channel."""
    huddle = session.get(Huddle, huddle_id)
    if huddle is None or huddle.message_ts is None:
        return None
    team = session.get(Team, huddle.team_id)
    assert team is not None
    counts = reply_counts(session=session, huddle_id=huddle.id)
    ids = set(counts) | set(huddle.expected) | set(huddle.away)
    stuck_rows = session.scalars(
        select(HuddleStuck).where(HuddleStuck.huddle_id == huddle.id).order_by(HuddleStuck.id)
    ).all()
    ids.update(s.person_id for s in stuck_rows)
    users = dict(session.execute(select(Person.id, Person.slack_user_id).where(Person.id.in_(ids))).all())
    readable = huddle.thread_readable is not False
    return Recap(
        team_name=team.name,
        channel_id=huddle.channel_id,
        thread_ts=huddle.message_ts,
        starts_at=huddle.starts_at,
        tz=team.tz,
        posted=tuple((users[pid], n) for pid, n in sorted(counts.items()) if pid in users),
        not_posted=tuple(users[pid] for pid in huddle.expected if pid not in counts and pid in users)
        if readable
        else (),
        away=tuple(users[pid] for pid in huddle.away if pid in users),
        stuck=tuple((users[s.person_id], s.text) for s in stuck_rows if s.person_id in users),
        thread_readable=readable,
    )


def forget_stuck_when_told(*, session: Session, huddle_id: int) -> int:
    """Delete the huddle's stuck notes once no recap to a manager is still waiting; returns how many."""
    waiting = session.scalar(
        select(func.count()).where(
            Delivery.kind == kinds.HUDDLE_RECAP, Delivery.ref_id == huddle_id, Delivery.status == PENDING
        )
    )
    if waiting:
        return 0
    rows = session.scalars(select(HuddleStuck).where(HuddleStuck.huddle_id == huddle_id)).all()
    for row in rows:
        session.delete(row)
    return len(rows)


def stuck_note(*, session: Session, stuck_id: int) -> tuple[Recap, str, str] | None:
    """A late stuck note (sent after the recap): the huddle, who, and the text."""
    item = session.get(HuddleStuck, stuck_id)
    if item is None:
        return None
    recap = huddle_recap(session=session, huddle_id=item.huddle_id)
    person = session.get(Person, item.person_id)
    if recap is None or person is None:
        return None
    return recap, person.slack_user_id, item.text


def forget_stuck_note(*, session: Session, stuck_id: int) -> None:
    """Delete a late stuck note once no DM about it is still waiting."""
    waiting = session.scalar(
        select(func.count()).where(
            Delivery.kind == kinds.HUDDLE_STUCK, Delivery.ref_id == stuck_id, Delivery.status == PENDING
        )
    )
    item = session.get(HuddleStuck, stuck_id)
    if not waiting and item is not None:
        session.delete(item)
