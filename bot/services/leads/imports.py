"""Managers' imports (the CLI and the paste modal): a rep's lead list, or an association's member list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from bot.domain.errors import UserError
from bot.domain.leads.accounts import Account
from bot.domain.leads.keys import name_key
from bot.models import Person, Team
from bot.models.leads import LeadAssociation, LeadAssociationMember
from bot.services.leads.claims import ClaimOutcome, add_claims
from bot.services.leads.history import record_event
from bot.services.leads.people import Asker, rep_of


def import_association(
    *, session: Session, team: Team, name: str, accounts: Sequence[Account], actor: str, now: datetime
) -> tuple[LeadAssociation, int, bool]:
    """Load (or replace) an association's member list; returns it, how many members, and if it is new."""
    clean = " ".join((name or "").split())
    key = name_key(clean)
    if not key:
        raise UserError("Give the association a name, like `Ohio Credit Union League`.")
    if len(clean) > 120:
        raise UserError("Keep the association's name under 120 characters.")
    association = session.scalar(
        select(LeadAssociation).where(LeadAssociation.team_id == team.id, LeadAssociation.name_key == key)
    )
    created = association is None
    if association is None:
        association = LeadAssociation(
            team_id=team.id, name=clean, name_key=key, imported_by=actor, created_at=now, updated_at=now
        )
        session.add(association)
        session.flush()
    else:
        association.updated_at = now
        association.imported_by = actor
        session.execute(
            delete(LeadAssociationMember).where(LeadAssociationMember.association_id == association.id)
        )
    session.execute(
        insert(LeadAssociationMember),
        [
            {
                "association_id": association.id,
                "company": a.company,
                "domain": a.domain,
                "name_key": a.name_key,
                "domain_key": a.domain_key,
                "account_key": a.key,
            }
            for a in accounts
        ],
    )
    record_event(
        session,
        team_id=team.id,
        account_key=f"a:{key}",
        account=clean,
        actor=actor,
        action="imported",
        detail=f"{len(accounts)} member accounts",
        now=now,
    )
    return association, len(accounts), created


@dataclass(frozen=True)
class ImportOutcome:
    """What a pasted import did: a rep's claims (`claims`), or an association's members loaded."""

    claims: ClaimOutcome | None = None
    association: str = ""
    members: int = 0
    created: bool = False


def import_target(
    *, session: Session, who: Asker, rep_user: str, association: str, field: str
) -> Person | None:
    """Whose list a pasted import is: the picked rep, or None for the named association (one of the two)."""
    if bool(rep_user) == bool(association):
        raise UserError(
            "Pick a rep (their list) or name an association (its members), one of the two.", field=field
        )
    return rep_of(session=session, team=who.team, user_id=rep_user) if rep_user else None


def import_list(
    *,
    session: Session,
    who: Asker,
    rep: Person | None,
    association: str,
    accounts: Sequence[Account],
    now: datetime,
) -> ImportOutcome:
    """Load a pasted list as the rep's claims, or as the association's member accounts."""
    actor = who.person.slack_user_id
    if rep is not None:
        outcome = add_claims(
            session=session, team=who.team, person=rep, accounts=accounts, actor=actor, now=now
        )
        return ImportOutcome(claims=outcome)
    found, count, created = import_association(
        session=session, team=who.team, name=association, accounts=accounts, actor=actor, now=now
    )
    return ImportOutcome(association=found.name, members=count, created=created)
