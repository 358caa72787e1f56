"""The anonymous weekly "pushed to cut corners?" question: turning it on, counting answers, the aggregate.

Only counts are kept (never / a little / yes per team and week). Which rep said what is never stored:
the only per-person fact is *that* someone answered this week, so nobody is counted twice. The
aggregate is shown only to managers, in the digest, and only once at least 3 people answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.domain.errors import NotAllowedError, UserError
from bot.domain.schedule import local_date
from bot.models import Person
from bot.models.checkins import Checkin
from bot.models.checkpoints import PressureAnswered, PressureWeek, TeamPressureSetting
from bot.services.checkins.answering import ANSWERABLE, week_start

NEVER = "never"
A_LITTLE = "a_little"
YES = "yes"
CHOICES = ((NEVER, "never"), (A_LITTLE, "a little"), (YES, "yes"))
PROMPT = "This week, did you feel pushed to cut corners with a customer?"
MIN_PEOPLE = 3


def is_enabled(*, session: Session, team_id: int) -> bool:
    """Whether the team asks the pressure question (off by default)."""
    return bool(
        session.scalar(select(TeamPressureSetting.enabled).where(TeamPressureSetting.team_id == team_id))
    )


def set_enabled(*, session: Session, team_id: int, enabled: bool, now: datetime) -> None:
    """Turn the question on or off for the team."""
    row = session.get(TeamPressureSetting, team_id)
    if row is None:
        session.add(TeamPressureSetting(team_id=team_id, enabled=enabled, updated_at=now))
    else:
        row.enabled = enabled
        row.updated_at = now
    session.flush()


def record_pressure(*, session: Session, checkin_id: int, user_id: str, choice: str, now: datetime) -> None:
    """Count one anonymous answer in the check-in's week (once per person and week)."""
    if choice not in {value for value, _ in CHOICES}:
        raise UserError("That answer isn't one of the choices; nothing was counted.")
    checkin = session.get(Checkin, checkin_id)
    person = session.get(Person, checkin.person_id) if checkin is not None else None
    if checkin is None or person is None or person.slack_user_id != user_id:
        raise NotAllowedError("That check-in belongs to someone else, so nothing was counted.")
    if checkin.status not in ANSWERABLE or now >= checkin.closes_at:
        raise UserError("That check-in has closed, so nothing was counted.")
    if not is_enabled(session=session, team_id=checkin.team_id):
        raise UserError("Your team no longer asks this question, so nothing was counted.")
    monday = week_start(checkin.local_date)
    already = session.scalar(
        select(PressureAnswered.id).where(
            PressureAnswered.team_id == checkin.team_id,
            PressureAnswered.week_start == monday,
            PressureAnswered.person_id == checkin.person_id,
        )
    )
    if already is not None:
        raise UserError("You already answered this week. It was counted anonymously, so it can't be changed.")
    session.add(PressureAnswered(team_id=checkin.team_id, week_start=monday, person_id=checkin.person_id))
    week = session.scalar(
        select(PressureWeek).where(PressureWeek.team_id == checkin.team_id, PressureWeek.week_start == monday)
    )
    if week is None:
        week = PressureWeek(team_id=checkin.team_id, week_start=monday, never=0, a_little=0, yes=0)
        session.add(week)
        session.flush()
    column = {NEVER: PressureWeek.never, A_LITTLE: PressureWeek.a_little, YES: PressureWeek.yes}[choice]
    # One UPDATE … SET n = n + 1: two answers at the same instant both count.
    session.execute(
        update(PressureWeek)
        .where(PressureWeek.id == week.id)
        .values({column.key: column + 1})
        .execution_options(synchronize_session=False)
    )
    session.flush()


@dataclass(frozen=True)
class PressureSummary:
    """The team's answers for a week, and the week before (None when fewer than 3 answered then)."""

    week_start: date
    answered: int
    felt: int
    yes: int
    previous_felt: int | None

    @property
    def line(self) -> str:
        """'Pressure to cut corners: 2 of 6 felt it this week (up from 0)'."""
        text = f"Pressure to cut corners: {self.felt} of {self.answered} felt it this week"
        if self.previous_felt is not None:
            if self.felt > self.previous_felt:
                text += f" (up from {self.previous_felt})"
            elif self.felt < self.previous_felt:
                text += f" (down from {self.previous_felt})"
            else:
                text += " (same as last week)"
        if self.yes:
            text += f"; {self.yes} said plainly yes"
        return text


def _week(session: Session, team_id: int, monday: date) -> PressureWeek | None:
    return session.scalar(
        select(PressureWeek).where(PressureWeek.team_id == team_id, PressureWeek.week_start == monday)
    )


def pressure_summary(*, session: Session, team_id: int, now: datetime, tz: str) -> PressureSummary | None:
    """This week's aggregate for the digest, or None (question off, or fewer than 3 answers)."""
    if not is_enabled(session=session, team_id=team_id):
        return None
    monday = week_start(local_date(now, tz))
    week = _week(session, team_id, monday)
    if week is None:
        return None
    answered = week.never + week.a_little + week.yes
    if answered < MIN_PEOPLE:
        return None
    previous = _week(session, team_id, monday - timedelta(days=7))
    previous_felt = None
    if previous is not None and previous.never + previous.a_little + previous.yes >= MIN_PEOPLE:
        previous_felt = previous.a_little + previous.yes
    return PressureSummary(
        week_start=monday,
        answered=answered,
        felt=week.a_little + week.yes,
        yes=week.yes,
        previous_felt=previous_felt,
    )
