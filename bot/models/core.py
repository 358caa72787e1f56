"""Core tables: workspaces, people, teams and memberships, the delivery outbox and seen events."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.base import Base, Id, PersonId, TeamId

ROLE_MANAGER = "manager"
ROLE_REP = "rep"


class Workspace(Base):
    """A Slack workspace Stretch is installed in."""

    __tablename__ = "workspaces"

    id: Mapped[Id]
    slack_team_id: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]


class Person(Base):
    """A Slack user as Stretch knows them: name and time zone from users.info, refreshed when stale."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("workspace_id", "slack_user_id"),)

    id: Mapped[Id]
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    slack_user_id: Mapped[str] = mapped_column(String(32))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_bot: Mapped[bool] = mapped_column(default=False)
    deleted: Mapped[bool] = mapped_column(default=False)
    # Why DMs to this person stopped working (user_not_found, cannot_dm_bot, …); None while they work.
    unreachable_reason: Mapped[str | None] = mapped_column(String(100), default=None)
    # Away (vacation, leave): no check-ins, nudges, reminders or alerts on these local dates, inclusive.
    away_from: Mapped[date | None] = mapped_column(default=None)
    away_until: Mapped[date | None] = mapped_column(default=None)
    refreshed_at: Mapped[datetime]

    workspace: Mapped[Workspace] = relationship()
    memberships: Mapped[list[Membership]] = relationship(back_populates="person")


class Team(Base):
    """A sales team: its channel, schedule settings (in each member's local time) and currency."""

    __tablename__ = "teams"
    __table_args__ = (UniqueConstraint("workspace_id", "channel_id"),)

    id: Mapped[Id]
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    channel_id: Mapped[str | None] = mapped_column(String(32), default=None)
    # The team's own zone, for team-wide moments such as huddles and pie deadlines.
    tz: Mapped[str] = mapped_column(String(64), default="UTC")
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    checkin_days: Mapped[str] = mapped_column(String(40), default="mon,wed,fri")
    checkin_time: Mapped[str] = mapped_column(String(5), default="09:30")
    digest_day: Mapped[str] = mapped_column(String(3), default="fri")
    digest_time: Mapped[str] = mapped_column(String(5), default="16:00")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    workspace: Mapped[Workspace] = relationship()
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="team", cascade="all, delete-orphan", order_by="Membership.id"
    )


class TeamSkipDate(Base):
    """A day the team takes off (a holiday): no check-ins, nudges, reminders, huddles or alerts."""

    __tablename__ = "team_skip_dates"
    __table_args__ = (UniqueConstraint("team_id", "day"),)

    id: Mapped[Id]
    team_id: Mapped[TeamId]
    day: Mapped[date]
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime]


class Membership(Base):
    """A person's place in a team: manager or rep."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("team_id", "person_id"),)

    id: Mapped[Id]
    team_id: Mapped[TeamId]
    person_id: Mapped[PersonId] = mapped_column(index=True)
    role: Mapped[str] = mapped_column(String(16))
    joined_at: Mapped[datetime]

    team: Mapped[Team] = relationship(back_populates="memberships")
    person: Mapped[Person] = relationship(back_populates="memberships")


class Delivery(Base):
    """One message Stretch owes someone: unique by its key, so nothing is sent twice or forgotten."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_status_due", "status", "due_at"),)

    id: Mapped[Id]
    kind: Mapped[str] = mapped_column(String(40))
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), default=None)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), default=None)
    # Where it goes: a user id (the bot's DM with them) or a channel id.
    channel: Mapped[str] = mapped_column(String(32))
    # What it is about (a check-in, a pie, a pilot …), for the renderer of its kind.
    ref_id: Mapped[int | None] = mapped_column(default=None)
    due_at: Mapped[datetime]
    # After this instant the message is no longer worth sending; it is marked expired instead.
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    # A claim by one sender; a claim older than the lease is taken over by another sender.
    claimed_until: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(String(200), default=None)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
    message_ts: Mapped[str | None] = mapped_column(String(32), default=None)
    message_channel: Mapped[str | None] = mapped_column(String(32), default=None)
    created_at: Mapped[datetime]


class ProcessedEvent(Base):
    """An Events API event_id already handled, so Slack's retries are processed once."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime]
