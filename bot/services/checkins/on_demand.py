"""`/stretch checkin`: today's check-in early (creating it), or the latest still-open one to catch up on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot import kinds
from bot.deliveries import enqueue
from bot.domain import checkins as rules
from bot.domain.availability import is_available
from bot.domain.errors import UserError
from bot.domain.schedule import format_local, local_date, local_moment, parse_days, parse_time, weekday_key
from bot.models import ROLE_REP, Person, Team, Workspace
from bot.models.checkins import CHECKIN_OPEN, Checkin
from bot.services.checkins.answering import ANSWERABLE
from bot.services.checkins.availability import skip_dates
from bot.services.teams import PickTeamError, resolve_team, teams_of


@dataclass(frozen=True)
class OnDemand:
    """The check-in `/stretch checkin` hands out and whether its DM still has to be sent."""

    checkin_id: int
    delivery_key: str
    already_sent: bool


def _new_checkin_values(
    *, team: Team, person: Person, day: date, due_at: datetime, status: str, now: datetime
) -> dict[str, Any]:
    days, at = parse_days(team.checkin_days), parse_time(team.checkin_time)
    following = rules.next_slot(days, at, person.tz, after=max(due_at, local_moment(day, at, person.tz)))
    return {
        "team_id": team.id,
        "person_id": person.id,
        "local_date": day,
        "tz": person.tz,
        "due_at": due_at,
        "closes_at": following.due_at if following else due_at + timedelta(days=7),
        "day_ends_at": rules.end_of_day(day, person.tz),
        "status": status,
        "created_at": now,
    }


def checkin_on_demand(
    *,
    session: Session,
    workspace: Workspace,
    user_id: str,
    channel_id: str | None,
    now: datetime,
    team_id: int | None = None,
) -> OnDemand:
    """Today's check-in early (creating it), or the latest still-open one to catch up on."""
    roles = teams_of(session=session, workspace_id=workspace.id, user_id=user_id)
    rep_roles = [r for r in roles if r.role == ROLE_REP]
    if roles and not rep_roles:
        raise UserError(
            "Check-ins go to the reps on your team; as a manager you'll see how they're doing in the digest."
        )
    try:
        # The same rule as every command: typed in another team's channel, it is refused.
        role = resolve_team(
            session=session,
            workspace_id=workspace.id,
            user_id=user_id,
            channel_id=channel_id,
            team_id=team_id,
        )
    except PickTeamError:
        if len(rep_roles) != 1:
            raise
        role = rep_roles[0]  # only one team checks in on them: no need to ask which
    if role.role != ROLE_REP:
        role = rep_roles[0]
    team = role.team
    person = session.scalar(
        select(Person).where(Person.workspace_id == workspace.id, Person.slack_user_id == user_id)
    )
    assert person is not None
    today = local_date(now, person.tz)
    days, at = parse_days(team.checkin_days), parse_time(team.checkin_time)
    skipped = (team.id, today) in skip_dates(session, [team.id], today, today)
    available = is_available(
        today,
        away_from=person.away_from,
        away_until=person.away_until,
        skip_dates={today} if skipped else set(),
    )
    checkin = session.scalar(
        select(Checkin).where(
            Checkin.team_id == team.id, Checkin.person_id == person.id, Checkin.local_date == today
        )
    )
    if checkin is None and available and weekday_key(today) in days:
        values = _new_checkin_values(
            team=team,
            person=person,
            day=today,
            due_at=min(now, local_moment(today, at, person.tz)),
            status=CHECKIN_OPEN,
            now=now,
        )
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(insert(Checkin).values(**values).on_conflict_do_nothing())
        checkin = session.scalar(
            select(Checkin).where(
                Checkin.team_id == team.id, Checkin.person_id == person.id, Checkin.local_date == today
            )
        )
    if checkin is None or checkin.status not in ANSWERABLE or now >= checkin.closes_at:
        checkin = session.scalar(
            select(Checkin)
            .where(
                Checkin.team_id == team.id,
                Checkin.person_id == person.id,
                Checkin.status.in_(ANSWERABLE),
                Checkin.closes_at > now,
            )
            .order_by(Checkin.due_at.desc())
            .limit(1)
        )
    if checkin is None:
        upcoming = rules.next_slot(days, at, person.tz, after=now)
        when = f" Your next one is {_format_when(upcoming.due_at, person.tz)}." if upcoming else ""
        reason = "You're away today." if not available else "There's no check-in open right now."
        raise UserError(reason + when)
    key = kinds.checkin_key(team.id, person.id, checkin.local_date)
    enqueue(
        session=session,
        kind=kinds.CHECKIN,
        dedupe_key=key,
        channel=person.slack_user_id,
        due_at=now,
        now=now,
        expires_at=checkin.closes_at,
        team_id=team.id,
        person_id=person.id,
        ref_id=checkin.id,
    )
    return OnDemand(checkin_id=checkin.id, delivery_key=key, already_sent=checkin.message_ts is not None)


def _format_when(moment: datetime, tz: str) -> str:
    return format_local(moment, tz)


def mark_posted(*, session: Session, checkin_id: int, channel: str, ts: str, now: datetime) -> None:
    """Remember where a check-in's DM now is (after a re-post on demand)."""
    checkin = session.get(Checkin, checkin_id)
    if checkin is not None:
        checkin.message_channel, checkin.message_ts = channel, ts
        checkin.sent_at = checkin.sent_at or now
