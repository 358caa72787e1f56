"""The effort leaderboard (who took the most swings this month) and the shout-outs a person received."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.shoutouts import (
    SHOUTOUT_SWING,
    EffortRow,
    describe_swings,
    month_start,
    rank_effort,
)
from bot.models import Person, StretchMoment
from bot.models.shoutouts import (
    Shoutout,
    ShoutoutRecipient,
)
from bot.services.teams import load_team


@dataclass(frozen=True)
class EffortEntry:
    """One person on the effort leaderboard."""

    person_id: int
    user_id: str
    display_name: str
    swings: int
    described: str


def effort_leaderboard(*, session: Session, team_id: int, now: datetime, limit: int = 5) -> list[EffortEntry]:
    """Who on the team took the most swings this month (team's zone): moments plus shout-outs received."""
    team = load_team(session=session, team_id=team_id)
    since = month_start(now, team.tz)
    people = {m.person_id: m.person for m in team.memberships}
    swings: list[tuple[int, str]] = [
        (person_id, kind)
        for person_id, kind in session.execute(
            select(StretchMoment.person_id, StretchMoment.kind).where(
                StretchMoment.team_id == team_id,
                StretchMoment.occurred_at >= since,
                StretchMoment.occurred_at <= now,
            )
        )
    ]
    swings += [
        (person_id, SHOUTOUT_SWING)
        for person_id in session.scalars(
            select(ShoutoutRecipient.person_id)
            .join(Shoutout, Shoutout.id == ShoutoutRecipient.shoutout_id)
            .where(Shoutout.team_id == team_id, Shoutout.created_at >= since, Shoutout.created_at <= now)
        )
    ]
    names = {pid: (p.display_name or p.slack_user_id) for pid, p in people.items()}
    rows: list[EffortRow[int]] = rank_effort(
        ((who, kind) for who, kind in swings if who in people), limit=limit, order=names
    )
    return [
        EffortEntry(
            person_id=row.who,
            user_id=people[row.who].slack_user_id,
            display_name=names[row.who],
            swings=row.swings,
            described=describe_swings(row.by_kind),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class ReceivedShoutout:
    """A shout-out someone received, as their own App Home lists it."""

    giver_name: str
    text: str
    created_at: datetime


def shoutouts_received(
    *, session: Session, person_id: int, limit: int = 3
) -> tuple[int, list[ReceivedShoutout]]:
    """How many shout-outs the person has received in all, and the latest few (newest first)."""
    from sqlalchemy import func

    total = (
        session.scalar(
            select(func.count())
            .select_from(ShoutoutRecipient)
            .where(ShoutoutRecipient.person_id == person_id)
        )
        or 0
    )
    giver = Person.__table__.alias("giver")
    rows = session.execute(
        select(giver.c.display_name, Shoutout.text, Shoutout.created_at)
        .join(ShoutoutRecipient, ShoutoutRecipient.shoutout_id == Shoutout.id)
        .join(giver, giver.c.id == Shoutout.giver_person_id)
        .where(ShoutoutRecipient.person_id == person_id)
        .order_by(Shoutout.created_at.desc(), Shoutout.id.desc())
        .limit(limit)
    ).all()
    return total, [
        ReceivedShoutout(giver_name=name or "a teammate", text=text, created_at=at) for name, text, at in rows
    ]
