"""Team huddles: each team's huddle schedule, the huddles posted, and who replied in their threads.

Replies are stored as who and when (the message's ts), never as text. The one exception is what a rep
typed under "where I'm stuck" in the update modal: it waits in `huddle_stuck` only until the managers'
after-huddle DM has been sent, then it is deleted.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, Id, PersonId, PersonRef, TeamId, TeamKey

HUDDLE_SCHEDULED = "scheduled"
HUDDLE_ADHOC = "adhoc"  # `/stretch huddle`
HUDDLE_DAY_OFF = "day_off"  # a "no huddle today" note on a team skip date
REPLY_THREAD = "thread"
REPLY_UPDATE = "update"  # the "Post my update" modal
# Outbox kinds.


class HuddleSettings(Base):
    """A team's huddle schedule (in the team's time zone); no days means no scheduled huddle."""

    __tablename__ = "huddle_settings"

    team_id: Mapped[TeamKey]
    days: Mapped[str] = mapped_column(String(40), default="")
    at: Mapped[str] = mapped_column(String(5), default="10:00")
    lead_minutes: Mapped[int] = mapped_column(default=30)
    # On a team skip date: False posts nothing, True posts one "no huddle today" note.
    skip_notice: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime]


class Huddle(Base):
    """One huddle: scheduled, started with `/stretch huddle`, or a day-off note."""

    __tablename__ = "huddles"
    __table_args__ = (Index("ix_huddles_team_start", "team_id", "starts_at"),)

    id: Mapped[Id]
    team_id: Mapped[TeamId]
    # "scheduled:<team>:<date>" or "adhoc:<team>:<instant>": a repeated tick plans nothing new.
    key: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default=HUDDLE_SCHEDULED)
    local_date: Mapped[date]
    starts_at: Mapped[datetime]
    # Shout-outs and pulse on the card cover [since, card time).
    since: Mapped[datetime]
    # Person ids of the reps expected to post, and of those away that day (snapshotted when planned).
    expected: Mapped[list[int]] = mapped_column(JSON, default=list)
    away: Mapped[list[int]] = mapped_column(JSON, default=list)
    started_by_person_id: Mapped[PersonRef]
    channel_id: Mapped[str] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32), default=None, index=True)
    posted_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime]
    # Whether Slack let Stretch read the thread (it is in the channel), asked at recap time. None: not
    # asked yet. False: replies never reached Stretch, so nobody's silence in this huddle is counted.
    thread_readable: Mapped[bool | None] = mapped_column(default=None)


class HuddleReply(Base):
    """A reply in a huddle's thread (or an update posted from the modal): who and when, never what."""

    __tablename__ = "huddle_replies"
    __table_args__ = (UniqueConstraint("huddle_id", "message_ts"),)

    id: Mapped[Id]
    huddle_id: Mapped[int] = mapped_column(ForeignKey("huddles.id", ondelete="CASCADE"))
    person_id: Mapped[PersonId] = mapped_column(index=True)
    message_ts: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(8), default=REPLY_THREAD)
    posted_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)


class HuddleStuck(Base):
    """ "Where I'm stuck" from the update modal, held only until the managers' DM has been sent."""

    __tablename__ = "huddle_stuck"

    id: Mapped[Id]
    huddle_id: Mapped[int] = mapped_column(ForeignKey("huddles.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[PersonId]
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
