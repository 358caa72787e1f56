"""Pulse check-ins: each team's questions, one check-in per rep and local date, and its answers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, Id, PersonId, TeamId

# Check-in statuses.
CHECKIN_OPEN = "open"  # planned or sent, nothing answered yet
CHECKIN_ANSWERED = "answered"  # at least one answer (submitted_at says whether Submit was pressed)
CHECKIN_MISSED = "missed"  # nothing answered by the rep's local end of day (can still catch up)
CHECKIN_SKIPPED = "skipped"  # the system couldn't send it in time (the bot was down); never counts
CHECKIN_EXCUSED = "excused"  # away or a team skip date after it was planned; never counts
CHECKIN_UNDELIVERABLE = "undeliverable"  # Slack refused the DM (user gone, bot blocked); never counts


class CheckinQuestion(Base):
    """One question of a team's check-in; `key` is stable across rewording, removal keeps the row."""

    __tablename__ = "checkin_questions"
    __table_args__ = (UniqueConstraint("team_id", "key"),)

    id: Mapped[Id]
    team_id: Mapped[TeamId]
    key: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(10))
    prompt: Mapped[str] = mapped_column(String(200))
    # JSON list of [value, label] pairs for scale and choice questions.
    options: Mapped[str] = mapped_column(Text, default="[]")
    position: Mapped[int] = mapped_column(default=0)
    # Removed questions stay (their past answers keep their meaning) but are no longer asked.
    removed_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime]


class Checkin(Base):
    """One rep's check-in for one local date in one team (unique: a tick can't create two)."""

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("team_id", "person_id", "local_date"),
        Index("ix_checkins_status_nudge", "status", "nudge_at"),
        Index("ix_checkins_status_day_ends", "status", "day_ends_at"),
        Index("ix_checkins_person_due", "person_id", "due_at"),
    )

    id: Mapped[Id]
    team_id: Mapped[TeamId]
    person_id: Mapped[PersonId]
    local_date: Mapped[date]
    tz: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime]
    # Answers can change until the next check-in is due.
    closes_at: Mapped[datetime]
    day_ends_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default=CHECKIN_OPEN)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    message_channel: Mapped[str | None] = mapped_column(String(32), default=None)
    message_ts: Mapped[str | None] = mapped_column(String(32), default=None)
    nudge_at: Mapped[datetime | None] = mapped_column(default=None)
    nudged_at: Mapped[datetime | None] = mapped_column(default=None)
    first_answer_at: Mapped[datetime | None] = mapped_column(default=None)
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)
    zone: Mapped[str | None] = mapped_column(String(8), default=None)
    readiness: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[datetime]
    # The question keys this check-in asks (JSON list; rotation keeps it short); None: all of them.
    question_keys: Mapped[str | None] = mapped_column(Text, default=None)
    # Sent while the rep is quiet (three missed in a row): the weekly check-in that says so once.
    quiet: Mapped[bool] = mapped_column(default=False)
    # Blocks of DMs merged into this one by the message budget (a pilot kickoff on check-in day).
    rider_blocks: Mapped[str | None] = mapped_column(Text, default=None)


class CheckinAnswer(Base):
    """One answer; `question_key` is copied so analysis survives rewording and removal."""

    __tablename__ = "checkin_answers"
    __table_args__ = (UniqueConstraint("checkin_id", "question_id"),)

    id: Mapped[Id]
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(
        ForeignKey("checkin_questions.id", ondelete="CASCADE"), index=True
    )
    question_key: Mapped[str] = mapped_column(String(40))
    # The option's value for scale and choice questions; the note for text questions.
    value: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime]
    updated_at: Mapped[datetime]
