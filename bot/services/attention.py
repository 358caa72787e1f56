"""A person's attention as the database knows it: their budget, the DMs they already got, their welcome,
and the policy's decisions applied to planned deliveries (see bot.domain.attention for the rules)."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import kinds
from bot.deliveries import enqueue
from bot.domain import attention as rules
from bot.domain.checkins import SEND_WINDOW
from bot.domain.errors import UserError
from bot.domain.schedule import WEEKDAYS, local_date, parse_days, parse_time
from bot.domain.zones import SNAP
from bot.models import ROLE_REP, Delivery, Membership, Person, Team
from bot.models.attention import AttentionSettings, DmDecision
from bot.models.checkins import Checkin

logger = logging.getLogger(__name__)

# How each kind of DM is treated by the budget; kinds not listed are essential (held only by hours):
# check-ins, the welcome, and the pilot mid-point and review a rep signed up for (they ask for an answer
# on a given day, like a check-in).
KIND_CLASSES: dict[str, str] = {
    kinds.CHECKIN_NUDGE: rules.OPTIONAL,
    kinds.PILOT_KICKOFF: rules.RIDER,
    kinds.PIE_REMINDER: rules.RIDER,
    kinds.PILOT_LATE_REVIEW: rules.DEFERRABLE,
    # Lead lists' DMs (overlap, a split offered, how it was settled) stay essential: they wait on the rep
    # (an overlap escalates after 2 working days), so they keep to the rep's hours but are never deferred
    # by the weekly budget.
}
LOOKBACK = timedelta(days=15)
# DMs the recipient asked for just now (a manager's `/stretch digest now`): never held back.
ASKED_FOR = frozenset({kinds.DIGEST_NOW})
# A rep whose week feels like too much gets no pie pressure that week.
SPARED_IN_SNAP = frozenset({kinds.PIE_REMINDER})
OPEN = ("pending", "sending")


def plan_welcome(*, session: Session, team: Team, person: Person, now: datetime) -> bool:
    """Plan the welcome DM for someone who just joined a team as a rep (before anything else reaches them)."""
    return enqueue(
        session=session,
        kind=kinds.WELCOME,
        dedupe_key=kinds.welcome_key(team.id, person.id),
        channel=person.slack_user_id,
        due_at=now,
        now=now,
        team_id=team.id,
        person_id=person.id,
    )


def settings_of(*, session: Session, team_id: int) -> AttentionSettings | None:
    """The team's attention settings row, if it has one."""
    return session.get(AttentionSettings, team_id)


def budget_of(*, session: Session, team: Team) -> rules.Budget:
    """The team's budget (defaults where it has no settings), widened to fit its check-in cadence."""
    row = settings_of(session=session, team_id=team.id)
    budget = rules.DEFAULT_BUDGET
    if row is None:
        budget = _from_schedule(team)
    else:
        try:
            budget = rules.Budget(
                week=row.week_budget,
                day=row.day_budget,
                work_days=parse_days(row.work_days),
                day_starts=parse_time(row.day_starts),
                day_ends=parse_time(row.day_ends),
            )
        except UserError:
            logger.warning("team %s has unreadable attention settings; using the defaults", team.id)
    try:
        cadence = len(parse_days(team.checkin_days))
    except UserError:
        cadence = 0
    return rules.with_cadence(budget, cadence)


def _from_schedule(team: Team) -> rules.Budget:
    """A team without attention settings: Mon–Fri 08:00–19:00, widened to the days and the time its
    manager chose for check-ins (a team checking in on Saturdays at 07:30 works then; one checking in
    at 18:00 keeps its three-hour send window)."""
    try:
        days = parse_days(team.checkin_days)
        at = parse_time(team.checkin_time)
    except UserError:
        return rules.DEFAULT_BUDGET
    base = rules.DEFAULT_BUDGET
    work_days = tuple(d for d in WEEKDAYS if d in base.work_days or d in days)
    starts = min(base.day_starts, at)
    # The check-in's send window (three hours) stays inside the day, up to midnight.
    late = (datetime.combine(date.min, at) + SEND_WINDOW).time() if at < time(21, 0) else time(23, 59)
    ends = max(base.day_ends, late)
    if work_days == base.work_days and starts == base.day_starts and ends == base.day_ends:
        return base
    return rules.Budget(base.week, base.day, work_days, starts, ends)


def _team_for(session: Session, delivery: Delivery) -> Team | None:
    if delivery.team_id is not None:
        return session.get(Team, delivery.team_id)
    return session.scalar(
        select(Team)
        .join(Membership, Membership.team_id == Team.id)
        .where(Membership.person_id == delivery.person_id)
        .order_by(Membership.role.desc(), Membership.id)  # 'rep' before 'manager'
        .limit(1)
    )


def sent_moments(*, session: Session, person: Person, now: datetime) -> list[datetime]:
    """When this person's DMs of the last two weeks were sent: one instant per message (merged
    deliveries share a message and count once)."""
    rows = session.execute(
        select(Delivery.id, Delivery.message_ts, Delivery.sent_at).where(
            Delivery.person_id == person.id,
            Delivery.channel == person.slack_user_id,
            Delivery.status == "sent",
            Delivery.sent_at >= now - LOOKBACK,
        )
    ).all()
    first: dict[str, datetime] = {}
    for row_id, ts, moment in rows:
        if moment is not None:
            key = ts or f"id:{row_id}"
            first[key] = min(first.get(key, moment), moment)
    return list(first.values())


def _log(
    session: Session,
    delivery: Delivery,
    decision: str,
    reason: str,
    now: datetime,
    until: datetime | None = None,
) -> None:
    assert delivery.person_id is not None
    session.add(
        DmDecision(
            delivery_id=delivery.id,
            person_id=delivery.person_id,
            kind=delivery.kind,
            decision=decision,
            reason=reason[:200],
            until=until,
            decided_at=now,
        )
    )
    logger.info("dm %s (%s): %s, %s", delivery.id, delivery.kind, decision, reason)


def _next_checkin(team: Team, person: Person, now: datetime) -> datetime | None:
    """When the rep's next scheduled check-in is due, if it is within the merge window."""
    from bot.domain.checkins import next_slot

    try:
        slot = next_slot(parse_days(team.checkin_days), parse_time(team.checkin_time), person.tz, after=now)
    except UserError:
        return None
    if slot is None or slot.due_at - now > rules.MERGE_WINDOW:
        return None
    return slot.due_at


def _checkins_to_come(team: Team | None, person: Person, now: datetime) -> int:
    """The rep's check-in days still to come this (local) week, after today."""
    if team is None:
        return 0
    try:
        days = parse_days(team.checkin_days)
    except UserError:
        return 0
    today = local_date(now, person.tz)
    return sum(1 for offset in range(1, 7 - today.weekday()) if WEEKDAYS[today.weekday() + offset] in days)


def _in_snap_this_week(session: Session, person: Person, now: datetime) -> bool:
    """Whether the person's latest zone decided this (their local) week is snap."""
    today = local_date(now, person.tz)
    monday = today - timedelta(days=today.weekday())
    latest = session.scalar(
        select(Checkin.zone)
        .where(Checkin.person_id == person.id, Checkin.local_date >= monday, Checkin.zone.is_not(None))
        .order_by(Checkin.local_date.desc())
        .limit(1)
    )
    return latest == SNAP


def is_dm(delivery: Delivery, person: Person | None) -> bool:
    """Whether a delivery is a DM to a person (channel posts are not budgeted)."""
    return person is not None and delivery.channel == person.slack_user_id


def hold(*, session: Session, delivery: Delivery, now: datetime) -> str | None:
    """Run the policy on a claimed delivery about to be rendered: None to send it now, else what was
    done instead ('defer', 'wait' or 'skip'), already written to the row and the decision log."""
    if delivery.person_id is None or delivery.kind in ASKED_FOR:
        return None
    person = session.get(Person, delivery.person_id)
    if person is None or not is_dm(delivery, person):
        return None
    team = _team_for(session, delivery)
    budget = budget_of(session=session, team=team) if team is not None else rules.DEFAULT_BUDGET
    welcome_at = None
    if delivery.kind != kinds.WELCOME:
        welcome_at = session.scalar(
            select(func.min(Delivery.due_at)).where(
                Delivery.person_id == person.id, Delivery.kind == kinds.WELCOME, Delivery.status.in_(OPEN)
            )
        )
    kind_class = KIND_CLASSES.get(delivery.kind, rules.ESSENTIAL)
    if delivery.kind in SPARED_IN_SNAP and _in_snap_this_week(session, person, now):
        delivery.status = "cancelled"
        delivery.claimed_until = None
        delivery.last_error = "policy: in the snap zone this week"
        _log(session, delivery, rules.SKIP, "in the snap zone this week: no pie reminders", now)
        return rules.SKIP
    checkin_due = None
    if kind_class == rules.RIDER:
        checkin_due = session.scalar(
            select(func.min(Delivery.due_at)).where(
                Delivery.person_id == person.id,
                Delivery.kind == kinds.CHECKIN,
                Delivery.status == "pending",
                Delivery.due_at <= now + rules.MERGE_WINDOW,
            )
        )
        if (
            checkin_due is None
            and team is not None
            and is_rep(session=session, team_id=team.id, person_id=person.id)
        ):
            # Not planned yet (check-ins are planned when due): their schedule says when it comes.
            checkin_due = _next_checkin(team, person, now)
    sent = sent_moments(session=session, person=person, now=now)
    booked = list(
        session.scalars(
            select(Delivery.due_at).where(
                Delivery.person_id == person.id,
                Delivery.channel == person.slack_user_id,
                Delivery.status == "pending",
                Delivery.due_at > now,
                Delivery.id != delivery.id,
            )
        )
    )
    decision = rules.decide(
        reserved=(
            _checkins_to_come(team, person, now)
            if kind_class != rules.ESSENTIAL
            and team is not None
            and is_rep(session=session, team_id=team.id, person_id=person.id)
            else 0
        ),
        kind_class=kind_class,
        tz_name=person.tz,
        budget=budget,
        sent=sent,
        now=now,
        welcome_pending_at=welcome_at,
        checkin_due_at=checkin_due,
        booked=booked,
    )
    if decision.action == rules.SEND:
        _log(session, delivery, rules.SEND, decision.reason, now)
        return None
    if decision.action == rules.SKIP:
        delivery.status = "cancelled"
        delivery.claimed_until = None
        delivery.last_error = f"policy: {decision.reason}"[:200]
        _log(session, delivery, rules.SKIP, decision.reason, now)
        return rules.SKIP
    assert decision.until is not None
    until = decision.until if decision.action == rules.DEFER else decision.until + timedelta(minutes=1)
    if delivery.expires_at is not None and delivery.expires_at <= until:
        # Moved, never dropped: the message keeps the window it had, from its new moment.
        window = max(delivery.expires_at - delivery.due_at, timedelta(hours=3))
        delivery.expires_at = until + window
    delivery.due_at = until
    delivery.claimed_until = None
    delivery.attempts = max(0, delivery.attempts - 1)
    action = rules.DEFER if decision.action == rules.DEFER else "wait"
    _log(session, delivery, action, decision.reason, now, until)
    return action


# --- merging: riders on the check-in ------------------------------------------------------------------------


def riders_for(*, session: Session, delivery: Delivery, now: datetime) -> list[Delivery]:
    """The rider DMs (pilot kickoff, pie reminder) waiting for this check-in's person, due soon."""
    if delivery.kind != kinds.CHECKIN or delivery.person_id is None:
        return []
    rider_kinds = [kind for kind, cls in KIND_CLASSES.items() if cls == rules.RIDER]
    return list(
        session.scalars(
            select(Delivery)
            .where(
                Delivery.person_id == delivery.person_id,
                Delivery.channel == delivery.channel,
                Delivery.kind.in_(rider_kinds),
                Delivery.status == "pending",
                Delivery.due_at <= now + rules.MERGE_WINDOW,
                (Delivery.claimed_until.is_(None)) | (Delivery.claimed_until < now),
            )
            .order_by(Delivery.due_at, Delivery.id)
        )
    )


def attach_riders(*, session: Session, delivery: Delivery, blocks: Sequence[dict[str, Any]]) -> None:
    """Keep the riders' blocks on the check-in, so each redraw of it keeps them."""
    checkin = session.get(Checkin, delivery.ref_id) if delivery.ref_id is not None else None
    if checkin is not None:
        checkin.rider_blocks = json.dumps(list(blocks)) if blocks else None


def record_merged(*, session: Session, riders: Sequence[Delivery], host: Delivery, now: datetime) -> None:
    """The riders went out inside the host's message: same message, counted once."""
    for rider in riders:
        rider.status = "sent"
        rider.sent_at = now
        rider.claimed_until = None
        rider.message_ts = host.message_ts
        rider.message_channel = host.message_channel
        _log(session, rider, rules.MERGE, f"sent inside their {host.kind} DM", now)


def quiet_reps_alerted(*, session: Session, person_id: int, team_id: int, since: datetime | None) -> bool:
    """Whether the team's managers were alerted about this rep since their last answer."""
    from bot.models.alerts import QuietAlert

    query = (
        select(func.count())
        .select_from(QuietAlert)
        .where(QuietAlert.person_id == person_id, QuietAlert.team_id == team_id)
    )
    if since is not None:
        query = query.where(QuietAlert.opened_at >= since)
    return bool(session.scalar(query))


def is_rep(*, session: Session, team_id: int, person_id: int) -> bool:
    """Whether the person is a rep of the team."""
    return (
        session.scalar(
            select(Membership.id).where(
                Membership.team_id == team_id, Membership.person_id == person_id, Membership.role == ROLE_REP
            )
        )
        is not None
    )


def pin_question(*, session: Session, team_id: int, key: str | None, now: datetime) -> None:
    """Pin a question into every check-in of the team (None unpins); refuses a key the team doesn't ask."""
    from bot.services.checkins.questions import team_questions

    if key is not None:
        questions = {q.key: q for q in team_questions(session=session, team_id=team_id, now=now)}
        if key not in questions:
            raise UserError(f"This team has no question '{key}'. `stretch questions list` shows the keys.")
        if questions[key].kind == "text":
            raise UserError("Notes are offered in every check-in already; pin a question people tap.")
    row = settings_of(session=session, team_id=team_id)
    if row is None:
        row = AttentionSettings(
            team_id=team_id,
            week_budget=rules.DEFAULT_BUDGET.week,
            day_budget=rules.DEFAULT_BUDGET.day,
            work_days=",".join(rules.DEFAULT_BUDGET.work_days),
            day_starts="08:00",
            day_ends="19:00",
            updated_at=now,
        )
        session.add(row)
    row.pinned_question = key
    row.updated_at = now
