"""The pie's pure rules: amounts as people type them, claims against the target, stretch, dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain.errors import UserError
from bot.domain.pie import (
    check_claim,
    format_amount,
    needs_snap_heads_up,
    parse_amount,
    parse_command,
    pie_dates,
    quarter_end,
    reminder_moments,
    stretch_reason,
)


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("20000", "USD", 2_000_000),
        ("20,000", "USD", 2_000_000),
        ("20k", "USD", 2_000_000),
        ("20K", "USD", 2_000_000),
        ("$20k", "USD", 2_000_000),
        ("20.5k", "USD", 2_050_000),
        ("1.5m", "USD", 150_000_000),
        ("€15k", "EUR", 1_500_000),
        ("15k EUR", "EUR", 1_500_000),
        ("¥20k", "JPY", 20_000),
        ("19.99", "USD", 1_999),
        ("$ 1,234,567.89", "USD", 123_456_789),
    ],
)
def test_amounts_are_read_the_way_people_type_them(text: str, currency: str, minor: int) -> None:
    assert parse_amount(text, currency) == minor


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("-5", "can't be negative"),
        ("$-5", "can't be negative"),
        ("0", "more than zero"),
        ("0.001", "more than zero"),
        ("abc", "can't read"),
        ("1e309", "can't read"),
        ("nan", "can't read"),
        ("inf", "can't read"),
        ("999999999999999999999999", "more than"),
        ("20k;", "can't read"),
        ("€15k", "counts in USD"),
        ("15k EUR", "counts in USD"),
        ("", "Type an amount"),
        ("1,00", "can't read"),
    ],
)
def test_bad_amounts_are_refused_with_what_to_type(text: str, says: str) -> None:
    with pytest.raises(UserError) as refused:
        parse_amount(text, "USD")
    assert says in refused.value.message
    assert "$20k" in refused.value.message or "release" in refused.value.message


def test_amounts_are_shown_in_the_team_currency() -> None:
    assert format_amount(2_050_000, "USD") == "$20,500"
    assert format_amount(1_999, "EUR") == "€19.99"
    assert format_amount(20_000, "JPY") == "¥20,000"
    assert format_amount(1_000_000, "CHF") == "10,000 CHF"


@pytest.mark.parametrize(
    ("text", "kind", "amount", "note", "for_user"),
    [
        ("", "status", "", "", None),
        ("20k two renewals", "claim", "20k", "two renewals", None),
        ("release", "release", "", "", None),
        ("progress 5k", "progress", "5k", "", None),
        ("progress <@U0REP1|raj> 5k", "progress", "5k", "", "U0REP1"),
        ("new 100k Q4 push", "new", "100k", "Q4 push", None),
        ("new", "new", "", "", None),
        ("target 120k", "target", "120k", "", None),
        ("close", "close", "", "", None),
    ],
)
def test_commands_are_split_into_what_was_asked(
    text: str, kind: str, amount: str, note: str, for_user: str | None
) -> None:
    command = parse_command(text)
    assert (command.kind, command.amount, command.note, command.for_user) == (kind, amount, note, for_user)


def test_a_claim_that_does_not_fit_says_how_much_is_left() -> None:
    with pytest.raises(UserError) as refused:
        check_claim(
            target=10_000_000,
            claimed_total=7_000_000,
            current_slice=0,
            amount=5_000_000,
            allow_overclaim=False,
            currency="USD",
        )
    assert "$30,000 is left" in refused.value.message
    # Changing your own slice counts what you already hold as yours.
    fits = check_claim(
        target=10_000_000,
        claimed_total=7_000_000,
        current_slice=2_000_000,
        amount=5_000_000,
        allow_overclaim=False,
        currency="USD",
    )
    assert fits.new_total == 10_000_000
    stretched = check_claim(
        target=10_000_000,
        claimed_total=7_000_000,
        current_slice=0,
        amount=5_000_000,
        allow_overclaim=True,
        currency="USD",
    )
    assert stretched.left_after == -2_000_000


@pytest.mark.parametrize(
    ("amount", "previous", "stretch"),
    [(30, None, True), (25, None, False), (20, 10, True), (20, 20, False), (10, None, False)],
)
def test_a_slice_above_an_even_cut_or_the_last_slice_is_a_stretch(
    amount: int, previous: int | None, stretch: bool
) -> None:
    assert (stretch_reason(amount=amount, target=100, reps=4, previous_slice=previous) is not None) is stretch


def test_the_snap_heads_up_needs_both_the_snap_zone_and_a_big_slice() -> None:
    assert needs_snap_heads_up(latest_zone="snap", amount=30, target=100, reps=4)
    assert not needs_snap_heads_up(latest_zone="snap", amount=25, target=100, reps=4)
    assert not needs_snap_heads_up(latest_zone="stretch", amount=90, target=100, reps=4)
    assert not needs_snap_heads_up(latest_zone=None, amount=90, target=100, reps=4)


def test_default_dates_are_a_week_to_claim_and_the_quarter_end() -> None:
    now = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    dates = pie_dates(now=now, tz_name="America/New_York")
    assert dates.claim_by == date(2026, 11, 30)
    assert dates.period_end == date(2026, 12, 31)
    assert dates.claim_deadline == datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # midnight in New York
    assert quarter_end(date(2026, 2, 10)) == date(2026, 3, 31)
    with pytest.raises(UserError):
        pie_dates(now=now, tz_name="UTC", claim_by=date(2026, 11, 1))


def test_there_are_at_most_two_reminders_and_none_right_after_baking() -> None:
    opened = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    deadline = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
    moments = reminder_moments(opened_at=opened, deadline=deadline, tz_name="America/New_York")
    assert moments == [datetime(2026, 11, 28, 15, 0, tzinfo=UTC), datetime(2026, 11, 30, 15, 0, tzinfo=UTC)]
    short = reminder_moments(
        opened_at=datetime(2026, 11, 30, 12, tzinfo=UTC), deadline=deadline, tz_name="UTC"
    )
    assert len(short) <= 1
