"""The account's append-only history (lead_events): every change writes one line in its transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.models.leads import LeadClaim, LeadEvent, LeadOverlap


def record_event(
    session: Session,
    *,
    team_id: int,
    account_key: str,
    account: str,
    actor: str,
    action: str,
    now: datetime,
    detail: str = "",
    overlap_id: int | None = None,
) -> None:
    """Write one line of an account's history (text clipped to its columns)."""
    session.add(
        LeadEvent(
            team_id=team_id,
            account_key=account_key,
            account=account[:250],
            actor=actor,
            action=action,
            detail=detail[:500],
            overlap_id=overlap_id,
            at=now,
        )
    )


def log_about(
    session: Session,
    about: LeadClaim | LeadOverlap,
    *,
    actor: str,
    action: str,
    now: datetime,
    detail: str = "",
) -> None:
    """A line of the history of a claimed account, or of an overlapping one (tied to the overlap)."""
    overlap = about if isinstance(about, LeadOverlap) else None
    record_event(
        session,
        team_id=about.team_id,
        account_key=about.account_key,
        account=about.account if isinstance(about, LeadOverlap) else about.label,
        actor=actor,
        action=action,
        detail=detail,
        overlap_id=overlap.id if overlap else None,
        now=now,
    )
