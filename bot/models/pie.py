"""The pie: a team's target for a period, split into slices the reps claim themselves."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, Id, PersonId, PieId, TeamId

PIE_OPEN = "open"
PIE_CLOSED = "closed"


class Pie(Base):
    """One team's target for one period; money in integer minor units of `currency`."""

    __tablename__ = "pies"

    id: Mapped[Id]
    team_id: Mapped[TeamId] = mapped_column(index=True)
    # Equal to team_id while the pie is open, NULL once closed: the unique constraint then allows one
    # open pie per team on every backend (NULLs never collide), and keeps closed pies as history.
    open_team_id: Mapped[int | None] = mapped_column(unique=True, default=None)
    title: Mapped[str] = mapped_column(String(80))
    currency: Mapped[str] = mapped_column(String(3))
    target_minor: Mapped[int] = mapped_column(BigInteger)
    allow_overclaim: Mapped[bool] = mapped_column(default=False)
    claim_deadline: Mapped[datetime]
    period_end: Mapped[date]
    status: Mapped[str] = mapped_column(String(16), default=PIE_OPEN)
    created_by: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None] = mapped_column(default=None)

    slices: Mapped[list[PieSlice]] = relationship(
        back_populates="pie", cascade="all, delete-orphan", order_by="PieSlice.id"
    )


class PieSlice(Base):
    """One rep's part of a pie: what they claimed (0 once released) and what they have closed."""

    __tablename__ = "pie_slices"
    __table_args__ = (UniqueConstraint("pie_id", "person_id"),)

    id: Mapped[Id]
    pie_id: Mapped[PieId]
    person_id: Mapped[PersonId] = mapped_column(index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    progress_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    note: Mapped[str] = mapped_column(String(200), default="")
    # Bumped on every change of the claim, so each change can be a moment or a heads-up once.
    version: Mapped[int] = mapped_column(default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime]

    pie: Mapped[Pie] = relationship(back_populates="slices")
