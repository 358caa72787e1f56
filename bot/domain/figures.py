"""The pie's figures as every surface shows them: one function computes days left, percentages and counts
for the digest, the huddle card, the App Home and the pie card, so they never disagree.

Rules: days left count today (the last day of the period reads "last day"; after it, "ended");
percentages are whole numbers, floored (99.6 % is not 100 % before it is), written `42%`; counts say
"1 rep" and "2 reps".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.pie import percent  # whole numbers, floored: the one rule for every surface


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 day', '3 days', '1 rep', '2 reps'."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def pct(value: int) -> str:
    """The one percent format: '42%'."""
    return f"{value}%"


def days_left(period_end: date, today: date) -> int:
    """Days until the period ends, counting today (0 once it is over)."""
    return max(0, (period_end - today).days + 1)


def days_left_text(days: int) -> str:
    """'12 days left', 'last day', 'ended'."""
    if days <= 0:
        return "ended"
    if days == 1:
        return "last day"
    return f"{days} days left"


@dataclass(frozen=True)
class PieFigures:
    """One pie's numbers at one moment, as every surface shows them."""

    target: int
    claimed: int
    progress: int
    left: int  # unclaimed (negative when over-claimed)
    claimed_pct: int
    progress_pct: int
    days_left: int
    claims_open: bool
    reps: int
    claimers: int

    @property
    def days_text(self) -> str:
        """'12 days left', 'last day', 'ended'."""
        return days_left_text(self.days_left)

    @property
    def unclaimed_reps(self) -> int:
        """Reps without a slice."""
        return max(0, self.reps - self.claimers)

    @property
    def claimers_text(self) -> str:
        """'3 of 5 reps have a slice', '1 of 1 rep has a slice'."""
        return claimers_text(self.claimers, self.reps)


def claimers_text(claimers: int, reps: int) -> str:
    """'3 of 5 reps have a slice', '1 of 1 rep has a slice'."""
    verb = "has" if claimers == 1 else "have"
    return f"{claimers} of {plural(reps, 'rep')} {verb} a slice"


def pie_figures(
    *,
    target: int,
    claimed: int,
    progress: int,
    period_end: date,
    claim_deadline: datetime,
    today: date,
    now: datetime,
    reps: int,
    claimers: int,
) -> PieFigures:
    """The figures of one pie as of `now` (and `today` in the team's zone)."""
    return PieFigures(
        target=target,
        claimed=claimed,
        progress=progress,
        left=target - claimed,
        claimed_pct=percent(claimed, target),
        progress_pct=percent(progress, target),
        days_left=days_left(period_end, today),
        claims_open=now < claim_deadline,
        reps=reps,
        claimers=claimers,
    )
