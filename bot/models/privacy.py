"""People's data: the record of exports and forgets, how long answers and notes are kept, and each
team's choice whether its managers' exports carry the reps' notes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, Id, TeamKey

# What an audit row records (never any content).
AUDIT_EXPORT_SELF = "export_me"
AUDIT_EXPORT_TEAM = "export_team"
AUDIT_EXPORT_USER = "export_user"  # an operator at the CLI
AUDIT_FORGET = "forget"
AUDIT_RETENTION_SET = "retention_set"
AUDIT_RETENTION_PURGE = "retention_purge"
AUDIT_NOTES_SETTING = "team_notes_setting"
# The actor of an act done at the command line (whoever holds the database).
OPERATOR = "operator"


class PrivacyAudit(Base):
    """One act on people's data: who did what to whose data, when, and how many rows (never content).

    Slack ids are copied as text, not linked: the record outlives the people it names (a forgotten
    person's row is anonymised, the record of their request stays)."""

    __tablename__ = "privacy_audit"
    __table_args__ = (Index("ix_privacy_audit_at", "at"),)

    id: Mapped[Id]
    at: Mapped[datetime]
    workspace_id: Mapped[int | None] = mapped_column(
        ForeignKey("workspaces.id", ondelete="SET NULL"), default=None
    )
    # A Slack user id, or "operator" for the CLI, or "clock" for retention.
    actor: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(32))
    # Whose data: a Slack user id, "team:<id> <name>", or "" for a setting.
    subject: Mapped[str] = mapped_column(String(120), default="")
    # Counts and settings only ("checkins=12 answers=40"), never what anyone wrote.
    detail: Mapped[str] = mapped_column(String(300), default="")


class RetentionPolicy(Base):
    """How many days answers and notes are kept (one row, id 1; no row = the documented default)."""

    __tablename__ = "retention_policy"

    id: Mapped[Id]
    # 0 keeps them forever.
    days: Mapped[int]
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(32), default="")


class TeamPrivacy(Base):
    """A team's privacy choices; no row = notes stay out of managers' exports."""

    __tablename__ = "team_privacy"

    team_id: Mapped[TeamKey]
    managers_export_notes: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime]


# Retention finds old check-ins by date, a batch at a time, every minute: without this index each batch
# would scan every check-in ever kept.
from bot.models.checkins import Checkin  # noqa: E402

CHECKINS_BY_DATE = Index("ix_checkins_local_date", Checkin.__table__.c.local_date)
