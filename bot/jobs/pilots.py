"""Pilot reminders: kickoff, mid-point, review and summary, planned into the outbox when they fall due.

Due moments are worked out on every tick from the current away spans and skip dates (so a vacation
added yesterday still moves tomorrow's reminder) and a row is planned only once its moment has come;
the row's unique key means a second tick, a restart or a second process never sends it again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot import kinds
from bot.deliveries import Message, dm, enqueue, enqueue_many
from bot.domain import pilots as rules
from bot.domain.availability import next_working_day
from bot.domain.schedule import local_date, parse_time
from bot.models import Delivery, Membership, Person, Pilot, PilotParticipant, Team
from bot.services.pilots.core import facts_of, skip_dates_of, team_days
from bot.services.pilots.lists import previous_mid_average, review_lines, summary_recipients
from bot.slack.blocks.pilots.messages import (
    build_card,
    build_kickoff,
    build_late_review,
    build_midpoint,
    build_review,
    build_summary,
)

STAGE_KINDS = {
    rules.STAGE_KICKOFF: kinds.PILOT_KICKOFF,
    rules.STAGE_MIDPOINT: kinds.PILOT_MIDPOINT,
    rules.STAGE_REVIEW: kinds.PILOT_REVIEW,
}


def _moment(day: date, person: Person, team: Team, skip: set[date]) -> datetime | None:
    return rules.reminder_moment(
        day,
        at=parse_time(team.checkin_time),
        tz_name=person.tz,
        team_days=team_days(team),
        away_from=person.away_from,
        away_until=person.away_until,
        skip_dates=skip,
    )


def _reachable(person: Person) -> bool:
    return not (person.deleted or person.is_bot)


def plan_pilots(session: Session, now: datetime) -> int:
    """Plan every pilot message whose moment has come; returns how many rows were new."""
    # Nobody anywhere is past the start date yet when it is still the day before in UTC+14.
    horizon = (now + timedelta(days=1)).date()
    pilots = list(
        session.scalars(
            select(Pilot)
            .where(Pilot.status == rules.STATUS_ACTIVE, Pilot.start_date <= horizon)
            .options(
                selectinload(Pilot.participants).selectinload(PilotParticipant.person),
                selectinload(Pilot.owner),
                selectinload(Pilot.team).selectinload(Team.memberships).selectinload(Membership.person),
            )
        )
    )
    if not pilots:
        return 0
    done = {
        (kind, ref_id, person_id)
        for kind, ref_id, person_id in session.execute(
            select(Delivery.kind, Delivery.ref_id, Delivery.person_id).where(
                Delivery.kind.in_(kinds.PILOT_KINDS), Delivery.ref_id.in_([p.id for p in pilots])
            )
        )
    }
    skips: dict[int, set[date]] = {}
    planned = 0
    for pilot in pilots:
        team = pilot.team
        skip = skips.setdefault(team.id, skip_dates_of(session=session, team_id=team.id))
        members = {m.person_id for m in team.memberships}
        current = [p for p in pilot.participants if p.person_id in members and _reachable(p.person)]
        planned += _plan_stages(session, pilot, team, current, skip, done, now)
        if pilot.share and team.channel_id and (kinds.PILOT_CARD, pilot.id, None) not in done:
            moment = rules.reminder_moment(
                pilot.start_date,
                at=parse_time(team.checkin_time),
                tz_name=team.tz,
                team_days=team_days(team),
                away_from=None,
                away_until=None,
                skip_dates=skip,
            )
            if moment is not None and moment <= now:
                planned += enqueue(
                    session=session,
                    kind=kinds.PILOT_CARD,
                    dedupe_key=kinds.pilot_card_key(pilot.id),
                    channel=team.channel_id,
                    due_at=moment,
                    now=now,
                    team_id=team.id,
                    ref_id=pilot.id,
                )
        planned += _plan_summary(session, pilot, team, current, skip, done, now)
    return planned


def _plan_stages(
    session: Session,
    pilot: Pilot,
    team: Team,
    participants: Iterable[PilotParticipant],
    skip: set[date],
    done: set[tuple[str, int | None, int | None]],
    now: datetime,
) -> int:
    rows = []
    for row in participants:
        person = row.person
        moments = {
            stage: _moment(rules.stage_day(stage, pilot.start_date, pilot.length_days), person, team, skip)
            for stage in STAGE_KINDS
        }
        review_at = moments[rules.STAGE_REVIEW]
        for stage, kind in STAGE_KINDS.items():
            moment = moments[stage]
            if (kind, pilot.id, person.id) in done or moment is None or moment > now:
                continue
            # Back from a long absence with the review already due: the mid-point has nothing left to ask.
            if stage == rules.STAGE_MIDPOINT and review_at is not None and review_at <= now:
                continue
            rows.append(
                dm(
                    kind=kind,
                    dedupe_key=kinds.pilot_stage_key(pilot.id, stage, person.id),
                    person=person,
                    due_at=moment,
                    team_id=team.id,
                    ref_id=pilot.id,
                )
            )
    return enqueue_many(session=session, rows=rows, now=now)


def _plan_summary(
    session: Session,
    pilot: Pilot,
    team: Team,
    participants: list[PilotParticipant],
    skip: set[date],
    done: set[tuple[str, int | None, int | None]],
    now: datetime,
) -> int:
    if not participants:
        return 0
    everyone = all(p.reviewed_at is not None for p in participants)
    due_day: date | None = None
    if not everyone:
        review_day = rules.stage_day(rules.STAGE_REVIEW, pilot.start_date, pilot.length_days)
        last = None
        for row in participants:
            moved = next_working_day(
                review_day,
                working_days=team_days(team),
                away_from=row.person.away_from,
                away_until=row.person.away_until,
                skip_dates=skip,
            )
            if moved is None:
                return 0
            last = moved if last is None or moved > last else last
        assert last is not None
        due_day = rules.summary_day(last)
        if due_day > (now + timedelta(days=1)).date():  # not yet anywhere on Earth
            return 0
    rows = []
    for person in summary_recipients(session=session, pilot=pilot):
        if (kinds.PILOT_SUMMARY, pilot.id, person.id) in done or not _reachable(person):
            continue
        moment = now if due_day is None else _moment(due_day, person, team, skip)
        if moment is None or moment > now:
            continue
        rows.append(
            dm(
                kind=kinds.PILOT_SUMMARY,
                dedupe_key=kinds.pilot_summary_key(pilot.id, person.id),
                person=person,
                due_at=moment,
                team_id=team.id,
                ref_id=pilot.id,
            )
        )
    return enqueue_many(session=session, rows=rows, now=now)


# --- renderers: each returns None (cancel) once the message has nothing left to ask ------------------


def _open_pilot(session: Session, delivery: Delivery) -> Pilot | None:
    pilot = session.get(Pilot, delivery.ref_id) if delivery.ref_id is not None else None
    if pilot is None or rules.is_closed(pilot.status):
        return None
    return pilot


def _row(pilot: Pilot, delivery: Delivery) -> PilotParticipant | None:
    return next((p for p in pilot.participants if p.person_id == delivery.person_id), None)


def render_kickoff(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """Day 1: the reframe and what to observe."""
    pilot = _open_pilot(session, delivery)
    if pilot is None or _row(pilot, delivery) is None:
        return None
    facts = facts_of(pilot)
    return Message(text=f"Your pilot starts today: {facts.name}", blocks=build_kickoff(facts))


def render_card(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """The reframe card in the team channel."""
    pilot = _open_pilot(session, delivery)
    if pilot is None or not pilot.share:
        return None
    facts = facts_of(pilot)
    return Message(text=f"New pilot: {facts.name}", blocks=build_card(facts))


def render_midpoint(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """Halfway: how's it going?"""
    pilot = _open_pilot(session, delivery)
    row = _row(pilot, delivery) if pilot else None
    if pilot is None or row is None or row.mid_at is not None or row.reviewed_at is not None:
        return None
    facts = facts_of(pilot)
    day = max(1, rules.day_number(pilot.start_date, local_date(now, row.person.tz)))
    return Message(
        text=f"How's {facts.name} going?", blocks=build_midpoint(facts, day=min(day, pilot.length_days))
    )


def render_review(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """The end: keep, tweak or drop?"""
    pilot = _open_pilot(session, delivery)
    row = _row(pilot, delivery) if pilot else None
    if pilot is None or row is None or row.reviewed_at is not None:
        return None
    facts = facts_of(pilot)
    return Message(text=f"Time to review {facts.name}", blocks=build_review(facts))


def render_summary(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """Votes, learnings and the mid-point trend, with the decision buttons."""
    pilot = _open_pilot(session, delivery)
    if pilot is None:
        return None
    facts = facts_of(pilot)
    blocks = build_summary(
        facts,
        review_lines(pilot),
        previous_mid=previous_mid_average(session=session, pilot=pilot),
        can_decide=True,
    )
    return Message(text=f"Pilot summary: {facts.name}", blocks=blocks)


def summary_sent(session: Session, delivery: Delivery, now: datetime) -> None:
    """Remember the summary went out, so later reviews are passed on as late answers."""
    pilot = session.get(Pilot, delivery.ref_id) if delivery.ref_id is not None else None
    if pilot is not None and pilot.summary_at is None:
        pilot.summary_at = now


def render_late(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """One late review, for whoever got the summary."""
    pilot = _open_pilot(session, delivery)
    if pilot is None:
        return None
    person_id = kinds.pilot_late_reviewer(delivery.dedupe_key)
    line = next((x for x in review_lines(pilot) if x.person_id == person_id), None)
    if line is None:
        return None
    facts = facts_of(pilot)
    return Message(text=f"A late review for {facts.name}", blocks=build_late_review(facts, line))
