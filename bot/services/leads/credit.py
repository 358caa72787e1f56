"""Credit on a partnered account: who shares a rep's progress, and how an amount divides between them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.errors import UserError
from bot.domain.leads.accounts import parse_account
from bot.domain.leads.keys import match_keys
from bot.domain.leads.rules import split_credit
from bot.models import Person
from bot.models.leads import OVERLAP_PARTNERED, LeadAssociationMember, LeadClaim, LeadOverlap
from bot.services.leads.people import pair, pair_ids


def progress_shares(
    *, session: Session, team_id: int, person_id: int, account_text: str
) -> list[tuple[Person, int]] | None:
    """Who shares credit for progress on an account the rep partnered on: [(rep, pct), (partner, pct)].

    None when the text names no account the rep shares (the progress is theirs alone)."""
    typed = " ".join((account_text or "").split())
    if not typed:
        return None
    try:
        account = parse_account(typed)
    except UserError:
        return None
    keys = set(account.match_keys())
    overlaps = session.execute(
        select(LeadOverlap).where(
            LeadOverlap.team_id == team_id,
            LeadOverlap.status == OVERLAP_PARTNERED,
            LeadOverlap.split_a.is_not(None),
        )
    ).scalars()
    for overlap in overlaps:
        a_person, b_person = pair_ids(session, overlap)
        if person_id not in (a_person, b_person):
            continue
        if not _overlap_keys(session, overlap) & keys:
            continue
        assert overlap.split_a is not None
        a, b = pair(session, overlap)
        if person_id == a_person:
            return [(a, overlap.split_a), (b, 100 - overlap.split_a)]
        return [(b, 100 - overlap.split_a), (a, overlap.split_a)]
    return None


def _overlap_keys(session: Session, overlap: LeadOverlap) -> set[str]:
    """The exact-match keys of both sides of the overlap."""
    keys: set[str] = set()
    for claim_id, member_id in (
        (overlap.claim_a_id, overlap.member_a_id),
        (overlap.claim_b_id, overlap.member_b_id),
    ):
        if member_id:
            member = session.get(LeadAssociationMember, member_id)
            if member is not None:
                keys |= set(match_keys(member.name_key, member.domain_key))
        else:
            claim = session.get(LeadClaim, claim_id)
            if claim is not None:
                keys |= set(match_keys(claim.name_key, claim.domain_key))
    return keys


def credit_parts(amount: int, shares: list[tuple[Person, int]]) -> list[tuple[Person, int]]:
    """The amount each partner is credited (adds up to the amount exactly)."""
    by_id = {p.id: p for p, _ in shares}
    return [(by_id[pid], part) for pid, part in split_credit(amount, [(p.id, pct) for p, pct in shares])]
