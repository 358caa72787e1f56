"""Answering a check-in: the message's view of it, one-tap answers, notes, Submit, and the zone, comeback
and stretch moment decided at Submit (or at the end of the check-in's day for one left half answered)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain import attention as attention_rules
from bot.domain import questions as qrules
from bot.domain.errors import NotAllowedError, UserError
from bot.domain.zones import GOAL_FEEL, READINESS, SNAP, STRETCH, zone_for
from bot.models import Person, Pie, PieSlice, Team
from bot.models.checkins import (
    CHECKIN_ANSWERED,
    CHECKIN_MISSED,
    CHECKIN_OPEN,
    Checkin,
    CheckinAnswer,
    CheckinQuestion,
)
from bot.models.checkpoints import PressureAnswered, TeamPressureSetting
from bot.models.moments import MOMENT_SNAP_COMEBACK, MOMENT_STRETCH_ANSWER
from bot.services.checkins.questions import QuestionView, options_of, question_view, team_questions
from bot.services.moments import record_moment

# The default text question whose answer is a stretch moment (the text itself never leaves the check-in).
STRETCH_QUESTION = "stretch_swing"
COMEBACK_SUMMARY = "kept at it and took on this week's goal"
ANSWERABLE = (CHECKIN_OPEN, CHECKIN_ANSWERED, CHECKIN_MISSED)
CLOSED_MESSAGE = (
    "That check-in has closed, so I didn't change anything. Thanks for tapping though! "
    "Your latest one is in our DM, or type `/stretch checkin`."
)


class CheckinClosed(UserError):
    """An answer for a check-in that no longer takes answers (a stale button)."""


@dataclass(frozen=True)
class CheckinView:
    """Everything the check-in message and the note modal show."""

    id: int
    team_name: str
    local_date: date
    tz: str
    status: str
    closes_at: datetime
    submitted: bool
    questions: tuple[QuestionView, ...]
    # The anonymous weekly pressure question: "ask", "answered" this week, or None (off / not this one).
    pressure: str | None = None
    # DMs that rode along with this check-in (merged by the message budget), shown above it.
    riders: tuple[dict[str, Any], ...] = ()
    # Sent weekly because the rep went quiet: the message says so once, kindly.
    quiet: bool = False

    @property
    def answered(self) -> int:
        """How many questions have an answer."""
        return sum(1 for q in self.questions if q.answer)


def checkin_view(*, session: Session, checkin_id: int, now: datetime) -> CheckinView:
    """The check-in with its team's questions and the answers so far (removed questions only if answered)."""
    checkin = session.get(Checkin, checkin_id)
    if checkin is None:
        raise CheckinClosed(CLOSED_MESSAGE)
    team = session.get(Team, checkin.team_id)
    answers = {
        a.question_id: a.value
        for a in session.scalars(select(CheckinAnswer).where(CheckinAnswer.checkin_id == checkin.id))
    }
    weekly_open = _weekly_questions_open(session, checkin)
    confidence_open = weekly_open and _has_open_slice(session, checkin)
    asked = attention_rules.decode_keys(checkin.question_keys)
    questions = [
        q
        for q in team_questions(session=session, team_id=checkin.team_id, now=now, include_removed=True)
        if q.id in answers
        or (
            q.removed_at is None
            # The weekly questions come on the week's first check-ins until answered; the others as the
            # message budget chose them for this check-in.
            and (confidence_open if q.key in qrules.WEEKLY_KEYS else (asked is None or q.key in asked))
        )
    ]
    try:
        riders = tuple(json.loads(checkin.rider_blocks)) if checkin.rider_blocks else ()
    except ValueError:
        riders = ()
    return CheckinView(
        id=checkin.id,
        team_name=team.name if team else "",
        local_date=checkin.local_date,
        tz=checkin.tz,
        status=checkin.status,
        closes_at=checkin.closes_at,
        submitted=checkin.submitted_at is not None,
        questions=tuple(question_view(q, answers.get(q.id) or None) for q in questions),
        pressure=pressure_state(session=session, checkin=checkin) if weekly_open else None,
        riders=riders,
        quiet=checkin.quiet,
    )


def week_start(day: date) -> date:
    """The Monday of the week `day` is in: weekly questions and tallies are per such week."""
    return day - timedelta(days=day.weekday())


def _has_open_slice(session: Session, checkin: Checkin) -> bool:
    """Whether the rep holds a slice of the team's open pie (the weekly confidence question is about it)."""
    found = session.scalar(
        select(PieSlice.id)
        .join(Pie, Pie.id == PieSlice.pie_id)
        .where(
            Pie.open_team_id == checkin.team_id,
            PieSlice.person_id == checkin.person_id,
            PieSlice.amount_minor > 0,
        )
        .limit(1)
    )
    return found is not None


def _weekly_questions_open(session: Session, checkin: Checkin) -> bool:
    """Weekly questions are asked from the rep's first check-in of the week until one carries an answer."""
    monday = week_start(checkin.local_date)
    earlier = select(Checkin.id).where(
        Checkin.team_id == checkin.team_id,
        Checkin.person_id == checkin.person_id,
        Checkin.local_date >= monday,
        Checkin.local_date < checkin.local_date,
    )
    answered_earlier = session.scalar(
        select(func.count())
        .select_from(CheckinAnswer)
        .where(CheckinAnswer.checkin_id.in_(earlier), CheckinAnswer.question_key.in_(qrules.WEEKLY_KEYS))
    )
    return not answered_earlier


def pressure_state(*, session: Session, checkin: Checkin) -> str | None:
    """Whether this check-in carries the anonymous pressure question: 'ask', 'answered' or None (off)."""
    enabled = session.scalar(
        select(TeamPressureSetting.enabled).where(TeamPressureSetting.team_id == checkin.team_id)
    )
    if not enabled:
        return None
    done = session.scalar(
        select(PressureAnswered.id).where(
            PressureAnswered.team_id == checkin.team_id,
            PressureAnswered.week_start == week_start(checkin.local_date),
            PressureAnswered.person_id == checkin.person_id,
        )
    )
    return "answered" if done is not None else "ask"


def _answerable(session: Session, *, checkin_id: int, user_id: str, now: datetime) -> Checkin:
    checkin = session.get(Checkin, checkin_id)
    if checkin is None:
        raise CheckinClosed(CLOSED_MESSAGE)
    person = session.get(Person, checkin.person_id)
    if person is None or person.slack_user_id != user_id:
        raise NotAllowedError("That check-in belongs to someone else, so I left it alone.")
    if checkin.status not in ANSWERABLE or now >= checkin.closes_at:
        raise CheckinClosed(CLOSED_MESSAGE)
    return checkin


def answerable_view(*, session: Session, checkin_id: int, user_id: str, now: datetime) -> CheckinView:
    """The check-in for the note modal; refuses (with the polite 'closed' reply) one that no longer takes
    answers from this user."""
    _answerable(session, checkin_id=checkin_id, user_id=user_id, now=now)
    return checkin_view(session=session, checkin_id=checkin_id, now=now)


def _answers_by_key(session: Session, checkin_id: int) -> dict[str, str]:
    return {
        key: value
        for key, value in session.execute(
            select(CheckinAnswer.question_key, CheckinAnswer.value).where(
                CheckinAnswer.checkin_id == checkin_id
            )
        )
        if value
    }


def _note_answered(session: Session, checkin: Checkin, now: datetime) -> None:
    """A tap or a note: the check-in is answered, but its zone waits for Submit (or the day's end)."""
    answers = _answers_by_key(session, checkin.id)
    if not answers:
        return
    readiness = answers.get(READINESS)
    checkin.readiness = int(readiness) if readiness and readiness.isdigit() else None
    if checkin.first_answer_at is None:
        checkin.first_answer_at = now
    checkin.status = CHECKIN_ANSWERED


def _refresh_zone(session: Session, checkin: Checkin, now: datetime) -> None:
    """Decide the zone, a comeback and a stretch moment: at Submit, or at the end of the check-in's day
    for one left half answered. Without both readiness and goal feel there is no zone (and no comeback)."""
    answers = _answers_by_key(session, checkin.id)
    if not answers:
        return
    _note_answered(session, checkin, now)
    if answers.get(STRETCH_QUESTION):
        record_moment(
            session=session,
            team_id=checkin.team_id,
            person_id=checkin.person_id,
            kind=MOMENT_STRETCH_ANSWER,
            summary="took a swing at something new this week",
            dedupe_key=f"stretch_answer:{checkin.id}",
            ref_id=checkin.id,
            now=now,
        )
    if not answers.get(READINESS) or not answers.get(GOAL_FEEL):
        checkin.zone = None
        return
    previous_id = session.scalar(
        select(Checkin.id)
        .where(
            Checkin.person_id == checkin.person_id,
            Checkin.team_id == checkin.team_id,
            Checkin.due_at < checkin.due_at,
            Checkin.zone.is_not(None),
        )
        .order_by(Checkin.due_at.desc())
        .limit(1)
    )
    previous = _answers_by_key(session, previous_id) if previous_id is not None else None
    checkin.zone = zone_for(answers, previous)
    if checkin.zone == STRETCH and previous_id is not None:
        previous_zone = session.scalar(select(Checkin.zone).where(Checkin.id == previous_id))
        if previous_zone == SNAP:
            record_moment(
                session=session,
                team_id=checkin.team_id,
                person_id=checkin.person_id,
                kind=MOMENT_SNAP_COMEBACK,
                # Shown to managers and drafted into shout-outs: it names the effort, never the state.
                summary=COMEBACK_SUMMARY,
                dedupe_key=f"snap_comeback:{checkin.id}",
                ref_id=checkin.id,
                now=now,
            )


def _upsert_answer(
    session: Session, checkin: Checkin, question: CheckinQuestion, value: str, now: datetime
) -> None:
    existing = session.scalar(
        select(CheckinAnswer).where(
            CheckinAnswer.checkin_id == checkin.id, CheckinAnswer.question_id == question.id
        )
    )
    if existing is None:
        session.add(
            CheckinAnswer(
                checkin_id=checkin.id,
                question_id=question.id,
                question_key=question.key,
                value=value,
                answered_at=now,
                updated_at=now,
            )
        )
    else:
        existing.value = value
        existing.updated_at = now
    session.flush()


def record_answer(
    *, session: Session, checkin_id: int, user_id: str, question_id: int, value: str, now: datetime
) -> Checkin:
    """Store (or change) one tapped answer and the check-in's zone."""
    checkin = _answerable(session, checkin_id=checkin_id, user_id=user_id, now=now)
    question = session.get(CheckinQuestion, question_id)
    if question is None or question.team_id != checkin.team_id or question.kind == qrules.TEXT:
        raise CheckinClosed(CLOSED_MESSAGE)
    if value not in {v for v, _ in options_of(question)}:
        raise CheckinClosed(CLOSED_MESSAGE)
    _upsert_answer(session, checkin, question, value, now)
    _note_answered(session, checkin, now)
    return checkin


MAX_NOTE = 2000


def record_notes(
    *, session: Session, checkin_id: int, user_id: str, notes: dict[int, str], now: datetime
) -> Checkin:
    """Store the text answers from the note modal (an emptied note removes the answer's text)."""
    checkin = _answerable(session, checkin_id=checkin_id, user_id=user_id, now=now)
    for question_id, text in notes.items():
        question = session.get(CheckinQuestion, question_id)
        if question is None or question.team_id != checkin.team_id or question.kind != qrules.TEXT:
            continue
        cleaned = (text or "").strip()
        if len(cleaned) > MAX_NOTE:
            raise UserError(f"Keep each note under {MAX_NOTE} characters.", field=f"note_{question_id}")
        _upsert_answer(session, checkin, question, cleaned, now)
    _note_answered(session, checkin, now)
    return checkin


def submit_checkin(*, session: Session, checkin_id: int, user_id: str, now: datetime) -> Checkin:
    """Mark the check-in submitted; refuses an empty one with a hint."""
    checkin = _answerable(session, checkin_id=checkin_id, user_id=user_id, now=now)
    if not _answers_by_key(session, checkin.id):
        raise UserError("Tap at least one answer first, then Submit. It takes about 30 seconds.")
    if checkin.submitted_at is None:
        checkin.submitted_at = now
    _refresh_zone(session, checkin, now)
    return checkin


def settle_unsubmitted(*, session: Session, now: datetime) -> int:
    """At the end of a check-in's local day, decide the zone of one answered but never submitted."""
    checkins = list(
        session.scalars(
            select(Checkin).where(
                Checkin.status == CHECKIN_ANSWERED,
                Checkin.submitted_at.is_(None),
                Checkin.zone.is_(None),
                Checkin.day_ends_at <= now,
                Checkin.day_ends_at > now - timedelta(days=2),
            )
        )
    )
    for checkin in checkins:
        _refresh_zone(session, checkin, now)
    return len(checkins)
