"""Team huddle rules: when the card is due, how a huddle reads, and who has gone quiet in huddle threads."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TypeVar

from bot.domain.errors import UserError
from bot.domain.schedule import local_date, local_moment, weekday_key

T = TypeVar("T")

DEFAULT_HUDDLE_TIME = time(10, 0)
DEFAULT_LEAD_MINUTES = 30
MIN_LEAD_MINUTES = 0
MAX_LEAD_MINUTES = 240
# A card whose moment passed this long ago is not worth posting any more (the bot was down).
LATE_GRACE = timedelta(hours=1)
# Managers get the after-huddle recap this long after the huddle starts: time for async replies.
RECAP_AFTER = timedelta(hours=2)

# The card's content limits: a long list is summarised, so the card never exceeds Slack's limits.
MAX_PILOT_LINES = 4
MAX_SHOUTOUT_LINES = 5
SHOUTOUT_CLIP = 160
PULSE_MIN_ANSWERS = 3
# Without an earlier huddle, shout-outs and pulse cover this many days.
DEFAULT_LOOKBACK = timedelta(days=7)
PROMPT = "What's one thing you'll stretch for this week?"

# Quiet in huddles: silent in the last QUIET_RUN expected huddles after posting in at least
# BASELINE_MIN_POSTS of (and at least half of) the BASELINE_WINDOW expected huddles before them.
QUIET_RUN = 2
BASELINE_WINDOW = 6
BASELINE_MIN_POSTS = 3
BASELINE_MIN_RATE = 0.5
SIGNAL = "huddle_quiet"
UPDATE_MAX = 500

FIELD_HUDDLE_DAYS = "huddle_days"
FIELD_HUDDLE_TIME = "huddle_time"
FIELD_HUDDLE_LEAD = "huddle_lead"
FIELD_HUDDLE_SKIP = "huddle_skip"


def check_lead_minutes(value: int) -> int:
    """The lead time in minutes, or a UserError saying what range works."""
    if not MIN_LEAD_MINUTES <= value <= MAX_LEAD_MINUTES:
        raise UserError(
            f"Post the huddle card between {MIN_LEAD_MINUTES} and {MAX_LEAD_MINUTES} minutes before the huddle "
            f"(you gave {value}). 30 is a good default.",
            field=FIELD_HUDDLE_LEAD,
        )
    return value


def parse_lead(text: str) -> int:
    """'30' or '30m' → 30; anything else is a UserError with an example."""
    cleaned = text.strip().lower().removesuffix("min").removesuffix("m").strip()
    if not cleaned.isdigit():
        raise UserError(
            f"'{text}' isn't a number of minutes. Try `30` (the card goes out 30 minutes before).",
            field=FIELD_HUDDLE_LEAD,
        )
    return check_lead_minutes(int(cleaned))


@dataclass(frozen=True)
class DueHuddle:
    """A scheduled huddle whose card is due now."""

    day: date
    starts_at: datetime
    post_at: datetime


def due_huddles(
    *, days: Iterable[str], at: time, tz_name: str, lead_minutes: int, now: datetime
) -> list[DueHuddle]:
    """Scheduled huddles (team-local `days` at `at`) whose card window [start − lead, start + grace)
    holds `now`. Yesterday and tomorrow are looked at too, so a lead across midnight still works."""
    wanted = set(days)
    if not wanted:
        return []
    today = local_date(now, tz_name)
    found: list[DueHuddle] = []
    for offset in (-1, 0, 1):
        day = today + timedelta(days=offset)
        if weekday_key(day) not in wanted:
            continue
        starts_at = local_moment(day, at, tz_name)
        post_at = starts_at - timedelta(minutes=lead_minutes)
        if post_at <= now < starts_at + LATE_GRACE:
            found.append(DueHuddle(day=day, starts_at=starts_at, post_at=post_at))
    return found


@dataclass(frozen=True)
class HuddleTurn:
    """One huddle a rep was expected at (not away), and whether they posted in its thread."""

    starts_at: datetime
    posted: bool


@dataclass(frozen=True)
class QuietVerdict:
    """A rep who usually posts in huddles and has stopped."""

    episode_start: datetime
    silent: int
    baseline_posts: int
    baseline_size: int
    evidence: str
    suggested_step: str


def quiet_in_huddles(turns: Sequence[HuddleTurn]) -> QuietVerdict | None:
    """The quiet-in-huddles signal over a rep's expected huddles (oldest first, finished ones only).

    Raised when the last QUIET_RUN turns are silent and, in up to BASELINE_WINDOW turns before the
    silent run, the rep posted at least BASELINE_MIN_POSTS times and in at least half of them: the
    rep's own habit, not the team's. The episode starts at the first silent huddle of the run, so it
    stays the same while the silence lasts and a new one begins after they post again.
    """
    silent = 0
    for turn in reversed(turns):
        if turn.posted:
            break
        silent += 1
    if silent < QUIET_RUN:
        return None
    before = turns[: len(turns) - silent]
    baseline = before[-BASELINE_WINDOW:]
    posts = sum(1 for turn in baseline if turn.posted)
    if posts < BASELINE_MIN_POSTS or posts < BASELINE_MIN_RATE * len(baseline):
        return None
    run = "none of the last 2" if silent == QUIET_RUN else f"none of the last {silent}"
    return QuietVerdict(
        episode_start=turns[len(turns) - silent].starts_at,
        silent=silent,
        baseline_posts=posts,
        baseline_size=len(baseline),
        evidence=f"posted in {posts} of the previous {len(baseline)} huddles, {run}",
        suggested_step=(
            "Check in 1:1 before the next huddle: ask how the week is going, not why they were quiet."
        ),
    )


def episode_key(*, team_id: int, person_id: int, episode_start: datetime) -> str:
    """A stable key for one quiet episode (the alert engine stores one alert per key)."""
    return f"{SIGNAL}:{team_id}:{person_id}:{episode_start.isoformat()}"


def clean_update(text: str | None, limit: int = UPDATE_MAX) -> str:
    """A modal answer tidied for posting: trimmed, at most `limit` characters, no broadcast mentions."""
    cleaned = (text or "").strip()
    for loud in ("<!channel>", "<!here>", "<!everyone>", "@channel", "@here", "@everyone"):
        cleaned = cleaned.replace(loud, loud.strip("<>!@"))
    return cleaned[:limit]


def summarise(items: Sequence[T], limit: int) -> tuple[list[T], int]:
    """The first `limit` items and how many were left out."""
    return list(items[:limit]), max(0, len(items) - limit)
