"""Building a rep's check-in history straight in the database (weeks of ticks would be slow)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from bot import kinds
from bot.db import SessionFactory, session_scope
from bot.domain.checkins import end_of_day
from bot.domain.schedule import local_moment, scheduled_dates
from bot.models import Delivery, Person
from bot.models.checkins import Checkin

NY = "America/New_York"
AT = time(9, 30)


def person_id(factory: SessionFactory, user_id: str) -> int:
    with factory() as session:
        found = session.scalar(select(Person.id).where(Person.slack_user_id == user_id))
        assert found is not None
        return found


def add_history(
    factory: SessionFactory,
    *,
    team_id: int,
    user_id: str,
    start: date,
    end: date,
    status: str = "answered",
    readiness: int = 4,
    tz: str = NY,
) -> list[date]:
    """One check-in per Mon/Wed/Fri from start to end (inclusive), all with the same status."""
    pid = person_id(factory, user_id)
    days = list(scheduled_dates(("mon", "wed", "fri"), start, end))
    with session_scope(factory) as session:
        for day in days:
            due = local_moment(day, AT, tz)
            answered = status == "answered"
            existing = session.scalar(
                select(Checkin).where(Checkin.person_id == pid, Checkin.local_date == day)
            )
            if existing is not None:  # the tick already planned it: just say how it went
                existing.status = status
                continue
            session.add(
                Checkin(
                    team_id=team_id,
                    person_id=pid,
                    local_date=day,
                    tz=tz,
                    due_at=due,
                    closes_at=due + timedelta(days=2),
                    day_ends_at=end_of_day(day, tz),
                    status=status,
                    sent_at=due,
                    first_answer_at=due + timedelta(minutes=25) if answered else None,
                    readiness=readiness if answered else None,
                    zone="stretch" if answered else None,
                    created_at=due,
                )
            )
    return days


def set_status(factory: SessionFactory, *, user_id: str, day: date, status: str) -> None:
    pid = person_id(factory, user_id)
    with session_scope(factory) as session:
        checkin = session.scalar(select(Checkin).where(Checkin.person_id == pid, Checkin.local_date == day))
        assert checkin is not None
        checkin.status = status
        if status == "answered":
            checkin.first_answer_at = checkin.due_at + timedelta(hours=1)
            checkin.readiness = 4


def alert_deliveries(factory: SessionFactory) -> list[Delivery]:
    """Only this feature's DMs (other features DM people at the same hours)."""
    with factory() as session:
        return list(
            session.scalars(select(Delivery).where(Delivery.kind == kinds.QUIET_ALERT).order_by(Delivery.id))
        )


def utc(*args: int) -> datetime:
    from datetime import UTC

    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]
