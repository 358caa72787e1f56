"""What a pilot's participants and owner answer: the mid-point score and note, a tweak asked for early,
the review (Keep · Tweak · Drop), and the owner's or a manager's decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot import kinds
from bot.deliveries import enqueue_dms
from bot.domain import pilots as rules
from bot.domain.errors import NotAllowedError, UserError
from bot.domain.text import escape
from bot.models import Pilot, PilotParticipant
from bot.models.moments import MOMENT_PILOT_TRIED
from bot.services.pilots.core import (
    PilotFacts,
    check_may_steer,
    closed_error,
    facts_of,
    load_pilot,
    record_pilot_moment,
)
from bot.services.pilots.forms import PilotForm, existing_pilot_form
from bot.services.pilots.lists import summary_recipients
from bot.services.teams import load_team


def _participant(pilot: Pilot, user_id: str) -> PilotParticipant:
    for row in pilot.participants:
        if row.person.slack_user_id == user_id:
            return row
    raise NotAllowedError(f"You're not taking part in *{escape(pilot.title)}*, so there's nothing to answer.")


def _open_participant(session: Session, pilot_id: int, user_id: str) -> tuple[Pilot, PilotParticipant]:
    pilot = load_pilot(session=session, pilot_id=pilot_id)
    row = _participant(pilot, user_id)
    if rules.is_closed(pilot.status):
        raise closed_error(pilot)
    return pilot, row


def record_midpoint(*, session: Session, pilot_id: int, user_id: str, score: int, now: datetime) -> Pilot:
    """Store a participant's 'How's it going?' 1–5 (a second click changes it)."""
    if not 1 <= score <= 5:
        raise UserError("Pick a number from 1 to 5.")
    pilot, row = _open_participant(session, pilot_id, user_id)
    row.mid_score = score
    row.mid_at = now
    return pilot


def record_mid_note(*, session: Session, pilot_id: int, user_id: str, note: str, now: datetime) -> Pilot:
    """Store a participant's optional mid-point note."""
    pilot, row = _open_participant(session, pilot_id, user_id)
    row.mid_note = note.strip()[: rules.MAX_NOTE] or None
    row.mid_at = row.mid_at or now
    return pilot


def request_tweak(*, session: Session, pilot_id: int, user_id: str) -> Pilot:
    """A participant asks the owner for a tweak now, before the review."""
    pilot, row = _open_participant(session, pilot_id, user_id)
    row.wants_tweak = True
    return pilot


@dataclass(frozen=True)
class ReviewResult:
    """What a review answer changed."""

    pilot: Pilot
    everyone_answered: bool
    late: bool


def record_review(
    *,
    session: Session,
    pilot_id: int,
    user_id: str,
    vote: str | None,
    learning: str,
    skill: int | None,
    now: datetime,
    vote_field: str,
    skill_field: str,
) -> ReviewResult:
    """Store a participant's Keep · Tweak · Drop, what they learned and how much better they feel."""
    if vote not in rules.VOTES:
        raise UserError("Pick Keep, Tweak or Drop.", field=vote_field)
    if skill is None or not 1 <= skill <= 5:
        raise UserError("Pick how much better you feel at the skill, from 1 to 5.", field=skill_field)
    pilot, row = _open_participant(session, pilot_id, user_id)
    row.vote = vote
    row.learning = learning.strip()[: rules.MAX_LEARNING] or None
    row.skill_score = skill
    row.reviewed_at = now
    everyone = all(p.reviewed_at is not None for p in pilot.participants)
    late = pilot.summary_at is not None
    if late:
        plan_late_review(session=session, pilot=pilot, participant=row, now=now)
    return ReviewResult(pilot=pilot, everyone_answered=everyone, late=late)


def plan_late_review(*, session: Session, pilot: Pilot, participant: PilotParticipant, now: datetime) -> int:
    """After the summary went out, tell its recipients about a review that arrived late."""
    return enqueue_dms(
        session=session,
        kind=kinds.PILOT_LATE_REVIEW,
        key=kinds.pilot_late_review_prefix(pilot.id, participant.person_id),
        people=summary_recipients(session=session, pilot=pilot),
        due_at=now,
        now=now,
        team_id=pilot.team_id,
        ref_id=pilot.id,
    )


def decide_pilot(*, session: Session, pilot_id: int, user_id: str, decision: str, now: datetime) -> Pilot:
    """Keep (a standing practice) or drop a pilot; a drop records a stretch moment for those who tried."""
    pilot = load_pilot(session=session, pilot_id=pilot_id)
    team = load_team(session=session, team_id=pilot.team_id)
    if rules.is_closed(pilot.status):
        raise closed_error(pilot)
    check_may_steer(pilot, team, user_id)
    if decision not in (rules.STATUS_KEPT, rules.STATUS_DROPPED):
        raise UserError("Pick Keep, Tweak or Drop.")
    pilot.status = decision
    pilot.decided_at = now
    pilot.decided_by = user_id
    pilot.updated_at = now
    if decision == rules.STATUS_DROPPED:
        for row in pilot.participants:
            if row.mid_at is not None or row.reviewed_at is not None:
                record_pilot_moment(
                    session=session,
                    pilot=pilot,
                    person_id=row.person_id,
                    kind=MOMENT_PILOT_TRIED,
                    verb="tried",
                    now=now,
                )
    return pilot


# --- what a pilot button opens --------------------------------------------------------------------------


def note_form(*, session: Session, pilot_id: int, user_id: str) -> tuple[PilotFacts, str]:
    """The mid-point note modal's pilot and the participant's note so far."""
    pilot = load_pilot(session=session, pilot_id=pilot_id)
    row = next((p for p in pilot.participants if p.person.slack_user_id == user_id), None)
    if row is None:
        raise NotAllowedError(f"You're not taking part in *{escape(pilot.title)}*.")
    return facts_of(pilot), row.mid_note or ""


def review_form(*, session: Session, pilot_id: int, user_id: str) -> PilotFacts:
    """The pilot a participant reviews, while its review is open."""
    pilot = load_pilot(session=session, pilot_id=pilot_id)
    if all(p.person.slack_user_id != user_id for p in pilot.participants):
        raise NotAllowedError(
            f"You're not taking part in *{escape(pilot.title)}*, so there's nothing to review."
        )
    if rules.is_closed(pilot.status):
        raise NotAllowedError(
            f"*{escape(pilot.title)}* is already decided, so the review is closed. Thank you!"
        )
    return facts_of(pilot)


@dataclass(frozen=True)
class TweakRequest:
    """A participant's "tweak now", passed on to the owner (with their mid-point note, if any)."""

    pilot: PilotFacts
    note: str | None


def tweak_now(*, session: Session, pilot_id: int, user_id: str, now: datetime) -> PilotForm | TweakRequest:
    """ "Tweak now": whoever may steer the pilot gets the tweak modal; any other participant asks its owner."""
    try:
        return existing_pilot_form(session=session, pilot_id=pilot_id, user_id=user_id, tweak=True, now=now)
    except NotAllowedError:
        pass
    pilot = request_tweak(session=session, pilot_id=pilot_id, user_id=user_id)
    row = next(p for p in pilot.participants if p.person.slack_user_id == user_id)
    return TweakRequest(pilot=facts_of(pilot), note=row.mid_note)
