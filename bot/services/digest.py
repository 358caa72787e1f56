"""The digest's data: one team's week gathered for one manager, in a fixed number of SQL statements.

Every query is per team, never per rep, so a team of 50 costs what a team of 5 does. The same
gathering feeds the weekly DM, `/stretch digest` and the manager's App Home dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.domain import pilots as pilot_rules
from bot.domain.alerts import alert_title, is_new_signal
from bot.domain.checkpoints import pace_line
from bot.domain.digest import (
    SPARK_WEEKS,
    BalanceInput,
    CheckinFact,
    TeamPulse,
    balance_line,
    team_pulse,
    unclaimed_hint,
    week_starts,
)
from bot.domain.errors import NotAllowedError
from bot.domain.schedule import local_date, zone
from bot.domain.zones import GOAL_FEEL
from bot.models import (
    ROLE_MANAGER,
    ROLE_REP,
    Checkin,
    CheckinAnswer,
    CheckinQuestion,
    Membership,
    Person,
    Pilot,
    PilotParticipant,
    Team,
)
from bot.models.alerts import ALERT_ACKNOWLEDGED, ALERT_OPEN, ALERT_SNOOZED, QuietAlert
from bot.services.alerts.cards import EpisodeFacts, episode_facts, live_lines
from bot.services.alerts.signals import signal_label
from bot.services.checkins.questions import options_of
from bot.services.pie_reads import open_pie, pie_view
from bot.services.pressure import pressure_summary
from bot.services.shoutouts.drafts import Draft, pending_drafts
from bot.services.shoutouts.effort import EffortEntry, effort_leaderboard
from bot.services.teams import load_team, resolve_team, team_for_channel, teams_of

LIMITER = "limiter"
WATCHED = (ALERT_OPEN, ALERT_ACKNOWLEDGED, ALERT_SNOOZED)
RECENT_DECISIONS = timedelta(days=7)

NOT_A_MANAGER = (
    "The digest is for a team's managers: it's their weekly read of the team. Your own pulse, pie slice "
    "and pilots are on your Stretch *Home* tab."
)


@dataclass(frozen=True)
class WatchItem(EpisodeFacts):
    """One open quiet-rep alert, for that team's managers only."""

    user_id: str
    name: str
    acted_by_user_id: str | None
    snoozed_until: datetime | None
    title: str = ""
    live: tuple[str, ...] = ()
    escalated: bool = False
    is_new: bool = False


@dataclass(frozen=True)
class PilotLine:
    """A pilot as the digest shows it."""

    pilot_id: int
    name: str
    status: str
    day: int
    length: int
    participants: int
    review_due: bool
    decided_at: datetime | None


@dataclass(frozen=True)
class PieSummary:
    """The open pie in a few numbers."""

    title: str
    claimed: str
    target: str
    progress: str
    claimed_pct: int
    progress_pct: int
    pace_pct: int
    days_left: int
    left: str
    unclaimed_reps: int
    hint: str
    # The team's pace against its checkpoint path (issue 19).
    pace_line: str = ""


@dataclass(frozen=True)
class DigestData:
    """Everything the digest and the dashboard show for one team and one manager."""

    team_id: int
    team_name: str
    channel_id: str | None
    tz: str
    week_ending: datetime
    pulse: TeamPulse
    goal_labels: dict[str, str]
    limiter_labels: dict[str, str]
    watchlist: tuple[WatchItem, ...]
    drafts: tuple[Draft, ...]
    effort: tuple[EffortEntry, ...]
    pilots: tuple[PilotLine, ...]
    pie: PieSummary | None
    balance: str
    # "Pressure to cut corners: 2 of 6 felt it this week" (anonymous counts, 3+ answers; issue 19).
    pressure_line: str = ""


def managed_teams(*, session: Session, workspace_id: int, user_id: str) -> list[Team]:
    """The teams the person manages (oldest first)."""
    return [
        r.team for r in teams_of(session=session, workspace_id=workspace_id, user_id=user_id) if r.is_manager
    ]


def digest_teams(
    *, session: Session, workspace_id: int, user_id: str, channel_id: str | None, team_id: int | None = None
) -> list[Team]:
    """The teams `/stretch digest` is about: the named one, the channel's, or every team they manage."""
    teams = managed_teams(session=session, workspace_id=workspace_id, user_id=user_id)
    if not teams:
        raise NotAllowedError(NOT_A_MANAGER)
    if team_id is not None:
        chosen = [t for t in teams if t.id == team_id]
        if not chosen:
            raise NotAllowedError("Only that team's managers get its digest.")
        return chosen
    in_channel = [t for t in teams if channel_id and t.channel_id == channel_id]
    if in_channel:
        return in_channel
    if channel_id and team_for_channel(session=session, workspace_id=workspace_id, channel_id=channel_id):
        # Another team's channel: refused like every command there (OtherTeamsChannelError), or the
        # person is on that team but doesn't manage it.
        resolve_team(session=session, workspace_id=workspace_id, user_id=user_id, channel_id=channel_id)
        raise NotAllowedError("Only this team's managers get its digest.")
    return teams


def is_team_manager(*, session: Session, team_id: int, person_id: int) -> bool:
    """Whether the person is (still) a manager of the team."""
    role = session.scalar(
        select(Membership.role).where(Membership.team_id == team_id, Membership.person_id == person_id)
    )
    return role == ROLE_MANAGER


def _labels(question: CheckinQuestion | None) -> dict[str, str]:
    return dict(options_of(question)) if question is not None else {}


def _pulse(session: Session, team: Team, rep_ids: set[int], tz: str, now: datetime) -> TeamPulse:
    # Rolling weeks ending now, each boundary the same local wall time 7 days earlier (DST-safe): the
    # scheduled digest (sent at its moment) and the dashboard (any day) read the same way.
    at = now.astimezone(zone(tz)).time().replace(tzinfo=None)
    boundaries = [*week_starts(moment=now, at=at, tz_name=tz, weeks=SPARK_WEEKS)[:-1], now]
    since = boundaries[0]
    rows = session.execute(
        select(Checkin.id, Checkin.person_id, Checkin.due_at, Checkin.status, Checkin.readiness, Checkin.zone)
        .where(Checkin.team_id == team.id, Checkin.due_at >= since, Checkin.due_at < now)
        .order_by(Checkin.due_at)
    ).all()
    recent = boundaries[-2]
    answers: dict[int, dict[str, str]] = {}
    for checkin_id, key, value in session.execute(
        select(CheckinAnswer.checkin_id, CheckinAnswer.question_key, CheckinAnswer.value)
        .join(Checkin, Checkin.id == CheckinAnswer.checkin_id)
        .where(
            Checkin.team_id == team.id,
            Checkin.due_at >= recent,
            Checkin.due_at < now,
            CheckinAnswer.question_key.in_((GOAL_FEEL, LIMITER)),
        )
    ):
        answers.setdefault(checkin_id, {})[key] = value
    facts = [
        CheckinFact(
            person_id=r.person_id,
            due_at=r.due_at,
            status=r.status,
            readiness=r.readiness,
            zone=r.zone,
            goal_feel=answers.get(r.id, {}).get(GOAL_FEEL),
            limiter=answers.get(r.id, {}).get(LIMITER),
        )
        for r in rows
        if r.person_id in rep_ids
    ]
    return team_pulse(facts, boundaries=boundaries, reps=len(rep_ids))


def _watchlist(session: Session, team_id: int, *, now: datetime, tz: str) -> tuple[WatchItem, ...]:
    rows = session.execute(
        select(QuietAlert, Person)
        .join(Person, Person.id == QuietAlert.person_id)
        .where(QuietAlert.team_id == team_id, QuietAlert.status.in_(WATCHED))
        .order_by(
            QuietAlert.status != ALERT_OPEN,
            QuietAlert.escalated_at.is_(None),
            QuietAlert.opened_at.desc(),
            QuietAlert.id.desc(),
        )
    ).all()
    # The figures as they stand now (one statement for the whole list), never those of the day it fired.
    live = live_lines(session=session, reps={(a.team_id, a.person_id) for a, _ in rows}, now=now, tz=tz)
    acted_ids = {a.acted_by_person_id for a, _ in rows if a.acted_by_person_id is not None}
    acted = (
        dict(session.execute(select(Person.id, Person.slack_user_id).where(Person.id.in_(acted_ids))).all())
        if acted_ids
        else {}
    )
    return tuple(
        WatchItem(
            **episode_facts(alert),
            user_id=person.slack_user_id,
            name=person.display_name or person.slack_user_id,
            acted_by_user_id=acted.get(alert.acted_by_person_id) if alert.acted_by_person_id else None,
            snoozed_until=alert.snoozed_until,
            title=alert_title(
                alert.signal,
                person.display_name or person.slack_user_id,
                alert.details or {},
                signal_label(alert.signal),
            ),
            live=live.get((alert.team_id, alert.person_id), ()),
            escalated=alert.escalated_at is not None and alert.status == ALERT_OPEN,
            is_new=is_new_signal(alert.signal, alert.details or {}),
        )
        for alert, person in rows
    )


def _pilots(session: Session, team: Team, now: datetime) -> tuple[PilotLine, ...]:
    today = local_date(now, team.tz)
    pilots = session.scalars(
        select(Pilot)
        .where(
            Pilot.team_id == team.id,
            (Pilot.status == pilot_rules.STATUS_ACTIVE) | (Pilot.decided_at >= now - RECENT_DECISIONS),
        )
        .options(selectinload(Pilot.participants).load_only(PilotParticipant.id))
        .order_by(Pilot.start_date, Pilot.id)
    ).all()
    lines = []
    for pilot in pilots:
        active = pilot.status == pilot_rules.STATUS_ACTIVE
        review_day = pilot_rules.stage_day(pilot_rules.STAGE_REVIEW, pilot.start_date, pilot.length_days)
        lines.append(
            PilotLine(
                pilot_id=pilot.id,
                name=f"{pilot.title} (v{pilot.iteration})" if pilot.iteration > 1 else pilot.title,
                status=pilot.status,
                day=min(pilot.length_days, pilot_rules.day_number(pilot.start_date, today)),
                length=pilot.length_days,
                participants=len(pilot.participants),
                review_due=active and today >= review_day,
                decided_at=pilot.decided_at,
            )
        )
    # Active first (reviews due at the top), then the week's decisions, newest first.
    lines.sort(key=lambda p: (p.status != pilot_rules.STATUS_ACTIVE, not p.review_due, p.pilot_id))
    return tuple(lines)


def _pie(session: Session, team: Team, now: datetime) -> PieSummary | None:
    pie = open_pie(session=session, team_id=team.id)
    if pie is None:
        return None
    view = pie_view(session=session, pie=pie, now=now)
    numbers = view.figures(now)
    # Where the checkpoint path (not a straight line) says the team should be today.
    expected = view.pace.expected if view.pace is not None else 0
    return PieSummary(
        title=view.title,
        claimed=view.money(view.claimed),
        target=view.money(view.target),
        progress=view.money(view.progress),
        claimed_pct=numbers.claimed_pct,
        progress_pct=numbers.progress_pct,
        pace_pct=round(100 * expected / max(1, view.target)),
        days_left=numbers.days_left,
        left=view.money(max(0, view.left)),
        unclaimed_reps=len(view.unclaimed_user_ids),
        hint=unclaimed_hint(
            left=view.left,
            target=view.target,
            unclaimed_reps=len(view.unclaimed_user_ids),
            claims_open=numbers.claims_open,
        ),
        pace_line=pace_line(view.pace, view.currency) if view.pace is not None else "",
    )


def gather_digest(*, session: Session, team_id: int, manager: Person, now: datetime) -> DigestData:
    """One team's week for one of its managers (their time zone sets the week); managers only."""
    team = load_team(session=session, team_id=team_id)
    roles = {m.person_id: m.role for m in team.memberships}
    if roles.get(manager.id) != ROLE_MANAGER:
        raise NotAllowedError(NOT_A_MANAGER)
    rep_ids = {pid for pid, role in roles.items() if role == ROLE_REP}
    pulse = _pulse(session, team, rep_ids, manager.tz, now)
    questions = {
        q.key: q
        for q in session.scalars(
            select(CheckinQuestion).where(
                CheckinQuestion.team_id == team.id, CheckinQuestion.key.in_((GOAL_FEEL, LIMITER))
            )
        )
    }
    pie = _pie(session, team, now)
    pressure = pressure_summary(session=session, team_id=team.id, now=now, tz=manager.tz)
    balance = balance_line(
        BalanceInput(
            progress_pct=pie.progress_pct if pie else None,
            pace_pct=pie.pace_pct if pie else None,
            zones=pulse.zones,
            answered=pulse.people_answered,
        )
    )
    return DigestData(
        team_id=team.id,
        team_name=team.name,
        channel_id=team.channel_id,
        tz=manager.tz,
        week_ending=now,
        pulse=pulse,
        goal_labels=_labels(questions.get(GOAL_FEEL)),
        limiter_labels=_labels(questions.get(LIMITER)),
        watchlist=_watchlist(session, team.id, now=now, tz=manager.tz),
        drafts=tuple(pending_drafts(session=session, team_id=team.id, manager_person_id=manager.id, now=now)),
        effort=tuple(effort_leaderboard(session=session, team_id=team.id, now=now, limit=3)),
        pilots=_pilots(session, team, now),
        pie=pie,
        balance=balance,
        pressure_line=pressure.line if pressure is not None else "",
    )
