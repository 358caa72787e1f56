"""Quiet-rep alerts: pluggable signal sources, the episode engine, managers' actions and what the digest reads.

A signal source is a function of (session, now) returning the signals raised right now. The engine opens
one QuietAlert per episode of a (team, rep, signal), marks episodes recovered when their signal clears,
and plans one DM per episode per manager through the outbox. Everything here is private to the team's
managers: nothing is ever addressed to the rep or to a channel.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot import kinds
from bot.deliveries import enqueue_many
from bot.domain import alerts as rules
from bot.domain import one_on_one as page_rules
from bot.domain.availability import is_away
from bot.domain.errors import NotAllowedError, UserError
from bot.domain.schedule import format_local, local_date
from bot.models import (
    ROLE_MANAGER,
    ROLE_REP,
    AlertRun,
    Delivery,
    Membership,
    Person,
    Pie,
    PieSlice,
    QuietAlert,
    Team,
    TeamAlertSettings,
    TeamSkipDate,
)
from bot.models.alerts import (
    ALERT_ACKNOWLEDGED,
    ALERT_DISMISSED,
    ALERT_OPEN,
    ALERT_RECOVERED,
    ALERT_SNOOZED,
)
from bot.models.checkins import CHECKIN_MISSED, Checkin, CheckinAnswer, CheckinQuestion

logger = logging.getLogger(__name__)

SNOOZE = timedelta(days=7)
# A DM that couldn't go out within two days is stale: the digest still lists the episode.
DM_LIFETIME = timedelta(days=2)
EVALUATE_EVERY = timedelta(hours=1)
# Facts older than the longest baseline plus the recent window are never read.
HISTORY = timedelta(weeks=12)
# "last answer 40 days ago" may reach further back than the signals read.
LIVE_HISTORY = timedelta(days=366)
SHOWN = (ALERT_OPEN, ALERT_ACKNOWLEDGED, ALERT_SNOOZED)

ACK = "ack"
SNOOZE_ACTION = "snooze"
DISMISS = "dismiss"


# --- pluggable signal sources -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RaisedSignal:
    """One signal raised now for one rep of one team; `episode_start` names the episode it belongs to."""

    team_id: int
    person_id: int
    signal: str
    episode_start: date | datetime
    evidence: str
    suggested_step: str
    details: dict[str, object] = field(default_factory=dict)
    strong_record: bool = False


# A feature's source of raised signals (check-ins, huddles, …); bot/features.py names them all.
SignalSource = Callable[[Session, datetime], list[RaisedSignal]]
SIGNAL_LABELS = rules.SIGNAL_LABELS
SIGNAL_TITLES = rules.SIGNAL_TITLES


def team_settings(*, session: Session, team_id: int) -> rules.AlertSettings:
    """The team's alert thresholds (the defaults until a manager changes them)."""
    row = session.get(TeamAlertSettings, team_id)
    return rules.settings_from(row.thresholds if row else None)


def save_team_settings(
    *,
    session: Session,
    team_id: int,
    settings: rules.AlertSettings,
    actor_person_id: int | None,
    now: datetime,
) -> None:
    """Store the team's thresholds."""
    row = session.get(TeamAlertSettings, team_id)
    if row is None:
        row = TeamAlertSettings(team_id=team_id, updated_at=now)
        session.add(row)
    row.thresholds = rules.settings_json(settings)
    row.updated_by_person_id = actor_person_id
    row.updated_at = now


def checkin_signals(session: Session, now: datetime) -> list[RaisedSignal]:
    """The check-in signals of every rep of every team, in five statements whatever the team sizes."""
    reps = session.execute(
        select(
            Membership.team_id,
            Membership.person_id,
            Person.away_from,
            Person.away_until,
            TeamAlertSettings.thresholds,
        )
        .join(Person, Person.id == Membership.person_id)
        .outerjoin(TeamAlertSettings, TeamAlertSettings.team_id == Membership.team_id)
        .where(Membership.role == ROLE_REP, Person.deleted.is_(False), Person.is_bot.is_(False))
    ).all()
    if not reps:
        return []
    since = (now - HISTORY).date()
    skips: dict[int, set[date]] = defaultdict(set)
    for team_id, day in session.execute(
        select(TeamSkipDate.team_id, TeamSkipDate.day).where(TeamSkipDate.day >= since)
    ):
        skips[team_id].add(day)
    # Note lengths only: the text of a note never leaves the database.
    notes = (
        select(CheckinAnswer.checkin_id, func.sum(func.length(CheckinAnswer.value)).label("length"))
        .join(CheckinQuestion, CheckinQuestion.id == CheckinAnswer.question_id)
        .where(CheckinQuestion.kind == "text")
        .group_by(CheckinAnswer.checkin_id)
        .subquery()
    )
    facts: dict[tuple[int, int], list[rules.CheckinFact]] = defaultdict(list)
    for row in session.execute(
        select(
            Checkin.team_id,
            Checkin.person_id,
            Checkin.local_date,
            Checkin.status,
            Checkin.readiness,
            Checkin.zone,
            Checkin.sent_at,
            Checkin.first_answer_at,
            notes.c.length,
        )
        .outerjoin(notes, notes.c.checkin_id == Checkin.id)
        .where(Checkin.local_date >= since, Checkin.due_at <= now)
    ):
        facts[(row.team_id, row.person_id)].append(
            rules.CheckinFact(
                local_date=row.local_date,
                status=row.status,
                readiness=row.readiness,
                zone=row.zone,
                note_length=int(row.length or 0),
                sent_at=row.sent_at,
                first_answer_at=row.first_answer_at,
            )
        )
    # The day of each rep's first check-in ever: reps whose history starts in the window are new.
    first_days: dict[tuple[int, int], date] = {
        (team_id, person_id): day
        for team_id, person_id, day in session.execute(
            select(Checkin.team_id, Checkin.person_id, func.min(Checkin.local_date)).group_by(
                Checkin.team_id, Checkin.person_id
            )
        )
    }
    latest_pies = select(func.max(Pie.id)).group_by(Pie.team_id).scalar_subquery()
    best: dict[int, tuple[int, int]] = {}
    for team_id, person_id, progress in session.execute(
        select(Pie.team_id, PieSlice.person_id, PieSlice.progress_minor)
        .join(PieSlice, PieSlice.pie_id == Pie.id)
        .where(Pie.id.in_(latest_pies), PieSlice.progress_minor > 0)
    ):
        if team_id not in best or progress > best[team_id][1]:
            best[team_id] = (person_id, progress)
    raised: list[RaisedSignal] = []
    for rep in reps:
        settings = rules.settings_from(rep.thresholds)
        counted = rules.counted(
            facts.get((rep.team_id, rep.person_id), []),
            away_from=rep.away_from,
            away_until=rep.away_until,
            skip_dates=skips.get(rep.team_id, set()),
        )
        top = best.get(rep.team_id, (0, 0))[0] == rep.person_id
        first_day = first_days.get((rep.team_id, rep.person_id))
        for signal in rules.raised_signals(counted, settings, first_day=first_day):
            before = [f for f in counted if f.local_date < signal.episode_start]
            raised.append(
                RaisedSignal(
                    team_id=rep.team_id,
                    person_id=rep.person_id,
                    signal=signal.signal,
                    episode_start=signal.episode_start,
                    evidence=signal.evidence,
                    suggested_step=signal.suggested_step,
                    details=signal.details,
                    strong_record=rules.is_strong_record(before, top_of_pie=top, settings=settings),
                )
            )
    return raised


# --- the engine ----------------------------------------------------------------------------------------------


@dataclass
class EvaluationReport:
    """What one evaluation pass changed."""

    evaluated: bool = False
    raised: int = 0
    opened: int = 0
    recovered: int = 0
    resurfaced: int = 0
    escalated: int = 0
    planned: int = 0


def _insert(session: Session) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def episode_key(signal: RaisedSignal) -> str:
    """The unique key of a signal's episode."""
    return f"{signal.signal}:{signal.team_id}:{signal.person_id}:{signal.episode_start.isoformat()}"


def _data_mark(session: Session) -> str:
    """Changes when check-ins are created, answered or missed, or when a team's thresholds change."""
    row = session.execute(
        select(
            func.max(Checkin.id),
            func.max(Checkin.first_answer_at),
            select(func.count()).where(Checkin.status == CHECKIN_MISSED).scalar_subquery(),
            select(func.max(TeamAlertSettings.updated_at)).scalar_subquery(),
        )
    ).one()
    return ":".join(str(value) for value in row)


def evaluate_if_due(
    *, session: Session, now: datetime, sources: Mapping[str, SignalSource]
) -> EvaluationReport:
    """Evaluate at most once an hour, or sooner when check-in data or thresholds changed."""
    mark = _data_mark(session)
    run = session.get(AlertRun, kinds.QUIET_ALERT)
    if run is not None and run.mark == mark and run.evaluated_at <= now < run.evaluated_at + EVALUATE_EVERY:
        return EvaluationReport()
    report = evaluate_alerts(session=session, now=now, sources=sources)
    if run is None:
        session.add(AlertRun(name=kinds.QUIET_ALERT, evaluated_at=now, mark=mark))
    else:
        run.evaluated_at, run.mark = now, mark
    return report


def evaluate_alerts(
    *, session: Session, now: datetime, sources: Mapping[str, SignalSource]
) -> EvaluationReport:
    """Open, recover and resurface episodes from every source's raised signals, then plan their DMs."""
    report = EvaluationReport(evaluated=True)
    raised: dict[tuple[int, int, str], tuple[str, RaisedSignal]] = {}
    healthy: set[str] = set()
    for name, source in sources.items():
        try:
            signals = source(session, now)
        except Exception:
            # One broken source must neither stop the others nor "recover" its own open episodes.
            logger.exception("alert signal source %s failed", name)
            continue
        healthy.add(name)
        for signal in signals:
            raised.setdefault((signal.team_id, signal.person_id, signal.signal), (name, signal))
    report.raised = len(raised)
    live = list(session.scalars(select(QuietAlert).where(QuietAlert.recovered_at.is_(None))))
    active: set[tuple[int, int, str]] = set()
    for alert in live:
        key = (alert.team_id, alert.person_id, alert.signal)
        owner = str((alert.details or {}).get("source", "checkins"))
        if key in raised:
            active.add(key)
            if (
                alert.status == ALERT_SNOOZED
                and alert.snoozed_until is not None
                and alert.snoozed_until <= now
            ):
                alert.status = ALERT_OPEN  # a week later and still quiet: tell the managers again
                report.resurfaced += 1
        elif owner in healthy:
            alert.recovered_at = now
            if alert.status != ALERT_DISMISSED:
                alert.status = ALERT_RECOVERED
            report.recovered += 1
    snoozed = {
        tuple(row)
        for row in session.execute(
            select(QuietAlert.team_id, QuietAlert.person_id, QuietAlert.signal).where(
                QuietAlert.snoozed_until > now
            )
        )
    }
    fresh = [(name, s) for key, (name, s) in raised.items() if key not in active and key not in snoozed]
    if fresh:
        people = {
            p.id: p
            for p in session.scalars(select(Person).where(Person.id.in_({s.person_id for _, s in fresh})))
        }
        today_skips = {
            tuple(row)
            for row in session.execute(
                select(TeamSkipDate.team_id, TeamSkipDate.day).where(
                    TeamSkipDate.team_id.in_({s.team_id for _, s in fresh})
                )
            )
        }
        values = []
        for name, signal in fresh:
            person = people.get(signal.person_id)
            if person is None:
                continue
            today = local_date(now, person.tz)
            # Nothing new about a rep who is away today or on a team day off.
            if (signal.team_id, today) in today_skips or is_away(today, person.away_from, person.away_until):
                continue
            values.append(
                {
                    "team_id": signal.team_id,
                    "person_id": signal.person_id,
                    "signal": signal.signal,
                    "episode_key": episode_key(signal),
                    "evidence": rules_clip(signal.evidence, 500),
                    "details": {**signal.details, "source": name},
                    "suggested_step": rules_clip(signal.suggested_step, 300),
                    "strong_record": signal.strong_record,
                    "status": ALERT_OPEN,
                    "opened_at": now,
                }
            )
        if values:
            statement = (
                _insert(session)(QuietAlert)
                .on_conflict_do_nothing(index_elements=["episode_key"])
                .returning(QuietAlert.id)
            )
            report.opened = len(session.execute(statement, values).all())
    report.escalated = escalate_unacknowledged(session=session, now=now)
    report.planned = plan_alert_dms(session=session, now=now)
    return report


def escalate_unacknowledged(*, session: Session, now: datetime) -> int:
    """Open alerts nobody acted on for 3 working days (team's calendar, from when they were raised or came
    back from a snooze) are raised once more: marked here, DMed by plan_alert_dms, first in the digest."""
    rows = session.execute(
        select(QuietAlert, Team.tz)
        .join(Team, Team.id == QuietAlert.team_id)
        .where(QuietAlert.status == ALERT_OPEN, QuietAlert.escalated_at.is_(None))
    ).all()
    escalated = 0
    for alert, tz in rows:
        since = alert.opened_at
        if alert.snoozed_until is not None and alert.snoozed_until > since:
            since = alert.snoozed_until
        waited = rules.working_days_between(local_date(since, tz), local_date(now, tz))
        if waited >= rules.ESCALATE_AFTER_WORKING_DAYS:
            alert.escalated_at = now
            escalated += 1
    return escalated


def rules_clip(text: str, limit: int) -> str:
    """Cut stored text to its column's length."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plan_alert_dms(*, session: Session, now: datetime) -> int:
    """One DM to each manager of the team for every open episode (never to the rep it is about)."""
    rows = session.execute(
        select(
            QuietAlert.id,
            QuietAlert.team_id,
            QuietAlert.person_id,
            QuietAlert.snoozed_until,
            QuietAlert.escalated_at,
            Person.id.label("manager_id"),
            Person.slack_user_id,
            Person.tz,
            Person.away_from,
            Person.away_until,
        )
        .join(Membership, Membership.team_id == QuietAlert.team_id)
        .join(Person, Person.id == Membership.person_id)
        .where(
            QuietAlert.status == ALERT_OPEN,
            Membership.role == ROLE_MANAGER,
            Person.id != QuietAlert.person_id,
            Person.deleted.is_(False),
            Person.is_bot.is_(False),
        )
    ).all()
    planned = []
    for row in rows:
        if is_away(local_date(now, row.tz), row.away_from, row.away_until):
            continue
        due = rules.send_time(now, row.tz)
        round_ = row.snoozed_until.date().isoformat() if row.snoozed_until else "first"
        if row.escalated_at is not None:
            round_ = f"escalated-{row.escalated_at.date().isoformat()}"
        planned.append(
            {
                "kind": kinds.QUIET_ALERT,
                "dedupe_key": kinds.quiet_alert_key(
                    alert_id=row.id, manager_person_id=row.manager_id, round_=round_
                ),
                "channel": row.slack_user_id,
                "due_at": due,
                "expires_at": due + DM_LIFETIME,
                "team_id": row.team_id,
                "person_id": row.manager_id,
                "ref_id": row.id,
            }
        )
    return enqueue_many(session=session, rows=planned, now=now)


# --- the card, the buttons, and the digest ----------------------------------------------------------------------


@dataclass(frozen=True)
class AlertCard:
    """Everything the alert DM shows."""

    alert_id: int
    team_name: str
    rep_user_id: str
    rep_name: str
    signal: str
    signal_label: str
    evidence: str
    suggested_step: str
    strong_record: bool
    status: str
    acted_by_user_id: str | None
    acted_by_person_id: int | None
    acted_at_text: str
    snoozed_until_text: str
    team_id: int = 0
    person_id: int = 0
    title: str = ""
    live: tuple[str, ...] = ()
    is_new: bool = False
    escalated: bool = False


# Signals whose stored figures go stale as the rep keeps missing: shown as the live lines instead.
LIVE_EVIDENCE = frozenset({rules.MISSED_IN_A_ROW, rules.NEW_NO_ANSWER})


def live_lines(
    *, session: Session, reps: set[tuple[int, int]], now: datetime, tz: str
) -> dict[tuple[int, int], tuple[str, ...]]:
    """For each (team, rep), the figures as they stand now ("missed 11 in a row since Thu 26 Nov",
    "last answer 12 days ago"), from a year of check-in statuses, in one statement."""
    if not reps:
        return {}
    facts: dict[tuple[int, int], list[page_rules.DayFact]] = defaultdict(list)
    for team_id, person_id, day, status in session.execute(
        select(Checkin.team_id, Checkin.person_id, Checkin.local_date, Checkin.status).where(
            Checkin.person_id.in_({p for _, p in reps}),
            Checkin.team_id.in_({t for t, _ in reps}),
            Checkin.local_date >= (now - LIVE_HISTORY).date(),
            Checkin.due_at <= now,
        )
    ):
        if (team_id, person_id) in reps:
            facts[(team_id, person_id)].append(page_rules.DayFact(local_date=day, status=status))
    today = local_date(now, tz)
    return {key: tuple(page_rules.live_lines(facts.get(key, []), today=today)) for key in reps}


def alert_card(
    *, session: Session, alert_id: int, viewer_tz: str = "UTC", now: datetime | None = None
) -> AlertCard | None:
    """The alert as its DM shows it (times in the viewer's zone, figures as of `now`), or None when gone."""
    alert = session.get(QuietAlert, alert_id)
    if alert is None:
        return None
    rep = session.get(Person, alert.person_id)
    team = session.get(Team, alert.team_id)
    actor = session.get(Person, alert.acted_by_person_id) if alert.acted_by_person_id else None
    label = SIGNAL_LABELS.get(alert.signal, alert.signal.replace("_", " "))
    name = (rep.display_name if rep else "") or "a rep"
    details = alert.details or {}
    key = (alert.team_id, alert.person_id)
    live = live_lines(session=session, reps={key}, now=now, tz=viewer_tz).get(key, ()) if now else ()
    return AlertCard(
        alert_id=alert.id,
        team_name=team.name if team else "",
        rep_user_id=rep.slack_user_id if rep else "",
        rep_name=(rep.display_name if rep else "") or "a rep",
        signal=alert.signal,
        signal_label=SIGNAL_LABELS.get(alert.signal, alert.signal.replace("_", " ")),
        evidence=alert.evidence,
        suggested_step=alert.suggested_step,
        strong_record=alert.strong_record,
        status=alert.status,
        acted_by_user_id=actor.slack_user_id if actor else None,
        acted_by_person_id=alert.acted_by_person_id,
        acted_at_text=format_local(alert.acted_at, viewer_tz) if alert.acted_at else "",
        snoozed_until_text=format_local(alert.snoozed_until, viewer_tz) if alert.snoozed_until else "",
        team_id=alert.team_id,
        person_id=alert.person_id,
        title=rules.alert_title(alert.signal, name, details, label),
        live=live,
        is_new=rules.is_new_signal(alert.signal, details),
        escalated=alert.escalated_at is not None and alert.status == ALERT_OPEN,
    )


def handled_note(card: AlertCard, *, viewer_person_id: int | None = None) -> str:
    """Who took the alert and what they chose, from one viewer's point of view."""
    who = (
        "You"
        if viewer_person_id and viewer_person_id == card.acted_by_person_id
        else f"<@{card.acted_by_user_id}>"
    )
    if card.status == ALERT_ACKNOWLEDGED:
        verb = "are" if who == "You" else "is"
        return f"{who} {verb} checking in with {card.rep_name} ({card.acted_at_text})."
    if card.status == ALERT_SNOOZED:
        return f"{who} snoozed this until {card.snoozed_until_text}."
    if card.status == ALERT_DISMISSED:
        return f"{who} marked this as not a concern ({card.acted_at_text})."
    if card.status == ALERT_RECOVERED:
        return f"This has cleared: {card.rep_name}'s check-ins look like their usual self again."
    return ""


class AlertHandledError(UserError):
    """A click on an alert another manager (or this one) already handled."""


def act_on_alert(
    *, session: Session, workspace_id: int, alert_id: int, manager_user_id: str, action: str, now: datetime
) -> QuietAlert:
    """Acknowledge, snooze or dismiss an open alert as one of its team's managers (not the rep)."""
    alert = session.scalar(select(QuietAlert).where(QuietAlert.id == alert_id).with_for_update())
    manager = session.scalar(
        select(Person).where(Person.workspace_id == workspace_id, Person.slack_user_id == manager_user_id)
    )
    if alert is None or manager is None:
        raise UserError("I can't find that alert any more, so nothing changed.")
    is_manager = session.scalar(
        select(Membership.id).where(
            Membership.team_id == alert.team_id,
            Membership.person_id == manager.id,
            Membership.role == ROLE_MANAGER,
        )
    )
    if is_manager is None:
        raise NotAllowedError("Only the team's managers can act on this alert.")
    if alert.person_id == manager.id:
        raise NotAllowedError("This alert is about you, so another manager will pick it up.")
    if alert.status != ALERT_OPEN:
        card = alert_card(session=session, alert_id=alert.id, viewer_tz=manager.tz, now=now)
        assert card is not None
        raise AlertHandledError(f"Already handled: {handled_note(card, viewer_person_id=manager.id)}")
    if action == ACK:
        alert.status = ALERT_ACKNOWLEDGED
    elif action == SNOOZE_ACTION:
        alert.status = ALERT_SNOOZED
        alert.snoozed_until = now + SNOOZE
        alert.escalated_at = None  # back from the snooze, its 3 working days start again
    elif action == DISMISS:
        alert.status = ALERT_DISMISSED
    else:
        raise UserError("That button isn't one I know, so nothing changed.")
    alert.acted_by_person_id = manager.id
    alert.acted_at = now
    return alert


@dataclass(frozen=True)
class AlertCopy:
    """One manager's copy of an alert DM."""

    channel: str
    ts: str
    manager_person_id: int
    tz: str


def alert_copies(*, session: Session, alert_id: int) -> list[AlertCopy]:
    """The alert DMs that were sent, so every manager's copy can show who took it."""
    rows = session.execute(
        select(Delivery.message_channel, Delivery.message_ts, Delivery.person_id, Person.tz)
        .join(Person, Person.id == Delivery.person_id)
        .where(
            Delivery.kind == kinds.QUIET_ALERT,
            Delivery.ref_id == alert_id,
            Delivery.message_ts.is_not(None),
            Delivery.message_channel.is_not(None),
        )
    ).all()
    return [AlertCopy(str(r[0]), str(r[1]), int(r[2] or 0), str(r[3])) for r in rows]


def viewer_of_delivery(*, session: Session, delivery: Delivery) -> tuple[int | None, str]:
    """The manager a delivery goes to and their zone."""
    person = session.get(Person, delivery.person_id) if delivery.person_id else None
    return (person.id, person.tz) if person else (None, "UTC")


@dataclass(frozen=True)
class OpenAlert:
    """One live episode for the digest: who, what, the evidence, and who took it."""

    alert_id: int
    person_id: int
    user_id: str
    display_name: str
    signal: str
    signal_label: str
    evidence: str
    suggested_step: str
    strong_record: bool
    status: str
    opened_at: datetime
    acted_by_user_id: str | None
    acted_at: datetime | None
    snoozed_until: datetime | None


def open_alerts(*, session: Session, team_id: int, now: datetime) -> list[OpenAlert]:
    """The team's open, acknowledged and snoozed episodes, newest first (manager-only data)."""
    rows = session.execute(
        select(QuietAlert, Person.slack_user_id, Person.display_name)
        .join(Person, Person.id == QuietAlert.person_id)
        .where(QuietAlert.team_id == team_id, QuietAlert.status.in_(SHOWN))
        .order_by(QuietAlert.opened_at.desc(), QuietAlert.id.desc())
    ).all()
    actors = {
        p.id: p.slack_user_id
        for p in session.scalars(
            select(Person).where(
                Person.id.in_({a.acted_by_person_id for a, _, _ in rows if a.acted_by_person_id})
            )
        )
    }
    return [
        OpenAlert(
            alert_id=alert.id,
            person_id=alert.person_id,
            user_id=user_id,
            display_name=name or user_id,
            signal=alert.signal,
            signal_label=SIGNAL_LABELS.get(alert.signal, alert.signal.replace("_", " ")),
            evidence=alert.evidence,
            suggested_step=alert.suggested_step,
            strong_record=alert.strong_record,
            status=alert.status,
            opened_at=alert.opened_at,
            acted_by_user_id=actors.get(alert.acted_by_person_id) if alert.acted_by_person_id else None,
            acted_at=alert.acted_at,
            snoozed_until=alert.snoozed_until,
        )
        for alert, user_id, name in rows
    ]
