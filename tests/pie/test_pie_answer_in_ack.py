"""/claim-pie over signed HTTP answers in the ack itself when the answer is ready in time: the card and a
claim come back as the ack's body, and nothing is posted to response_url."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.slack.answers import AnswerQueue
from bot.slack.listeners.commands import pie as pie_listener
from tests.conftest import Running
from tests.pie.helpers import REPS, bake_for, slices, team


@pytest.fixture
def generous_queue(monkeypatch: pytest.MonkeyPatch) -> Iterator[AnswerQueue]:
    """A queue that waits up to 2.5 s for the answer (inside Bolt's 3 s), so a busy test machine still
    answers in the ack; what is tested is the path, not the speed."""
    queue = AnswerQueue(inline_budget=2.5)
    monkeypatch.setattr(pie_listener, "_ANSWERS", queue)
    yield queue


def test_the_card_and_a_claim_come_back_in_the_ack_and_nothing_goes_to_response_url(
    running: Running, generous_queue: AnswerQueue
) -> None:
    team(running)
    bake_for(running.deps.session_factory, "100k")
    rep = REPS[0].user_id

    card = running.slack.command("/claim-pie", "", user=rep)
    assert card.status == 200
    assert card.json()["response_type"] == "ephemeral"
    assert "$0 of $100,000 claimed" in card.text

    claim = running.slack.command("/claim-pie", "20k", user=rep)
    assert claim.status == 200 and claim.json()["response_type"] == "ephemeral"
    assert "You claimed *$20,000*" in claim.text
    assert "replace_original" not in claim.json()

    assert slices(running.deps.session_factory) == {rep: 2_000_000}  # minor units
    assert running.fake.calls_to("response_url") == []
    assert generous_queue.stats.in_ack == 2


def test_a_bad_amount_is_answered_in_the_ack_and_changes_nothing(
    running: Running, generous_queue: AnswerQueue
) -> None:
    team(running)
    bake_for(running.deps.session_factory, "100k")
    reply = running.slack.command("/claim-pie", "lots", user=REPS[1].user_id)
    assert reply.status == 200 and reply.json()["response_type"] == "ephemeral"
    assert reply.text  # the friendly error, not an empty ack
    assert slices(running.deps.session_factory) == {}
    assert running.fake.calls_to("response_url") == []
