"""The check-in clock: plan each rep's check-in at their local time, nudge once, mark missed at day's end.

The planner runs with every tick, written as a few set-based statements so its cost doesn't grow in
statements with the number of members. The two delivery kinds the sender renders are the check-in DM
and its nudge. Both renderers re-check at send time, so an answer, an away span or a skip date added
after planning cancels the message instead of sending it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot import kinds
from bot.deliveries import EXPIRED, Message, enqueue_many
from bot.domain import attention as attention_rules
from bot.domain import checkins as rules
from bot.domain import questions as qrules
from bot.domain.availability import is_available
from bot.domain.checkins import nudge_time
from bot.domain.errors import UserError
from bot.domain.schedule import local_moment, parse_days, parse_time
from bot.models import ROLE_REP, Delivery, Membership, Person, Team
from bot.models.attention import AttentionSettings
from bot.models.checkins import (
    CHECKIN_EXCUSED,
    CHECKIN_MISSED,
    CHECKIN_OPEN,
    CHECKIN_SKIPPED,
    CHECKIN_UNDELIVERABLE,
    Checkin,
)
from bot.services.attention import quiet_reps_alerted
from bot.services.checkins.answering import ANSWERABLE, checkin_view, settle_unsubmitted
from bot.services.checkins.availability import is_excused_now, skip_dates
from bot.services.checkins.questions import team_questions
from bot.slack.blocks.checkins import build_checkin_message, build_nudge

logger = logging.getLogger(__name__)


# --- planning ---------------------------------------------------------------------------------------------


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
    skips = skip_dates(session, {m.team_id for m, _ in candidates}, min(dates), max(dates))
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
        (pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)(Checkin)
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
    skips = skip_dates(session, {r.team_id for r in rows}, min(dates), max(dates))
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


def plan(session: Session, now: datetime) -> int:
    """Plan due check-ins and nudges, and mark the day's unanswered check-ins missed; returns DMs planned."""
    report = plan_checkins(session=session, now=now)
    nudges = plan_nudges(session=session, now=now)
    missed, excused = mark_missed(session=session, now=now)
    settle_unsubmitted(session=session, now=now)
    if report.created or nudges or missed or excused:
        logger.info(
            "check-ins: %d created (%d skipped as too late), %d nudges, %d missed, %d excused",
            report.created,
            report.skipped_late,
            nudges,
            missed,
            excused,
        )
    return report.created - report.skipped_late + nudges


# --- the delivery kinds -----------------------------------------------------------------------------------


def render_checkin(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """The check-in DM, unless it closed or the rep became unavailable since it was planned."""
    checkin = session.get(Checkin, delivery.ref_id) if delivery.ref_id is not None else None
    if checkin is None or checkin.status not in ANSWERABLE or now >= checkin.closes_at:
        return None
    if is_excused_now(session=session, checkin=checkin):
        if checkin.status == CHECKIN_OPEN:
            checkin.status = CHECKIN_EXCUSED
        return None
    text, blocks = build_checkin_message(checkin_view(session=session, checkin_id=checkin.id, now=now))
    return Message(text=text, blocks=blocks)


def after_checkin_sent(session: Session, delivery: Delivery, now: datetime) -> None:
    """Remember where the DM is (for chat.update) and when to nudge."""
    checkin = session.get(Checkin, delivery.ref_id) if delivery.ref_id is not None else None
    if checkin is None:
        return
    checkin.message_channel = delivery.message_channel
    checkin.message_ts = delivery.message_ts
    if checkin.sent_at is None:
        checkin.sent_at = now
        checkin.nudge_at = nudge_time(sent_at=now, day=checkin.local_date, tz_name=checkin.tz)


def checkin_given_up(session: Session, delivery: Delivery, now: datetime) -> None:
    """A check-in DM that couldn't be sent never counts against the rep."""
    checkin = session.get(Checkin, delivery.ref_id) if delivery.ref_id is not None else None
    if checkin is None or checkin.status != CHECKIN_OPEN or checkin.sent_at is not None:
        return
    checkin.status = CHECKIN_SKIPPED if delivery.status == EXPIRED else CHECKIN_UNDELIVERABLE


def render_nudge(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """The nudge, unless the rep answered or became unavailable meanwhile."""
    checkin = session.get(Checkin, delivery.ref_id) if delivery.ref_id is not None else None
    if checkin is None or checkin.status != CHECKIN_OPEN or checkin.first_answer_at is not None:
        return None
    if is_excused_now(session=session, checkin=checkin):
        return None
    text, blocks = build_nudge(local_day=checkin.local_date)
    return Message(text=text, blocks=blocks)
