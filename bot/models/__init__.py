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

__all__ = [
    "ROLE_MANAGER",
    "ROLE_REP",
    "Base",
    "Delivery",
    "Membership",
    "Person",
    "ProcessedEvent",
    "Team",
    "TeamSkipDate",
    "UTCDateTime",
    "Workspace",
]
