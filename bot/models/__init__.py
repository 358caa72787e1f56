"""Stretch's schema: every table, imported here so `Base.metadata` knows them all (Alembic reads it)."""

from bot.models.alert_settings import AlertRun, TeamAlertSettings
from bot.models.alerts import QuietAlert
from bot.models.attention import AttentionSettings, DmDecision
from bot.models.base import Base, UTCDateTime
from bot.models.checkins import Checkin, CheckinAnswer, CheckinQuestion
from bot.models.checkpoints import (
    PieCheckpoint,
    PieProgressEntry,
    PressureAnswered,
    PressureWeek,
    TeamPressureSetting,
)
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
from bot.models.huddles import Huddle, HuddleReply, HuddleSettings, HuddleStuck
from bot.models.leads import (
    LeadAssociation,
    LeadAssociationMember,
    LeadClaim,
    LeadEvent,
    LeadOverlap,
    LeadSettings,
)
from bot.models.moments import StretchMoment
from bot.models.one_on_ones import ManagerNote, OneOnOne
from bot.models.pie import PIE_CLOSED, PIE_OPEN, Pie, PieSlice
from bot.models.pilots import Pilot, PilotParticipant
from bot.models.privacy import PrivacyAudit, RetentionPolicy, TeamPrivacy
from bot.models.shoutouts import DraftOffer, MomentDecision, Shoutout, ShoutoutRecipient

__all__ = [
    "PIE_CLOSED",
    "PIE_OPEN",
    "ROLE_MANAGER",
    "ROLE_REP",
    "AlertRun",
    "AttentionSettings",
    "Base",
    "Checkin",
    "CheckinAnswer",
    "CheckinQuestion",
    "Delivery",
    "DmDecision",
    "DraftOffer",
    "Huddle",
    "HuddleReply",
    "HuddleSettings",
    "HuddleStuck",
    "LeadAssociation",
    "LeadAssociationMember",
    "LeadClaim",
    "LeadEvent",
    "LeadOverlap",
    "LeadSettings",
    "ManagerNote",
    "Membership",
    "MomentDecision",
    "OneOnOne",
    "Person",
    "Pie",
    "PieCheckpoint",
    "PieProgressEntry",
    "PieSlice",
    "Pilot",
    "PilotParticipant",
    "PressureAnswered",
    "PressureWeek",
    "PrivacyAudit",
    "ProcessedEvent",
    "QuietAlert",
    "RetentionPolicy",
    "Shoutout",
    "ShoutoutRecipient",
    "StretchMoment",
    "Team",
    "TeamAlertSettings",
    "TeamPressureSetting",
    "TeamPrivacy",
    "TeamSkipDate",
    "UTCDateTime",
    "Workspace",
]
