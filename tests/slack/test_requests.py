"""Requests reach Stretch only when Slack signed them; `/stretch help` answers with the usage card."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from bot.models import Person, Workspace
from tests.conftest import Running


def test_help_answers_with_the_complete_usage_card(running: Running) -> None:
    """`/stretch help` is an ephemeral Block Kit card listing every command."""
    reply = running.slack.stretch("help", user="U0REP")
    assert reply.status == 200
    body = reply.json()
    assert body["response_type"] == "ephemeral"
    assert body["blocks"][0]["type"] == "header"
    for usage in (
        "/stretch setup",
        "/stretch help",
        "/stretch checkin",
        "/claim-pie",
        "/shoutout",
        "/stretch pilot",
    ):
        assert usage in reply.text, usage


def test_bare_stretch_is_the_help_card(running: Running) -> None:
    """Typing just `/stretch` shows the same card."""
    reply = running.slack.stretch("", user="U0REP")
    assert reply.status == 200
    assert "/stretch setup" in reply.text


def test_unknown_subcommand_says_so_and_shows_help(running: Running) -> None:
    """`/stretch frobnicate` names what wasn't recognised, then the usage card."""
    reply = running.slack.stretch("frobnicate now", user="U0REP")
    assert reply.status == 200
    assert "didn't recognise `frobnicate`" in reply.text
    assert "/stretch setup" in reply.text


def test_forged_signature_is_refused_and_writes_nothing(running: Running) -> None:
    """A request signed with another secret gets 401 and leaves no trace."""
    body = running.slack.command_body("/stretch", "setup", user="U0EVIL")
    reply = running.slack.post(body, "application/x-www-form-urlencoded", signature="v0=" + "0" * 64)
    assert reply.status == 401
    _assert_nothing_written(running)


def test_missing_signature_headers_are_refused(running: Running) -> None:
    """Without Slack's signature headers a request is 401."""
    body = running.slack.command_body("/stretch", "help", user="U0EVIL")
    for omit in (
        ("X-Slack-Signature",),
        ("X-Slack-Request-Timestamp",),
        ("X-Slack-Signature", "X-Slack-Request-Timestamp"),
    ):
        reply = running.slack.post(body, "application/x-www-form-urlencoded", omit=omit)
        assert reply.status == 401, omit


def test_a_replayed_request_older_than_five_minutes_is_refused(running: Running) -> None:
    """A correctly signed request whose timestamp is 6 minutes old is 401 (replay protection)."""
    body = running.slack.command_body("/stretch", "setup", user="U0EVIL")
    reply = running.slack.post(
        body, "application/x-www-form-urlencoded", timestamp=str(int(time.time()) - 360)
    )
    assert reply.status == 401
    _assert_nothing_written(running)


def test_healthz_answers_when_the_database_does(running: Running) -> None:
    """GET /healthz is 200 while the database answers."""
    import json
    import urllib.request

    with urllib.request.urlopen(f"{running.base_url}/healthz", timeout=5) as response:
        assert response.status == 200
        assert json.loads(response.read())["database"] == "up"


def _assert_nothing_written(running: Running) -> None:
    with running.deps.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Workspace)) == 0
        assert session.scalar(select(func.count()).select_from(Person)) == 0
    assert running.fake.calls_to("views.open") == []
