"""Whatever words people type reach Stretch intact over signed HTTP: Bolt used to read any form body
holding the word "payload" as an interactive payload, so such a command was answered 404."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from bot.slack.payloads import parse_http_body
from tests.conftest import Running
from tests.pie.helpers import open_pie_row, pie, slices, team

WORDS = ["payload", "payload=", "token", "type", "view", "actions", "view_submission", "block_actions", "{"]


@pytest.mark.parametrize("word", WORDS)
def test_a_claim_note_with_any_word_is_claimed_with_the_note_intact(running: Running, word: str) -> None:
    """`/claim-pie 20k <word> integration deal with Acme` claims the slice and keeps the note."""
    team(running)
    assert "is baked" in pie(running, "new 100k", user="U0MIA").text
    reply = pie(running, f"20k {word} integration deal with Acme", user="U0REP1")
    assert reply.status == 200
    assert "You claimed *$20,000*" in reply.text
    assert slices(running.deps.session_factory) == {"U0REP1": 2_000_000}
    row = open_pie_row(running.deps.session_factory)
    assert row is not None
    card = pie(running, user="U0REP2").text
    assert f"{word} integration deal with Acme" in card


def test_a_stretch_subcommand_holding_payload_is_answered(running: Running) -> None:
    """`/stretch payload` is an unknown subcommand, answered with the help card (not a 404)."""
    reply = running.slack.stretch("payload", user="U0REP")
    assert reply.status == 200
    assert "didn't recognise `payload`" in reply.text


def test_a_form_is_an_interactive_payload_only_when_its_one_field_is_payload() -> None:
    """The body reader tells a slash command from a button click by the field name, not by the words."""
    command = urlencode({"command": "/claim-pie", "text": "20k payload deal", "user_id": "U1"})
    assert parse_http_body(command, "application/x-www-form-urlencoded")["text"] == "20k payload deal"
    click = urlencode({"payload": '{"type": "block_actions", "user": {"id": "U1"}}'})
    assert parse_http_body(click, "application/x-www-form-urlencoded")["type"] == "block_actions"
    assert parse_http_body('{"type": "event_callback"}', "application/json")["type"] == "event_callback"
    assert parse_http_body("", None) == {}
