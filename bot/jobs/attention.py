"""The welcome DM's delivery kind: rendered from the team as it is when it goes out.

Wired in bot/features.py. The message budget itself is not a planner: it runs inside the outbox sender
for every DM (see bot.services.attention.hold), so no feature can go around it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.deliveries import Message
from bot.domain.errors import UserError
from bot.domain.schedule import format_days, parse_days
from bot.models import ROLE_MANAGER, ROLE_REP, Delivery, Membership, Person, Team
from bot.slack.blocks.attention import WelcomeFacts, build_welcome


def render_welcome(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """The welcome, unless the person has left the team meanwhile."""
    team = session.get(Team, delivery.team_id) if delivery.team_id is not None else None
    person = session.get(Person, delivery.person_id) if delivery.person_id is not None else None
    if team is None or person is None:
        return None
    memberships: list[Membership] = list(team.memberships)
    if not any(m.person_id == person.id and m.role == ROLE_REP for m in memberships):
        return None
    try:
        days = format_days(parse_days(team.checkin_days))
    except UserError:
        days = team.checkin_days
    text, blocks = build_welcome(
        WelcomeFacts(
            team_name=team.name,
            days=days,
            at=team.checkin_time,
            tz=person.tz or "UTC",
            managers=tuple(m.person.slack_user_id for m in memberships if m.role == ROLE_MANAGER),
        )
    )
    return Message(text=text, blocks=blocks)
