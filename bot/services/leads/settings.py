"""A team's lead rules as stored: the fallback when an overlap stays open, and the name-match threshold."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain.leads.matching import DEFAULT_FUZZY_THRESHOLD, check_threshold
from bot.domain.leads.rules import FALLBACK_MANAGER, check_fallback
from bot.models.leads import LeadSettings


def settings_of(*, session: Session, team_id: int) -> LeadSettings:
    """The team's lead rules (defaults when never set; not saved)."""
    found = session.get(LeadSettings, team_id)
    if found is not None:
        return found
    return LeadSettings(team_id=team_id, fallback=FALLBACK_MANAGER, fuzzy_threshold=DEFAULT_FUZZY_THRESHOLD)


def save_settings(
    *, session: Session, team_id: int, fallback: str | None, threshold: int | None, now: datetime
) -> LeadSettings:
    """Change the team's fallback rule and/or name-match threshold."""
    row = session.get(LeadSettings, team_id)
    if row is None:
        row = LeadSettings(
            team_id=team_id,
            fallback=FALLBACK_MANAGER,
            fuzzy_threshold=DEFAULT_FUZZY_THRESHOLD,
            updated_at=now,
        )
        session.add(row)
    if fallback is not None:
        row.fallback = check_fallback(fallback)
    if threshold is not None:
        row.fuzzy_threshold = check_threshold(threshold)
    row.updated_at = now
    session.flush()
    return row
