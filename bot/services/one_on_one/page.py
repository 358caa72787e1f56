"""A rep's 1:1 page, everything on it gathered in a fixed number of bounded queries.

The rep's own copy never carries the managers' private note nor the quiet-rep alerts about them (those
are the managers' alone). Every query reads at most a year of one rep's rows, and the page's check-ins
come a page at a time, so a year of daily check-ins costs what a week does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain import one_on_one as rules
from bot.domain.checkpoints import pace_line, path_summary
from bot.domain.pie import format_amount, percent
from bot.domain.schedule import format_local, local_date
from bot.models import (
    Checkin,
    CheckinAnswer,
    CheckinQuestion,
    ManagerNote,
    OneOnOne,
    Person,
    Pie,
    PieSlice,
    Pilot,
    PilotParticipant,
    QuietAlert,
    Shoutout,
    ShoutoutRecipient,
)
from bot.services.alerts.signals import SIGNAL_LABELS
from bot.services.checkins.questions import options_of
from bot.services.checkpoints import rep_pace
from bot.services.one_on_one.access import PageAccess

PAGE_SIZE = 7  # check-ins per page of the modal (each is a block or two; a modal holds 100)
HISTORY = timedelta(days=366)
LIMITER = "limiter"
SHOWN_PIES = 3
SHOWN_PILOTS = 3
SHOWN_SHOUTOUTS = 3
SHOWN_ALERTS = 4


@dataclass(frozen=True)
class CheckinEntry:
    """One check-in as the page lists it: its day, what happened, the answers and the note(s)."""

    checkin_id: int
    local_date: date
    status: str
    zone: str | None
    readiness: int | None
    answered_at: str
    answers: tuple[tuple[str, str], ...]  # (question prompt, label of the answer)
    notes: tuple[tuple[str, str], ...]  # (question prompt, what the rep wrote)


@dataclass(frozen=True)
class SliceLine:
    """The rep's slice of one pie."""

    title: str
    status: str
    claimed: str
    progress: str
    progress_pct: int
    period_end: date


@dataclass(frozen=True)
class PilotEntry:
    """A pilot the rep took part in, with their own mid-point and review."""

    title: str
    status: str
    start_date: date
    length_days: int
    mid_score: int | None
    vote: str | None
    skill_score: int | None
    learning: str | None


@dataclass(frozen=True)
class ShoutoutEntry:
    """A shout-out the rep gave or received."""

    other_user_ids: tuple[str, ...]
    text: str
    at: str


@dataclass(frozen=True)
class AlertEntry:
    """A quiet-rep alert about the rep, with who did what about it (managers only)."""

    alert_id: int
    title: str
    status: str
    opened: str
    acted_by_user_id: str | None
    acted_at: str


@dataclass
class RepPage:
    """Everything the 1:1 page shows (for a manager, or the rep's own view)."""

    access: PageAccess
    today: date
    entries: list[CheckinEntry]
    older_cursor: date | None  # the day to continue before, when older check-ins exist
    newer_cursor: date | None  # set when this is not the newest page
    is_first_page: bool
    before: date | None
    timeline: list[rules.TimelineWeek]
    trend: str
    limiters: list[tuple[str, int]]
    limiter_labels: dict[str, str]
    since: rules.Since
    summary: list[str]
    questions: list[str]
    live: list[str]
    last_one_on_one: str | None
    slices: list[SliceLine]
    pilots: list[PilotEntry]
    received: list[ShoutoutEntry]
    given: list[ShoutoutEntry]
    received_count: int
    given_count: int
    away: list[tuple[date, date]]
    away_now: tuple[date, date] | None
    alerts: list[AlertEntry] = field(default_factory=list)
    # Pace on the open slice against its checkpoint path (issue 19), "" without an open slice.
    pace: str = ""
    manager_note: str = ""
    manager_note_by: str | None = None


def _prompt_maps(questions: list[CheckinQuestion]) -> tuple[dict[int, CheckinQuestion], dict[str, str]]:
    by_id = {q.id: q for q in questions}
    limiter = next((q for q in questions if q.key == LIMITER), None)
    return by_id, (dict(options_of(limiter)) if limiter else {})


def rep_page(*, session: Session, access: PageAccess, now: datetime, before: date | None = None) -> RepPage:
    """Gather the page: a year of the rep's check-in rows, one page of answers, the rest bounded."""
    today = local_date(now, access.viewer_tz)
    since_day = today - HISTORY
    team_id, rep_id = access.team_id, access.rep_id
    # 1. A year of check-in rows: numbers and statuses, never text.
    rows = session.execute(
        select(
            Checkin.id,
            Checkin.local_date,
            Checkin.status,
            Checkin.zone,
            Checkin.readiness,
            Checkin.first_answer_at,
        )
        .where(
            Checkin.team_id == team_id,
            Checkin.person_id == rep_id,
            Checkin.local_date >= since_day,
            Checkin.due_at <= now,
        )
        .order_by(Checkin.local_date.desc())
    ).all()
    # 2. The team's questions (removed ones too: old answers keep their wording).
    questions = list(session.scalars(select(CheckinQuestion).where(CheckinQuestion.team_id == team_id)))
    by_id, limiter_labels = _prompt_maps(questions)
    text_ids = [q.id for q in questions if q.kind == "text"]
    # 3. Which check-ins have a note (ids only) over the year.
    noted: set[int] = set()
    if text_ids:
        noted = set(
            session.scalars(
                select(CheckinAnswer.checkin_id)
                .join(Checkin, Checkin.id == CheckinAnswer.checkin_id)
                .where(
                    Checkin.team_id == team_id,
                    Checkin.person_id == rep_id,
                    Checkin.local_date >= since_day,
                    CheckinAnswer.question_id.in_(text_ids),
                    func.length(CheckinAnswer.value) > 0,
                )
            )
        )
    facts = [
        rules.DayFact(
            local_date=r.local_date,
            status=r.status,
            zone=r.zone,
            readiness=r.readiness,
            has_note=r.id in noted,
        )
        for r in rows
    ]
    # Pages: newest first, PAGE_SIZE at a time, continuing before a day.
    listed = [r for r in rows if before is None or r.local_date < before]
    page = listed[:PAGE_SIZE]
    newer = [r for r in rows if before is not None and r.local_date >= before]
    newer_cursor = newer[-PAGE_SIZE - 1].local_date if len(newer) > PAGE_SIZE else None
    # 4. The answers of the shown page only.
    answers: dict[int, list[CheckinAnswer]] = {}
    if page:
        for answer in session.scalars(
            select(CheckinAnswer)
            .where(CheckinAnswer.checkin_id.in_([r.id for r in page]))
            .order_by(CheckinAnswer.question_id)
        ):
            answers.setdefault(answer.checkin_id, []).append(answer)
    entries = []
    for r in page:
        shown: list[tuple[str, str]] = []
        notes: list[tuple[str, str]] = []
        ordered = sorted(
            answers.get(r.id, []),
            key=lambda a: by_id[a.question_id].position if a.question_id in by_id else 0,
        )
        for answer in ordered:
            question = by_id.get(answer.question_id)
            prompt = question.prompt if question else answer.question_key
            if question is not None and question.kind == "text":
                if answer.value.strip():
                    notes.append((prompt, answer.value))
            else:
                labels = dict(options_of(question)) if question else {}
                shown.append((prompt, labels.get(answer.value, answer.value)))
        entries.append(
            CheckinEntry(
                checkin_id=r.id,
                local_date=r.local_date,
                status=r.status,
                zone=r.zone,
                readiness=r.readiness,
                answered_at=format_local(r.first_answer_at, access.viewer_tz) if r.first_answer_at else "",
                answers=tuple(shown),
                notes=tuple(notes),
            )
        )
    # 5. Limiting factors over the timeline's 8 weeks, with how often.
    limit_since = today - timedelta(weeks=rules.TIMELINE_WEEKS)
    limiters = [
        (str(value), int(count))
        for value, count in session.execute(
            select(CheckinAnswer.value, func.count())
            .join(Checkin, Checkin.id == CheckinAnswer.checkin_id)
            .where(
                Checkin.team_id == team_id,
                Checkin.person_id == rep_id,
                Checkin.local_date >= limit_since,
                CheckinAnswer.question_key == LIMITER,
            )
            .group_by(CheckinAnswer.value)
            .order_by(func.count().desc(), CheckinAnswer.value)
        )
    ]
    # 6. The last 1:1.
    last = session.scalar(
        select(OneOnOne.held_at)
        .where(OneOnOne.team_id == team_id, OneOnOne.rep_person_id == rep_id)
        .order_by(OneOnOne.held_at.desc())
        .limit(1)
    )
    # 7. Slices of the last pies.
    slices = [
        SliceLine(
            title=pie.title,
            status=pie.status,
            claimed=format_amount(piece.amount_minor, pie.currency),
            progress=format_amount(piece.progress_minor, pie.currency),
            progress_pct=percent(piece.progress_minor, piece.amount_minor) if piece.amount_minor else 0,
            period_end=pie.period_end,
        )
        for pie, piece in session.execute(
            select(Pie, PieSlice)
            .join(PieSlice, PieSlice.pie_id == Pie.id)
            .where(Pie.team_id == team_id, PieSlice.person_id == rep_id)
            .order_by(Pie.id.desc())
            .limit(SHOWN_PIES)
        )
    ]
    # 8. Pilots they took part in, with their own review.
    pilots = [
        PilotEntry(
            title=pilot.title,
            status=pilot.status,
            start_date=pilot.start_date,
            length_days=pilot.length_days,
            mid_score=part.mid_score,
            vote=part.vote,
            skill_score=part.skill_score,
            learning=part.learning,
        )
        for pilot, part in session.execute(
            select(Pilot, PilotParticipant)
            .join(PilotParticipant, PilotParticipant.pilot_id == Pilot.id)
            .where(Pilot.team_id == team_id, PilotParticipant.person_id == rep_id)
            .order_by(Pilot.start_date.desc(), Pilot.id.desc())
            .limit(SHOWN_PILOTS)
        )
    ]
    # 9–11. Shout-outs received and given (newest few, and how many in the year).
    year_ago = now - HISTORY
    received_ids = (
        select(ShoutoutRecipient.shoutout_id).where(ShoutoutRecipient.person_id == rep_id).scalar_subquery()
    )
    received_rows = session.execute(
        select(Shoutout.id, Shoutout.text, Shoutout.created_at, Person.slack_user_id)
        .join(Person, Person.id == Shoutout.giver_person_id)
        .where(Shoutout.team_id == team_id, Shoutout.id.in_(received_ids), Shoutout.created_at >= year_ago)
        .order_by(Shoutout.created_at.desc())
        .limit(SHOWN_SHOUTOUTS)
    ).all()
    given_rows = session.scalars(
        select(Shoutout)
        .where(
            Shoutout.team_id == team_id,
            Shoutout.giver_person_id == rep_id,
            Shoutout.created_at >= year_ago,
        )
        .order_by(Shoutout.created_at.desc())
        .limit(SHOWN_SHOUTOUTS)
    ).all()
    counts = session.execute(
        select(
            select(func.count())
            .select_from(Shoutout)
            .where(
                Shoutout.team_id == team_id, Shoutout.id.in_(received_ids), Shoutout.created_at >= year_ago
            )
            .scalar_subquery(),
            select(func.count())
            .select_from(Shoutout)
            .where(
                Shoutout.team_id == team_id,
                Shoutout.giver_person_id == rep_id,
                Shoutout.created_at >= year_ago,
            )
            .scalar_subquery(),
        )
    ).one()
    # 12. Who the given shout-outs went to, for the shown ones.
    to_whom: dict[int, list[str]] = {}
    if given_rows:
        for shoutout_id, user_id in session.execute(
            select(ShoutoutRecipient.shoutout_id, Person.slack_user_id)
            .join(Person, Person.id == ShoutoutRecipient.person_id)
            .where(ShoutoutRecipient.shoutout_id.in_([s.id for s in given_rows]))
        ):
            to_whom.setdefault(shoutout_id, []).append(user_id)
    received = [
        ShoutoutEntry((user_id,), text, format_local(at, access.viewer_tz, with_day=True))
        for _id, text, at, user_id in received_rows
    ]
    given = [
        ShoutoutEntry(tuple(to_whom.get(s.id, [])), s.text, format_local(s.created_at, access.viewer_tz))
        for s in given_rows
    ]
    rep = session.get(Person, rep_id)  # already in the session: no query
    away_now = (
        (rep.away_from or today, rep.away_until)
        if rep is not None and rep.away_until is not None and rep.away_until >= today
        else None
    )
    current_slice = next((s.progress_pct for s in slices if s.status == "open"), None)
    since = rules.since_last(
        facts,
        last_one_on_one=local_date(last, access.viewer_tz) if last else None,
        today=today,
        limiters=limiters,
        slice_pct=current_slice,
    )
    weeks = rules.timeline(facts, today=today)
    page_data = RepPage(
        access=access,
        today=today,
        entries=entries,
        older_cursor=page[-1].local_date if len(listed) > PAGE_SIZE else None,
        newer_cursor=newer_cursor,
        is_first_page=before is None or not newer,
        before=before,
        timeline=weeks,
        trend=rules.readiness_trend(weeks),
        limiters=limiters,
        limiter_labels=limiter_labels,
        since=since,
        summary=rules.summary_lines(since, limiter_labels=limiter_labels),
        questions=rules.suggested_questions(since, limiter_labels=limiter_labels),
        live=rules.live_lines(facts, today=today),
        last_one_on_one=format_local(last, access.viewer_tz) if last else None,
        slices=slices,
        pilots=pilots,
        received=received,
        given=given,
        received_count=int(counts[0] or 0),
        given_count=int(counts[1] or 0),
        away=rules.away_spans(facts)[:4],
        away_now=away_now,
    )
    mine = rep_pace(session=session, team_id=team_id, person_id=rep_id, now=now)
    if mine is not None:
        page_data.pace = f"{pace_line(mine.pace, mine.currency)} ({path_summary(mine.path, mine.currency)})"
    if access.as_manager:
        _manager_parts(session, page_data, now)
    return page_data


def _manager_parts(session: Session, page: RepPage, now: datetime) -> None:
    """The alerts about the rep and the managers' private note: managers only, two more queries."""
    access = page.access
    actor = select(Person.slack_user_id).where(Person.id == QuietAlert.acted_by_person_id).scalar_subquery()
    page.alerts = [
        AlertEntry(
            alert_id=alert.id,
            title=SIGNAL_LABELS.get(alert.signal, alert.signal.replace("_", " ")),
            status=alert.status,
            opened=format_local(alert.opened_at, access.viewer_tz),
            acted_by_user_id=acted_by,
            acted_at=format_local(alert.acted_at, access.viewer_tz) if alert.acted_at else "",
        )
        for alert, acted_by in session.execute(
            select(QuietAlert, actor)
            .where(
                QuietAlert.team_id == access.team_id,
                QuietAlert.person_id == access.rep_id,
                QuietAlert.opened_at >= now - HISTORY,
            )
            .order_by(QuietAlert.opened_at.desc(), QuietAlert.id.desc())
            .limit(SHOWN_ALERTS)
        )
    ]
    note = session.execute(
        select(ManagerNote.text, Person.slack_user_id)
        .outerjoin(Person, Person.id == ManagerNote.updated_by_person_id)
        .where(ManagerNote.team_id == access.team_id, ManagerNote.rep_person_id == access.rep_id)
    ).first()
    if note is not None:
        page.manager_note, page.manager_note_by = note[0], note[1]
