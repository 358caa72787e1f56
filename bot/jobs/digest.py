"""The weekly digest DM: each manager of each team gets one at the team's digest day and time, on
their own clock, planned as an idempotent outbox row (one per manager, team and week)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot import kinds
from bot.deliveries import FileUpload, Message, enqueue_many
from bot.domain.availability import is_away
from bot.domain.digest import SEND_WINDOW, digest_moment
from bot.domain.errors import UserError
from bot.domain.schedule import WEEKDAYS, local_date, parse_time
from bot.models import ROLE_MANAGER, Delivery, Membership, Person, Team
from bot.services.charts import digest_charts
from bot.services.digest import gather_digest, is_team_manager
from bot.slack.blocks.digest import MESSAGE_BLOCK_LIMIT, build_chart_text, build_digest


def plan_digests(session: Session, now: datetime) -> int:
    """Plan the digests whose moment has come (within the send window); a fixed number of statements."""
    teams = session.scalars(
        select(Team).options(selectinload(Team.memberships).selectinload(Membership.person))
    ).all()
    rows: list[dict[str, Any]] = []
    for team in teams:
        try:
            at = parse_time(team.digest_time)
        except UserError:  # a malformed setting must not stop the other teams' digests
            continue
        if team.digest_day not in WEEKDAYS:
            continue
        for membership in team.memberships:
            manager: Person = membership.person
            if membership.role != ROLE_MANAGER or manager.deleted or manager.is_bot:
                continue
            if manager.unreachable_reason:
                continue
            moment = digest_moment(day=team.digest_day, at=at, tz_name=manager.tz, now=now)
            if not moment <= now < moment + SEND_WINDOW:
                continue
            week_of = local_date(moment, manager.tz)
            if is_away(week_of, manager.away_from, manager.away_until):
                continue
            rows.append(
                {
                    "kind": kinds.DIGEST,
                    "dedupe_key": kinds.digest_key(
                        team_id=team.id, manager_person_id=manager.id, week_of=week_of.isoformat()
                    ),
                    "channel": manager.slack_user_id,
                    "due_at": moment,
                    "expires_at": moment + SEND_WINDOW,
                    "team_id": team.id,
                    "person_id": manager.id,
                }
            )
    return enqueue_many(session=session, rows=rows, now=now)


def render_digest(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """The digest as the team stands when it is sent; nothing if the person no longer manages it."""
    if delivery.team_id is None or delivery.person_id is None:
        return None
    if not is_team_manager(session=session, team_id=delivery.team_id, person_id=delivery.person_id):
        return None
    manager = session.get(Person, delivery.person_id)
    if manager is None:
        return None
    data = gather_digest(session=session, team_id=delivery.team_id, manager=manager, now=now)
    text, blocks = build_digest(data)
    # The two charts follow in the same DM; their figures are in the message too (mobile, screen readers).
    charts = digest_charts(session=session, team_id=delivery.team_id, now=now)
    blocks = [*blocks[: MESSAGE_BLOCK_LIMIT - 1], build_chart_text(charts)] if charts else blocks
    files = tuple(FileUpload(c.filename, c.title, c.png, c.alt_text) for c in charts)
    return Message(text=text, blocks=blocks, files=files)
