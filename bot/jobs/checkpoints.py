"""The checkpoint-day card: on each checkpoint's date, one short card in the team channel (team figures,
celebrating progress, nobody named), planned once per pie and checkpoint through the outbox."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import kinds
from bot.deliveries import Message, enqueue
from bot.domain.schedule import local_date, local_moment
from bot.models import PIE_OPEN, Delivery, Pie, Team
from bot.services import checkpoints as checkpoint_service
from bot.slack.blocks.pie_checkpoints import build_checkpoint_card

CARD_TIME = time(16, 0)  # late afternoon team time: the day's deals are mostly in


def plan_checkpoints(session: Session, now: datetime) -> int:
    """Plan today's checkpoint card for every open pie whose path has a checkpoint today (after 16:00)."""
    planned = 0
    for pie, team in session.execute(
        select(Pie, Team).join(Team, Team.id == Pie.team_id).where(Pie.status == PIE_OPEN)
    ).all():
        if not team.channel_id:
            continue
        today = local_date(now, team.tz)
        moment = local_moment(today, CARD_TIME, team.tz)
        if now < moment:
            continue
        context = checkpoint_service.path_context(session=session, pie=pie, team=team)
        path = checkpoint_service.team_path(session=session, context=context)
        if not any(c.day == today for c in path):
            continue
        planned += enqueue(
            session=session,
            kind=kinds.PIE_CHECKPOINT,
            dedupe_key=kinds.pie_checkpoint_key(pie.id, today.isoformat()),
            channel=team.channel_id,
            due_at=moment,
            now=now,
            expires_at=local_moment(today + timedelta(days=1), time(12, 0), team.tz),
            team_id=team.id,
            ref_id=pie.id,
        )
    return planned


def render_checkpoint(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """The card as the team stands when it is sent; nothing if the pie closed or the checkpoint moved."""
    pie = session.get(Pie, delivery.ref_id) if delivery.ref_id is not None else None
    if pie is None or pie.status != PIE_OPEN:
        return None
    day = date.fromisoformat(delivery.dedupe_key.rsplit(":", 1)[-1])
    standing = checkpoint_service.checkpoint_day(session=session, pie=pie, day=day)
    if standing is None:
        return None
    return Message(*build_checkpoint_card(standing))
