"""1:1s between a manager and a rep: when one was held, and the managers' private note kept for the next."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, Id, PersonId, PersonRef, TeamId


class OneOnOne(Base):
    """A manager pressed "1:1 done" on a rep's page: the "Since your last 1:1" summary starts here."""

    __tablename__ = "one_on_ones"
    __table_args__ = (Index("ix_one_on_ones_team_rep_held", "team_id", "rep_person_id", "held_at"),)

    id: Mapped[Id]
    team_id: Mapped[TeamId]
    rep_person_id: Mapped[PersonId]
    manager_person_id: Mapped[PersonRef]
    held_at: Mapped[datetime]


class ManagerNote(Base):
    """The team's managers' private note about one rep, for the next 1:1; never shown to the rep."""

    __tablename__ = "manager_notes"
    __table_args__ = (UniqueConstraint("team_id", "rep_person_id"),)

    id: Mapped[Id]
    team_id: Mapped[TeamId]
    rep_person_id: Mapped[PersonId]
    text: Mapped[str] = mapped_column(Text, default="")
    updated_by_person_id: Mapped[PersonRef]
    updated_at: Mapped[datetime]
