"""Lead lists: reps' claimed accounts, associations and their members, overlaps and each account's history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, Id, PersonId, PersonRef, TeamId, TeamKey

CLAIM_ACTIVE = "active"
CLAIM_RELEASED = "released"

# An overlap's life: open (the two reps talk), escalated (the managers decide), then settled.
OVERLAP_OPEN = "open"
OVERLAP_ESCALATED = "escalated"
OVERLAP_ASSIGNED = "assigned"  # one rep owns it (the other gave it up, or the manager or rule said so)
OVERLAP_PARTNERED = "partnered"  # both, with a split of the credit
OVERLAP_BOTH = "kept_both"  # the manager kept both claims, with a written reason
OVERLAP_DISMISSED = "dismissed"  # a possible overlap the reps said are two different companies
OVERLAP_SETTLED = (OVERLAP_ASSIGNED, OVERLAP_PARTNERED, OVERLAP_BOTH, OVERLAP_DISMISSED)


class LeadSettings(Base):
    """A team's lead-list rules: who settles an overlap the reps don't, and how close a name must be."""

    __tablename__ = "lead_settings"

    team_id: Mapped[TeamKey]
    fallback: Mapped[str] = mapped_column(String(16), default="manager")
    fuzzy_threshold: Mapped[int] = mapped_column(default=90)
    updated_at: Mapped[datetime]


class LeadAssociation(Base):
    """A group of accounts a rep can claim at once (an association and its members), per team."""

    __tablename__ = "lead_associations"
    __table_args__ = (UniqueConstraint("team_id", "name_key"),)

    id: Mapped[Id]
    team_id: Mapped[TeamId]
    name: Mapped[str] = mapped_column(String(120))
    name_key: Mapped[str] = mapped_column(String(120))
    imported_by: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class LeadAssociationMember(Base):
    """One member account of an association, as the team's member list names it."""

    __tablename__ = "lead_association_members"

    id: Mapped[Id]
    association_id: Mapped[int] = mapped_column(
        ForeignKey("lead_associations.id", ondelete="CASCADE"), index=True
    )
    company: Mapped[str] = mapped_column(String(120), default="")
    domain: Mapped[str] = mapped_column(String(120), default="")
    name_key: Mapped[str] = mapped_column(String(120), default="")
    domain_key: Mapped[str] = mapped_column(String(120), default="")
    account_key: Mapped[str] = mapped_column(String(130))


class LeadClaim(Base):
    """A rep's claim: one account they named, or (with association_id) a whole association."""

    __tablename__ = "lead_claims"
    __table_args__ = (Index("ix_lead_claims_team_status", "team_id", "status"),)

    id: Mapped[Id]
    team_id: Mapped[TeamId]
    person_id: Mapped[PersonId] = mapped_column(index=True)
    association_id: Mapped[int | None] = mapped_column(
        ForeignKey("lead_associations.id", ondelete="CASCADE"), default=None
    )
    company: Mapped[str] = mapped_column(String(120), default="")
    domain: Mapped[str] = mapped_column(String(120), default="")
    name_key: Mapped[str] = mapped_column(String(120), default="")
    domain_key: Mapped[str] = mapped_column(String(120), default="")
    account_key: Mapped[str] = mapped_column(String(130))
    note: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default=CLAIM_ACTIVE)
    claimed_by: Mapped[str] = mapped_column(String(32), default="")  # who typed it (the rep or a manager)
    claimed_at: Mapped[datetime]
    released_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def label(self) -> str:
        """How the account is shown."""
        if self.company and self.domain:
            return f"{self.company} ({self.domain})"
        return self.company or self.domain


class LeadOverlap(Base):
    """Two reps' claims on what looks like one account, and how it was settled.

    claim_a is the earlier claim. For an umbrella claim, member_a/member_b name the member account the
    overlap is about. split_a is claim_a's rep's percent of the credit when partnered; owner_person_id is
    who keeps it when assigned. proposal_* is a split one rep offered and the other hasn't accepted."""

    __tablename__ = "lead_overlaps"
    __table_args__ = (
        UniqueConstraint("claim_a_id", "member_a_id", "claim_b_id", "member_b_id"),
        Index("ix_lead_overlaps_team_status", "team_id", "status"),
    )

    id: Mapped[Id]
    team_id: Mapped[TeamId]
    claim_a_id: Mapped[int] = mapped_column(ForeignKey("lead_claims.id", ondelete="CASCADE"))
    member_a_id: Mapped[int] = mapped_column(default=0)
    claim_b_id: Mapped[int] = mapped_column(ForeignKey("lead_claims.id", ondelete="CASCADE"), index=True)
    member_b_id: Mapped[int] = mapped_column(default=0)
    account: Mapped[str] = mapped_column(String(250))  # the account as shown to the reps
    account_key: Mapped[str] = mapped_column(String(130))
    exact: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(String(16), default=OVERLAP_OPEN)
    owner_person_id: Mapped[PersonRef]
    split_a: Mapped[int | None] = mapped_column(default=None)
    proposal_by_person_id: Mapped[PersonRef]
    proposal_split_a: Mapped[int | None] = mapped_column(default=None)
    proposal_version: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str] = mapped_column(String(500), default="")
    decided_by: Mapped[str] = mapped_column(String(40), default="")  # a Slack user id, or "rule"
    opened_at: Mapped[datetime]
    escalate_at: Mapped[datetime]
    escalated_at: Mapped[datetime | None] = mapped_column(default=None)
    settled_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime]


class LeadEvent(Base):
    """One line of an account's append-only history: who claimed, released, proposed, accepted, decided."""

    __tablename__ = "lead_events"
    __table_args__ = (Index("ix_lead_events_team_account", "team_id", "account_key"),)

    id: Mapped[Id]
    team_id: Mapped[TeamId]
    account_key: Mapped[str] = mapped_column(String(130))
    account: Mapped[str] = mapped_column(String(250))
    actor: Mapped[str] = mapped_column(String(40))  # a Slack user id, "cli" or "rule"
    action: Mapped[str] = mapped_column(String(24))
    detail: Mapped[str] = mapped_column(String(500), default="")
    overlap_id: Mapped[int | None] = mapped_column(default=None)
    at: Mapped[datetime]
