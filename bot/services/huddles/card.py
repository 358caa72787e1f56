"""A huddle and its card: creating the huddle (planning its card and the managers' recap), a manager's
unscheduled one, and what the card shows: the pie, active pilots, shout-outs and the team's pulse."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import kinds
from bot.deliveries import enqueue, enqueue_dms
from bot.domain import huddles as rules
from bot.domain import pilots as pilot_rules
from bot.domain.availability import is_away
from bot.domain.errors import NotAllowedError, UserError
from bot.domain.schedule import local_date, next_occurrence, parse_days, parse_time
from bot.domain.text import escape
from bot.models import (
    ROLE_MANAGER,
    ROLE_REP,
    Checkin,
    Huddle,
    HuddleSettings,
    Person,
    Pilot,
    Shoutout,
    ShoutoutRecipient,
    Team,
)
from bot.models.checkins import CHECKIN_ANSWERED
from bot.models.huddles import (
    HUDDLE_ADHOC,
    HUDDLE_DAY_OFF,
)
from bot.services.pie import PieView, open_pie, pie_view
from bot.services.teams import Asked, asked_team

# --- planning and posting the card ------------------------------------------------------------------------


def team_members(team: Team, role: str) -> list[Person]:
    """The team's members in `role`, leaving out people who have left the workspace."""
    return [m.person for m in team.memberships if m.role == role and not m.person.deleted]


def _previous_start(session: Session, team_id: int, before: datetime) -> datetime | None:
    return session.scalar(
        select(func.max(Huddle.starts_at)).where(
            Huddle.team_id == team_id,
            Huddle.kind != HUDDLE_DAY_OFF,
            Huddle.posted_at.is_not(None),
            Huddle.starts_at < before,
        )
    )


def _in_their_hours(session: Session, team: Team, person: Person, moment: datetime) -> bool:
    from bot.domain.attention import in_hours
    from bot.services.attention import budget_of

    return in_hours(moment, person.tz, budget_of(session=session, team=team))


def dm_managers(
    *, session: Session, team: Team, kind: str, key: str, due_at: datetime, ref_id: int, now: datetime
) -> int:
    """Plan a DM of `kind` to each of the team's managers, given up a day after it falls due."""
    return enqueue_dms(
        session=session,
        kind=kind,
        key=key,
        people=team_members(team, ROLE_MANAGER),
        due_at=due_at,
        expires_at=due_at + timedelta(days=1),
        team_id=team.id,
        ref_id=ref_id,
        now=now,
    )


def plan_huddle(
    *,
    session: Session,
    team: Team,
    kind: str,
    day: date,
    starts_at: datetime,
    key: str,
    now: datetime,
    started_by: Person | None = None,
) -> Huddle | None:
    """Create a huddle and plan its card (and the managers' recap); None if `key` was already planned."""
    if session.scalar(select(Huddle.id).where(Huddle.key == key)) is not None:
        return None
    assert team.channel_id
    reps = team_members(team, ROLE_REP)
    away = [p.id for p in reps if is_away(day, p.away_from, p.away_until)]
    previous = _previous_start(session, team.id, starts_at)
    huddle = Huddle(
        team_id=team.id,
        key=key,
        kind=kind,
        local_date=day,
        starts_at=starts_at,
        since=previous or starts_at - rules.DEFAULT_LOOKBACK,
        # Someone for whom the huddle falls outside their working hours is not expected, so never silent.
        expected=[p.id for p in reps if p.id not in away and _in_their_hours(session, team, p, starts_at)],
        away=away,
        started_by_person_id=started_by.id if started_by else None,
        channel_id=team.channel_id,
        created_at=now,
    )
    session.add(huddle)
    session.flush()
    enqueue(
        session=session,
        kind=kinds.HUDDLE_CARD,
        dedupe_key=kinds.huddle_card_key(huddle.id),
        channel=team.channel_id,
        due_at=now,
        expires_at=max(now, starts_at) + rules.LATE_GRACE,
        team_id=team.id,
        ref_id=huddle.id,
        now=now,
    )
    if kind != HUDDLE_DAY_OFF:
        recap_at = max(now, starts_at) + rules.RECAP_AFTER
        dm_managers(
            session=session,
            team=team,
            kind=kinds.HUDDLE_RECAP,
            key=kinds.huddle_recap_prefix(huddle.id),
            due_at=recap_at,
            ref_id=huddle.id,
            now=now,
        )
    return huddle


def start_huddle_now(*, session: Session, asked: Asked, now: datetime) -> Huddle:
    """`/stretch huddle`: a manager posts the card now, outside the schedule."""
    _, role = asked_team(session=session, asked=asked, now=now)
    team = role.team
    if not role.is_manager:
        raise NotAllowedError(
            f"Only a manager of *{escape(team.name)}* can start a huddle. Reply in the next huddle card's thread, "
            "or use its *Post my update* button."
        )
    if not team.channel_id:
        raise UserError(
            f"*{escape(team.name)}* has no channel yet. Pick one with `/stretch setup`, then try again."
        )
    starter = next(m.person for m in team.memberships if m.person.slack_user_id == asked.user_id)
    huddle = plan_huddle(
        session=session,
        team=team,
        kind=HUDDLE_ADHOC,
        day=local_date(now, team.tz),
        starts_at=now,
        key=f"{HUDDLE_ADHOC}:{team.id}:{now.isoformat()}",
        now=now,
        started_by=starter,
    )
    if huddle is None:
        raise UserError("A huddle card is already on its way to the channel. Give it a moment.")
    return huddle


def mark_card_posted(*, session: Session, huddle_id: int, ts: str | None, now: datetime) -> None:
    """Remember where the card landed: its ts is the thread replies are counted in."""
    huddle = session.get(Huddle, huddle_id)
    if huddle is not None:
        huddle.message_ts = ts
        huddle.posted_at = now


# --- the card ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PilotLine:
    """An active pilot with its growth-metric reframe."""

    title: str
    not_goal: str
    growth_metric: str


@dataclass(frozen=True)
class ShoutoutLine:
    """A shout-out posted since the last huddle (already public in the channel)."""

    giver: str
    recipients: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class PulseSummary:
    """The team's check-ins since the last huddle, in aggregate only."""

    answers: int
    zones: dict[str, int]
    readiness: float | None
    # Different people behind the answers: team figures need at least three of them, not three answers.
    people: int = 0


@dataclass(frozen=True)
class HuddleCard:
    """Everything the huddle card shows."""

    huddle_id: int
    kind: str
    team_name: str
    tz: str
    starts_at: datetime
    pie: PieView | None
    pie_days_left: int | None
    pilots: tuple[PilotLine, ...]
    shoutouts: tuple[ShoutoutLine, ...]
    pulse: PulseSummary
    next_huddle: datetime | None = None


def _pulse(session: Session, team_id: int, since: datetime, until: datetime) -> PulseSummary:
    rows = session.execute(
        select(Checkin.zone, Checkin.readiness, Checkin.person_id).where(
            Checkin.team_id == team_id,
            Checkin.status == CHECKIN_ANSWERED,
            Checkin.due_at >= since,
            Checkin.due_at < until,
        )
    ).all()
    zones = Counter(zone for zone, _, _ in rows if zone)
    scores = [r for _, r, _ in rows if r is not None]
    return PulseSummary(
        answers=len(rows),
        zones=dict(zones),
        readiness=round(sum(scores) / len(scores), 1) if scores else None,
        people=len({person for _, _, person in rows}),
    )


def _shoutouts(session: Session, team_id: int, since: datetime, until: datetime) -> list[ShoutoutLine]:
    shoutouts = session.scalars(
        select(Shoutout)
        .where(Shoutout.team_id == team_id, Shoutout.created_at >= since, Shoutout.created_at < until)
        .order_by(Shoutout.created_at)
    ).all()
    if not shoutouts:
        return []
    ids = {s.giver_person_id for s in shoutouts}
    recipients = session.execute(
        select(ShoutoutRecipient.shoutout_id, ShoutoutRecipient.person_id).where(
            ShoutoutRecipient.shoutout_id.in_([s.id for s in shoutouts])
        )
    ).all()
    ids.update(pid for _, pid in recipients)
    users = dict(session.execute(select(Person.id, Person.slack_user_id).where(Person.id.in_(ids))).all())
    by_shoutout: dict[int, list[str]] = {}
    for shoutout_id, person_id in recipients:
        by_shoutout.setdefault(shoutout_id, []).append(users[person_id])
    return [
        ShoutoutLine(giver=users[s.giver_person_id], recipients=tuple(by_shoutout.get(s.id, ())), text=s.text)
        for s in shoutouts
    ]


def huddle_card(*, session: Session, huddle_id: int, now: datetime) -> HuddleCard | None:
    """The card as it stands now (None if the huddle is gone)."""
    huddle = session.get(Huddle, huddle_id)
    if huddle is None:
        return None
    team = session.get(Team, huddle.team_id)
    assert team is not None
    view: PieView | None = None
    pilots: tuple[PilotLine, ...] = ()
    shoutouts: tuple[ShoutoutLine, ...] = ()
    pulse = PulseSummary(answers=0, zones={}, readiness=None)
    upcoming = None
    if huddle.kind == HUDDLE_DAY_OFF:
        # A day off shows only when the next huddle is.
        settings = session.get(HuddleSettings, team.id)
        if settings is not None and settings.days:
            upcoming = next_occurrence(
                parse_days(settings.days),
                parse_time(settings.at),
                team.tz,
                now=huddle.starts_at + timedelta(hours=12),
            )
    else:
        pie = open_pie(session=session, team_id=team.id)
        view = pie_view(session=session, pie=pie, now=now) if pie is not None else None
        active = session.scalars(
            select(Pilot)
            .where(Pilot.team_id == team.id, Pilot.status == pilot_rules.STATUS_ACTIVE)
            .order_by(Pilot.start_date, Pilot.id)
        ).all()
        pilots = tuple(PilotLine(p.title, p.not_goal, p.growth_metric) for p in active)
        until = max(now, huddle.created_at)
        shoutouts = tuple(_shoutouts(session, team.id, huddle.since, until))
        pulse = _pulse(session, team.id, huddle.since, until)
    return HuddleCard(
        huddle_id=huddle.id,
        kind=huddle.kind,
        team_name=team.name,
        tz=team.tz,
        starts_at=huddle.starts_at,
        pie=view,
        pie_days_left=view.figures(now).days_left if view else None,
        pilots=pilots,
        shoutouts=shoutouts,
        pulse=pulse,
        next_huddle=upcoming,
    )
