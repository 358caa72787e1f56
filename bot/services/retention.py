"""Retention: how long answers and notes are kept, and the batches that delete what is older.

Nothing here commits: a retention batch is one caller transaction, so a crash leaves all or nothing of it
done, and a second run finds nothing left to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.domain.privacy import DEFAULT_RETENTION_DAYS, certain_cutoff, coarse_cutoff, retention_cutoff
from bot.models import Checkin, CheckinAnswer, PilotParticipant
from bot.models.privacy import AUDIT_RETENTION_SET, RetentionPolicy
from bot.services.privacy import count_deleted, record_act

POLICY_ID = 1
# Rows near the retention cutoff are read this many at a time to check each in its own zone.
BOUNDARY_PAGE = 2000


def retention_days(*, session: Session) -> int:
    """Days answers and notes are kept (0 = forever); the default until an operator sets it."""
    policy = session.get(RetentionPolicy, POLICY_ID)
    return DEFAULT_RETENTION_DAYS if policy is None else policy.days


def set_retention_days(*, session: Session, days: int, actor: str, now: datetime) -> int:
    """Store a new retention; returns the previous one. Audited."""
    previous = retention_days(session=session)
    policy = session.get(RetentionPolicy, POLICY_ID)
    if policy is None:
        policy = RetentionPolicy(id=POLICY_ID, days=days, updated_at=now, updated_by=actor[:32])
        session.add(policy)
    policy.days = days
    policy.updated_at = now
    policy.updated_by = actor[:32]
    record_act(
        session=session,
        actor=actor,
        action=AUDIT_RETENTION_SET,
        detail=f"days {previous} -> {days}",
        now=now,
    )
    return previous


@dataclass
class PurgeBatch:
    """One retention batch: what it deleted, and whether more may remain."""

    checkins: int = 0
    answers: int = 0
    pilot_notes: int = 0
    more: bool = False
    per_team: dict[int, int] = field(default_factory=dict)


def purge_batch(*, session: Session, now: datetime, days: int, batch: int = 500) -> PurgeBatch:
    """Delete one batch of check-ins (with their answers and notes) dated more than `days` days before
    today in their own zone, and clear pilot notes older than that. Nothing when `days` is 0."""
    result = PurgeBatch()
    coarse, certain = coarse_cutoff(now, days), certain_cutoff(now, days)
    if coarse is None or certain is None:
        return result
    # Rows older than every zone's cutoff go without a look at their zone; the two or three dates near
    # the cutoff are checked row by row in their own zone, a page at a time (rows kept there are skipped
    # by id, so a page full of them can't hide older rows behind it).
    rows = list(
        session.execute(
            select(Checkin.id, Checkin.team_id)
            .where(Checkin.local_date < certain)
            .order_by(Checkin.id)
            .limit(batch)
        )
    )
    doomed = [checkin_id for checkin_id, _ in rows]
    teams = [team_id for _, team_id in rows]
    after = 0
    while len(doomed) < batch:
        page = list(
            session.execute(
                select(Checkin.id, Checkin.local_date, Checkin.tz, Checkin.team_id)
                .where(Checkin.local_date >= certain, Checkin.local_date < coarse, Checkin.id > after)
                .order_by(Checkin.id)
                .limit(BOUNDARY_PAGE)
            )
        )
        for checkin_id, day, tz, team_id in page:
            cutoff = retention_cutoff(now, tz, days)
            if cutoff is not None and day < cutoff and len(doomed) < batch:
                doomed.append(checkin_id)
                teams.append(team_id)
        if len(page) < BOUNDARY_PAGE:
            break
        after = page[-1][0]
    for team_id in teams:
        result.per_team[team_id] = result.per_team.get(team_id, 0) + 1
    if doomed:
        result.answers = count_deleted(
            session, delete(CheckinAnswer).where(CheckinAnswer.checkin_id.in_(doomed))
        )
        result.checkins = count_deleted(session, delete(Checkin).where(Checkin.id.in_(doomed)))
    # A full batch may have more behind it; anything less was everything there was.
    result.more = len(doomed) >= batch
    oldest_kept = now - timedelta(days=days)
    notes = list(
        session.scalars(
            select(PilotParticipant.id)
            .where(
                or_(PilotParticipant.mid_note.is_not(None), PilotParticipant.learning.is_not(None)),
                func.coalesce(
                    PilotParticipant.reviewed_at, PilotParticipant.mid_at, PilotParticipant.joined_at
                )
                < oldest_kept,
            )
            .limit(batch)
        )
    )
    if notes:
        result.pilot_notes = count_deleted(
            session,
            update(PilotParticipant)
            .where(PilotParticipant.id.in_(notes))
            .values(mid_note=None, learning=None),
        )
        result.more = result.more or len(notes) == batch
    return result
