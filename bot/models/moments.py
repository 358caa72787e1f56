"""Stretch moments: effort worth celebrating (a swing taken, a big slice, a pilot tried, a comeback)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, Id, PersonId, TeamId

# Kinds of stretch moment; each feature records its own.
MOMENT_STRETCH_ANSWER = "stretch_answer"  # a "what did you stretch for" answer in a check-in
MOMENT_SNAP_COMEBACK = "snap_comeback"  # back from the snap zone
MOMENT_BIG_SLICE = "big_slice"  # a pie slice above an equal share or above their own last slice
MOMENT_PILOT_JOINED = "pilot_joined"  # took part in a pilot
MOMENT_PILOT_TRIED = "pilot_tried"  # a pilot that was dropped, but they took the swing


class StretchMoment(Base):
    """One moment of stretch effort by one person, for managers to celebrate (never a number to shame)."""

    __tablename__ = "stretch_moments"
    __table_args__ = (Index("ix_stretch_moments_team_time", "team_id", "occurred_at"),)

    id: Mapped[Id]
    team_id: Mapped[TeamId]
    person_id: Mapped[PersonId]
    kind: Mapped[str] = mapped_column(String(32))
    # What it is about (a check-in, a pie claim, a pilot), for the feature that recorded it.
    ref_id: Mapped[int | None] = mapped_column(default=None)
    # A short description of the behaviour for a drafted shout-out ("claimed a bigger slice than last
    # quarter"); never an answer's free text, which stays with the check-in.
    summary: Mapped[str] = mapped_column(String(300), default="")
    # Unique per moment so a retried request or tick records it once.
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    occurred_at: Mapped[datetime]
