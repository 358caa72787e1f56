"""What other features and the App Home read of check-ins: a rep's latest zone and their own pulse."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain import checkins as rules
from bot.domain.availability import is_available
from bot.domain.schedule import local_date, parse_days, parse_time
from bot.models import ROLE_REP, Membership, Person, Team
from bot.models.checkins import CHECKIN_ANSWERED, CHECKIN_MISSED, CHECKIN_OPEN, Checkin
from bot.services.checkins.availability import skip_dates


def latest_zone(*, session: Session, team_id: int, person_id: int) -> str | None:
    """The zone of the person's most recent answered check-in in this team, or None."""
    return session.scalar(
        select(Checkin.zone)
        .where(Checkin.team_id == team_id, Checkin.person_id == person_id, Checkin.zone.is_not(None))
        .order_by(Checkin.due_at.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class Pulse:
    """A rep's own pulse for their App Home."""

    zones: tuple[str | None, ...]
    readiness: tuple[int | None, ...]
    next_checkin: datetime | None
    tz: str
    away_until: date | None
    is_rep: bool


def pulse_of(*, session: Session, person: Person, now: datetime, limit: int = 8) -> Pulse:
    """The person's last `limit` check-ins (oldest first), their next check-in and away status."""
    rows = session.execute(
        select(Checkin.zone, Checkin.readiness, Checkin.status)
        .where(
            Checkin.person_id == person.id,
            Checkin.status.in_((CHECKIN_ANSWERED, CHECKIN_MISSED, CHECKIN_OPEN)),
            Checkin.due_at <= now,
        )
        .order_by(Checkin.due_at.desc())
        .limit(limit)
    ).all()
    rows = list(reversed(rows))
    teams = session.scalars(
        select(Team)
        .join(Membership, Membership.team_id == Team.id)
        .where(Membership.person_id == person.id, Membership.role == ROLE_REP)
    ).all()
    today = local_date(now, person.tz)
    away_until = person.away_until if person.away_until is not None and person.away_until >= today else None
    upcoming: list[datetime] = []
    skips = skip_dates(
        session, [t.id for t in teams], today, today + timedelta(days=rules.MAX_AWAY_DAYS + 14)
    )
    for team in teams:
        days, at = parse_days(team.checkin_days), parse_time(team.checkin_time)
        after = now
        for _ in range(60):
            slot = rules.next_slot(days, at, person.tz, after=after)
            if slot is None:
                break
            if (team.id, slot.local_date) not in skips and is_available(
                slot.local_date, away_from=person.away_from, away_until=person.away_until, skip_dates=()
            ):
                upcoming.append(slot.due_at)
                break
            after = slot.due_at
    return Pulse(
        zones=tuple(r.zone for r in rows),
        readiness=tuple(r.readiness for r in rows),
        next_checkin=min(upcoming) if upcoming else None,
        tz=person.tz,
        away_until=away_until,
        is_rep=bool(teams),
    )
