"""The pie's hidden risks as alert signals: confidence falling while pace looks fine, and the same
limiting factor named check-in after check-in. Private to the team's managers, like every alert.

| signal            | raised when (defaults)                                                                  |
|-------------------|-----------------------------------------------------------------------------------------|
| confidence_drop   | the rep's own pace is on track (or reached), and their latest weekly confidence (1–10) |
|                   | is ≥ 2 points below their highest answer in the two weeks before it                    |
| same_limiter      | the rep's last 3 answered limiter questions all named the same limit (not "nothing")   |

Labels and headlines live with the other signals' in bot/domain/alerts.py; bot/features.py wires the source.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.checkpoints import DONE, ON_TRACK
from bot.domain.questions import CONFIDENCE
from bot.models import ROLE_REP, Membership, Person, Pie
from bot.models.checkins import Checkin, CheckinAnswer, CheckinQuestion
from bot.services.alerts.signals import RaisedSignal
from bot.services.checkins.questions import options_of
from bot.services.checkpoints import rep_pace

CONFIDENCE_DROP = "confidence_drop"
SAME_LIMITER = "same_limiter"
LIMITER = "limiter"
CONFIDENCE_POINTS = 2  # "dropped 2 points or more"
CONFIDENCE_WINDOW = timedelta(days=14)  # "over two weeks"
LIMITER_RUN = 3  # "in 3 check-ins running"
LOOKBACK = timedelta(weeks=6)
NOT_A_LIMIT = "nothing"

LIMITER_STEPS = {
    "pipeline": "Block 30 minutes together on pipeline: go through their accounts and pick five to open this week.",
    "time": "Ask what you can take off their plate this week: one meeting or report they can skip.",
    "energy": "Check in on workload and rest in your 1:1; a lighter week now can save the quarter.",
    "skills": "Pair them with a teammate on their next two calls, or role-play the hard part together.",
    "tools": "Ask which step of the process slows them down and fix or escalate that one thing.",
}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class Answer:
    """One answer of a rep to a question, on the check-in's local date."""

    day: date
    value: str


def confidence_drop(answers: Sequence[Answer]) -> tuple[int, int, date] | None:
    """(high, latest, since) when the latest confidence is ≥ 2 below the highest of the 2 weeks before it."""
    scored = [(a.day, int(a.value)) for a in answers if a.value.isdigit()]
    if len(scored) < 2:
        return None
    scored.sort()
    latest_day, latest = scored[-1]
    window = [(d, v) for d, v in scored[:-1] if latest_day - CONFIDENCE_WINDOW <= d < latest_day]
    if not window:
        return None
    high_day, high = max(window, key=lambda item: (item[1], item[0]))
    if high - latest >= CONFIDENCE_POINTS:
        return high, latest, high_day
    return None


def same_limiter(answers: Sequence[Answer]) -> tuple[str, date] | None:
    """(limit, first day of the run) when the last 3 limiter answers named the same limit."""
    ordered = sorted(answers, key=lambda a: a.day)
    if len(ordered) < LIMITER_RUN:
        return None
    last = ordered[-LIMITER_RUN:]
    value = last[0].value
    if value == NOT_A_LIMIT or any(a.value != value for a in last):
        return None
    start = len(ordered) - LIMITER_RUN
    while start > 0 and ordered[start - 1].value == value:
        start -= 1
    return value, ordered[start].day


def pace_signals(session: Session, now: datetime) -> list[RaisedSignal]:
    """The alert engine's source for the pie's hidden risks (every rep of every team)."""
    since = (now - LOOKBACK).date()
    rows = session.execute(
        select(
            Checkin.team_id,
            Checkin.person_id,
            Checkin.local_date,
            CheckinAnswer.question_key,
            CheckinAnswer.value,
        )
        .join(CheckinAnswer, CheckinAnswer.checkin_id == Checkin.id)
        .join(
            Membership, (Membership.team_id == Checkin.team_id) & (Membership.person_id == Checkin.person_id)
        )
        .where(
            Membership.role == ROLE_REP,
            Checkin.local_date >= since,
            CheckinAnswer.question_key.in_((CONFIDENCE, LIMITER)),
            CheckinAnswer.value != "",
        )
    ).all()
    answers: dict[tuple[int, int, str], list[Answer]] = defaultdict(list)
    for team_id, person_id, day, key, value in rows:
        answers[(team_id, person_id, key)].append(Answer(day, value))
    if not answers:
        return []
    names = {
        pid: (name or user_id)
        for pid, name, user_id in session.execute(
            select(Person.id, Person.display_name, Person.slack_user_id).where(
                Person.id.in_({pid for _, pid, _ in answers}), Person.deleted.is_(False)
            )
        )
    }
    open_pie_teams = set(session.scalars(select(Pie.open_team_id).where(Pie.open_team_id.is_not(None))))
    limiter_labels: dict[int, dict[str, str]] = {}
    signals: list[RaisedSignal] = []
    for (team_id, person_id, key), found in answers.items():
        name = names.get(person_id)
        if name is None:
            continue
        shown = _escape(name)
        if key == LIMITER:
            run = same_limiter(found)
            if run is None:
                continue
            limit, start = run
            if team_id not in limiter_labels:
                question = session.scalar(
                    select(CheckinQuestion).where(
                        CheckinQuestion.team_id == team_id, CheckinQuestion.key == LIMITER
                    )
                )
                limiter_labels[team_id] = dict(options_of(question)) if question is not None else {}
            label = _escape(limiter_labels[team_id].get(limit, limit))
            signals.append(
                RaisedSignal(
                    team_id=team_id,
                    person_id=person_id,
                    signal=SAME_LIMITER,
                    episode_start=start,
                    evidence=f"{shown} has named *{label}* as their limit {LIMITER_RUN} times in a row (since {start:%a %d %b}).",
                    suggested_step=LIMITER_STEPS.get(
                        limit,
                        "Ask in your 1:1 what would loosen this limit, and agree one thing to try this week.",
                    ),
                    details={"limit": limit, "run_start": start.isoformat()},
                )
            )
        elif key == CONFIDENCE and team_id in open_pie_teams:
            drop = confidence_drop(found)
            if drop is None:
                continue
            mine = rep_pace(session=session, team_id=team_id, person_id=person_id, now=now)
            if mine is None or mine.pace.status not in (ON_TRACK, DONE):
                continue  # behind on pace: the pie card already says so; this signal is the hidden one
            high, latest, high_day = drop
            signals.append(
                RaisedSignal(
                    team_id=team_id,
                    person_id=person_id,
                    signal=CONFIDENCE_DROP,
                    episode_start=high_day,
                    evidence=(
                        f"{shown}'s pace is {mine.pace.label}, but their confidence in their slice fell from "
                        f"{high} to {latest} (of 10) in two weeks."
                    ),
                    suggested_step=(
                        "Ask what changed: a deal slipping, a worry about the period end, something outside "
                        "work? The numbers look fine, so this is the moment to hear it early."
                    ),
                    details={"from": high, "to": latest},
                )
            )
    return signals
