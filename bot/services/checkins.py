"""Pulse check-ins: questions per team, answering, on-demand check-ins, away and skip dates, zones.

The tick's planning (who is due, nudges, missed marks) lives here too, written as a few set-based
statements so its cost doesn't grow in statements with the number of members.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot import kinds
from bot.deliveries import enqueue, enqueue_many
from bot.domain import attention as attention_rules
from bot.domain import checkins as rules
from bot.domain import questions as qrules
from bot.domain.availability import is_available
from bot.domain.errors import NotAllowedError, UserError
from bot.domain.schedule import format_local, local_date, local_moment, parse_days, parse_time, weekday_key
from bot.domain.zones import GOAL_FEEL, READINESS, SNAP, STRETCH, zone_for
from bot.models import ROLE_REP, Membership, Person, Pie, PieSlice, Team, TeamSkipDate, Workspace
from bot.models.checkins import (
    CHECKIN_ANSWERED,
    CHECKIN_EXCUSED,
    CHECKIN_MISSED,
    CHECKIN_OPEN,
    CHECKIN_SKIPPED,
    Checkin,
    CheckinAnswer,
    CheckinQuestion,
)
from bot.models.checkpoints import PressureAnswered, TeamPressureSetting
from bot.models.moments import MOMENT_SNAP_COMEBACK, MOMENT_STRETCH_ANSWER
from bot.services.moments import record_moment
from bot.services.teams import PickTeamError, resolve_team, teams_of

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


def _insert(session: Session) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


# --- questions -------------------------------------------------------------------------------------------


def options_of(question: CheckinQuestion) -> list[tuple[str, str]]:
    """A question's [value, label] options."""
    try:
        return [(str(v), str(label)) for v, label in json.loads(question.options or "[]")]
    except (ValueError, TypeError):
        return []


def team_questions(
    *, session: Session, team_id: int, now: datetime, include_removed: bool = False
) -> list[CheckinQuestion]:
    """The team's questions in order, seeding the default set the first time a team needs them."""
    query = (
        select(CheckinQuestion)
        .where(CheckinQuestion.team_id == team_id)
        .order_by(CheckinQuestion.position, CheckinQuestion.id)
    )
    questions = list(session.scalars(query))
    if not questions:
        # Two check-ins of a new team may be rendered at the same instant (the outbox sends side by side,
        # replicas too): whoever inserts second keeps the first one's rows instead of failing.
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(
            insert(CheckinQuestion).on_conflict_do_nothing(index_elements=["team_id", "key"]),
            [
                {
                    "team_id": team_id,
                    "key": spec.key,
                    "kind": spec.kind,
                    "prompt": spec.prompt,
                    "options": json.dumps([list(o) for o in spec.options]),
                    "position": position,
                    "created_at": now,
                }
                for position, spec in enumerate(qrules.DEFAULT_QUESTIONS)
            ],
        )
        questions = list(session.scalars(query))
    return [q for q in questions if include_removed or q.removed_at is None]


def _question(session: Session, team_id: int, key: str, now: datetime) -> CheckinQuestion:
    for question in team_questions(session=session, team_id=team_id, now=now):
        if question.key == key:
            return question
    raise UserError(f"This team has no question '{key}'. `stretch questions list` shows the keys.")


def _renumber(questions: list[CheckinQuestion]) -> None:
    for position, question in enumerate(questions):
        question.position = position


def add_question(
    *,
    session: Session,
    team_id: int,
    kind: str,
    prompt: str,
    options_text: str,
    now: datetime,
    key: str | None = None,
) -> CheckinQuestion:
    """Add a question at the end of the team's set (key derived from the wording unless given)."""
    kind = (kind or "").strip().lower()
    prompt = qrules.clean_prompt(prompt)
    options = qrules.parse_options(kind, options_text)
    active = team_questions(session=session, team_id=team_id, now=now)
    if len(active) >= qrules.MAX_QUESTIONS:
        raise UserError(f"A check-in can have at most {qrules.MAX_QUESTIONS} questions; remove one first.")
    taken = set(session.scalars(select(CheckinQuestion.key).where(CheckinQuestion.team_id == team_id)))
    if key is not None:
        key = qrules.check_key(key)
        if key in taken:
            raise UserError(f"The key '{key}' is already used by this team (keys are never reused).")
    question = CheckinQuestion(
        team_id=team_id,
        key=key or qrules.new_key(prompt, taken),
        kind=kind,
        prompt=prompt,
        options=json.dumps([list(o) for o in options]),
        position=len(active),
        created_at=now,
    )
    session.add(question)
    session.flush()
    return question


def reword_question(
    *, session: Session, team_id: int, key: str, prompt: str, now: datetime, options_text: str | None = None
) -> CheckinQuestion:
    """Change a question's wording (and, when given, its option labels); its key and kind stay."""
    question = _question(session, team_id, key, now)
    question.prompt = qrules.clean_prompt(prompt)
    if options_text is not None and options_text.strip() and question.kind != qrules.TEXT:
        new = qrules.parse_options(question.kind, options_text)
        old = options_of(question)
        if question.kind == qrules.CHOICE and len(new) == len(old):
            # Same number of options: relabel in place so past answers keep pointing at them.
            new = tuple((value, label) for (value, _), (_, label) in zip(old, new, strict=True))
        question.options = json.dumps([list(o) for o in new])
    return question


def remove_question(*, session: Session, team_id: int, key: str, now: datetime) -> CheckinQuestion:
    """Stop asking a question; its past answers stay."""
    question = _question(session, team_id, key, now)
    active = team_questions(session=session, team_id=team_id, now=now)
    if len(active) <= 1:
        raise UserError("A check-in needs at least one question. Add another before removing this one.")
    question.removed_at = now
    _renumber([q for q in active if q.id != question.id])
    return question


def move_question(
    *, session: Session, team_id: int, key: str, position: int, now: datetime
) -> CheckinQuestion:
    """Move a question to a 1-based position in the team's set."""
    active = team_questions(session=session, team_id=team_id, now=now)
    question = _question(session, team_id, key, now)
    if not 1 <= position <= len(active):
        raise UserError(f"Pick a position from 1 to {len(active)}.")
    ordered = [q for q in active if q.id != question.id]
    ordered.insert(position - 1, question)
    _renumber(ordered)
    return question


# --- answering -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionView:
    """One question of a check-in as the message shows it."""

    id: int
    key: str
    kind: str
    prompt: str
    options: tuple[tuple[str, str], ...]
    answer: str | None


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
        questions=tuple(
            QuestionView(q.id, q.key, q.kind, q.prompt, tuple(options_of(q)), answers.get(q.id) or None)
            for q in questions
        ),
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


def ensure_answerable(*, session: Session, checkin_id: int, user_id: str, now: datetime) -> None:
    """Refuse (with the polite 'closed' reply) a check-in that no longer takes answers from this user."""
    _answerable(session, checkin_id=checkin_id, user_id=user_id, now=now)


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


# --- on demand -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OnDemand:
    """The check-in `/stretch checkin` hands out and whether its DM still has to be sent."""

    checkin_id: int
    delivery_key: str
    already_sent: bool


def _skip_dates(session: Session, team_ids: Iterable[int], start: date, end: date) -> set[tuple[int, date]]:
    ids = list(set(team_ids))
    if not ids:
        return set()
    return set(
        session.execute(
            select(TeamSkipDate.team_id, TeamSkipDate.day).where(
                TeamSkipDate.team_id.in_(ids), TeamSkipDate.day >= start, TeamSkipDate.day <= end
            )
        )
    )


def _new_checkin_values(
    *, team: Team, person: Person, day: date, due_at: datetime, status: str, now: datetime
) -> dict[str, Any]:
    days, at = parse_days(team.checkin_days), parse_time(team.checkin_time)
    following = rules.next_slot(days, at, person.tz, after=max(due_at, local_moment(day, at, person.tz)))
    return {
        "team_id": team.id,
        "person_id": person.id,
        "local_date": day,
        "tz": person.tz,
        "due_at": due_at,
        "closes_at": following.due_at if following else due_at + timedelta(days=7),
        "day_ends_at": rules.end_of_day(day, person.tz),
        "status": status,
        "created_at": now,
    }


def checkin_on_demand(
    *,
    session: Session,
    workspace: Workspace,
    user_id: str,
    channel_id: str | None,
    now: datetime,
    team_id: int | None = None,
) -> OnDemand:
    """Today's check-in early (creating it), or the latest still-open one to catch up on."""
    roles = teams_of(session=session, workspace_id=workspace.id, user_id=user_id)
    rep_roles = [r for r in roles if r.role == ROLE_REP]
    if roles and not rep_roles:
        raise UserError(
            "Check-ins go to the reps on your team; as a manager you'll see how they're doing in the digest."
        )
    try:
        # The same rule as every command: typed in another team's channel, it is refused.
        role = resolve_team(
            session=session,
            workspace_id=workspace.id,
            user_id=user_id,
            channel_id=channel_id,
            team_id=team_id,
        )
    except PickTeamError:
        if len(rep_roles) != 1:
            raise
        role = rep_roles[0]  # only one team checks in on them: no need to ask which
    if role.role != ROLE_REP:
        role = rep_roles[0]
    team = role.team
    person = session.scalar(
        select(Person).where(Person.workspace_id == workspace.id, Person.slack_user_id == user_id)
    )
    assert person is not None
    today = local_date(now, person.tz)
    days, at = parse_days(team.checkin_days), parse_time(team.checkin_time)
    skipped = (team.id, today) in _skip_dates(session, [team.id], today, today)
    available = is_available(
        today,
        away_from=person.away_from,
        away_until=person.away_until,
        skip_dates={today} if skipped else set(),
    )
    checkin = session.scalar(
        select(Checkin).where(
            Checkin.team_id == team.id, Checkin.person_id == person.id, Checkin.local_date == today
        )
    )
    if checkin is None and available and weekday_key(today) in days:
        values = _new_checkin_values(
            team=team,
            person=person,
            day=today,
            due_at=min(now, local_moment(today, at, person.tz)),
            status=CHECKIN_OPEN,
            now=now,
        )
        session.execute(_insert(session)(Checkin).values(**values).on_conflict_do_nothing())
        checkin = session.scalar(
            select(Checkin).where(
                Checkin.team_id == team.id, Checkin.person_id == person.id, Checkin.local_date == today
            )
        )
    if checkin is None or checkin.status not in ANSWERABLE or now >= checkin.closes_at:
        checkin = session.scalar(
            select(Checkin)
            .where(
                Checkin.team_id == team.id,
                Checkin.person_id == person.id,
                Checkin.status.in_(ANSWERABLE),
                Checkin.closes_at > now,
            )
            .order_by(Checkin.due_at.desc())
            .limit(1)
        )
    if checkin is None:
        upcoming = rules.next_slot(days, at, person.tz, after=now)
        when = f" Your next one is {_format_when(upcoming.due_at, person.tz)}." if upcoming else ""
        reason = "You're away today." if not available else "There's no check-in open right now."
        raise UserError(reason + when)
    key = kinds.checkin_key(team.id, person.id, checkin.local_date)
    enqueue(
        session=session,
        kind=kinds.CHECKIN,
        dedupe_key=key,
        channel=person.slack_user_id,
        due_at=now,
        now=now,
        expires_at=checkin.closes_at,
        team_id=team.id,
        person_id=person.id,
        ref_id=checkin.id,
    )
    return OnDemand(checkin_id=checkin.id, delivery_key=key, already_sent=checkin.message_ts is not None)


def _format_when(moment: datetime, tz: str) -> str:
    return format_local(moment, tz)


def mark_posted(*, session: Session, checkin_id: int, channel: str, ts: str, now: datetime) -> None:
    """Remember where a check-in's DM now is (after a re-post on demand)."""
    checkin = session.get(Checkin, checkin_id)
    if checkin is not None:
        checkin.message_channel, checkin.message_ts = channel, ts
        checkin.sent_at = checkin.sent_at or now


# --- away and skip dates ---------------------------------------------------------------------------------


def _person(session: Session, workspace: Workspace, user_id: str) -> Person:
    person = session.scalar(
        select(Person).where(Person.workspace_id == workspace.id, Person.slack_user_id == user_id)
    )
    if person is None or not teams_of(session=session, workspace_id=workspace.id, user_id=user_id):
        from bot.domain.errors import NotInTeamError
        from bot.services.teams import NOT_IN_TEAM

        raise NotInTeamError(NOT_IN_TEAM)
    return person


def set_away(*, session: Session, workspace: Workspace, user_id: str, text: str, now: datetime) -> Person:
    """Mark the person away from today (their local date) until the date asked for, inclusive."""
    person = _person(session, workspace, user_id)
    today = local_date(now, person.tz)
    until = rules.parse_away(text, today=today)
    person.away_from, person.away_until = today, until
    return person


def set_away_until(
    *, session: Session, workspace: Workspace, user_id: str, until: date, now: datetime
) -> Person:
    """The App Home's Away modal: away from today until `until`, inclusive."""
    return set_away(
        session=session, workspace=workspace, user_id=user_id, text=f"until {until.isoformat()}", now=now
    )


def clear_away(*, session: Session, workspace: Workspace, user_id: str, now: datetime) -> bool:
    """Back: end the away span; False if they weren't away."""
    person = _person(session, workspace, user_id)
    today = local_date(now, person.tz)
    was_away = person.away_until is not None and person.away_until >= today
    person.away_from, person.away_until = None, None
    return was_away


def add_skip_date(
    *, session: Session, team_id: int, day: date, today: date, actor: str, now: datetime, reason: str = ""
) -> bool:
    """Add a team skip date; False if it was already there."""
    rules.check_skip_date(day, today=today)
    statement = (
        _insert(session)(TeamSkipDate)
        .values(team_id=team_id, day=day, reason=reason[:200], created_by=actor[:32], created_at=now)
        .on_conflict_do_nothing()
        .returning(TeamSkipDate.id)
    )
    return session.execute(statement).first() is not None


def remove_skip_date(*, session: Session, team_id: int, day: date) -> bool:
    """Remove a team skip date; False if it wasn't there."""
    found = session.scalar(
        select(TeamSkipDate).where(TeamSkipDate.team_id == team_id, TeamSkipDate.day == day)
    )
    if found is None:
        return False
    session.delete(found)
    return True


def upcoming_skip_dates(*, session: Session, team_id: int, today: date) -> list[date]:
    """The team's skip dates from today on."""
    return list(
        session.scalars(
            select(TeamSkipDate.day)
            .where(TeamSkipDate.team_id == team_id, TeamSkipDate.day >= today)
            .order_by(TeamSkipDate.day)
        )
    )


# --- what other features and the App Home read ------------------------------------------------------------


def latest_zone(*, session: Session, team_id: int, person_id: int) -> str | None:
    """The zone of the person's most recent answered check-in in this team, or None."""
    return session.scalar(
        select(Checkin.zone)
        .where(Checkin.team_id == team_id, Checkin.person_id == person_id, Checkin.zone.is_not(None))
        .order_by(Checkin.due_at.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class Pulse:
    """A rep's own pulse for their App Home."""

    zones: tuple[str | None, ...]
    readiness: tuple[int | None, ...]
    next_checkin: datetime | None
    tz: str
    away_until: date | None
    is_rep: bool


def pulse_of(*, session: Session, person: Person, now: datetime, limit: int = 8) -> Pulse:
    """The person's last `limit` check-ins (oldest first), their next check-in and away status."""
    rows = session.execute(
        select(Checkin.zone, Checkin.readiness, Checkin.status)
        .where(
            Checkin.person_id == person.id,
            Checkin.status.in_((CHECKIN_ANSWERED, CHECKIN_MISSED, CHECKIN_OPEN)),
            Checkin.due_at <= now,
        )
        .order_by(Checkin.due_at.desc())
        .limit(limit)
    ).all()
    rows = list(reversed(rows))
    teams = session.scalars(
        select(Team)
        .join(Membership, Membership.team_id == Team.id)
        .where(Membership.person_id == person.id, Membership.role == ROLE_REP)
    ).all()
    today = local_date(now, person.tz)
    away_until = person.away_until if person.away_until is not None and person.away_until >= today else None
    upcoming: list[datetime] = []
    skips = _skip_dates(
        session, [t.id for t in teams], today, today + timedelta(days=rules.MAX_AWAY_DAYS + 14)
    )
    for team in teams:
        days, at = parse_days(team.checkin_days), parse_time(team.checkin_time)
        after = now
        for _ in range(60):
            slot = rules.next_slot(days, at, person.tz, after=after)
            if slot is None:
                break
            if (team.id, slot.local_date) not in skips and is_available(
                slot.local_date, away_from=person.away_from, away_until=person.away_until, skip_dates=()
            ):
                upcoming.append(slot.due_at)
                break
            after = slot.due_at
    return Pulse(
        zones=tuple(r.zone for r in rows),
        readiness=tuple(r.readiness for r in rows),
        next_checkin=min(upcoming) if upcoming else None,
        tz=person.tz,
        away_until=away_until,
        is_rep=bool(teams),
    )


# --- the tick's planning -----------------------------------------------------------------------------------


@dataclass
class PlanReport:
    """What one planning pass decided."""

    members: int = 0
    due: int = 0
    created: int = 0
    skipped_late: int = 0
    nudges: int = 0
    missed: int = 0
    excused: int = 0


def plan_checkins(*, session: Session, now: datetime) -> PlanReport:
    """Create the check-ins (and their DMs) that are due now for every rep; a fixed number of statements."""
    report = PlanReport()
    members = session.execute(
        select(
            Membership.team_id,
            Membership.person_id,
            Membership.joined_at,
            Person.slack_user_id,
            Person.tz,
            Person.away_from,
            Person.away_until,
            Team.checkin_days,
            Team.checkin_time,
        )
        .join(Person, Person.id == Membership.person_id)
        .join(Team, Team.id == Membership.team_id)
        .where(Membership.role == ROLE_REP, Person.deleted.is_(False), Person.is_bot.is_(False))
    ).all()
    report.members = len(members)
    slots: dict[tuple[str, str, str], rules.Slot | None] = {}
    candidates = []
    for m in members:
        group = (m.checkin_days, m.checkin_time, m.tz)
        if group not in slots:
            try:
                slots[group] = rules.latest_slot(
                    parse_days(m.checkin_days), parse_time(m.checkin_time), m.tz, now=now
                )
            except UserError:
                slots[group] = None
        slot = slots[group]
        # Never backfill a check-in from before someone joined the team.
        if slot is None or slot.due_at < m.joined_at:
            continue
        if not is_available(slot.local_date, away_from=m.away_from, away_until=m.away_until, skip_dates=()):
            continue
        candidates.append((m, slot))
    if not candidates:
        return report
    dates = {slot.local_date for _, slot in candidates}
    skips = _skip_dates(session, {m.team_id for m, _ in candidates}, min(dates), max(dates))
    existing = set(
        session.execute(
            select(Checkin.team_id, Checkin.person_id, Checkin.local_date).where(
                Checkin.local_date.in_(dates)
            )
        )
    )
    closes: dict[tuple[str, str, str, date], datetime] = {}
    fresh = [
        (m, slot)
        for m, slot in candidates
        if (m.team_id, slot.local_date) not in skips
        and (m.team_id, m.person_id, slot.local_date) not in existing
    ]
    if not fresh:
        return report
    history = _recent_checkins(session, {m.person_id for m, _ in fresh}, min(dates) - timedelta(days=28))
    asking = _question_settings(session, {m.team_id for m, _ in fresh}, now)
    values = []
    for m, slot in fresh:
        past = [row for row in history.get((m.team_id, m.person_id), []) if row.local_date < slot.local_date]
        streak = attention_rules.missed_streak([row.status for row in past])
        if not attention_rules.checkin_wanted(
            streak=streak, day=slot.local_date, earlier_this_week=[row.local_date for row in past]
        ):
            continue
        keys, notes, pinned = asking[m.team_id]
        chosen = attention_rules.choose_questions(
            keys=keys, last_asked=_last_asked(past, keys), pinned=pinned, notes=notes
        )
        report.due += 1
        late = rules.is_too_late(slot, now=now)
        report.skipped_late += int(late)
        group_day = (m.checkin_days, m.checkin_time, m.tz, slot.local_date)
        if group_day not in closes:
            following = rules.next_slot(
                parse_days(m.checkin_days), parse_time(m.checkin_time), m.tz, after=slot.due_at
            )
            closes[group_day] = following.due_at if following else slot.due_at + timedelta(days=7)
        values.append(
            {
                "team_id": m.team_id,
                "person_id": m.person_id,
                "local_date": slot.local_date,
                "tz": m.tz,
                "due_at": slot.due_at,
                "closes_at": closes[group_day],
                "day_ends_at": rules.end_of_day(slot.local_date, m.tz),
                "status": CHECKIN_SKIPPED if late else CHECKIN_OPEN,
                "created_at": now,
                "question_keys": attention_rules.encode_keys(chosen),
                "quiet": streak >= attention_rules.QUIET_AFTER,
            }
        )
    if not values:
        return report
    statement = (
        _insert(session)(Checkin)
        .on_conflict_do_nothing(index_elements=["team_id", "person_id", "local_date"])
        .returning(
            Checkin.id, Checkin.team_id, Checkin.person_id, Checkin.local_date, Checkin.status, Checkin.due_at
        )
    )
    created = session.execute(statement, values).all()
    report.created = len(created)
    users = {(m.team_id, m.person_id): m.slack_user_id for m, _ in candidates}
    enqueue_many(
        session=session,
        rows=[
            {
                "kind": kinds.CHECKIN,
                "dedupe_key": kinds.checkin_key(row.team_id, row.person_id, row.local_date),
                "channel": users[(row.team_id, row.person_id)],
                "due_at": row.due_at,
                "expires_at": row.due_at + rules.SEND_WINDOW,
                "team_id": row.team_id,
                "person_id": row.person_id,
                "ref_id": row.id,
            }
            for row in created
            if row.status == CHECKIN_OPEN
        ],
        now=now,
    )
    return report


def _recent_checkins(
    session: Session, person_ids: Iterable[int], since: date
) -> dict[tuple[int, int], list[Any]]:
    """(team, person) → their check-ins since `since`, newest first (for back-off and rotation)."""
    found: dict[tuple[int, int], list[Any]] = {}
    ids = list(person_ids)
    if not ids:
        return found
    rows = session.execute(
        select(Checkin.team_id, Checkin.person_id, Checkin.local_date, Checkin.status, Checkin.question_keys)
        .where(Checkin.person_id.in_(ids), Checkin.local_date >= since)
        .order_by(Checkin.local_date.desc())
    ).all()
    for row in rows:
        found.setdefault((row.team_id, row.person_id), []).append(row)
    return found


def _question_settings(
    session: Session, team_ids: Iterable[int], now: datetime
) -> dict[int, tuple[tuple[str, ...], tuple[str, ...], str | None]]:
    """team → (its active question keys in order, its free-text ones, the pinned key)."""
    from bot.models.attention import AttentionSettings

    out: dict[int, tuple[tuple[str, ...], tuple[str, ...], str | None]] = {}
    for team_id in set(team_ids):
        questions = team_questions(session=session, team_id=team_id, now=now)
        keys = tuple(q.key for q in questions)
        notes = tuple(q.key for q in questions if q.kind == qrules.TEXT)
        settings = session.get(AttentionSettings, team_id)
        out[team_id] = (keys, notes, settings.pinned_question if settings is not None else None)
    return out


def _last_asked(past: Sequence[Any], keys: Sequence[str]) -> dict[str, date]:
    """When each question was last asked, from check-ins newest first (an old check-in asked them all)."""
    last: dict[str, date] = {}
    for row in past:
        asked = attention_rules.decode_keys(row.question_keys) or tuple(keys)
        for key in asked:
            last.setdefault(key, row.local_date)
    return last


def _unavailable(rows: Sequence[Any], session: Session) -> set[int]:
    """Ids of check-ins whose person is away, or whose team skips, on the check-in's local date."""
    if not rows:
        return set()
    dates = [r.local_date for r in rows]
    skips = _skip_dates(session, {r.team_id for r in rows}, min(dates), max(dates))
    return {
        r.id
        for r in rows
        if (r.team_id, r.local_date) in skips
        or not is_available(r.local_date, away_from=r.away_from, away_until=r.away_until, skip_dates=())
    }


def plan_nudges(*, session: Session, now: datetime) -> int:
    """Plan one gentle nudge for each check-in sent four hours ago with nothing answered."""
    rows = session.execute(
        select(
            Checkin.id,
            Checkin.team_id,
            Checkin.person_id,
            Checkin.local_date,
            Checkin.tz,
            Person.slack_user_id,
            Person.away_from,
            Person.away_until,
        )
        .join(Person, Person.id == Checkin.person_id)
        .where(
            Checkin.status == CHECKIN_OPEN,
            Checkin.nudge_at <= now,
            Checkin.nudged_at.is_(None),
            Checkin.first_answer_at.is_(None),
        )
    ).all()
    if not rows:
        return 0
    away = _unavailable(rows, session)
    history = _recent_checkins(
        session, {r.person_id for r in rows}, min(r.local_date for r in rows) - timedelta(days=28)
    )
    due = [r for r in rows if r.id not in away and _nudge_wanted(session, r, history)]
    enqueue_many(
        session=session,
        rows=[
            {
                "kind": kinds.CHECKIN_NUDGE,
                "dedupe_key": kinds.checkin_nudge_key(r.id),
                "channel": r.slack_user_id,
                "due_at": now,
                "expires_at": local_moment(r.local_date, rules.NUDGE_CUTOFF, r.tz),
                "team_id": r.team_id,
                "person_id": r.person_id,
                "ref_id": r.id,
            }
            for r in due
        ],
        now=now,
    )
    session.execute(update(Checkin).where(Checkin.id.in_([r.id for r in rows])).values(nudged_at=now))
    return len(due)


def _nudge_wanted(session: Session, row: Any, history: dict[tuple[int, int], list[Any]]) -> bool:
    """No nudge after two missed in a row, nor once the managers were alerted since the rep's last answer."""
    from bot.services.attention import quiet_reps_alerted

    past = [c for c in history.get((row.team_id, row.person_id), []) if c.local_date < row.local_date]
    streak = attention_rules.missed_streak([c.status for c in past])
    last_answer = session.scalar(
        select(func.max(Checkin.first_answer_at)).where(
            Checkin.team_id == row.team_id, Checkin.person_id == row.person_id
        )
    )
    alerted = quiet_reps_alerted(
        session=session, person_id=row.person_id, team_id=row.team_id, since=last_answer
    )
    return attention_rules.nudge_wanted(streak=streak, managers_alerted=alerted)


def mark_missed(*, session: Session, now: datetime) -> tuple[int, int]:
    """At each rep's local end of day, mark unanswered check-ins missed (or excused when away/skipped)."""
    rows = session.execute(
        select(
            Checkin.id,
            Checkin.team_id,
            Checkin.local_date,
            Person.away_from,
            Person.away_until,
        )
        .join(Person, Person.id == Checkin.person_id)
        .where(
            Checkin.status == CHECKIN_OPEN,
            Checkin.day_ends_at <= now,
            Checkin.first_answer_at.is_(None),
        )
    ).all()
    if not rows:
        return 0, 0
    excused = _unavailable(rows, session)
    missed = [r.id for r in rows if r.id not in excused]
    if missed:
        session.execute(update(Checkin).where(Checkin.id.in_(missed)).values(status=CHECKIN_MISSED))
    if excused:
        session.execute(update(Checkin).where(Checkin.id.in_(list(excused))).values(status=CHECKIN_EXCUSED))
    return len(missed), len(excused)


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


def is_excused_now(*, session: Session, checkin: Checkin) -> bool:
    """Whether the rep is away, or the team skips, on the check-in's local date (checked at send time)."""
    person = session.get(Person, checkin.person_id)
    if person is None:
        return True
    skipped = session.scalar(
        select(func.count())
        .select_from(TeamSkipDate)
        .where(TeamSkipDate.team_id == checkin.team_id, TeamSkipDate.day == checkin.local_date)
    )
    return bool(skipped) or not is_available(
        checkin.local_date, away_from=person.away_from, away_until=person.away_until, skip_dates=()
    )
