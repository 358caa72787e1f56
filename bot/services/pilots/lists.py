"""Pilots listed: a team's chains of versions, a person's own pilots, and the summary's recipients and
review lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.domain import pilots as rules
from bot.domain.schedule import local_date
from bot.models import ROLE_MANAGER, Person, Pilot, PilotParticipant
from bot.services.people import ProfileFetcher, ensure_person, get_or_create_workspace
from bot.services.pilots.core import PilotFacts, facts_of
from bot.services.teams import Asked, asked_team

RECENT = timedelta(days=30)


@dataclass(frozen=True)
class PilotList:
    """`/stretch pilots`: a team's chains of versions (active first), and which the asker may edit."""

    team_name: str
    chains: list[list[PilotFacts]]
    today: date
    editable: set[int]


def pilot_list(*, session: Session, asked: Asked, fetch: ProfileFetcher, now: datetime) -> PilotList:
    """The asker's team's pilot chains; the asker may edit the running ones they own (all, for a manager)."""
    workspace = get_or_create_workspace(session=session, slack_team_id=asked.slack_team_id, now=now)
    person = ensure_person(session=session, workspace=workspace, user_id=asked.user_id, now=now, fetch=fetch)
    _, role = asked_team(session=session, asked=asked, now=now)
    chains = team_pilots(session=session, team_id=role.team.id, now=now)
    return PilotList(
        team_name=role.team.name,
        chains=[[facts_of(p) for p in chain] for chain in chains],
        today=local_date(now, person.tz),
        editable={
            chain[-1].id
            for chain in chains
            if chain[-1].status == rules.STATUS_ACTIVE
            and (role.is_manager or chain[-1].owner_id == person.id)
        },
    )


def team_pilots(*, session: Session, team_id: int, now: datetime) -> list[list[Pilot]]:
    """A team's pilot chains: active ones, and those decided in the last 30 days."""
    pilots = list(
        session.scalars(
            select(Pilot)
            .where(Pilot.team_id == team_id)
            .options(
                selectinload(Pilot.participants).selectinload(PilotParticipant.person),
                selectinload(Pilot.owner),
            )
            .order_by(Pilot.root_id, Pilot.iteration)
        )
    )
    chains: dict[int, list[Pilot]] = {}
    for pilot in pilots:
        chains.setdefault(pilot.root_id or pilot.id, []).append(pilot)
    shown = [
        chain
        for chain in chains.values()
        if chain[-1].status == rules.STATUS_ACTIVE
        or (chain[-1].decided_at is not None and now - chain[-1].decided_at <= RECENT)
    ]
    shown.sort(key=lambda chain: (chain[-1].status != rules.STATUS_ACTIVE, -chain[-1].id))
    return shown


def pilots_of_person(*, session: Session, person: Person, now: datetime) -> list[Pilot]:
    """A person's own pilots (taking part or owning): active ones and those decided recently."""
    joined = select(PilotParticipant.pilot_id).where(PilotParticipant.person_id == person.id)
    pilots = session.scalars(
        select(Pilot)
        .where((Pilot.owner_id == person.id) | Pilot.id.in_(joined))
        .options(
            selectinload(Pilot.participants).selectinload(PilotParticipant.person), selectinload(Pilot.owner)
        )
        .order_by(Pilot.start_date.desc(), Pilot.id.desc())
    )
    return [
        p
        for p in pilots
        if p.status == rules.STATUS_ACTIVE or (p.decided_at is not None and now - p.decided_at <= RECENT)
    ]


def summary_recipients(*, session: Session, pilot: Pilot) -> list[Person]:
    """The owner (while on the team) and the team's managers, each once."""
    team = pilot.team
    members = {m.person_id for m in team.memberships}
    recipients: dict[int, Person] = {}
    if pilot.owner_id in members:
        recipients[pilot.owner_id] = pilot.owner
    for membership in team.memberships:
        if membership.role == ROLE_MANAGER:
            recipients.setdefault(membership.person_id, membership.person)
    return list(recipients.values())


@dataclass(frozen=True)
class ReviewLine:
    """One participant's answers, for the summary (never shown to reps or channels)."""

    person_id: int
    user_id: str
    mid_score: int | None
    mid_note: str | None
    vote: str | None
    learning: str | None
    skill: int | None


def review_lines(pilot: Pilot) -> list[ReviewLine]:
    """Every participant's mid-point and review answers."""
    return [
        ReviewLine(
            person_id=row.person_id,
            user_id=row.person.slack_user_id,
            mid_score=row.mid_score,
            mid_note=row.mid_note,
            vote=row.vote,
            learning=row.learning,
            skill=row.skill_score,
        )
        for row in pilot.participants
    ]


def previous_mid_average(*, session: Session, pilot: Pilot) -> float | None:
    """The previous iteration's mid-point average, for the trend (None for v1)."""
    if pilot.previous_id is None:
        return None
    previous = session.get(Pilot, pilot.previous_id)
    if previous is None:
        return None
    return rules.average(row.mid_score for row in previous.participants)
