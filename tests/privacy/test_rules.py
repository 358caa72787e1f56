"""The pure rules of people's data: cells a spreadsheet won't run, retention days, mentions replaced."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain.errors import UserError
from bot.domain.privacy import (
    FORMER_MEMBER,
    neutralise_cell,
    parse_retention_days,
    retention_cutoff,
    scrub_mentions,
    tombstone_id,
)
from bot.services.export_files import _cell


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("x")'])
def test_a_cell_starting_like_a_formula_gets_a_leading_quote(text: str) -> None:
    """Both the rule and the writer's cell cleaner neutralise it."""
    assert neutralise_cell(text) == "'" + text
    assert _cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Booked 3 demos", "", "a=b", "3-2", 5, -5, 0])
def test_ordinary_text_and_numbers_are_left_as_they_are(value: object) -> None:
    """A negative amount is a number, not a formula; '=' inside text is harmless."""
    assert neutralise_cell(value) == value
    assert _cell(value) == value


def test_cells_of_other_types_read_well() -> None:
    """Dates as ISO dates, instants to the second, booleans as words, None as empty."""
    assert _cell(date(2026, 11, 1)) == "2026-11-01"
    assert _cell(datetime(2026, 11, 1, 9, 30, 5, 123, tzinfo=UTC)) == "2026-11-01T09:30:05+00:00"
    assert _cell(True) == "yes" and _cell(None) == ""


def test_retention_days_are_checked() -> None:
    """0 is forever; negatives and words are refused with a readable reason."""
    assert parse_retention_days(" 365 ") == 365
    assert parse_retention_days("0") == 0
    for bad in ("-1", "a year", "99999999"):
        with pytest.raises(UserError):
            parse_retention_days(bad)


def test_an_unknown_zone_counts_in_utc() -> None:
    """A check-in with a zone Python doesn't know still gets a cutoff."""
    assert retention_cutoff(datetime(2026, 11, 21, 1, 30, tzinfo=UTC), "Mars/Olympus", 1) == date(
        2026, 11, 20
    )


def test_mentions_of_the_forgotten_person_become_a_former_member() -> None:
    """Only their mentions, in both forms Slack sends."""
    text = "<@U0RAJ> and <@U0RAJ|raj> helped <@U0ANN>"
    assert scrub_mentions(text, "U0RAJ") == f"{FORMER_MEMBER} and {FORMER_MEMBER} helped <@U0ANN>"
    assert tombstone_id(7) == "forgotten:7"
