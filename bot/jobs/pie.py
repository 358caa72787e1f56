"""The pie's clock: reminders to reps who haven't claimed, managers' note at the deadline, and the
renderers of every pie message (each re-reads the pie, so nothing stale or no longer true is sent)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import kinds
from bot.deliveries import Message, Renderer, dm, enqueue_dms, enqueue_many
from bot.domain.availability import is_away
from bot.domain.pie import reminder_moments
from bot.domain.schedule import local_date
from bot.models import PIE_OPEN, ROLE_MANAGER, ROLE_REP, Delivery, Membership, Person, Pie, PieSlice, Team
from bot.services import pie_reads
from bot.slack.blocks import pie as pie_blocks


def plan_pie(session: Session, now: datetime) -> int:
    """Plan due reminders (at most two per rep per pie) and the managers' deadline note."""
    planned = 0
    open_pies = session.execute(
        select(Pie, Team).join(Team, Team.id == Pie.team_id).where(Pie.status == PIE_OPEN)
    ).all()
    for pie, team in open_pies:
        reminder = None
        if now < pie.claim_deadline:
            moments = reminder_moments(opened_at=pie.created_at, deadline=pie.claim_deadline, tz_name=team.tz)
            passed = [number for number, moment in enumerate(moments, start=1) if moment <= now]
            if not passed:
                continue  # nothing due yet: no need to read who claimed what
            # Only the latest reminder that is due: a clock that was down doesn't send two at once.
            reminder = passed[-1]
        claimed = {
            person_id: amount
            for person_id, amount in session.execute(
                select(PieSlice.person_id, PieSlice.amount_minor).where(
                    PieSlice.pie_id == pie.id, PieSlice.amount_minor > 0
                )
            )
        }
        if reminder is None and sum(claimed.values()) >= pie.target_minor:
            continue  # past the deadline with the pie covered: the managers need no note
        members = session.execute(
            select(Person, Membership.role)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.team_id == team.id)
        ).all()
        if reminder is not None:
            rows = [
                dm(
                    kind=kinds.PIE_REMINDER,
                    dedupe_key=kinds.pie_reminder_key(pie.id, person.id, reminder),
                    person=person,
                    due_at=now,
                    expires_at=pie.claim_deadline,
                    team_id=team.id,
                    ref_id=pie.id,
                )
                for person, role in members
                if role == ROLE_REP
                and person.id not in claimed
                and not person.deleted
                and not is_away(local_date(now, person.tz), person.away_from, person.away_until)
            ]
            planned += enqueue_many(session=session, rows=rows, now=now)
            continue
        planned += enqueue_dms(
            session=session,
            kind=kinds.PIE_DEADLINE,
            key=kinds.pie_deadline_prefix(pie.id, pie.claim_deadline),
            people=[person for person, role in members if role == ROLE_MANAGER and not person.deleted],
            due_at=now,
            now=now,
            expires_at=now + timedelta(days=7),
            team_id=team.id,
            ref_id=pie.id,
        )
    return planned


def _open_view(session: Session, delivery: Delivery) -> pie_reads.PieView | None:
    pie = session.get(Pie, delivery.ref_id) if delivery.ref_id is not None else None
    if pie is None or pie.status != PIE_OPEN:
        return None
    return pie_reads.pie_view(session=session, pie=pie)


def render_reminder(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """A rep's nudge, unless they claimed meanwhile or claims closed."""
    view = _open_view(session, delivery)
    if view is None or now >= view.claim_deadline or view.left <= 0:
        return None
    person = session.get(Person, delivery.person_id) if delivery.person_id else None
    if person is None or person.slack_user_id not in view.unclaimed_user_ids:
        return None
    number = int(delivery.dedupe_key.rsplit(":", 1)[-1])
    return Message(*pie_blocks.build_reminder(view, number=number))


def render_deadline(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """A manager's deadline note, unless the pie got covered, closed or its deadline moved."""
    view = _open_view(session, delivery)
    if view is None or view.left <= 0 or now < view.claim_deadline:
        return None
    return Message(*pie_blocks.build_deadline_dm(view))


def render_snap(session: Session, delivery: Delivery, now: datetime) -> Message | None:
    """A manager's heads-up about a big slice from a rep in the snap zone (if the slice still stands)."""
    slice_ = session.get(PieSlice, delivery.ref_id) if delivery.ref_id is not None else None
    if slice_ is None or slice_.amount_minor == 0:
        return None
    pie = session.get(Pie, slice_.pie_id)
    rep = session.get(Person, slice_.person_id)
    if pie is None or rep is None or pie.status != PIE_OPEN:
        return None
    view = pie_reads.pie_view(session=session, pie=pie)
    return Message(
        *pie_blocks.build_snap_heads_up(view, rep_user_id=rep.slack_user_id, amount=slice_.amount_minor)
    )


def channel_renderer(build: pie_blocks.ChannelBuilder, *, only_open: bool = True) -> Renderer:
    def render(session: Session, delivery: Delivery, now: datetime) -> Message | None:
        pie = session.get(Pie, delivery.ref_id) if delivery.ref_id is not None else None
        if pie is None or (only_open and pie.status != PIE_OPEN):
            return None
        return Message(*build(pie_reads.pie_view(session=session, pie=pie)))

    return render
