"""The card's content and Slack limits, and the huddle fields of the setup modal."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from bot.domain.teams import TeamDraft
from bot.services.huddles.card import HuddleCard, PilotLine, PulseSummary, ShoutoutLine
from bot.services.pie import PieView
from bot.slack.blocks.huddles import build_huddle_card
from bot.slack.blocks.setup import build_setup_modal, parse_setup_state
from tests.slackclient import flatten_text, state_values_from_view

START = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


def _card(pilots: int, shoutouts: int, answers: int, people: int | None = None) -> HuddleCard:
    pie = PieView(
        pie_id=1, team_id=1, team_name="Closers", channel_id="C0TEAM", tz="America/New_York", title="Q4",
        currency="USD", target=10_000_000, claimed=4_500_000, progress=2_000_000, allow_overclaim=False,
        claim_deadline=START, claim_by=date(2026, 12, 4), period_end=date(2026, 12, 31), status="open",
        reps=3, claimers=2, slices=(), unclaimed_user_ids=(),
    )  # fmt: skip
    return HuddleCard(
        huddle_id=7,
        kind="scheduled",
        team_name="Closers",
        tz="America/New_York",
        starts_at=START,
        pie=pie,
        pie_days_left=31,
        pilots=tuple(PilotLine(f"Pilot {i}", "more dials", "x" * 190) for i in range(pilots)),
        shoutouts=tuple(ShoutoutLine("U0ANA", ("U0BEN",) * 8, "y" * 3000) for _ in range(shoutouts)),
        pulse=PulseSummary(
            answers=answers,
            zones={"stretch": 2, "snap": 1},
            readiness=3.5,
            people=answers if people is None else people,
        ),
    )


def test_the_card_shows_pie_pilots_shoutouts_pulse_and_the_prompt() -> None:
    text, blocks = build_huddle_card(_card(pilots=2, shoutouts=1, answers=3))
    body = flatten_text(blocks)
    assert "Q4" in body and "45% claimed" in body and "$20,000 of $100,000 closed" in body and "▓" in body
    assert "The goal isn't _more dials_. The goal is to get better at" in body
    assert "Shout-outs since the last huddle* (1)" in body
    assert "3 check-ins" in body and "2 stretch" in body and "1 snap" in body and "readiness 3.5/5" in body
    assert "What's one thing you'll stretch for this week?" in body and "What's one thing" in text


def test_pulse_stays_hidden_under_three_answers() -> None:
    body = flatten_text(build_huddle_card(_card(pilots=0, shoutouts=0, answers=2))[1])
    assert "readiness" not in body and "not shown" in body


def test_pulse_stays_hidden_with_many_answers_from_two_people() -> None:
    """Six answers from two reps: still not three different people, so no team figures."""
    body = flatten_text(build_huddle_card(_card(pilots=0, shoutouts=0, answers=6, people=2))[1])
    pulse = body.split("Team pulse")[1]
    assert "not shown" in pulse and "readiness 3.5" not in pulse and "2 stretch" not in pulse


def test_many_pilots_and_shoutouts_are_summarised_within_slack_limits() -> None:
    _, blocks = build_huddle_card(_card(pilots=30, shoutouts=80, answers=12))
    assert len(blocks) <= 50
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
    body = flatten_text(blocks)
    assert "…and 26 more" in body and "…and 75 more in the channel" in body


def test_setup_modal_round_trips_the_huddle_schedule_and_keeps_it_optional() -> None:
    draft = TeamDraft(
        name="Closers",
        channel_id="C0TEAM",
        managers=("U0MIA",),
        reps=(),
        huddle_days=("mon", "thu"),
        huddle_time=time(9, 15),
        huddle_lead_minutes=45,
        huddle_skip_notice=True,
    )
    view = build_setup_modal(draft, team_id=3)
    parsed = parse_setup_state(state_values_from_view(view))
    assert parsed.huddle_days == ("mon", "thu") and parsed.huddle_time == time(9, 15)
    assert parsed.huddle_lead_minutes == 45 and parsed.huddle_skip_notice
    empty = parse_setup_state(
        state_values_from_view(build_setup_modal(TeamDraft("A", "C1", ("U1",), ()), team_id=None))
    )
    assert empty.huddle_days == () and not empty.huddle_skip_notice
