"""Quiet-rep alerts on the clock: the engine evaluates every feature's signal sources (hourly, or sooner
when check-in data changed), opens one QuietAlert per episode of a (team, rep, signal), marks episodes
recovered when their signal clears, and sends each episode's DM to every manager of the team, promptly
but never 21:00–08:00 on the manager's clock. Nothing is ever addressed to the rep or to a channel."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot import kinds
from bot.deliveries import Message, enqueue_many
from bot.domain.alert_rounds import ESCALATE_AFTER_WORKING_DAYS, send_time, working_days_between
from bot.domain.availability import is_away
from bot.domain.schedule import local_date
from bot.models import (
    ROLE_MANAGER,
    AlertRun,
    Delivery,
    Membership,
    Person,
    QuietAlert,
    Team,
    TeamAlertSettings,
    TeamSkipDate,
)
from bot.models.alerts import ALERT_DISMISSED, ALERT_OPEN, ALERT_RECOVERED, ALERT_SNOOZED
from bot.models.checkins import CHECKIN_MISSED, Checkin
from bot.services.alerts.cards import alert_card, viewer_of_delivery
from bot.services.alerts.signals import RaisedSignal, SignalSource
from bot.slack.blocks.alerts import build_alert_dm

logger = logging.getLogger(__name__)

# A DM that couldn't go out within two days is stale: the digest still lists the episode.
DM_LIFETIME = timedelta(days=2)
EVALUATE_EVERY = timedelta(hours=1)


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
                (pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)(QuietAlert)
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
        waited = working_days_between(local_date(since, tz), local_date(now, tz))
        if waited >= ESCALATE_AFTER_WORKING_DAYS:
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
        due = send_time(now, row.tz)
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


# --- the planner and the delivery kind ------------------------------------------------------------------------


def plan_quiet_alerts(session: Session, now: datetime, *, sources: Mapping[str, SignalSource]) -> int:
    """Open and recover episodes from every feature's signal `sources` and plan their DMs; returns how
    many DMs were planned."""
    return evaluate_if_due(session=session, now=now, sources=sources).planned


def render_alert(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """The alert as it stands when sent; nothing once it was handled, snoozed or cleared meanwhile."""
    alert = session.get(QuietAlert, delivery.ref_id) if delivery.ref_id else None
    if alert is None or alert.status != ALERT_OPEN:
        return None
    viewer_id, tz = viewer_of_delivery(session=session, delivery=delivery)
    if viewer_id is None or viewer_id == alert.person_id:
        return None
    card = alert_card(session=session, alert_id=alert.id, viewer_tz=tz, now=now)
    if card is None:
        return None
    text, blocks = build_alert_dm(card, viewer_person_id=viewer_id)
    return Message(text=text, blocks=blocks)
