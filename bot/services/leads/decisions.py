"""Overlaps the reps did not settle: a manager's decision, and the clock (after 2 working days the team's
fallback rule decides, or the managers are asked).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.errors import NotAllowedError, UserError
from bot.domain.leads.rules import FALLBACK_FIRST
from bot.models import ROLE_MANAGER, Membership, Person, Workspace
from bot.models.leads import (
    OVERLAP_ASSIGNED,
    OVERLAP_BOTH,
    OVERLAP_OPEN,
    OVERLAP_PARTNERED,
    LeadClaim,
    LeadOverlap,
)
from bot.services.leads.overlaps import OverlapView, overlap_view
from bot.services.leads.people import pair_ids, people_by_id
from bot.services.leads.settings import settings_of
from bot.services.leads.settling import ask_manager, lock_overlap, require_open, settle, split_detail
from bot.services.teams import Asked


def overlap_for_manager(*, session: Session, overlap_id: int, asked: Asked) -> LeadOverlap:
    """The overlap locked for a manager of its team, while undecided; anyone else is refused."""
    overlap = lock_overlap(session, overlap_id)
    role = session.scalar(
        select(Membership.role)
        .join(Person, Person.id == Membership.person_id)
        .join(Workspace, Workspace.id == Person.workspace_id)
        .where(
            Membership.team_id == overlap.team_id,
            Workspace.slack_team_id == asked.slack_team_id,
            Person.slack_user_id == asked.user_id,
        )
    )
    if role != ROLE_MANAGER:
        raise NotAllowedError("Only a manager of this team can decide who pursues the account.")
    require_open(overlap, for_reps=False)
    return overlap


def decision_form(*, session: Session, overlap_id: int, asked: Asked) -> OverlapView:
    """The undecided overlap as a manager's decision form shows it."""
    overlap = overlap_for_manager(session=session, overlap_id=overlap_id, asked=asked)
    return overlap_view(session=session, overlap=overlap)


def decide(
    *,
    session: Session,
    overlap_id: int,
    asked: Asked,
    owner: str | None = None,
    split_a: int | None = None,
    reason: str | None = None,
    now: datetime,
) -> tuple[OverlapView, list[str]]:
    """A manager's decision: give the account to one rep ('a'/'b'), partner them, or keep both (reason).

    Returns the settled overlap and the DMs to send now."""
    overlap = overlap_for_manager(session=session, overlap_id=overlap_id, asked=asked)
    keys = _decide(session, overlap, asked.user_id, owner=owner, split_a=split_a, reason=reason, now=now)
    return overlap_view(session=session, overlap=overlap), keys


def _decide(
    session: Session,
    overlap: LeadOverlap,
    manager_user_id: str,
    *,
    owner: str | None,
    split_a: int | None,
    reason: str | None,
    now: datetime,
) -> list[str]:
    a_person, b_person = pair_ids(session, overlap)
    overlap.decided_by = manager_user_id
    if owner is not None:
        winner = a_person if owner == "a" else b_person
        detail = f"assigned to <@{people_by_id(session, {winner})[winner].slack_user_id}>"
        return _decided(session, overlap, OVERLAP_ASSIGNED, manager_user_id, detail, now, owner=winner)
    if split_a is not None:
        overlap.split_a = split_a
        detail = f"partners: {split_detail(session, overlap, split_a)}"
        return _decided(session, overlap, OVERLAP_PARTNERED, manager_user_id, detail, now)
    text = " ".join((reason or "").split())
    if not text:
        raise UserError(
            "Write the reason for keeping both claims, so the reps know why.", field="lead_reason"
        )
    if len(text) > 500:
        raise UserError("Keep the reason under 500 characters.", field="lead_reason")
    overlap.reason = text
    return _decided(session, overlap, OVERLAP_BOTH, manager_user_id, f"kept both: {text}", now)


def _decided(
    session: Session,
    overlap: LeadOverlap,
    status: str,
    by: str,
    detail: str,
    now: datetime,
    *,
    owner: int | None = None,
) -> list[str]:
    return settle(session, overlap, status, owner=owner, actor=by, detail=detail, now=now, action="decided")


def escalate_due(*, session: Session, now: datetime) -> int:
    """Open overlaps past their 2 working days: the fallback rule decides, or the managers are asked."""
    due = list(
        session.scalars(
            select(LeadOverlap)
            .where(
                LeadOverlap.status == OVERLAP_OPEN,
                LeadOverlap.escalate_at <= now,
                LeadOverlap.exact.is_(True),
            )
            .order_by(LeadOverlap.id)
        )
    )
    done = 0
    for overlap in due:
        rule = settings_of(session=session, team_id=overlap.team_id).fallback
        if rule == FALLBACK_FIRST:
            a = session.get(LeadClaim, overlap.claim_a_id)
            b = session.get(LeadClaim, overlap.claim_b_id)
            assert a is not None and b is not None
            # The first claimer keeps it, but naming the account outranks an association claim.
            winner = b if (a.association_id is not None and b.association_id is None) else a
            detail = "the team's rule: the first claimer keeps it" + (
                " (the account was named, not just its association)" if winner is b else ""
            )
            _decided(session, overlap, OVERLAP_ASSIGNED, "rule", detail, now, owner=winner.person_id)
        else:
            ask_manager(session=session, overlap=overlap, person=None, now=now)
        done += 1
    return done
