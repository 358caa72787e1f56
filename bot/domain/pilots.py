"""Rules of test-and-tweak pilots: what a valid pilot is, and on which days each reminder falls.

A pilot runs `length_days` calendar days from its start date (day 1). The kickoff is on day 1, the
mid-point on the middle day (day 7 of 14), the review on the last day (day 14 of 14), and the summary
two days after the last review went out, unless everyone answered sooner. Each reminder goes out at
the team's check-in time in the recipient's own zone; a due day that is a weekend, a team skip date or
inside the recipient's away span moves to their next working day. Nothing is ever dropped.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from bot.domain.availability import next_working_day
from bot.domain.errors import UserError
from bot.domain.schedule import local_date, local_moment

DEFAULT_LENGTH = 14
MIN_LENGTH = 3
MAX_LENGTH = 90
MAX_TITLE = 80
MAX_NOT_GOAL = 200
MAX_METRIC = 200
MAX_OBSERVE = 500
MAX_LEARNING = 1000
MAX_NOTE = 500
# A rep's pilot is a small experiment among peers; a whole-team pilot is a manager's call.
REP_MAX_PARTICIPANTS = 5
MAX_PARTICIPANTS = 200
SUMMARY_GRACE_DAYS = 2
WEEKDAYS_WORKING = ("mon", "tue", "wed", "thu", "fri")

# Stages a participant is reminded at, in order.
STAGE_KICKOFF = "kickoff"
STAGE_MIDPOINT = "midpoint"
STAGE_REVIEW = "review"

# Where a pilot is in its life.
STATUS_ACTIVE = "active"
STATUS_KEPT = "kept"
STATUS_TWEAKED = "tweaked"
STATUS_DROPPED = "dropped"
CLOSED = frozenset({STATUS_KEPT, STATUS_TWEAKED, STATUS_DROPPED})

VOTE_KEEP = "keep"
VOTE_TWEAK = "tweak"
VOTE_DROP = "drop"
VOTES = (VOTE_KEEP, VOTE_TWEAK, VOTE_DROP)
VOTE_LABELS = {VOTE_KEEP: "Keep", VOTE_TWEAK: "Tweak", VOTE_DROP: "Drop"}

# Block ids of the pilot modal, so a rule's complaint lands beside the right field.
FIELD_TITLE = "pilot_title"
FIELD_NOT_GOAL = "pilot_not_goal"
FIELD_METRIC = "pilot_metric"
FIELD_OBSERVE = "pilot_observe"
FIELD_PARTICIPANTS = "pilot_participants"
FIELD_WHOLE_TEAM = "pilot_whole_team"
FIELD_START = "pilot_start"
FIELD_LENGTH = "pilot_length"
FIELD_SHARE = "pilot_share"


@dataclass(frozen=True)
class PilotDraft:
    """A pilot as someone filled in the modal, before it is checked and saved."""

    title: str
    growth_metric: str
    participants: tuple[str, ...]
    start: date | None
    length_days: int | None = DEFAULT_LENGTH
    not_goal: str = ""
    observe: str = ""
    whole_team: bool = False
    share: bool = True


def _squash(text: str) -> str:
    return " ".join((text or "").split())


def validate_pilot_draft(
    draft: PilotDraft, *, today: date, is_manager: bool, keep_start: date | None = None
) -> PilotDraft:
    """Return a cleaned draft, or raise UserError naming the modal field to fix.

    `today` is the proposer's local date; `keep_start` is an edited pilot's stored start, which may
    stay in the past once the pilot is running.
    """
    title = _squash(draft.title)
    if not title:
        raise UserError("Give the pilot a short title, like 'Discovery calls first'.", field=FIELD_TITLE)
    if len(title) > MAX_TITLE:
        raise UserError(f"Keep the title under {MAX_TITLE} characters.", field=FIELD_TITLE)
    metric = _squash(draft.growth_metric)
    if not metric:
        raise UserError(
            "Name the skill or behaviour to get better at, like 'asking a second discovery question'. "
            "That's what the pilot is for.",
            field=FIELD_METRIC,
        )
    if len(metric) > MAX_METRIC:
        raise UserError(f"Keep the skill under {MAX_METRIC} characters.", field=FIELD_METRIC)
    not_goal = _squash(draft.not_goal)
    if len(not_goal) > MAX_NOT_GOAL:
        raise UserError(f"Keep this under {MAX_NOT_GOAL} characters.", field=FIELD_NOT_GOAL)
    observe = (draft.observe or "").strip()
    if len(observe) > MAX_OBSERVE:
        raise UserError(f"Keep this under {MAX_OBSERVE} characters.", field=FIELD_OBSERVE)
    if draft.length_days is None:
        raise UserError(
            f"Say how many days the pilot runs: {DEFAULT_LENGTH} is a good start.", field=FIELD_LENGTH
        )
    if draft.length_days < 1:
        raise UserError(
            f"That would end before it starts. Pick {MIN_LENGTH} to {MAX_LENGTH} days.", field=FIELD_LENGTH
        )
    if not MIN_LENGTH <= draft.length_days <= MAX_LENGTH:
        raise UserError(
            f"A pilot runs {MIN_LENGTH} to {MAX_LENGTH} days: long enough to learn, short enough to "
            f"adjust. {DEFAULT_LENGTH} is a good start.",
            field=FIELD_LENGTH,
        )
    if draft.start is None:
        raise UserError("Pick a start date.", field=FIELD_START)
    if draft.start < today and draft.start != keep_start:
        raise UserError(
            "That date is in the past. Pick today or a later day to start.",
            field=FIELD_START,
        )
    if draft.start > today + timedelta(days=365):
        raise UserError("Start within the next year.", field=FIELD_START)
    participants = tuple(dict.fromkeys(draft.participants))
    whole_team = draft.whole_team and is_manager
    if not participants and not whole_team:
        raise UserError("Pick at least one person to take part.", field=FIELD_PARTICIPANTS)
    if not is_manager and len(participants) > REP_MAX_PARTICIPANTS:
        raise UserError(
            f"A rep's pilot can include up to {REP_MAX_PARTICIPANTS} people. For a whole-team pilot, "
            "ask your manager to start it.",
            field=FIELD_PARTICIPANTS,
        )
    if len(participants) > MAX_PARTICIPANTS:
        raise UserError(f"A pilot can include at most {MAX_PARTICIPANTS} people.", field=FIELD_PARTICIPANTS)
    return replace(
        draft,
        title=title,
        growth_metric=metric,
        not_goal=not_goal,
        observe=observe,
        participants=participants,
        whole_team=whole_team,
    )


def is_closed(status: str) -> bool:
    """Whether a pilot was decided (kept, tweaked into a next iteration, or dropped)."""
    return status in CLOSED


def end_day(start: date, length_days: int) -> date:
    """The pilot's last day (day `length_days`, counting the start as day 1)."""
    return start + timedelta(days=length_days - 1)


def midpoint_day(start: date, length_days: int) -> date:
    """The middle day: day 7 of 14, day 2 of 3."""
    return start + timedelta(days=(length_days + 1) // 2 - 1)


def stage_day(stage: str, start: date, length_days: int) -> date:
    """The nominal day of a stage, before moving it off weekends, skip dates and away spans."""
    if stage == STAGE_KICKOFF:
        return start
    if stage == STAGE_MIDPOINT:
        return midpoint_day(start, length_days)
    if stage == STAGE_REVIEW:
        return end_day(start, length_days)
    raise ValueError(f"unknown stage {stage}")


def day_number(start: date, today: date) -> int:
    """Which day of the pilot `today` is (1 on the start date, 0 or less before it)."""
    return (today - start).days + 1


def working_days(checkin_days: Iterable[str]) -> tuple[str, ...]:
    """The days a team works: Monday to Friday, plus any day it has check-ins on (a Saturday team)."""
    wanted = set(WEEKDAYS_WORKING) | set(checkin_days)
    return tuple(day for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun") if day in wanted)


def default_start(
    *, now: datetime, tz_name: str, team_days: Iterable[str], skip_dates: Collection[date]
) -> date:
    """The next working day for the team (tomorrow, unless that's a weekend or a holiday)."""
    tomorrow = local_date(now, tz_name) + timedelta(days=1)
    found = next_working_day(
        tomorrow, working_days=team_days, away_from=None, away_until=None, skip_dates=skip_dates
    )
    return found or tomorrow


def reminder_moment(
    day: date,
    *,
    at: time,
    tz_name: str,
    team_days: Iterable[str],
    away_from: date | None,
    away_until: date | None,
    skip_dates: Collection[date],
) -> datetime | None:
    """When a reminder nominally due on `day` goes out: `at` in the recipient's zone on their next
    working day on or after `day`. None while nothing qualifies (away far ahead): ask again later."""
    moved = next_working_day(
        day, working_days=team_days, away_from=away_from, away_until=away_until, skip_dates=skip_dates
    )
    if moved is None:
        return None
    return local_moment(moved, at, tz_name)


def summary_day(last_review_day: date) -> date:
    """The day the summary goes out when not everyone answered: two days after the last review."""
    return last_review_day + timedelta(days=SUMMARY_GRACE_DAYS)


def average(scores: Iterable[int | None]) -> float | None:
    """The mean of the answered scores, None when nobody answered."""
    given = [s for s in scores if s is not None]
    return sum(given) / len(given) if given else None
