"""Quiet-rep signals: what a raised signal carries, the team's alert thresholds, and the check-ins' own
signal source.

A signal source is a function of (session, now) returning the signals raised right now; bot/features.py
names every feature's source and the engine (bot/jobs/alerts.py) turns them into episodes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain import alerts as rules
from bot.domain.alert_settings import AlertSettings, settings_from, settings_json
from bot.models import ROLE_REP, Membership, Person, Pie, PieSlice, TeamAlertSettings, TeamSkipDate
from bot.models.checkins import Checkin, CheckinAnswer, CheckinQuestion
from bot.services.people import find_person

# Facts older than the longest baseline plus the recent window are never read.
HISTORY = timedelta(weeks=12)


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


def signal_label(signal: str) -> str:
    """How a signal is named to managers ("missed check-ins"), or its key in words for an unknown one."""
    return SIGNAL_LABELS.get(signal, signal.replace("_", " "))


def team_settings(*, session: Session, team_id: int) -> AlertSettings:
    """The team's alert thresholds (the defaults until a manager changes them)."""
    row = session.get(TeamAlertSettings, team_id)
    return settings_from(row.thresholds if row else None)


def save_team_settings(
    *,
    session: Session,
    team_id: int,
    workspace_id: int,
    changes: Mapping[str, float | int],
    actor_user_id: str,
    now: datetime,
) -> AlertSettings:
    """Store the thresholds a manager typed over the team's current ones, noting who changed them."""
    settings = replace(team_settings(session=session, team_id=team_id), **changes)  # type: ignore[arg-type]
    actor = find_person(session=session, workspace_id=workspace_id, user_id=actor_user_id)
    row = session.get(TeamAlertSettings, team_id)
    if row is None:
        row = TeamAlertSettings(team_id=team_id, updated_at=now)
        session.add(row)
    row.thresholds = settings_json(settings)
    row.updated_by_person_id = actor.id if actor else None
    row.updated_at = now
    return settings


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
        settings = settings_from(rep.thresholds)
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
