"""Shout-out rules as tables of cases: reading mentions, the daily limit in the giver's own day, drafts,
and the effort leaderboard."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.domain.errors import UserError
from bot.domain.shoutouts import (
    DAILY_LIMIT,
    MAX_REASON,
    check_daily_limit,
    describe_swings,
    draft_text,
    draft_window,
    given_today,
    is_fresh,
    month_start,
    parse_mentions,
    parse_shoutout,
    rank_effort,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<@U1|ann> for calling the CFO", ("U1",)),
        ("<@U1> for calling the CFO", ("U1",)),
        ("<@U1|ann> <@U2|raj> paired on a cold list", ("U1", "U2")),
        ("<@U1|ann>, <@U2> and <@U3|li> ran the pilot", ("U1", "U2", "U3")),
        ("<@U1|ann> <@U1> <@U1|Ann> twice", ("U1",)),
        ("<@W0GRID|eve> on Enterprise Grid", ("W0GRID",)),
        ("@ann typed without autocomplete", ()),
        ("<#C1|sales> is a channel, not a person", ()),
        ("", ()),
    ],
)
def test_mentions_are_read_in_order_once_each(text: str, expected: tuple[str, ...]) -> None:
    assert parse_mentions(text) == expected


@pytest.mark.parametrize(
    ("text", "recipients", "reason", "left_out_self"),
    [
        ("<@U1|ann> called the CFO she'd avoided", ("U1",), "called the CFO she'd avoided", False),
        ("<@U1|ann> and <@U2|raj> rebuilt the demo", ("U1", "U2"), "rebuilt the demo", False),
        ("<@U1|ann>, <@U2> & <@U3> ran the pilot", ("U1", "U2", "U3"), "ran the pilot", False),
        ("<@U1|ann> paired with <@U2|raj> on pricing", ("U1", "U2"), "paired with <@U2> on pricing", False),
        ("<@U1|ann> <@U1|ann> double typed", ("U1",), "double typed", False),
        ("<@UME|me> <@U1|ann> we tried the new script", ("U1",), "we tried the new script", True),
        ("  <@U1>   lots   of   space  ", ("U1",), "lots of space", False),
    ],
)
def test_shoutout_text_names_who_and_why(
    text: str, recipients: tuple[str, ...], reason: str, left_out_self: bool
) -> None:
    parsed = parse_shoutout(text, giver="UME")
    assert (parsed.recipients, parsed.reason, parsed.left_out_self) == (recipients, reason, left_out_self)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Who's the shout-out for?"),
        ("great week everyone", "Who's the shout-out for?"),
        ("@ann did great", "Pick the person from the @-mention list"),
        ("<@U1|ann>", "Say what they stretched for"),
        ("<@U1|ann> ok", "Say what they stretched for"),
        ("<@UME|me> I pushed hard today", "celebrating someone else"),
        ("<@UME> <@UME|me> me again", "celebrating someone else"),
        ("<@U1> " + "x" * 5000, f"at most {MAX_REASON}"),
        (" ".join(f"<@U{i:02d}>" for i in range(11)) + " the whole floor", "at most 10 people"),
    ],
)
def test_bad_shoutout_text_says_what_to_type(text: str, says: str) -> None:
    with pytest.raises(UserError) as raised:
        parse_shoutout(text, giver="UME")
    assert says in raised.value.message


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("given", "now", "tz", "today"),
    [
        # New York (UTC-5 in November): 04:30 UTC is still yesterday evening there.
        ([_utc(2026, 11, 24, 4, 30)], _utc(2026, 11, 24, 14, 0), "America/New_York", 0),
        ([_utc(2026, 11, 24, 5, 0)], _utc(2026, 11, 24, 14, 0), "America/New_York", 1),
        # Tokyo (UTC+9): 14:59 UTC is 23:59 local, 15:00 UTC is tomorrow.
        ([_utc(2026, 11, 24, 14, 59)], _utc(2026, 11, 24, 15, 0), "Asia/Tokyo", 0),
        ([_utc(2026, 11, 24, 15, 0)], _utc(2026, 11, 24, 15, 1), "Asia/Tokyo", 1),
        # The same UTC instants are one day in London.
        ([_utc(2026, 11, 24, 1), _utc(2026, 11, 24, 23)], _utc(2026, 11, 24, 23, 30), "Europe/London", 2),
        # Kolkata (UTC+5:30): half-hour offset at local midnight.
        ([_utc(2026, 11, 24, 18, 29)], _utc(2026, 11, 24, 18, 31), "Asia/Kolkata", 0),
        ([_utc(2026, 11, 24, 18, 30)], _utc(2026, 11, 24, 18, 31), "Asia/Kolkata", 1),
        # A DST night (Europe/Berlin, 29 Mar 2026: 02:00 → 03:00) is still one day.
        ([_utc(2026, 3, 28, 23, 30), _utc(2026, 3, 29, 21, 59)], _utc(2026, 3, 29, 12), "Europe/Berlin", 2),
        ([], _utc(2026, 11, 24, 12), "UTC", 0),
    ],
)
def test_the_daily_count_follows_the_givers_own_midnight(
    given: list[datetime], now: datetime, tz: str, today: int
) -> None:
    assert given_today(given, now=now, tz_name=tz) == today


def test_five_a_day_are_allowed_and_the_sixth_says_when_it_resets() -> None:
    now = _utc(2026, 11, 24, 20, 0)  # 15:00 in New York
    earlier = [now - timedelta(hours=h) for h in range(1, 5)]
    assert check_daily_limit(earlier, now=now, tz_name="America/New_York") == 0
    with pytest.raises(UserError) as raised:
        check_daily_limit([*earlier, now - timedelta(minutes=5)], now=now, tz_name="America/New_York")
    assert f"{DAILY_LIMIT} shout-outs today" in raised.value.message
    assert "9 h 0 min" in raised.value.message


def test_after_the_givers_midnight_the_count_starts_again() -> None:
    five = [_utc(2026, 11, 24, 22, m) for m in range(5)]  # 17:0x in New York
    assert check_daily_limit(five, now=_utc(2026, 11, 25, 5, 0), tz_name="America/New_York") == 4
    with pytest.raises(UserError):
        check_daily_limit(five, now=_utc(2026, 11, 25, 4, 59), tz_name="America/New_York")


@pytest.mark.parametrize(
    ("kind", "phrase"),
    [
        ("stretch_answer", "harder shot"),
        ("snap_comeback", "grit"),
        ("big_slice", "Raising your hand"),
        ("pilot_joined", "Trying something new"),
        ("pilot_tried", "the swing still counts"),
        ("something_new", "worth celebrating"),
    ],
)
def test_a_draft_names_the_person_and_the_behaviour_without_numbers(kind: str, phrase: str) -> None:
    text = draft_text(kind=kind, who="<@U1>", summary="pitched the new bundle to a skeptical buyer.")
    assert text.startswith("Shout-out to <@U1>: pitched the new bundle to a skeptical buyer.")
    assert phrase in text
    assert not any(ch.isdigit() for ch in text.replace("<@U1>", ""))


@pytest.mark.parametrize(
    ("now", "tz", "checkin", "inside"),
    [
        (_utc(2026, 11, 24, 14, 30), "America/New_York", time(9, 30), True),  # 09:30 local
        (_utc(2026, 11, 24, 14, 29), "America/New_York", time(9, 30), False),
        (_utc(2026, 11, 24, 23, 29), "America/New_York", time(9, 30), True),  # 18:29 local
        (_utc(2026, 11, 24, 23, 30), "America/New_York", time(9, 30), False),  # 18:30: too late
        (_utc(2026, 11, 24, 8, 30), "Europe/Berlin", time(9, 30), True),
        (_utc(2026, 11, 24, 22, 59), "Europe/Berlin", time(20, 0), True),  # capped at midnight
        (_utc(2026, 11, 24, 23, 0), "Europe/Berlin", time(20, 0), False),
    ],
)
def test_drafts_go_out_from_checkin_time_and_never_late_at_night(
    now: datetime, tz: str, checkin: time, inside: bool
) -> None:
    start, end = draft_window(now=now, checkin_time=checkin, tz_name=tz)
    assert (start <= now < end) is inside


def test_moments_older_than_two_weeks_are_not_offered() -> None:
    now = _utc(2026, 11, 24, 12)
    assert is_fresh(now - timedelta(days=14), now=now)
    assert not is_fresh(now - timedelta(days=14, seconds=1), now=now)


def test_the_month_starts_at_local_midnight_on_the_first() -> None:
    assert month_start(_utc(2026, 12, 1, 3), "America/New_York") == _utc(2026, 11, 1, 4)
    assert month_start(_utc(2026, 12, 1, 5), "America/New_York") == _utc(2026, 12, 1, 5)


@pytest.mark.parametrize(
    ("swings", "limit", "expected"),
    [
        ([], 5, []),
        ([("ann", "shoutout")], 5, [("ann", 1)]),
        (
            [("ann", "shoutout"), ("raj", "pilot_joined"), ("raj", "big_slice"), ("li", "stretch_answer")],
            5,
            [("raj", 2), ("ann", 1), ("li", 1)],
        ),
        # Ties are alphabetical; the limit cuts the list so nobody is shown as last of the team.
        (
            [("zed", "shoutout"), ("amy", "shoutout"), ("bo", "shoutout"), ("bo", "shoutout")],
            2,
            [("bo", 2), ("amy", 1)],
        ),
        ([("ann", "shoutout")], 0, []),
    ],
)
def test_the_effort_leaderboard_lists_the_most_swings_first(
    swings: list[tuple[str, str]], limit: int, expected: list[tuple[str, int]]
) -> None:
    assert [(row.who, row.swings) for row in rank_effort(swings, limit=limit)] == expected


def test_swings_are_described_by_kind_most_first() -> None:
    assert describe_swings({"pilot_joined": 1, "shoutout": 2}) == "2 shout-outs received, 1 pilot joined"
    assert describe_swings({"big_slice": 1}) == "1 stretch claim"
