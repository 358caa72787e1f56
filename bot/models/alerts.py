"""Quiet-rep alerts: private to the team's managers, one per episode of a signal."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, Id, PersonId, PersonRef, TeamId

ALERT_OPEN = "open"  # sent (or about to be), nobody has acted yet
ALERT_ACKNOWLEDGED = "acknowledged"  # a manager said "I'll check in"
ALERT_SNOOZED = "snoozed"  # a manager snoozed it until `snoozed_until`
ALERT_DISMISSED = "dismissed"  # a manager said "Not a concern"
ALERT_RECOVERED = "recovered"  # the signal cleared: the episode is over, a later drop may alert again


class QuietAlert(Base):
    """One episode of one quiet-rep signal for one rep of one team.

    `episode_key` is unique: a signal that stays raised never alerts twice; once it clears (status
    recovered) a later drop opens a new episode with a new key. Evidence is numbers and short facts,
    never a rep's answer text.
    """

    __tablename__ = "quiet_alerts"
    __table_args__ = (Index("ix_quiet_alerts_team_status", "team_id", "status"),)

    id: Mapped[Id]
    team_id: Mapped[TeamId]
    person_id: Mapped[PersonId]
    # missed_in_a_row, readiness_drop, notes_stopped, snap_zone, slower_answers, huddle_quiet, …
    signal: Mapped[str] = mapped_column(String(32))
    episode_key: Mapped[str] = mapped_column(String(200), unique=True)
    # "missed 3 of the last 3; readiness 4.3 → 2.0": numbers a manager can act on.
    evidence: Mapped[str] = mapped_column(String(500), default="")
    details: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    suggested_step: Mapped[str] = mapped_column(String(300), default="")
    # "your best rep is suddenly quiet": top of pie progress or a long answer streak before this.
    strong_record: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default=ALERT_OPEN)
    opened_at: Mapped[datetime]
    acted_by_person_id: Mapped[PersonRef]
    acted_at: Mapped[datetime | None] = mapped_column(default=None)
    snoozed_until: Mapped[datetime | None] = mapped_column(default=None)
    recovered_at: Mapped[datetime | None] = mapped_column(default=None)
    # Raised again once (digest + DM) after 3 working days with nobody acknowledging it.
    escalated_at: Mapped[datetime | None] = mapped_column(default=None)
