"""A team's message budget and working hours, and the log of what the budget policy decided per DM."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, Id, PersonId, TeamKey


class AttentionSettings(Base):
    """How much of a rep's attention Stretch may take: DMs a week and a day, working days and hours.

    A team without a row uses the defaults (4 a week, 2 a day, Mon–Fri, 08:00–19:00 local)."""

    __tablename__ = "attention_settings"

    team_id: Mapped[TeamKey]
    week_budget: Mapped[int] = mapped_column(default=4)
    day_budget: Mapped[int] = mapped_column(default=2)
    work_days: Mapped[str] = mapped_column(String(40), default="mon,tue,wed,thu,fri")
    day_starts: Mapped[str] = mapped_column(String(5), default="08:00")
    day_ends: Mapped[str] = mapped_column(String(5), default="19:00")
    # A question key the manager wants in every check-in (rotation fills the other places).
    pinned_question: Mapped[str | None] = mapped_column(String(40), default=None)
    updated_at: Mapped[datetime]


class DmDecision(Base):
    """One decision of the message-budget policy about one planned DM, with its reason."""

    __tablename__ = "dm_decisions"
    __table_args__ = (Index("ix_dm_decisions_person_at", "person_id", "decided_at"),)

    id: Mapped[Id]
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("deliveries.id", ondelete="SET NULL"))
    person_id: Mapped[PersonId]
    kind: Mapped[str] = mapped_column(String(40))
    # send · defer · merge · skip
    decision: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(String(200))
    until: Mapped[datetime | None] = mapped_column(default=None)
    decided_at: Mapped[datetime]
