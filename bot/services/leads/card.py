"""`/claim-leads`: do what it asks (add accounts, claim an association, release one) and show the rep's
card, their claims (partners and splits) and the overlaps waiting for them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.leads.accounts import MAX_PASTED_LINES, parse_accounts
from bot.domain.leads.command import LeadsCommand, split_command_list
from bot.models.leads import (
    CLAIM_ACTIVE,
    OVERLAP_ASSIGNED,
    OVERLAP_BOTH,
    OVERLAP_ESCALATED,
    OVERLAP_OPEN,
    OVERLAP_PARTNERED,
    LeadAssociationMember,
    LeadClaim,
    LeadOverlap,
)
from bot.services.leads.claims import HOW_TO_IMPORT, ClaimOutcome, add_claims, claim_umbrella, release
from bot.services.leads.overlaps import OverlapView, overlap_view
from bot.services.leads.people import Asker, asker, require_rep
from bot.services.leads.settings import settings_of
from bot.services.teams import Asked


@dataclass(frozen=True)
class ClaimLine:
    """One of a rep's claims as their card shows it."""

    label: str
    umbrella: bool
    members: int
    # (the account, how it is shared): the second part holds only mentions and numbers, no user text.
    shared: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class LeadsCard:
    """What `/claim-leads` shows one rep."""

    team_id: int
    team_name: str
    is_manager: bool
    fallback: str
    claims: tuple[ClaimLine, ...]
    waiting: tuple[OverlapView, ...]
    escalated: tuple[OverlapView, ...]


def card(*, session: Session, who: Asker) -> LeadsCard:
    """The asker's claims (with partners and splits) and the overlaps waiting for them."""
    team = who.team
    claims = list(
        session.scalars(
            select(LeadClaim)
            .where(
                LeadClaim.team_id == team.id,
                LeadClaim.person_id == who.person.id,
                LeadClaim.status == CLAIM_ACTIVE,
            )
            .order_by(LeadClaim.id)
        )
    )
    ids = [c.id for c in claims]
    overlaps = (
        list(
            session.scalars(
                select(LeadOverlap)
                .where(LeadOverlap.claim_a_id.in_(ids) | LeadOverlap.claim_b_id.in_(ids))
                .order_by(LeadOverlap.id)
            )
        )
        if ids
        else []
    )
    views = [overlap_view(session=session, overlap=o) for o in overlaps]
    shared: dict[int, list[tuple[str, str]]] = defaultdict(list)
    me = who.person.slack_user_id
    for overlap, view in zip(overlaps, views, strict=True):
        mine = overlap.claim_a_id if view.a_user == me else overlap.claim_b_id
        other = view.other_of(me)
        if view.status == OVERLAP_PARTNERED:
            share = view.share_of(me, view.split_a)
            shared[mine].append(
                (view.account, f"partner <@{other}>, you {share}% / them {100 - (share or 0)}%")
            )
        elif view.status == OVERLAP_ASSIGNED:
            shared[mine].append((view.account, "yours" if view.owner_user == me else f"<@{other}>'s"))
        elif view.status == OVERLAP_BOTH:
            shared[mine].append((view.account, "you both keep it"))
    members = dict(
        session.execute(
            select(LeadAssociationMember.association_id, func.count(LeadAssociationMember.id))
            .where(
                LeadAssociationMember.association_id.in_(
                    [c.association_id for c in claims if c.association_id]
                )
            )
            .group_by(LeadAssociationMember.association_id)
        ).all()
    )
    lines = tuple(
        ClaimLine(
            label=c.label,
            umbrella=c.association_id is not None,
            members=int(members.get(c.association_id, 0)) if c.association_id else 0,
            shared=tuple(shared.get(c.id, [])),
        )
        for c in claims
    )
    return LeadsCard(
        team_id=team.id,
        team_name=team.name,
        is_manager=who.role.is_manager,
        fallback=settings_of(session=session, team_id=team.id).fallback,
        claims=lines,
        waiting=tuple(v for v in views if v.status == OVERLAP_OPEN),
        escalated=tuple(v for v in views if v.status == OVERLAP_ESCALATED),
    )


@dataclass(frozen=True)
class LeadsReply:
    """What `/claim-leads …` did, and the rep's card after it."""

    card: LeadsCard
    outcome: ClaimOutcome | None = None
    released: str | None = None
    dm_keys: list[str] = field(default_factory=list)


def claim_leads(
    *,
    session: Session,
    asked: Asked,
    command: LeadsCommand,
    now: datetime,
) -> LeadsReply:
    """Do what `/claim-leads <text>` asks (reps only, to change claims) and read the asker's card."""
    who = asker(session=session, asked=asked)
    outcome: ClaimOutcome | None = None
    released: str | None = None
    keys: list[str] = []
    if command.kind == "add":
        require_rep(who)
        accounts = parse_accounts(
            split_command_list(command.rest), limit=MAX_PASTED_LINES, how_to_import=HOW_TO_IMPORT
        )
        outcome = add_claims(
            session=session, team=who.team, person=who.person, accounts=accounts, actor=asked.user_id, now=now
        )
    elif command.kind == "umbrella":
        require_rep(who)
        outcome, _association = claim_umbrella(
            session=session,
            team=who.team,
            person=who.person,
            association_name=command.rest,
            actor=asked.user_id,
            now=now,
        )
    elif command.kind == "release":
        require_rep(who)
        released, keys = release(
            session=session, team=who.team, person=who.person, text=command.rest, now=now
        )
    return LeadsReply(
        card=card(session=session, who=who),
        outcome=outcome,
        released=released,
        dm_keys=outcome.dm_keys if outcome else keys,
    )
