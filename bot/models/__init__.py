"""Stretch's schema: every table, imported here so `Base.metadata` knows them all (Alembic reads it)."""

from bot.models.base import Base, UTCDateTime
from bot.models.checkins import Checkin, CheckinAnswer, CheckinQuestion
from bot.models.core import (
    ROLE_MANAGER,
    ROLE_REP,
    Delivery,
    Membership,
    Person,
    ProcessedEvent,
    Team,
    TeamSkipDate,
    Workspace,
)
from bot.models.moments import StretchMoment

__all__ = [
    "ROLE_MANAGER",
    "ROLE_REP",
    "Base",
    "Checkin",
    "CheckinAnswer",
    "CheckinQuestion",
    "Delivery",
    "Membership",
    "Person",
    "ProcessedEvent",
    "StretchMoment",
    "Team",
    "TeamSkipDate",
    "UTCDateTime",
    "Workspace",
]
