"""A rep's claims: add accounts or a whole association (overlaps found on the way), list and release them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from bot.domain.errors import UserError
from bot.domain.leads.accounts import (
    MAX_PASTED_LINES,
    Account,
    as_field_error,
    clip,
    parse_account,
    parse_accounts,
)
from bot.domain.leads.keys import account_label, name_key
from bot.domain.leads.matching import ClaimKeys
from bot.models import Person, Team
from bot.models.leads import (
    CLAIM_ACTIVE,
    CLAIM_RELEASED,
    OVERLAP_ASSIGNED,
    OVERLAP_ESCALATED,
    OVERLAP_OPEN,
    LeadAssociation,
    LeadAssociationMember,
    LeadClaim,
    LeadEvent,
    LeadOverlap,
)
from bot.services.leads.entries import Entry, candidates, entries_of
from bot.services.leads.history import log_about
from bot.services.leads.overlaps import NewOverlaps, record_overlaps
from bot.services.leads.people import rep_asking
from bot.services.leads.settings import settings_of
from bot.services.leads.settling import settle
from bot.services.teams import Asked

HOW_TO_IMPORT = (
    "For a long list, ask your manager to import it as a CSV file: Import lead list on their Stretch "
    "home, or `stretch leads import --team T --rep U FILE.csv`."
)


@dataclass
class ClaimOutcome:
    """What a batch of claims did: accounts added, ones the rep already had, overlaps found (private)."""

    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    overlaps: int = 0
    possible: int = 0
    dm_keys: list[str] = field(default_factory=list)

    def found(self, new: NewOverlaps) -> None:
        """Count in the overlaps the new claims made."""
        self.overlaps += new.exact
        self.possible += new.possible
        self.dm_keys += new.dm_keys


def add_claims(
    *,
    session: Session,
    team: Team,
    person: Person,
    accounts: Sequence[Account],
    actor: str,
    now: datetime,
) -> ClaimOutcome:
    """Claim accounts for a rep; overlaps with other reps' claims are recorded and both reps DM'd."""
    outcome = ClaimOutcome()
    threshold = settings_of(session=session, team_id=team.id).fuzzy_threshold
    wanted = [ClaimKeys(0, person.id, a.name_key, a.domain_key) for a in accounts]
    existing = candidates(session, team.id, keys=wanted, person_id=person.id, threshold=threshold)
    mine = {
        k
        for e in existing
        if e.keys.person_id == person.id and not e.keys.umbrella
        for k in e.keys.match_keys()
    }
    fresh: list[dict[str, object]] = []
    for account in accounts:
        if any(k in mine for k in account.match_keys()):
            outcome.already.append(account.label)
            continue
        fresh.append(
            {
                "team_id": team.id,
                "person_id": person.id,
                "company": account.company,
                "domain": account.domain,
                "name_key": account.name_key,
                "domain_key": account.domain_key,
                "account_key": account.key,
                "note": account.note,
                "status": CLAIM_ACTIVE,
                "claimed_by": actor,
                "claimed_at": now,
            }
        )
        mine.update(account.match_keys())
    if not fresh:
        return outcome
    # One INSERT … RETURNING for the claims, one for their history lines.
    # Rows come back in any order; each new claim's account key is unique in the batch.
    by_key = {
        key: claim_id
        for claim_id, key in session.execute(
            insert(LeadClaim).returning(LeadClaim.id, LeadClaim.account_key), fresh
        )
    }
    ids = [by_key[str(row["account_key"])] for row in fresh]
    detail = "" if actor == person.slack_user_id else f"for <@{person.slack_user_id}>"
    labels = [account_label(str(row["company"]), str(row["domain"])) for row in fresh]
    outcome.added.extend(labels)
    session.execute(
        insert(LeadEvent),
        [
            {
                "team_id": team.id,
                "account_key": row["account_key"],
                "account": label[:250],
                "actor": actor,
                "action": "claimed",
                "detail": detail,
                "overlap_id": None,
                "at": now,
            }
            for row, label in zip(fresh, labels, strict=True)
        ],
    )
    new = [
        Entry(
            ClaimKeys(claim_id, person.id, str(row["name_key"]), str(row["domain_key"])),
            label,
            str(row["account_key"]),
        )
        for claim_id, row, label in zip(ids, fresh, labels, strict=True)
    ]
    outcome.found(record_overlaps(session, team=team, existing=existing, new=new, now=now))
    return outcome


def claim_umbrella(
    *, session: Session, team: Team, person: Person, association_name: str, actor: str, now: datetime
) -> tuple[ClaimOutcome, LeadAssociation]:
    """Claim every member account of an association the team imported."""
    wanted = name_key(association_name)
    if not wanted:
        raise UserError("Name the association, like `/claim-leads umbrella Ohio Credit Union League`.")
    association = session.scalar(
        select(LeadAssociation).where(LeadAssociation.team_id == team.id, LeadAssociation.name_key == wanted)
    )
    if association is None:
        known = list(session.scalars(select(LeadAssociation.name).where(LeadAssociation.team_id == team.id)))
        listed = f" The team has: {', '.join(f'*{n}*' for n in known[:10])}." if known else ""
        raise UserError(
            f"Nobody has imported an association called *{clip(association_name, 80)}* for *{team.name}* yet."
            f"{listed} Ask your manager to import its member list (Import lead list on their Stretch home, "
            "or `stretch leads associations import`)."
        )
    outcome = ClaimOutcome()
    already = session.scalar(
        select(LeadClaim.id).where(
            LeadClaim.team_id == team.id,
            LeadClaim.person_id == person.id,
            LeadClaim.association_id == association.id,
            LeadClaim.status == CLAIM_ACTIVE,
        )
    )
    if already is not None:
        outcome.already.append(association.name)
        return outcome, association
    existing = entries_of(session, team.id)
    claim = LeadClaim(
        team_id=team.id,
        person_id=person.id,
        association_id=association.id,
        company=association.name,
        name_key=association.name_key,
        account_key=f"a:{association.name_key}",
        status=CLAIM_ACTIVE,
        claimed_by=actor,
        claimed_at=now,
    )
    session.add(claim)
    session.flush()
    outcome.added.append(association.name)
    log_about(session, claim, actor=actor, action="claimed", detail="the whole association", now=now)
    members = session.execute(
        select(LeadAssociationMember).where(LeadAssociationMember.association_id == association.id)
    ).scalars()
    new = [
        Entry(
            ClaimKeys(claim.id, person.id, m.name_key, m.domain_key, umbrella=True, member_id=m.id),
            account_label(m.company, m.domain),
            m.account_key,
            association.name,
        )
        for m in members
    ]
    outcome.found(record_overlaps(session, team=team, existing=existing, new=new, now=now))
    return outcome, association


def release(
    *, session: Session, team: Team, person: Person, text: str, now: datetime
) -> tuple[str, list[str]]:
    """Give back one claimed account (or association) by name or domain; open overlaps on it settle."""
    typed = " ".join((text or "").split())
    if not typed:
        raise UserError("Say which account to give back, like `/claim-leads release Acme`.")
    account = parse_account(typed)
    keys = set(account.match_keys())
    claims = list(
        session.scalars(
            select(LeadClaim).where(
                LeadClaim.team_id == team.id,
                LeadClaim.person_id == person.id,
                LeadClaim.status == CLAIM_ACTIVE,
            )
        )
    )
    found = [
        c
        for c in claims
        if (c.domain_key and f"d:{c.domain_key}" in keys) or (c.name_key and f"n:{c.name_key}" in keys)
    ]
    if not found:
        raise UserError(
            f"You haven't claimed *{clip(typed, 80)}*. Type `/claim-leads` to see your accounts, then "
            "`/claim-leads release` with one of them."
        )
    claim = found[0]
    return claim.label, _release_claim(session, claim=claim, actor=person.slack_user_id, now=now)


def my_claims(*, session: Session, team_id: int, person_id: int) -> list[str]:
    """The labels of a rep's active claims, oldest first (for the Release… modal)."""
    return [
        c.label
        for c in session.scalars(
            select(LeadClaim)
            .where(
                LeadClaim.team_id == team_id,
                LeadClaim.person_id == person_id,
                LeadClaim.status == CLAIM_ACTIVE,
            )
            .order_by(LeadClaim.id)
        )
    ]


def _release_claim(session: Session, *, claim: LeadClaim, actor: str, now: datetime) -> list[str]:
    claim.status = CLAIM_RELEASED
    claim.released_at = now
    log_about(session, claim, actor=actor, action="released", now=now)
    open_ones = session.scalars(
        select(LeadOverlap).where(
            (LeadOverlap.claim_a_id == claim.id) | (LeadOverlap.claim_b_id == claim.id),
            LeadOverlap.status.in_((OVERLAP_OPEN, OVERLAP_ESCALATED)),
        )
    ).all()
    keys: list[str] = []
    for overlap in open_ones:
        other = overlap.claim_b_id if overlap.claim_a_id == claim.id else overlap.claim_a_id
        other_claim = session.get(LeadClaim, other)
        assert other_claim is not None
        keys += settle(
            session,
            overlap,
            OVERLAP_ASSIGNED,
            owner=other_claim.person_id,
            actor=actor,
            detail="released their claim",
            now=now,
        )
    return keys


def add_form(*, session: Session, asked: Asked) -> tuple[int, str]:
    """What the Add accounts form needs of a rep's team: its id and its fallback rule."""
    who = rep_asking(session=session, asked=asked)
    return who.team.id, settings_of(session=session, team_id=who.team.id).fallback


def add_listed(
    *,
    session: Session,
    asked: Asked,
    lines: list[str],
    field: str,
    now: datetime,
) -> ClaimOutcome:
    """The Add accounts form: a rep claims a pasted list (its problems shown beside `field`)."""
    who = rep_asking(session=session, asked=asked)
    try:
        accounts = parse_accounts(lines, limit=MAX_PASTED_LINES, how_to_import=HOW_TO_IMPORT)
    except UserError as error:
        raise as_field_error(error, field) from None
    return add_claims(
        session=session, team=who.team, person=who.person, accounts=accounts, actor=asked.user_id, now=now
    )


def release_form(*, session: Session, asked: Asked) -> tuple[int, list[str]]:
    """What the Release… form needs: the rep's team id and their claims; refused when they hold none."""
    who = rep_asking(session=session, asked=asked)
    claims = my_claims(session=session, team_id=who.team.id, person_id=who.person.id)
    if not claims:
        raise UserError("You haven't claimed any accounts, so there's nothing to give back.")
    return who.team.id, claims


def release_picked(
    *,
    session: Session,
    asked: Asked,
    picked: str,
    field: str,
    now: datetime,
) -> tuple[str, list[str]]:
    """The Release… form: a rep gives back the claim they picked (a refusal shown beside `field`)."""
    who = rep_asking(session=session, asked=asked)
    try:
        return release(session=session, team=who.team, person=who.person, text=picked, now=now)
    except UserError as error:
        raise UserError(error.message[:150], field=field) from None
