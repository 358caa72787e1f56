"""Giving a shout-out: `/shoutout` checked (team, text, people, today's limit) and a posted shout-out
stored with who it celebrated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.errors import UserError
from bot.domain.shoutouts import (
    USAGE,
    check_daily_limit,
    parse_shoutout,
)
from bot.domain.text import escape
from bot.models import Person, Workspace
from bot.models.shoutouts import (
    SOURCE_PEER,
    Shoutout,
    ShoutoutRecipient,
)
from bot.services.people import ProfileFetcher, ensure_person
from bot.services.teams import Asked, asked_team


@dataclass(frozen=True)
class Recipient:
    """Someone a shout-out will celebrate."""

    person_id: int
    user_id: str
    in_team: bool


@dataclass(frozen=True)
class PeerShoutoutPlan:
    """A checked `/shoutout`, ready to post: the team, the giver, who and why."""

    team_id: int
    team_name: str
    channel_id: str
    giver_person_id: int
    giver_user_id: str
    recipients: tuple[Recipient, ...]
    reason: str
    left_out_self: bool
    left_today: int

    @property
    def outside_team(self) -> tuple[str, ...]:
        """User ids of recipients who aren't on the team (allowed, and mentioned to the giver)."""
        return tuple(r.user_id for r in self.recipients if not r.in_team)


def plan_peer_shoutout(
    *, session: Session, asked: Asked, text: str, fetch: ProfileFetcher, now: datetime
) -> PeerShoutoutPlan:
    """Check a `/shoutout` (team, text, people, today's limit) without writing anything."""
    giver_user_id = asked.user_id
    workspace, role = asked_team(session=session, asked=asked, now=now)
    team = role.team
    if not team.channel_id:
        raise UserError(
            f"*{escape(team.name)}* has no channel to post shout-outs in yet. "
            "Ask a manager to pick one with `/stretch setup`."
        )
    parsed = parse_shoutout(text, giver=giver_user_id)
    giver = ensure_person(session=session, workspace=workspace, user_id=giver_user_id, now=now, fetch=fetch)
    given = session.scalars(
        select(Shoutout.created_at).where(
            Shoutout.giver_person_id == giver.id,
            Shoutout.source == SOURCE_PEER,
            # Any local day lies within 27 hours of now; a generous window keeps the query small.
            Shoutout.created_at >= now - timedelta(hours=30),
        )
    )
    left_today = check_daily_limit(list(given), now=now, tz_name=giver.tz)
    members = {m.person.slack_user_id for m in team.memberships}
    recipients = []
    for user_id in parsed.recipients:
        person = _recipient(session=session, workspace=workspace, user_id=user_id, fetch=fetch, now=now)
        recipients.append(Recipient(person_id=person.id, user_id=user_id, in_team=user_id in members))
    return PeerShoutoutPlan(
        team_id=team.id,
        team_name=team.name,
        channel_id=team.channel_id,
        giver_person_id=giver.id,
        giver_user_id=giver_user_id,
        recipients=tuple(recipients),
        reason=parsed.reason,
        left_out_self=parsed.left_out_self,
        left_today=left_today,
    )


def _recipient(
    *, session: Session, workspace: Workspace, user_id: str, fetch: ProfileFetcher, now: datetime
) -> Person:
    try:
        person = ensure_person(session=session, workspace=workspace, user_id=user_id, now=now, fetch=fetch)
    except UserError:
        raise UserError(
            f"I can't find <@{user_id}> in this workspace, so nothing was posted. "
            "Pick the person from the @-mention list as you type.",
            hint=f"Try: `{USAGE}`",
        ) from None
    if person.is_bot:
        raise UserError(
            f"<@{user_id}> is a bot, and shout-outs are for people. Nothing was posted.",
            hint=f"Try: `{USAGE}`",
        )
    if person.deleted:
        raise UserError(f"<@{user_id}> has left the workspace, so I can't celebrate them here.")
    return person


def record_shoutout(
    *,
    session: Session,
    team_id: int,
    giver_person_id: int,
    source: str,
    text: str,
    channel_id: str,
    message_ts: str | None,
    recipients: tuple[Recipient, ...],
    now: datetime,
) -> Shoutout:
    """Store a shout-out that was just posted, with who it celebrated."""
    shoutout = Shoutout(
        team_id=team_id,
        giver_person_id=giver_person_id,
        source=source,
        text=text,
        channel_id=channel_id,
        message_ts=message_ts,
        created_at=now,
    )
    shoutout.recipients = [ShoutoutRecipient(person_id=r.person_id, in_team=r.in_team) for r in recipients]
    session.add(shoutout)
    session.flush()
    return shoutout
