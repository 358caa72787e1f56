"""The weekly drafts DM: each manager gets at most one a week (Monday to Sunday on their own calendar),
sent from the team's check-in time on their local clock on a day something new waits, with shout-outs
drafted from the team's new stretch moments. The digest and the dashboard list every waiting draft in
between, so nothing depends on the DM."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from bot import kinds
from bot.deliveries import Message, enqueue
from bot.domain.availability import is_away
from bot.domain.schedule import local_date, parse_time
from bot.domain.shoutouts import DRAFT_MAX_AGE, DRAFTS_PER_DM, draft_window
from bot.models import ROLE_MANAGER, Delivery, StretchMoment, TeamSkipDate
from bot.models.shoutouts import MomentDecision
from bot.services.shoutouts.drafts import draft_card, forget_offers, new_drafts, record_offers
from bot.services.teams import list_teams
from bot.slack.blocks.shoutouts import build_drafts_dm


def plan_draft_dms(session: Session, now: datetime) -> int:
    """Plan this week's drafts DM for each manager whose window is open and who has new drafts."""
    planned = 0
    # Only teams with an unhandled, recent moment are worth looking at.
    busy_teams = set(
        session.scalars(
            select(StretchMoment.team_id)
            .where(
                StretchMoment.occurred_at >= now - DRAFT_MAX_AGE,
                StretchMoment.occurred_at <= now,
                ~exists().where(MomentDecision.moment_id == StretchMoment.id),
            )
            .distinct()
        )
    )
    if not busy_teams:
        return 0
    skip_days: dict[int, set[date]] = {}
    for team_id, day in session.execute(
        select(TeamSkipDate.team_id, TeamSkipDate.day).where(TeamSkipDate.team_id.in_(busy_teams))
    ):
        skip_days.setdefault(team_id, set()).add(day)
    for team in list_teams(session=session, team_ids=busy_teams):
        if not team.channel_id:
            continue
        for membership in team.memberships:
            manager = membership.person
            if membership.role != ROLE_MANAGER or manager.deleted or manager.unreachable_reason:
                continue
            start, end = draft_window(now=now, checkin_time=parse_time(team.checkin_time), tz_name=manager.tz)
            if not start <= now < end:
                continue
            day = local_date(now, manager.tz)
            if day in skip_days.get(team.id, ()) or is_away(day, manager.away_from, manager.away_until):
                continue
            # One drafts DM per manager, team and local ISO week (issue 17: a daily DM was too many).
            key = kinds.shoutout_drafts_key(
                team_id=team.id, manager_person_id=manager.id, day=day.isoformat()
            )
            if session.scalar(select(Delivery.id).where(Delivery.dedupe_key == key)) is not None:
                continue
            drafts = new_drafts(session=session, team_id=team.id, manager_person_id=manager.id, now=now)
            if not drafts:
                continue
            enqueue(
                session=session,
                kind=kinds.SHOUTOUT_DRAFTS,
                dedupe_key=key,
                channel=manager.slack_user_id,
                due_at=now,
                expires_at=end,
                team_id=team.id,
                person_id=manager.id,
                now=now,
            )
            delivery_id = session.scalar(select(Delivery.id).where(Delivery.dedupe_key == key))
            assert delivery_id is not None
            record_offers(
                session=session,
                delivery_id=delivery_id,
                manager_person_id=manager.id,
                moment_ids=[d.moment_id for d in drafts[:DRAFTS_PER_DM]],
            )
            planned += 1
    return planned


def render_drafts(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """The drafts DM as it stands when sent; nothing when every draft was handled meanwhile."""
    card = draft_card(session=session, delivery_id=delivery.id)
    if card is None or card.open_count == 0:
        return None
    text, blocks = build_drafts_dm(card)
    return Message(text=text, blocks=blocks)


def release_offers(session: Session, delivery: Delivery, now: datetime) -> None:
    """A drafts DM that never arrived: its moments go into the next one."""
    forget_offers(session=session, delivery_id=delivery.id)
