"""Team huddles: plan and post the card, count who replied in its thread, recap for managers, and the
quiet-in-huddles signal for the alert engine. Replies are counted as who and when, never read."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import kinds
from bot.deliveries import PENDING, enqueue, enqueue_dms
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
    Delivery,
    Huddle,
    HuddleReply,
    HuddleSettings,
    HuddleStuck,
    Membership,
    Person,
    Pilot,
    Shoutout,
    ShoutoutRecipient,
    Team,
    TeamSkipDate,
)
from bot.models.checkins import CHECKIN_ANSWERED
from bot.models.huddles import (
    HUDDLE_ADHOC,
    HUDDLE_DAY_OFF,
    HUDDLE_SCHEDULED,
    REPLY_THREAD,
    REPLY_UPDATE,
)
from bot.services.alerts.signals import RaisedSignal
from bot.services.pie import PieView, open_pie, pie_view
from bot.services.teams import load_team, resolve_team

# Quiet signals look at this many of a team's latest finished huddles.
QUIET_LOOKBACK = 40


# --- planning and posting the card ------------------------------------------------------------------------


def _members(team: Team, role: str) -> list[Person]:
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
    reps = _members(team, ROLE_REP)
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
        enqueue_dms(
            session=session,
            kind=kinds.HUDDLE_RECAP,
            key=kinds.huddle_recap_prefix(huddle.id),
            people=_members(team, ROLE_MANAGER),
            due_at=recap_at,
            expires_at=recap_at + timedelta(days=1),
            team_id=team.id,
            ref_id=huddle.id,
            now=now,
        )
    return huddle


def plan_scheduled_huddles(*, session: Session, now: datetime) -> int:
    """Plan every scheduled huddle whose card is due now (a team day off plans nothing or one note)."""
    planned = 0
    rows = session.execute(
        select(HuddleSettings, Team)
        .join(Team, Team.id == HuddleSettings.team_id)
        .where(HuddleSettings.days != "", Team.channel_id.is_not(None))
    ).all()
    for settings, team in rows:
        due = rules.due_huddles(
            days=parse_days(settings.days),
            at=parse_time(settings.at),
            tz_name=team.tz,
            lead_minutes=settings.lead_minutes,
            now=now,
        )
        for huddle in due:
            key = f"{HUDDLE_SCHEDULED}:{team.id}:{huddle.day.isoformat()}"
            if session.scalar(select(Huddle.id).where(Huddle.key == key)) is not None:
                continue
            day_off = session.scalar(
                select(TeamSkipDate.id).where(TeamSkipDate.team_id == team.id, TeamSkipDate.day == huddle.day)
            )
            if day_off is not None and not settings.skip_notice:
                continue
            created = plan_huddle(
                session=session,
                team=load_team(session=session, team_id=team.id),
                kind=HUDDLE_DAY_OFF if day_off is not None else HUDDLE_SCHEDULED,
                day=huddle.day,
                starts_at=huddle.starts_at,
                key=key,
                now=now,
            )
            planned += created is not None
    return planned


def start_huddle_now(
    *,
    session: Session,
    workspace_id: int,
    user_id: str,
    channel_id: str | None,
    now: datetime,
    team_id: int | None = None,
) -> Huddle:
    """`/stretch huddle`: a manager posts the card now, outside the schedule."""
    role = resolve_team(
        session=session, workspace_id=workspace_id, user_id=user_id, channel_id=channel_id, team_id=team_id
    )
    team = load_team(session=session, team_id=role.team.id)
    if not role.is_manager:
        raise NotAllowedError(
            f"Only a manager of *{escape(team.name)}* can start a huddle. Reply in the next huddle card's thread, "
            "or use its *Post my update* button."
        )
    if not team.channel_id:
        raise UserError(
            f"*{escape(team.name)}* has no channel yet. Pick one with `/stretch setup`, then try again."
        )
    starter = next(m.person for m in team.memberships if m.person.slack_user_id == user_id)
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
    if huddle.kind == HUDDLE_DAY_OFF:
        settings = session.get(HuddleSettings, team.id)
        upcoming = None
        if settings is not None and settings.days:
            upcoming = next_occurrence(
                parse_days(settings.days),
                parse_time(settings.at),
                team.tz,
                now=huddle.starts_at + timedelta(hours=12),
            )
        return HuddleCard(
            huddle_id=huddle.id,
            kind=huddle.kind,
            team_name=team.name,
            tz=team.tz,
            starts_at=huddle.starts_at,
            pie=None,
            pie_days_left=None,
            pilots=(),
            shoutouts=(),
            pulse=PulseSummary(answers=0, zones={}, readiness=None),
            next_huddle=upcoming,
        )
    pie = open_pie(session=session, team_id=team.id)
    view = pie_view(session=session, pie=pie, now=now) if pie is not None else None
    pilots = session.scalars(
        select(Pilot)
        .where(Pilot.team_id == team.id, Pilot.status == pilot_rules.STATUS_ACTIVE)
        .order_by(Pilot.start_date, Pilot.id)
    ).all()
    until = max(now, huddle.created_at)
    return HuddleCard(
        huddle_id=huddle.id,
        kind=huddle.kind,
        team_name=team.name,
        tz=team.tz,
        starts_at=huddle.starts_at,
        pie=view,
        pie_days_left=view.figures(now).days_left if view else None,
        pilots=tuple(PilotLine(p.title, p.not_goal, p.growth_metric) for p in pilots),
        shoutouts=tuple(_shoutouts(session, team.id, huddle.since, until)),
        pulse=_pulse(session, team.id, huddle.since, until),
    )


# --- counting thread replies ------------------------------------------------------------------------------


def huddle_for_thread(*, session: Session, channel_id: str, thread_ts: str) -> Huddle | None:
    """The huddle whose card is the parent of this thread, if any."""
    return session.scalar(
        select(Huddle).where(Huddle.channel_id == channel_id, Huddle.message_ts == thread_ts).limit(1)
    )


def _team_member(session: Session, team_id: int, user_id: str) -> Person | None:
    return session.scalar(
        select(Person)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.team_id == team_id, Person.slack_user_id == user_id)
    )


def record_thread_reply(
    *, session: Session, channel_id: str, thread_ts: str, user_id: str, message_ts: str, now: datetime
) -> bool:
    """Count a reply in a huddle thread (once per message, whatever the edits); True if it was new."""
    huddle = huddle_for_thread(session=session, channel_id=channel_id, thread_ts=thread_ts)
    if huddle is None or not message_ts or message_ts == thread_ts:
        return False
    person = _team_member(session, huddle.team_id, user_id)
    if person is None:
        return False
    existing = session.scalar(
        select(HuddleReply).where(HuddleReply.huddle_id == huddle.id, HuddleReply.message_ts == message_ts)
    )
    if existing is not None:
        return False
    session.add(
        HuddleReply(
            huddle_id=huddle.id,
            person_id=person.id,
            message_ts=message_ts,
            source=REPLY_THREAD,
            posted_at=now,
        )
    )
    session.flush()
    return True


def record_reply_deleted(
    *, session: Session, channel_id: str, thread_ts: str, message_ts: str, now: datetime
) -> bool:
    """A reply was deleted: it no longer counts. True if it had been counted."""
    huddle = huddle_for_thread(session=session, channel_id=channel_id, thread_ts=thread_ts)
    if huddle is None:
        return False
    reply = session.scalar(
        select(HuddleReply).where(HuddleReply.huddle_id == huddle.id, HuddleReply.message_ts == message_ts)
    )
    if reply is None or reply.deleted_at is not None:
        return False
    reply.deleted_at = now
    return True


def reply_counts(*, session: Session, huddle_id: int) -> dict[int, int]:
    """Live (not deleted) replies per person id in a huddle's thread."""
    rows = session.execute(
        select(HuddleReply.person_id, func.count())
        .where(HuddleReply.huddle_id == huddle_id, HuddleReply.deleted_at.is_(None))
        .group_by(HuddleReply.person_id)
    ).all()
    return {person_id: count for person_id, count in rows}


# --- the "Post my update" modal ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UpdateTarget:
    """Where an update goes: the huddle's thread, for a member of its team."""

    huddle_id: int
    team_name: str
    channel_id: str
    thread_ts: str
    person_id: int


def update_target(*, session: Session, huddle_id: int, user_id: str) -> UpdateTarget:
    """Check the person may post an update to this huddle's thread."""
    huddle = session.get(Huddle, huddle_id)
    if huddle is None or huddle.message_ts is None or huddle.kind == HUDDLE_DAY_OFF:
        raise UserError("That huddle can't be found any more. Reply in the latest huddle card's thread.")
    team = session.get(Team, huddle.team_id)
    assert team is not None
    person = _team_member(session, huddle.team_id, user_id)
    if person is None:
        raise NotAllowedError(
            f"This is *{escape(team.name)}*'s huddle, and you're not on that team. Ask its manager to add you."
        )
    return UpdateTarget(
        huddle_id=huddle.id,
        team_name=team.name,
        channel_id=huddle.channel_id,
        thread_ts=huddle.message_ts,
        person_id=person.id,
    )


def record_update(
    *, session: Session, target: UpdateTarget, message_ts: str, stuck: str, now: datetime
) -> None:
    """Count an update posted from the modal; hold "stuck" text only until the managers are told."""
    session.add(
        HuddleReply(
            huddle_id=target.huddle_id,
            person_id=target.person_id,
            message_ts=message_ts,
            source=REPLY_UPDATE,
            posted_at=now,
        )
    )
    if not stuck:
        return
    item = HuddleStuck(huddle_id=target.huddle_id, person_id=target.person_id, text=stuck, created_at=now)
    session.add(item)
    session.flush()
    recaps = session.scalars(
        select(Delivery.status).where(
            Delivery.kind == kinds.HUDDLE_RECAP, Delivery.ref_id == target.huddle_id
        )
    ).all()
    if recaps and PENDING not in recaps:
        # The recap is gone already: managers hear about this one on its own, right away.
        huddle = session.get(Huddle, target.huddle_id)
        assert huddle is not None
        team = load_team(session=session, team_id=huddle.team_id)
        enqueue_dms(
            session=session,
            kind=kinds.HUDDLE_STUCK,
            key=kinds.huddle_stuck_prefix(item.id),
            people=_members(team, ROLE_MANAGER),
            due_at=now,
            expires_at=now + timedelta(days=1),
            team_id=team.id,
            ref_id=item.id,
            now=now,
        )


# --- can Stretch read the thread? (issue 15, item 9) ----------------------------------------------------


def threads_to_check(*, session: Session, now: datetime, limit: int = 50) -> list[tuple[int, str]]:
    """(huddle id, channel) of posted huddles whose recap time has come and whose thread nobody has
    checked yet: whether Stretch could read it decides if silence in it counts."""
    rows = session.execute(
        select(Huddle.id, Huddle.channel_id)
        .where(
            Huddle.kind != HUDDLE_DAY_OFF,
            Huddle.posted_at.is_not(None),
            Huddle.thread_readable.is_(None),
            Huddle.starts_at <= now - rules.RECAP_AFTER,
        )
        .order_by(Huddle.starts_at)
        .limit(limit)
    ).all()
    return [(huddle_id, channel) for huddle_id, channel in rows]


def mark_thread_readable(*, session: Session, huddle_id: int, readable: bool) -> None:
    """Remember whether Stretch could read the huddle's thread."""
    huddle = session.get(Huddle, huddle_id)
    if huddle is not None:
        huddle.thread_readable = readable


# --- the managers' recap ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recap:
    """Who posted in a huddle's thread, who didn't, who was away, and what was flagged as stuck."""

    team_name: str
    channel_id: str
    thread_ts: str
    starts_at: datetime
    tz: str
    posted: tuple[tuple[str, int], ...]
    not_posted: tuple[str, ...]
    away: tuple[str, ...]
    stuck: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    # False when Slack wouldn't let Stretch read the thread: then nobody is listed as not having posted.
    thread_readable: bool = True


def huddle_recap(*, session: Session, huddle_id: int) -> Recap | None:
    """The recap, or None when the card never made it to the channel."""
    huddle = session.get(Huddle, huddle_id)
    if huddle is None or huddle.message_ts is None:
        return None
    team = session.get(Team, huddle.team_id)
    assert team is not None
    counts = reply_counts(session=session, huddle_id=huddle.id)
    ids = set(counts) | set(huddle.expected) | set(huddle.away)
    stuck_rows = session.scalars(
        select(HuddleStuck).where(HuddleStuck.huddle_id == huddle.id).order_by(HuddleStuck.id)
    ).all()
    ids.update(s.person_id for s in stuck_rows)
    users = dict(session.execute(select(Person.id, Person.slack_user_id).where(Person.id.in_(ids))).all())
    readable = huddle.thread_readable is not False
    return Recap(
        team_name=team.name,
        channel_id=huddle.channel_id,
        thread_ts=huddle.message_ts,
        starts_at=huddle.starts_at,
        tz=team.tz,
        posted=tuple((users[pid], n) for pid, n in sorted(counts.items()) if pid in users),
        not_posted=tuple(users[pid] for pid in huddle.expected if pid not in counts and pid in users)
        if readable
        else (),
        away=tuple(users[pid] for pid in huddle.away if pid in users),
        stuck=tuple((users[s.person_id], s.text) for s in stuck_rows if s.person_id in users),
        thread_readable=readable,
    )


def forget_stuck_when_told(*, session: Session, huddle_id: int) -> int:
    """Delete the huddle's stuck notes once no recap to a manager is still waiting; returns how many."""
    waiting = session.scalar(
        select(func.count()).where(
            Delivery.kind == kinds.HUDDLE_RECAP, Delivery.ref_id == huddle_id, Delivery.status == PENDING
        )
    )
    if waiting:
        return 0
    rows = session.scalars(select(HuddleStuck).where(HuddleStuck.huddle_id == huddle_id)).all()
    for row in rows:
        session.delete(row)
    return len(rows)


def stuck_note(*, session: Session, stuck_id: int) -> tuple[Recap, str, str] | None:
    """A late stuck note (sent after the recap): the huddle, who, and the text."""
    item = session.get(HuddleStuck, stuck_id)
    if item is None:
        return None
    recap = huddle_recap(session=session, huddle_id=item.huddle_id)
    person = session.get(Person, item.person_id)
    if recap is None or person is None:
        return None
    return recap, person.slack_user_id, item.text


def forget_stuck_note(*, session: Session, stuck_id: int) -> None:
    """Delete a late stuck note once no DM about it is still waiting."""
    waiting = session.scalar(
        select(func.count()).where(
            Delivery.kind == kinds.HUDDLE_STUCK, Delivery.ref_id == stuck_id, Delivery.status == PENDING
        )
    )
    item = session.get(HuddleStuck, stuck_id)
    if not waiting and item is not None:
        session.delete(item)


# --- quiet in huddles -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HuddleQuiet:
    """A rep who usually posts in huddle threads and has stopped: one per episode, for the alert engine."""

    team_id: int
    person_id: int
    episode_start: datetime
    evidence: str
    suggested_step: str
    signal: str = rules.SIGNAL
    details: dict[str, int] = field(default_factory=dict)

    @property
    def episode_key(self) -> str:
        """Stable while the silence lasts; a new episode after the rep posts again."""
        return rules.episode_key(
            team_id=self.team_id, person_id=self.person_id, episode_start=self.episode_start
        )


def huddle_quiet_signals(*, session: Session, now: datetime) -> list[HuddleQuiet]:
    """Every current quiet-in-huddles signal, over finished scheduled huddles (posted, recap time past)."""
    signals: list[HuddleQuiet] = []
    team_ids = session.scalars(
        select(Huddle.team_id)
        .where(Huddle.kind == HUDDLE_SCHEDULED, Huddle.posted_at.is_not(None))
        .distinct()
    ).all()
    for team_id in team_ids:
        huddles = list(
            reversed(
                session.scalars(
                    select(Huddle)
                    .where(
                        Huddle.team_id == team_id,
                        Huddle.kind == HUDDLE_SCHEDULED,
                        Huddle.posted_at.is_not(None),
                        Huddle.starts_at <= now - rules.RECAP_AFTER,
                        # A thread Stretch couldn't read says nothing about who posted in it.
                        Huddle.thread_readable.is_not(False),
                    )
                    .order_by(Huddle.starts_at.desc())
                    .limit(QUIET_LOOKBACK)
                ).all()
            )
        )
        if len(huddles) < rules.QUIET_RUN + rules.BASELINE_MIN_POSTS:
            continue
        posted = set(
            session.execute(
                select(HuddleReply.huddle_id, HuddleReply.person_id)
                .where(HuddleReply.huddle_id.in_([h.id for h in huddles]), HuddleReply.deleted_at.is_(None))
                .distinct()
            ).all()
        )
        reps = session.scalars(
            select(Membership.person_id).where(Membership.team_id == team_id, Membership.role == ROLE_REP)
        ).all()
        for person_id in reps:
            turns = [
                rules.HuddleTurn(starts_at=h.starts_at, posted=(h.id, person_id) in posted)
                for h in huddles
                if person_id in h.expected
            ]
            verdict = rules.quiet_in_huddles(turns)
            if verdict is None:
                continue
            signals.append(
                HuddleQuiet(
                    team_id=team_id,
                    person_id=person_id,
                    episode_start=verdict.episode_start,
                    evidence=verdict.evidence,
                    suggested_step=verdict.suggested_step,
                    details={
                        "baseline_posts": verdict.baseline_posts,
                        "baseline_huddles": verdict.baseline_size,
                        "silent_huddles": verdict.silent,
                    },
                )
            )
    return signals


def huddle_alert_signals(session: Session, now: datetime) -> list[RaisedSignal]:
    """The alert engine's source for "quiet in huddles": one raised signal per rep currently silent."""
    return [
        RaisedSignal(
            team_id=quiet.team_id,
            person_id=quiet.person_id,
            signal=quiet.signal,
            episode_start=quiet.episode_start,
            evidence=quiet.evidence,
            suggested_step=quiet.suggested_step,
            details=dict(quiet.details),
        )
        for quiet in huddle_quiet_signals(session=session, now=now)
    ]
