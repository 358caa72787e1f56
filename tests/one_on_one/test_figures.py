"""One set of pie figures everywhere: the digest, the huddle card, the Home and the pie card agree on days
left, percentages and counts (singular and plural right, one percent format), and after the claim
deadline the pie card says claims are closed and what is left."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.domain import figures
from bot.services.digest import PieSummary
from bot.services.huddles.card import HuddleCard, PulseSummary
from bot.services.pie import PieView, SliceLine
from bot.slack.blocks.digest import pie_text
from bot.slack.blocks.huddles import pie_line
from bot.slack.blocks.pie import build_home_pie, build_pie_card
from tests.slackclient import flatten_text

NOW = datetime(2026, 12, 29, 15, 0, tzinfo=UTC)  # Tue 29 Dec, 10:00 in New York

VIEW = PieView(
    pie_id=1,
    team_id=1,
    team_name="Closers",
    channel_id="C0TEAM",
    tz="America/New_York",
    title="Q4 push",
    currency="USD",
    target=10_000_000,
    claimed=6_660_000,
    progress=3_339_900,
    allow_overclaim=False,
    claim_deadline=datetime(2026, 11, 28, 5, 0, tzinfo=UTC),
    claim_by=date(2026, 11, 27),
    period_end=date(2026, 12, 31),
    status="open",
    reps=2,
    claimers=1,
    slices=(SliceLine(1, "U0RAJ", "Raj", 6_660_000, 3_339_900, ""),),
    unclaimed_user_ids=("U0ANN",),
)


@pytest.mark.parametrize(
    ("end", "today", "text"),
    [
        (date(2026, 12, 31), date(2026, 12, 29), "3 days left"),
        (date(2026, 12, 31), date(2026, 12, 30), "2 days left"),
        (date(2026, 12, 31), date(2026, 12, 31), "last day"),
        (date(2026, 12, 31), date(2027, 1, 1), "ended"),
    ],
)
def test_days_left_count_today(end: date, today: date, text: str) -> None:
    assert figures.days_left_text(figures.days_left(end, today)) == text


def test_counts_are_singular_or_plural() -> None:
    assert figures.claimers_text(1, 1) == "1 of 1 rep has a slice"
    assert figures.claimers_text(1, 2) == "1 of 2 reps has a slice"
    assert figures.claimers_text(2, 3) == "2 of 3 reps have a slice"
    assert figures.plural(1, "day") == "1 day" and figures.plural(0, "day") == "0 days"


def test_the_digest_huddle_home_and_pie_card_show_the_same_numbers() -> None:
    numbers = VIEW.figures(NOW)
    assert (numbers.claimed_pct, numbers.progress_pct, numbers.days_left) == (66, 33, 3)
    summary = PieSummary(
        title=VIEW.title,
        claimed="$66,600",
        target="$100,000",
        progress="$33,399",
        claimed_pct=numbers.claimed_pct,
        progress_pct=numbers.progress_pct,
        pace_pct=97,
        days_left=numbers.days_left,
        left="$33,400",
        unclaimed_reps=1,
        hint="",
    )
    card = HuddleCard(
        huddle_id=1,
        kind="huddle",
        team_name="Closers",
        tz=VIEW.tz,
        starts_at=NOW,
        pie=VIEW,
        pie_days_left=numbers.days_left,
        pilots=(),
        shoutouts=(),
        pulse=PulseSummary(answers=0, zones={}, readiness=None),
    )
    texts = {
        "digest": pie_text(summary),
        "huddle": pie_line(card) or "",
        "home": flatten_text(build_home_pie(VIEW, viewer="U0MIA", is_manager=True, now=NOW)),
        "card": flatten_text(build_pie_card(VIEW, viewer="U0MIA", is_manager=True, now=NOW)),
    }
    for where, text in texts.items():
        assert "66%" in text, where
        assert " %" not in text and "(s)" not in text, where
    for where in ("digest", "huddle", "home", "card"):
        assert "3 days left" in texts[where], where
    assert "33%" in texts["digest"] and "33%" in texts["home"] and "33%" in texts["card"]
    assert "1 of 2 reps has a slice" in texts["home"] and "1 of 2 reps has a slice" in texts["card"]


def test_after_the_claim_deadline_the_pie_card_says_claims_are_closed_and_what_is_left() -> None:
    text = flatten_text(build_pie_card(VIEW, viewer="U0MIA", is_manager=True, now=NOW))
    assert "Claims close at" not in text
    assert "Claims closed at the end of Fri 27 Nov: $33,400 of $100,000 was left unclaimed" in text
    assert "$33,400* unclaimed (claims are closed)" in text
    home = flatten_text(build_home_pie(VIEW, viewer="U0RAJ", is_manager=False, now=NOW))
    assert "Claims closed at the end of Fri 27 Nov" in home
    before = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
    still_open = flatten_text(build_pie_card(VIEW, viewer="U0MIA", is_manager=True, now=before))
    assert "Claims close at the end of Fri 27 Nov (America/New_York)" in still_open
    full = flatten_text(
        build_pie_card(replace(VIEW, claimed=VIEW.target), viewer="U0MIA", is_manager=True, now=NOW)
    )
    assert "the whole pie was claimed" in full
