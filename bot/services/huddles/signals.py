"""The quiet-in-huddles signal for the alert engine: a rep who usually posts in huddle threads and has
stopped."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain import huddles as rules
from bot.models import (
    ROLE_REP,
    Huddle,
    HuddleReply,
    Membership,
)
from bot.models.huddles import (
    HUDDLE_SCHEDULED,
)
from bot.services.alerts.signals import RaisedSignal

# Quiet signals look at this many of a team's latest finished huddles.
QUIET_LOOKBACK = 40

# --- quiet in huddles -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HuddleQuiet:
    """A rep who usually posts in huddle threads and has stopped: one per episode, for the alert engine."""

    team_id: int
    person_id: int
    episode_start: datetime
    evidence: str
    suggested_step: str
    signal: str = rules.SIGNAL
    details: dict[str, int] = field(default_factory=dict)

    @property
    def episode_key(self) -> str:
        """Stable while the silence lasts; a new episode after the rep posts again."""
        return rules.episode_key(
            team_id=self.team_id, person_id=self.person_id, episode_start=self.episode_start
        )


def huddle_quiet_signals(*, session: Session, now: datetime) -> list[HuddleQuiet]:
    """Every current quiet-in-huddles signal, over finished scheduled huddles (posted, recap time past)."""
    signals: list[HuddleQuiet] = []
    team_ids = session.scalars(
        select(Huddle.team_id)
        .where(Huddle.kind == HUDDLE_SCHEDULED, Huddle.posted_at.is_not(None))
        .distinct()
    ).all()
    for team_id in team_ids:
        huddles = list(
            reversed(
                session.scalars(
                    select(Huddle)
                    .where(
                        Huddle.team_id == team_id,
                        Huddle.kind == HUDDLE_SCHEDULED,
                        Huddle.posted_at.is_not(None),
                        Huddle.starts_at <= now - rules.RECAP_AFTER,
                        # A thread Stretch couldn't read says nothing about who posted in it.
                        Huddle.thread_readable.is_not(False),
                    )
                    .order_by(Huddle.starts_at.desc())
                    .limit(QUIET_LOOKBACK)
                ).all()
            )
        )
        if len(huddles) < rules.QUIET_RUN + rules.BASELINE_MIN_POSTS:
            continue
        posted = set(
            session.execute(
                select(HuddleReply.huddle_id, HuddleReply.person_id)
                .where(HuddleReply.huddle_id.in_([h.id for h in huddles]), HuddleReply.deleted_at.is_(None))
                .distinct()
            ).all()
        )
        reps = session.scalars(
            select(Membership.person_id).where(Membership.team_id == team_id, Membership.role == ROLE_REP)
        ).all()
        for person_id in reps:
            turns = [
                rules.HuddleTurn(starts_at=h.starts_at, posted=(h.id, person_id) in posted)
                for h in huddles
                if person_id in h.expected
            ]
            verdict = rules.quiet_in_huddles(turns)
            if verdict is None:
                continue
            signals.append(
                HuddleQuiet(
                    team_id=team_id,
                    person_id=person_id,
                    episode_start=verdict.episode_start,
                    evidence=verdict.evidence,
                    suggested_step=verdict.suggested_step,
                    details={
                        "baseline_posts": verdict.baseline_posts,
                        "baseline_huddles": verdict.baseline_size,
                        "silent_huddles": verdict.silent,
                    },
                )
            )
    return signals


def huddle_alert_signals(session: Session, now: datetime) -> list[RaisedSignal]:
    """The alert engine's source for "quiet in huddles": one raised signal per rep currently silent."""
    return [
        RaisedSignal(
            team_id=quiet.team_id,
            person_id=quiet.person_id,
            signal=quiet.signal,
            episode_start=quiet.episode_start,
            evidence=quiet.evidence,
            suggested_step=quiet.suggested_step,
            details=dict(quiet.details),
        )
        for quiet in huddle_quiet_signals(session=session, now=now)
    ]
