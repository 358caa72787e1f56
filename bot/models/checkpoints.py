"""Pie checkpoints, the log of closed revenue behind pace, and the anonymous pressure question's tallies."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, Id, PersonId, PieId, TeamId, TeamKey


class PieCheckpoint(Base):
    """One point of a pie's path: the team's (person_id NULL) or a rep's own reshaped path."""

    __tablename__ = "pie_checkpoints"
    __table_args__ = (Index("ix_pie_checkpoints_pie_person", "pie_id", "person_id"),)

    id: Mapped[Id]
    pie_id: Mapped[PieId]
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), default=None)
    day: Mapped[date]
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class PieProgressEntry(Base):
    """Revenue logged toward a slice, when it was logged: the recent run rate and the burn-up read it."""

    __tablename__ = "pie_progress_entries"
    __table_args__ = (Index("ix_pie_progress_entries_pie_at", "pie_id", "logged_at"),)

    id: Mapped[Id]
    pie_id: Mapped[PieId]
    person_id: Mapped[PersonId]
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    logged_at: Mapped[datetime]


class TeamPressureSetting(Base):
    """Whether the team asks the anonymous "pushed to cut corners?" question (off unless a manager turns it on)."""

    __tablename__ = "team_pressure_settings"

    team_id: Mapped[TeamKey]
    enabled: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime]


class PressureWeek(Base):
    """The team's anonymous answers for one week, as counts only: who said what is never stored."""

    __tablename__ = "pressure_weeks"
    __table_args__ = (UniqueConstraint("team_id", "week_start"),)

    id: Mapped[Id]
    team_id: Mapped[TeamId]
    week_start: Mapped[date]
    never: Mapped[int] = mapped_column(default=0)
    a_little: Mapped[int] = mapped_column(default=0)
    yes: Mapped[int] = mapped_column(default=0)


class PressureAnswered(Base):
    """That a person answered in a week (so nobody is counted twice); never what they answered, nor when."""

    __tablename__ = "pressure_answered"
    __table_args__ = (UniqueConstraint("team_id", "week_start", "person_id"),)

    id: Mapped[Id]
    team_id: Mapped[TeamId]
    week_start: Mapped[date]
    person_id: Mapped[PersonId]
