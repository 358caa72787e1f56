"""What a person's App Home shows, gathered in one read."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.domain.schedule import format_days, parse_days
from bot.models import Person, Workspace
from bot.services.teams import teams_of


@dataclass(frozen=True)
class HomeTeam:
    """One of the person's teams as the App Home lists it."""

    team_id: int
    name: str
    channel_id: str | None
    role: str
    checkin_schedule: str
    members: int


@dataclass(frozen=True)
class HomeModel:
    """Everything the App Home's builder needs."""

    user_id: str
    display_name: str
    tz: str
    teams: tuple[HomeTeam, ...]
    is_admin: bool


def home_model(*, session: Session, workspace: Workspace, user_id: str, person: Person | None) -> HomeModel:
    """Gather a person's teams and roles for the App Home."""
    roles = teams_of(session=session, workspace_id=workspace.id, user_id=user_id)
    teams = tuple(
        HomeTeam(
            team_id=r.team.id,
            name=r.team.name,
            channel_id=r.team.channel_id,
            role=r.role,
            checkin_schedule=f"{format_days(parse_days(r.team.checkin_days))} at {r.team.checkin_time}",
            members=len(r.team.memberships),
        )
        for r in roles
    )
    return HomeModel(
        user_id=user_id,
        display_name=person.display_name if person else "",
        tz=person.tz if person else "UTC",
        teams=teams,
        is_admin=bool(person and person.is_admin),
    )
