"""Stretch's schema: every table, imported here so `Base.metadata` knows them all (Alembic reads it)."""

from bot.models.base import Base, UTCDateTime
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
from bot.models.pie import PIE_CLOSED, PIE_OPEN, Pie, PieSlice

__all__ = [
    "PIE_CLOSED",
    "PIE_OPEN",
    "ROLE_MANAGER",
    "ROLE_REP",
    "Base",
    "Delivery",
    "Membership",
    "Person",
    "Pie",
    "PieSlice",
    "ProcessedEvent",
    "StretchMoment",
    "Team",
    "TeamSkipDate",
    "UTCDateTime",
    "Workspace",
]
