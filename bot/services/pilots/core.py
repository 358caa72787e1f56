"""A pilot as every message shows it (PilotFacts), loading one, the team's working days, and who may
steer a pilot (its owner or the team's managers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.domain import pilots as rules
from bot.domain.errors import NotAllowedError, UserError
from bot.domain.schedule import parse_days
from bot.domain.text import escape
from bot.models import ROLE_MANAGER, Pilot, PilotParticipant, Team, TeamSkipDate
from bot.services.moments import record_moment


@dataclass(frozen=True)
class PilotFacts:
    """The parts of a pilot every message shows, as plain data."""

    id: int
    title: str
    not_goal: str
    growth_metric: str
    observe: str
    start: date
    length_days: int
    iteration: int
    status: str
    owner_id: str
    participants: tuple[str, ...]

    @property
    def end(self) -> date:
        """The last day."""
        return rules.end_day(self.start, self.length_days)

    @property
    def name(self) -> str:
        """Its title, with the version once it has been tweaked."""
        return f"{self.title} (v{self.iteration})" if self.iteration > 1 else self.title


def facts_of(pilot: Pilot) -> PilotFacts:
    """A pilot row as plain data for the message builders."""
    return PilotFacts(
        id=pilot.id,
        title=pilot.title,
        not_goal=pilot.not_goal,
        growth_metric=pilot.growth_metric,
        observe=pilot.observe,
        start=pilot.start_date,
        length_days=pilot.length_days,
        iteration=pilot.iteration,
        status=pilot.status,
        owner_id=pilot.owner.slack_user_id,
        participants=tuple(p.person.slack_user_id for p in pilot.participants),
    )


def skip_dates_of(*, session: Session, team_id: int) -> set[date]:
    """The team's skip dates (holidays)."""
    return set(session.scalars(select(TeamSkipDate.day).where(TeamSkipDate.team_id == team_id)))


def team_days(team: Team) -> tuple[str, ...]:
    """The days this team works (for moving reminders and the default start)."""
    return rules.working_days(parse_days(team.checkin_days))


def default_start(session: Session, team: Team, now: datetime) -> date:
    """The team's next working day (not a skip date), where a new pilot starts."""
    return rules.default_start(
        now=now,
        tz_name=team.tz,
        team_days=team_days(team),
        skip_dates=skip_dates_of(session=session, team_id=team.id),
    )


def role_in(team: Team, user_id: str) -> str | None:
    """The person's role on the team, None when they aren't on it."""
    for membership in team.memberships:
        if membership.person.slack_user_id == user_id:
            return membership.role
    return None


def load_pilot(*, session: Session, pilot_id: int) -> Pilot:
    """A pilot with its participants and team loaded; UserError when it is gone."""
    pilot = session.scalar(
        select(Pilot)
        .where(Pilot.id == pilot_id)
        .options(
            selectinload(Pilot.participants).selectinload(PilotParticipant.person), selectinload(Pilot.owner)
        )
    )
    if pilot is None:
        raise UserError("That pilot no longer exists. `/stretch pilots` lists your team's pilots.")
    return pilot


def closed_error(pilot: Pilot) -> UserError:
    """The error for acting on a pilot that has been decided."""
    when = f" on {pilot.decided_at:%a %d %b}" if pilot.decided_at else ""
    verb = {"kept": "kept as a standing practice", "tweaked": "tweaked into a next version"}.get(
        pilot.status, pilot.status
    )
    return UserError(
        f"*{escape(pilot.title)}* is closed: it was {verb}{when}. Start a new one with `/stretch pilot`.",
        hint="`/stretch pilots` shows the team's pilots and their versions.",
    )


def check_may_steer(pilot: Pilot, team: Team, user_id: str) -> None:
    """The owner (while on the team) or any of the team's managers may edit, tweak and decide."""
    role = role_in(team, user_id)
    if role == ROLE_MANAGER:
        return
    if pilot.owner.slack_user_id == user_id:
        if role is None:
            raise NotAllowedError(
                f"You're no longer on *{escape(team.name)}*, so its managers decide this pilot now."
            )
        return
    raise NotAllowedError(
        f"Only the pilot's owner (<@{pilot.owner.slack_user_id}>) or a manager of *{escape(team.name)}* can do that."
    )


def record_pilot_moment(
    *, session: Session, pilot: Pilot, person_id: int, kind: str, verb: str, now: datetime
) -> None:
    """A stretch moment (once per person) for someone who `verb`s the pilot: "joined" or "tried"."""
    record_moment(
        session=session,
        team_id=pilot.team_id,
        person_id=person_id,
        kind=kind,
        summary=f"{verb} the pilot '{pilot.title}' to get better at {pilot.growth_metric}",
        dedupe_key=f"pilot:{pilot.id}:{verb}:{person_id}",
        ref_id=pilot.id,
        now=now,
    )
