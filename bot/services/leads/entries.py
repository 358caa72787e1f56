"""Every account a team's reps hold, umbrella claims expanded to their member accounts: what matching reads."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.leads.keys import account_label
from bot.domain.leads.matching import ClaimKeys, close_pairs
from bot.models.leads import CLAIM_ACTIVE, LeadAssociation, LeadAssociationMember, LeadClaim


@dataclass(frozen=True)
class Entry:
    """One account a rep holds: an individual claim, or one member of an association they claimed."""

    keys: ClaimKeys
    label: str
    account_key: str
    association: str = ""


def entries_of(
    session: Session,
    team_id: int,
    *,
    name_keys: set[str] | None = None,
    domain_keys: set[str] | None = None,
    person_id: int | None = None,
) -> list[Entry]:
    """Every active claimed account of the team, in two queries; with keys given, only the accounts
    sharing one of them (and every individual claim of `person_id`)."""
    claims = select(
        LeadClaim.id,
        LeadClaim.person_id,
        LeadClaim.name_key,
        LeadClaim.domain_key,
        LeadClaim.company,
        LeadClaim.domain,
        LeadClaim.account_key,
    ).where(
        LeadClaim.team_id == team_id,
        LeadClaim.status == CLAIM_ACTIVE,
        LeadClaim.association_id.is_(None),
    )
    members = (
        select(
            LeadClaim.id,
            LeadClaim.person_id,
            LeadAssociationMember.id,
            LeadAssociationMember.name_key,
            LeadAssociationMember.domain_key,
            LeadAssociationMember.company,
            LeadAssociationMember.domain,
            LeadAssociationMember.account_key,
            LeadAssociation.name,
        )
        .join(LeadAssociationMember, LeadAssociationMember.association_id == LeadClaim.association_id)
        .join(LeadAssociation, LeadAssociation.id == LeadClaim.association_id)
        .where(LeadClaim.team_id == team_id, LeadClaim.status == CLAIM_ACTIVE)
    )
    if name_keys is not None or domain_keys is not None:
        names, domains = list(name_keys or ()), list(domain_keys or ())
        claims = claims.where(
            LeadClaim.name_key.in_(names)
            | LeadClaim.domain_key.in_(domains)
            | (LeadClaim.person_id == (person_id or 0))
        )
        members = members.where(
            LeadAssociationMember.name_key.in_(names) | LeadAssociationMember.domain_key.in_(domains)
        )
    out = [
        Entry(ClaimKeys(cid, pid, nk, dk), account_label(company, domain), key)
        for cid, pid, nk, dk, company, domain, key in session.execute(claims)
    ]
    out += [
        Entry(
            ClaimKeys(cid, pid, nk, dk, umbrella=True, member_id=mid),
            account_label(company, domain),
            key,
            name,
        )
        for cid, pid, mid, nk, dk, company, domain, key, name in session.execute(members)
    ]
    return out


def candidates(
    session: Session, team_id: int, *, keys: list[ClaimKeys], person_id: int, threshold: int
) -> list[Entry]:
    """The team's accounts that may overlap `keys`: the same domain or name, or a close name (found among
    the team's distinct names, two one-column queries), plus the rep's own claims."""
    names = {k.name_key for k in keys if k.name_key}
    domains = {k.domain_key for k in keys if k.domain_key}
    if names and threshold < 100:
        team_names = set(
            session.scalars(
                select(LeadClaim.name_key).where(
                    LeadClaim.team_id == team_id,
                    LeadClaim.status == CLAIM_ACTIVE,
                    LeadClaim.association_id.is_(None),
                )
            )
        )
        team_names |= set(
            session.scalars(
                select(LeadAssociationMember.name_key)
                .join(LeadClaim, LeadClaim.association_id == LeadAssociationMember.association_id)
                .where(LeadClaim.team_id == team_id, LeadClaim.status == CLAIM_ACTIVE)
            )
        )
        names |= {other for _, other in close_pairs(names, team_names, threshold=threshold)}
    return entries_of(session, team_id, name_keys=names, domain_keys=domains, person_id=person_id)


def team_entries(*, session: Session, team_id: int) -> list[Entry]:
    """Every account the team's reps hold (association members expanded), for reconciliation."""
    return entries_of(session, team_id)
