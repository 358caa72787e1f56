"""Shout-outs: peer and manager-posted celebrations, who received them, and what managers did with the
drafts Stretch offered them (offered to whom, posted or skipped by whom and when)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, Id, PersonId, PersonRef, TeamId

SOURCE_PEER = "peer"  # `/shoutout`, counted against the giver's daily limit
SOURCE_MANAGER = "manager"  # a manager posted a drafted shout-out
DECISION_POSTED = "posted"
DECISION_SKIPPED = "skipped"
# The outbox kind of a manager's daily drafts DM.


class Shoutout(Base):
    """One shout-out posted in a team channel, attributed to whoever gave it."""

    __tablename__ = "shoutouts"
    __table_args__ = (
        Index("ix_shoutouts_giver_time", "giver_person_id", "created_at"),
        Index("ix_shoutouts_team_time", "team_id", "created_at"),
    )

    id: Mapped[Id]
    team_id: Mapped[TeamId]
    giver_person_id: Mapped[PersonId]
    source: Mapped[str] = mapped_column(String(16), default=SOURCE_PEER)
    # The public text as posted in the channel (it is public already; kept for the record and export).
    text: Mapped[str] = mapped_column(Text, default="")
    channel_id: Mapped[str] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32), default=None)
    created_at: Mapped[datetime]

    recipients: Mapped[list[ShoutoutRecipient]] = relationship(
        back_populates="shoutout", cascade="all, delete-orphan", order_by="ShoutoutRecipient.id"
    )


class ShoutoutRecipient(Base):
    """A person a shout-out celebrated; `in_team` False when they weren't on the team (allowed, noted)."""

    __tablename__ = "shoutout_recipients"
    __table_args__ = (UniqueConstraint("shoutout_id", "person_id"),)

    id: Mapped[Id]
    shoutout_id: Mapped[int] = mapped_column(ForeignKey("shoutouts.id", ondelete="CASCADE"))
    person_id: Mapped[PersonId] = mapped_column(index=True)
    in_team: Mapped[bool] = mapped_column(default=True)

    shoutout: Mapped[Shoutout] = relationship(back_populates="recipients")


class MomentDecision(Base):
    """What a manager did with a drafted shout-out: posted or skipped, once per moment (so it is offered
    once and a second manager's click on a stale button is told who got there first)."""

    __tablename__ = "moment_decisions"

    moment_id: Mapped[int] = mapped_column(
        ForeignKey("stretch_moments.id", ondelete="CASCADE"), primary_key=True
    )
    decision: Mapped[str] = mapped_column(String(16))
    decided_by_person_id: Mapped[PersonRef]
    shoutout_id: Mapped[int | None] = mapped_column(
        ForeignKey("shoutouts.id", ondelete="SET NULL"), default=None
    )
    decided_at: Mapped[datetime]


class DraftOffer(Base):
    """A moment put in a manager's drafts DM (a delivery), so the next DM brings only new drafts."""

    __tablename__ = "shoutout_draft_offers"
    __table_args__ = (UniqueConstraint("moment_id", "manager_person_id"),)

    id: Mapped[Id]
    delivery_id: Mapped[int] = mapped_column(ForeignKey("deliveries.id", ondelete="CASCADE"), index=True)
    moment_id: Mapped[int] = mapped_column(ForeignKey("stretch_moments.id", ondelete="CASCADE"))
    manager_person_id: Mapped[PersonId]
