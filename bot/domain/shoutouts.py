"""Shout-out rules: reading `/shoutout` text, the daily limit, drafting from stretch moments, and the
effort leaderboard (swings taken, never revenue, never a last place)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Generic, TypeVar

from bot.domain.errors import UserError
from bot.domain.schedule import local_date, local_moment

# A shout-out is a sentence or two, not an essay: long enough for a real story, short enough to read in
# the channel at a glance.
MAX_REASON = 500
MIN_REASON = 3
MAX_RECIPIENTS = 10
# So shout-outs keep their value: a person's own local day, reset at their midnight.
DAILY_LIMIT = 5
# Moments older than this are no longer offered as drafts: a shout-out two weeks late feels odd.
DRAFT_MAX_AGE = timedelta(days=14)
# A drafts DM goes out from the team's check-in time (manager's zone) until this many hours later,
# so nobody is pinged with drafts late at night.
DRAFT_WINDOW = timedelta(hours=9)
# At most this many drafts in one DM (each is three blocks; Slack allows 50 per message).
DRAFTS_PER_DM = 10

USAGE = "/shoutout @person what they stretched for"

# <@U123|name> (escaped by Slack) or <@U123>; W… ids are Enterprise Grid users.
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
# Joiners people type between names: "@ann, @raj and @li".
_JOINER = re.compile(r"^(?:[\s,;&+]|and\b)*", re.IGNORECASE)
_BARE_AT = re.compile(r"(?<![<\w])@[\w.\-]+")

MOMENT_LABELS = {
    "stretch_answer": ("stretch answer", "stretch answers"),
    "snap_comeback": ("comeback", "comebacks"),
    "big_slice": ("stretch claim", "stretch claims"),
    "pilot_joined": ("pilot joined", "pilots joined"),
    "pilot_tried": ("pilot tried", "pilots tried"),
    "shoutout": ("shout-out received", "shout-outs received"),
}
SHOUTOUT_SWING = "shoutout"


@dataclass(frozen=True)
class ParsedShoutout:
    """What `/shoutout` asked for: who (in order, once each) and what they stretched for."""

    recipients: tuple[str, ...]
    reason: str
    left_out_self: bool = False


def parse_mentions(text: str) -> tuple[str, ...]:
    """Every user id mentioned in `text`, in order of first mention, without duplicates."""
    return tuple(dict.fromkeys(match.group(1) for match in _MENTION.finditer(text or "")))


def parse_shoutout(text: str, *, giver: str) -> ParsedShoutout:
    """Read `/shoutout` text into recipients and a reason, or raise UserError saying what to type.

    The leading run of mentions names the recipients; mentions later in the sentence count too
    ("@ann paired with @raj on …"). Naming yourself alongside others is fine: you are left out and
    told so. Naming only yourself is refused kindly.
    """
    text = (text or "").strip()
    mentions = parse_mentions(text)
    if not mentions:
        bare = _BARE_AT.search(text)
        if bare:
            raise UserError(
                f"I couldn't tell who `{bare.group(0)[:40]}` is. Pick the person from the @-mention list "
                "as you type, so Slack links their name.",
                hint=f"Try: `{USAGE}`",
            )
        raise UserError(
            "Who's the shout-out for? Mention them first, then say what they stretched for.",
            hint=f"Try: `{USAGE}`, e.g. `/shoutout @Raj called the CFO he'd been avoiding`",
        )
    rest = text
    while True:
        rest = rest[_JOINER.match(rest).end() :]  # type: ignore[union-attr]
        match = _MENTION.match(rest)
        if not match:
            break
        rest = rest[match.end() :]
    reason = " ".join(_MENTION.sub(lambda m: f"<@{m.group(1)}>", rest).split())
    if len(reason) < MIN_REASON:
        raise UserError(
            "Say what they stretched for, so the team knows the swing they took.",
            hint=f"Try: `{USAGE}`, e.g. `/shoutout @Raj pitched the new pricing to a skeptical buyer`",
        )
    if len(reason) > MAX_REASON:
        raise UserError(
            f"That's {len(reason):,} characters; a shout-out can be at most {MAX_REASON}. "
            "Keep it to a sentence or two: what they tried and why it took courage.",
        )
    others = tuple(user for user in mentions if user != giver)
    if not others:
        raise UserError(
            "Shout-outs are for celebrating someone else's stretch, so I can't post one for you. "
            "Proud of a swing you took? Tell your manager; they can celebrate it.",
        )
    if len(others) > MAX_RECIPIENTS:
        raise UserError(
            f"A shout-out can name at most {MAX_RECIPIENTS} people; this one names {len(others)}. "
            "Split it up, or celebrate the whole team in the channel."
        )
    return ParsedShoutout(recipients=others, reason=reason, left_out_self=len(others) < len(mentions))


def local_day_bounds(now: datetime, tz_name: str) -> tuple[datetime, datetime]:
    """The UTC instants where the local day containing `now` starts and the next one starts."""
    today = local_date(now, tz_name)
    return local_moment(today, time(0, 0), tz_name), local_moment(today + timedelta(days=1), time(0), tz_name)


def given_today(given_at: Iterable[datetime], *, now: datetime, tz_name: str) -> int:
    """How many of the instants `given_at` fall on the local day (in `tz_name`) that contains `now`."""
    start, end = local_day_bounds(now, tz_name)
    return sum(1 for moment in given_at if start <= moment < end)


def check_daily_limit(
    given_at: Iterable[datetime], *, now: datetime, tz_name: str, limit: int = DAILY_LIMIT
) -> int:
    """Shout-outs left today after this one; UserError when the giver already used today's `limit`."""
    count = given_today(given_at, now=now, tz_name=tz_name)
    if count >= limit:
        _, reset = local_day_bounds(now, tz_name)
        raise UserError(
            f"You've given {limit} shout-outs today, the daily maximum, so each one keeps its value. "
            f"You can give more from midnight your time ({_until(reset - now)} from now).",
            hint="Got more to celebrate? Jot it down and post it tomorrow, or tell their manager.",
        )
    return limit - count - 1


def _until(delta: timedelta) -> str:
    minutes = max(1, int(delta.total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def draft_text(*, kind: str, who: str, summary: str) -> str:
    """A warm shout-out a manager can post as is: names the person and the behaviour, never a number."""
    behaviour = summary.strip().rstrip(".") or "took a real swing"
    closers = {
        "stretch_answer": "Taking the harder shot is how this team grows.",
        "snap_comeback": "Sticking with a hard goal takes real grit.",  # the effort, never the state
        "big_slice": "Raising your hand for more is a stretch worth celebrating.",
        "pilot_joined": "Trying something new first makes it easier for everyone else.",
        "pilot_tried": "It didn't stick, and the swing still counts.",
    }
    closer = closers.get(kind, "That's the kind of effort worth celebrating.")
    return f"Shout-out to {who}: {behaviour}. {closer}"


def draft_window(*, now: datetime, checkin_time: time, tz_name: str) -> tuple[datetime, datetime]:
    """When today's drafts DM may go out for someone in `tz_name`: from the team's check-in time (their
    local clock) for DRAFT_WINDOW hours, never past their midnight."""
    today = local_date(now, tz_name)
    start = local_moment(today, checkin_time, tz_name)
    midnight = local_moment(today + timedelta(days=1), time(0), tz_name)
    return start, min(start + DRAFT_WINDOW, midnight)


def is_fresh(occurred_at: datetime, *, now: datetime) -> bool:
    """Whether a moment is recent enough to be offered as a draft."""
    return now - occurred_at <= DRAFT_MAX_AGE


def month_start(now: datetime, tz_name: str) -> datetime:
    """The UTC instant the current calendar month began in `tz_name`."""
    today = local_date(now, tz_name)
    return local_moment(today.replace(day=1), time(0), tz_name).astimezone(UTC)


K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class EffortRow(Generic[K]):
    """One person on the effort leaderboard: how many swings and of which kinds."""

    who: K
    swings: int
    by_kind: Mapping[str, int] = field(default_factory=dict)


def rank_effort(
    swings: Iterable[tuple[K, str]], *, limit: int = 5, order: Mapping[K, str] | None = None
) -> list[EffortRow[K]]:
    """The people with the most swings, most first; nobody with zero, at most `limit` of them.

    Ties are ordered by `order` (e.g. display names), so the list is stable. The list celebrates: it
    holds only people who took at least one swing and stops at `limit`, so no one is shown as last.
    """
    counts: dict[K, Counter[str]] = {}
    for who, kind in swings:
        counts.setdefault(who, Counter())[kind] += 1
    names = order or {}
    rows = [EffortRow(who=who, swings=sum(c.values()), by_kind=dict(c)) for who, c in counts.items()]
    rows = [row for row in rows if row.swings > 0]
    rows.sort(key=lambda row: (-row.swings, str(names.get(row.who, row.who)).lower()))
    return rows[: max(0, limit)]


def describe_swings(by_kind: Mapping[str, int]) -> str:
    """'2 shout-outs received, 1 pilot joined' (most first)."""
    parts = []
    for kind, count in sorted(by_kind.items(), key=lambda item: (-item[1], item[0])):
        singular, plural = MOMENT_LABELS.get(kind, (kind.replace("_", " "), kind.replace("_", " ")))
        parts.append(f"{count} {singular if count == 1 else plural}")
    return ", ".join(parts)
