"""Workspaces and people: who someone is, their time zone, kept fresh from Slack's users.info."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.errors import UserError
from bot.models import Person, Workspace

PROFILE_MAX_AGE = timedelta(hours=24)


@dataclass(frozen=True)
class SlackProfile:
    """What Stretch keeps of a Slack user (from users.info or a user_change event)."""

    user_id: str
    display_name: str
    tz: str
    is_admin: bool = False
    is_bot: bool = False
    deleted: bool = False


ProfileFetcher = Callable[[str], SlackProfile | None]


def get_or_create_workspace(*, session: Session, slack_team_id: str, now: datetime) -> Workspace:
    """The workspace row for a Slack team id, created the first time it is seen."""
    workspace = session.scalar(select(Workspace).where(Workspace.slack_team_id == slack_team_id))
    if workspace is None:
        workspace = Workspace(slack_team_id=slack_team_id, name="", created_at=now)
        session.add(workspace)
        session.flush()
    return workspace


def find_person(*, session: Session, workspace_id: int, user_id: str) -> Person | None:
    """The person with this Slack user id in this workspace, if Stretch knows them."""
    return session.scalar(
        select(Person).where(Person.workspace_id == workspace_id, Person.slack_user_id == user_id)
    )


def apply_profile(person: Person, profile: SlackProfile, *, now: datetime) -> None:
    """Copy a fresh Slack profile onto a person."""
    person.display_name = profile.display_name[:200]
    person.tz = profile.tz or "UTC"
    person.is_admin = profile.is_admin
    person.is_bot = profile.is_bot
    person.deleted = profile.deleted
    person.refreshed_at = now


def ensure_person(
    *,
    session: Session,
    workspace: Workspace,
    user_id: str,
    now: datetime,
    fetch: ProfileFetcher,
    max_age: timedelta = PROFILE_MAX_AGE,
) -> Person:
    """The person for `user_id`, created or refreshed from Slack when unknown or stale.

    Raises UserError when Slack doesn't know the user (a typo'd id, a user of another workspace).
    """
    person = find_person(session=session, workspace_id=workspace.id, user_id=user_id)
    if person is not None and now - person.refreshed_at < max_age:
        return person
    profile = fetch(user_id)
    if profile is None:
        if person is not None:
            # Slack is unreachable or forgot them for a moment: keep what we know.
            return person
        raise UserError(f"I can't find <@{user_id}> in this workspace. Pick people from the Slack user list.")
    if person is None:
        person = Person(workspace_id=workspace.id, slack_user_id=user_id, refreshed_at=now)
        session.add(person)
    apply_profile(person, profile, now=now)
    session.flush()
    return person


def update_from_profile(
    *, session: Session, workspace: Workspace, profile: SlackProfile, now: datetime
) -> bool:
    """Refresh a known person from a user_change event; returns whether Stretch knew them."""
    person = find_person(session=session, workspace_id=workspace.id, user_id=profile.user_id)
    if person is None:
        return False
    apply_profile(person, profile, now=now)
    return True
