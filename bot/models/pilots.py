"""Pilots: two-week experiments with a growth metric, their participants and their answers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, Id, PersonId, TeamId
from bot.models.core import Person, Team


class Pilot(Base):
    """One iteration of a pilot; a tweak starts a new row linked to the one before it."""

    __tablename__ = "pilots"
    __table_args__ = (Index("ix_pilots_team_status", "team_id", "status"),)

    id: Mapped[Id]
    team_id: Mapped[TeamId]
    owner_id: Mapped[PersonId]
    title: Mapped[str] = mapped_column(String(80))
    # "The goal isn't …" (an outcome number, optional) and "The goal is to get better at …".
    not_goal: Mapped[str] = mapped_column(String(200), default="")
    growth_metric: Mapped[str] = mapped_column(String(200))
    # "How we'll know": what participants observe.
    observe: Mapped[str] = mapped_column(String(500), default="")
    start_date: Mapped[date]
    length_days: Mapped[int]
    share: Mapped[bool] = mapped_column(default=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    # The iteration chain: v1 has no previous; every version shares the root's id.
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("pilots.id", ondelete="SET NULL"), default=None
    )
    root_id: Mapped[int | None] = mapped_column(default=None, index=True)
    iteration: Mapped[int] = mapped_column(default=1)
    summary_at: Mapped[datetime | None] = mapped_column(default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    decided_by: Mapped[str | None] = mapped_column(String(32), default=None)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    team: Mapped[Team] = relationship()
    owner: Mapped[Person] = relationship()
    participants: Mapped[list[PilotParticipant]] = relationship(
        back_populates="pilot", cascade="all, delete-orphan", order_by="PilotParticipant.id"
    )


class PilotParticipant(Base):
    """A person taking part in a pilot, with their mid-point check and their review."""

    __tablename__ = "pilot_participants"
    __table_args__ = (UniqueConstraint("pilot_id", "person_id"),)

    id: Mapped[Id]
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilots.id", ondelete="CASCADE"))
    person_id: Mapped[PersonId] = mapped_column(index=True)
    joined_at: Mapped[datetime]
    mid_score: Mapped[int | None] = mapped_column(default=None)
    mid_note: Mapped[str | None] = mapped_column(Text, default=None)
    mid_at: Mapped[datetime | None] = mapped_column(default=None)
    wants_tweak: Mapped[bool] = mapped_column(default=False)
    vote: Mapped[str | None] = mapped_column(String(8), default=None)
    learning: Mapped[str | None] = mapped_column(Text, default=None)
    skill_score: Mapped[int | None] = mapped_column(default=None)
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)

    pilot: Mapped[Pilot] = relationship(back_populates="participants")
    person: Mapped[Person] = relationship()
