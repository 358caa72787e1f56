"""Who is not checking in on a day: a rep's away span (`/stretch away`, `back`, the App Home) and a
team's skip dates (`/stretch skip`, `unskip`), and the send-time check that both cancel a check-in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.domain import checkins as rules
from bot.domain.availability import is_available
from bot.domain.errors import NotInTeamError
from bot.domain.schedule import local_date
from bot.models import Person, TeamSkipDate, Workspace
from bot.models.checkins import Checkin
from bot.services.people import find_person
from bot.services.teams import NOT_IN_TEAM, teams_of


def skip_dates(session: Session, team_ids: Iterable[int], start: date, end: date) -> set[tuple[int, date]]:
    """(team, day) for every skip date of these teams from `start` to `end`, inclusive."""
    ids = list(set(team_ids))
    if not ids:
        return set()
    return set(
        session.execute(
            select(TeamSkipDate.team_id, TeamSkipDate.day).where(
                TeamSkipDate.team_id.in_(ids), TeamSkipDate.day >= start, TeamSkipDate.day <= end
            )
        )
    )


def _person(session: Session, workspace: Workspace, user_id: str) -> Person:
    person = session.scalar(
        select(Person).where(Person.workspace_id == workspace.id, Person.slack_user_id == user_id)
    )
    if person is None or not teams_of(session=session, workspace_id=workspace.id, user_id=user_id):
        raise NotInTeamError(NOT_IN_TEAM)
    return person


def today_of(*, session: Session, workspace_id: int, user_id: str, now: datetime) -> date:
    """The person's local date (UTC's for someone Stretch doesn't know yet): away and skip dates count
    from it."""
    person = find_person(session=session, workspace_id=workspace_id, user_id=user_id)
    return local_date(now, person.tz if person else "UTC")


def set_away(*, session: Session, workspace: Workspace, user_id: str, text: str, now: datetime) -> Person:
    """Mark the person away from today (their local date) until the date asked for, inclusive."""
    person = _person(session, workspace, user_id)
    today = local_date(now, person.tz)
    until = rules.parse_away(text, today=today)
    person.away_from, person.away_until = today, until
    return person


def set_away_until(
    *, session: Session, workspace: Workspace, user_id: str, until: date, now: datetime
) -> Person:
    """The App Home's Away modal: away from today until `until`, inclusive."""
    return set_away(
        session=session, workspace=workspace, user_id=user_id, text=f"until {until.isoformat()}", now=now
    )


def clear_away(*, session: Session, workspace: Workspace, user_id: str, now: datetime) -> bool:
    """Back: end the away span; False if they weren't away."""
    person = _person(session, workspace, user_id)
    today = local_date(now, person.tz)
    was_away = person.away_until is not None and person.away_until >= today
    person.away_from, person.away_until = None, None
    return was_away


def add_skip_date(
    *, session: Session, team_id: int, day: date, today: date, actor: str, now: datetime, reason: str = ""
) -> bool:
    """Add a team skip date; False if it was already there."""
    rules.check_skip_date(day, today=today)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(TeamSkipDate)
        .values(team_id=team_id, day=day, reason=reason[:200], created_by=actor[:32], created_at=now)
        .on_conflict_do_nothing()
        .returning(TeamSkipDate.id)
    )
    return session.execute(statement).first() is not None


def remove_skip_date(*, session: Session, team_id: int, day: date) -> bool:
    """Remove a team skip date; False if it wasn't there."""
    found = session.scalar(
        select(TeamSkipDate).where(TeamSkipDate.team_id == team_id, TeamSkipDate.day == day)
    )
    if found is None:
        return False
    session.delete(found)
    return True


def upcoming_skip_dates(*, session: Session, team_id: int, today: date) -> list[date]:
    """The team's skip dates from today on."""
    return list(
        session.scalars(
            select(TeamSkipDate.day)
            .where(TeamSkipDate.team_id == team_id, TeamSkipDate.day >= today)
            .order_by(TeamSkipDate.day)
        )
    )


def is_excused_now(*, session: Session, checkin: Checkin) -> bool:
    """Whether the rep is away, or the team skips, on the check-in's local date (checked at send time)."""
    person = session.get(Person, checkin.person_id)
    if person is None:
        return True
    skipped = session.scalar(
        select(func.count())
        .select_from(TeamSkipDate)
        .where(TeamSkipDate.team_id == checkin.team_id, TeamSkipDate.day == checkin.local_date)
    )
    return bool(skipped) or not is_available(
        checkin.local_date, away_from=person.away_from, away_until=person.away_until, skip_dates=()
    )
