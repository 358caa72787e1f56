"""Settling an overlap between two reps: partner with a split, give it up, say whether a close name is the
same company, or ask the manager; and the one step that ends every overlap (`settle`), DMing both reps.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import kinds
from bot.deliveries import dm, enqueue_many
from bot.domain.errors import NotAllowedError, NotInTeamError, UserError
from bot.domain.leads.rules import ESCALATE_AFTER_WORKING_DAYS
from bot.models import Membership, Person, Workspace
from bot.models.leads import (
    CLAIM_ACTIVE,
    CLAIM_RELEASED,
    OVERLAP_ASSIGNED,
    OVERLAP_DISMISSED,
    OVERLAP_ESCALATED,
    OVERLAP_PARTNERED,
    OVERLAP_SETTLED,
    LeadClaim,
    LeadOverlap,
)
from bot.services.leads.history import log_about
from bot.services.leads.overlaps import OverlapView, overlap_view
from bot.services.leads.people import managers_of, pair, pair_ids
from bot.services.teams import Asked

# (the overlap, the rep) → the delivery keys to send now: a rep's tap on their overlap DM.
RepStep = Callable[[Session, LeadOverlap, Person, datetime], list[str]]


def lock_overlap(session: Session, overlap_id: int) -> LeadOverlap:
    """The overlap, locked for this transaction and read afresh; a clear refusal when it is gone."""
    overlap = session.scalar(
        select(LeadOverlap)
        .where(LeadOverlap.id == overlap_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if overlap is None:
        raise UserError("That overlap no longer exists: one of the claims was removed.")
    return overlap


def overlap_for_rep(*, session: Session, overlap_id: int, asked: Asked) -> tuple[LeadOverlap, Person]:
    """The overlap locked for one of its two reps; anyone else is refused."""
    overlap = lock_overlap(session, overlap_id)
    a_person, b_person = pair_ids(session, overlap)
    person = session.scalar(
        select(Person)
        .join(Workspace, Workspace.id == Person.workspace_id)
        .where(Workspace.slack_team_id == asked.slack_team_id, Person.slack_user_id == asked.user_id)
    )
    if person is None or person.id not in (a_person, b_person):
        raise NotAllowedError(
            "This overlap isn't yours: only the two reps who claimed the account can settle it."
        )
    member = session.scalar(
        select(Membership.id).where(Membership.team_id == overlap.team_id, Membership.person_id == person.id)
    )
    if member is None:
        raise NotInTeamError("You're not on that team any more, so this overlap isn't yours to settle.")
    return overlap, person


def require_open(overlap: LeadOverlap, *, for_reps: bool = True) -> None:
    """Refuse a step on a settled overlap (and a rep's step on one sent to the manager)."""
    if overlap.status in OVERLAP_SETTLED:
        raise UserError("This overlap is already settled. Type `/claim-leads` to see where things stand.")
    if for_reps and overlap.status == OVERLAP_ESCALATED:
        raise UserError(
            "You've asked your manager about this one; they'll decide. Type `/claim-leads` to see it."
        )


def rep_choice(
    *, session: Session, overlap_id: int, asked: Asked, step: RepStep, now: datetime
) -> tuple[str, list[str]]:
    """One of the overlap's reps takes a step on it: the account's name and the DMs to send now."""
    overlap, person = overlap_for_rep(session=session, overlap_id=overlap_id, asked=asked)
    return overlap.account, step(session, overlap, person, now)


def partner_form(*, session: Session, overlap_id: int, asked: Asked) -> OverlapView:
    """The overlap as the Partner on it form shows it to one of its reps, while it is theirs to settle."""
    overlap, _person = overlap_for_rep(session=session, overlap_id=overlap_id, asked=asked)
    require_open(overlap)
    return overlap_view(session=session, overlap=overlap)


def propose_split(
    *, session: Session, overlap: LeadOverlap, person: Person, my_share: int, now: datetime
) -> tuple[str, list[str]]:
    """Offer a split (my percent); if the other rep already offered the same split, it's agreed.

    Returns what happened ('proposed' or 'partnered') and the delivery keys to send now."""
    require_open(overlap)
    if not overlap.exact:
        raise UserError("First say whether this is the same company (tap *Same company*).")
    a, b = pair(session, overlap)
    split_a = my_share if person.id == a.id else 100 - my_share
    if (
        overlap.proposal_by_person_id is not None
        and overlap.proposal_by_person_id != person.id
        and overlap.proposal_split_a == split_a
    ):
        return "partnered", _partner(session, overlap, split_a=split_a, actor=person.slack_user_id, now=now)
    overlap.proposal_by_person_id = person.id
    overlap.proposal_split_a = split_a
    overlap.proposal_version += 1
    overlap.updated_at = now
    other = b if person.id == a.id else a
    log_about(
        session,
        overlap,
        actor=person.slack_user_id,
        action="proposed",
        detail=f"{my_share}% <@{person.slack_user_id}> / {100 - my_share}% <@{other.slack_user_id}>",
        now=now,
    )
    key = kinds.lead_proposal_key(overlap.id, overlap.proposal_version)
    return "proposed", dm_about(session, overlap, kind=kinds.LEAD_PROPOSAL, to=[(key, other)], now=now)


def offer_split(
    *, session: Session, overlap_id: int, asked: Asked, my_share: int, now: datetime
) -> tuple[str, str, list[str]]:
    """A rep's split offer from the Partner on it form: what happened, the account, the DMs to send now."""
    overlap, person = overlap_for_rep(session=session, overlap_id=overlap_id, asked=asked)
    what, keys = propose_split(session=session, overlap=overlap, person=person, my_share=my_share, now=now)
    return what, overlap.account, keys


def accept_split(
    *, session: Session, overlap: LeadOverlap, person: Person, version: int, now: datetime
) -> list[str]:
    """Accept the other rep's offered split (the exact offer the button showed)."""
    require_open(overlap)
    if overlap.proposal_by_person_id is None or overlap.proposal_split_a is None:
        raise UserError("There's no split on the table for this account. Tap *Partner on it* to offer one.")
    if overlap.proposal_by_person_id == person.id:
        raise UserError("That's your own offer: your teammate has to accept it.")
    if overlap.proposal_version != version:
        raise UserError(
            "That offer was replaced by a newer one. Look for the latest message about this account."
        )
    return _partner(session, overlap, split_a=overlap.proposal_split_a, actor=person.slack_user_id, now=now)


def accept_offer(
    *, session: Session, overlap_id: int, version: int, asked: Asked, now: datetime
) -> tuple[str, list[str]]:
    """A rep accepts the split offered on their DM: the account and the DMs to send now."""
    overlap, person = overlap_for_rep(session=session, overlap_id=overlap_id, asked=asked)
    return overlap.account, accept_split(
        session=session, overlap=overlap, person=person, version=version, now=now
    )


def split_detail(session: Session, overlap: LeadOverlap, split_a: int) -> str:
    """A split as the history says it: `60% <@A> / 40% <@B>`."""
    a, b = pair(session, overlap)
    return f"{split_a}% <@{a.slack_user_id}> / {100 - split_a}% <@{b.slack_user_id}>"


def _partner(session: Session, overlap: LeadOverlap, *, split_a: int, actor: str, now: datetime) -> list[str]:
    detail = split_detail(session, overlap, split_a)
    overlap.split_a = split_a
    return settle(
        session,
        overlap,
        OVERLAP_PARTNERED,
        actor=actor,
        decided_by=overlap.decided_by or "reps",
        detail=detail,
        now=now,
        action="accepted" if actor != "rule" else "decided",
    )


def give_up(*, session: Session, overlap: LeadOverlap, person: Person, now: datetime) -> list[str]:
    """'It's yours': the other rep keeps the account; an individual claim of mine is released."""
    require_open(overlap, for_reps=False)
    a_person, b_person = pair_ids(session, overlap)
    other = b_person if person.id == a_person else a_person
    mine = session.get(LeadClaim, overlap.claim_a_id if person.id == a_person else overlap.claim_b_id)
    assert mine is not None
    keys = settle(
        session,
        overlap,
        OVERLAP_ASSIGNED,
        owner=other,
        actor=person.slack_user_id,
        decided_by="reps",
        detail="gave it to their teammate",
        now=now,
        action="gave up",
    )
    if mine.association_id is None and mine.status == CLAIM_ACTIVE:
        mine.status = CLAIM_RELEASED
        mine.released_at = now
        log_about(session, mine, actor=person.slack_user_id, action="released", now=now)
    return keys


def confirm_possible(
    *, session: Session, overlap: LeadOverlap, person: Person, same: bool, now: datetime
) -> list[str]:
    """A possible overlap: 'same company' makes it a real one (the usual choices follow), else dismissed."""
    require_open(overlap)
    if overlap.exact:
        raise UserError("This one is already known to be the same account.")
    if not same:
        return settle(
            session,
            overlap,
            OVERLAP_DISMISSED,
            actor=person.slack_user_id,
            decided_by="reps",
            detail="two different companies",
            now=now,
            action="dismissed",
        )
    overlap.exact = True
    overlap.updated_at = now
    log_about(
        session, overlap, actor=person.slack_user_id, action="confirmed", detail="the same company", now=now
    )
    to = [(kinds.lead_overlap_key(overlap.id, p.id, confirmed=True), p) for p in pair(session, overlap)]
    return dm_about(session, overlap, kind=kinds.LEAD_OVERLAP, to=to, now=now)


def give_it_up(session: Session, overlap: LeadOverlap, person: Person, now: datetime) -> list[str]:
    """'It's yours' tapped on the overlap DM."""
    return give_up(session=session, overlap=overlap, person=person, now=now)


def ask_the_manager(session: Session, overlap: LeadOverlap, person: Person, now: datetime) -> list[str]:
    """'Ask my manager' tapped on the overlap DM."""
    return ask_manager(session=session, overlap=overlap, person=person, now=now)


def same_company(session: Session, overlap: LeadOverlap, person: Person, now: datetime) -> list[str]:
    """'Same company': a possible overlap becomes a real one."""
    return confirm_possible(session=session, overlap=overlap, person=person, same=True, now=now)


def different_companies(session: Session, overlap: LeadOverlap, person: Person, now: datetime) -> list[str]:
    """'Two different companies': a possible overlap is dismissed."""
    return confirm_possible(session=session, overlap=overlap, person=person, same=False, now=now)


def ask_manager(*, session: Session, overlap: LeadOverlap, person: Person | None, now: datetime) -> list[str]:
    """Send the overlap up to the team's managers (a rep asked, or 2 working days passed)."""
    require_open(overlap)
    overlap.status = OVERLAP_ESCALATED
    overlap.escalated_at = now
    overlap.updated_at = now
    log_about(
        session,
        overlap,
        actor=person.slack_user_id if person else "stretch",
        action="asked manager" if person else "escalated",
        detail="" if person else f"open after {ESCALATE_AFTER_WORKING_DAYS} working days",
        now=now,
    )
    to = [(kinds.lead_decision_key(overlap.id, m.id), m) for m in managers_of(session, overlap.team_id)]
    return dm_about(session, overlap, kind=kinds.LEAD_DECISION, to=to, now=now)


def settle(
    session: Session,
    overlap: LeadOverlap,
    status: str,
    *,
    actor: str,
    detail: str,
    now: datetime,
    owner: int | None = None,
    decided_by: str | None = None,
    action: str = "settled",
) -> list[str]:
    """End the overlap (who decided: `actor` unless said), log it and DM both reps how it ended."""
    overlap.status = status
    overlap.owner_person_id = owner
    overlap.decided_by = decided_by or actor
    overlap.settled_at = now
    overlap.updated_at = now
    log_about(session, overlap, actor=actor, action=action, detail=detail, now=now)
    to = [(kinds.lead_settled_key(overlap.id, p.id), p) for p in pair(session, overlap)]
    return dm_about(session, overlap, kind=kinds.LEAD_SETTLED, to=to, now=now)


def dm_about(
    session: Session, overlap: LeadOverlap, *, kind: str, to: list[tuple[str, Person]], now: datetime
) -> list[str]:
    """Plan a DM about the overlap for each (delivery key, person), due now; their keys, to send at once."""
    rows = [
        dm(kind=kind, dedupe_key=key, person=person, due_at=now, team_id=overlap.team_id, ref_id=overlap.id)
        for key, person in to
    ]
    enqueue_many(session=session, rows=rows, now=now)
    return [key for key, _ in to]
