"""Quiet-rep alert settings per team, and the engine's note of when it last evaluated signals."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, PersonRef, TeamKey


class TeamAlertSettings(Base):
    """A team's alert thresholds (JSON, read through bot.domain.alert_settings.settings_from); no row = defaults."""

    __tablename__ = "team_alert_settings"

    team_id: Mapped[TeamKey]
    thresholds: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    updated_by_person_id: Mapped[PersonRef]
    updated_at: Mapped[datetime]


class AlertRun(Base):
    """When the alert engine last evaluated, and the mark of the check-in data it saw then.

    The engine runs again when an hour has passed or the mark changed (a new check-in, answer or miss).
    """

    __tablename__ = "alert_runs"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    evaluated_at: Mapped[datetime]
    mark: Mapped[str] = mapped_column(String(200), default="")
