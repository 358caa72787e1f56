"""Stretch in the team channel: setting a team up (setup modal, `stretch team create`) joins a public
channel or says how to invite Stretch to a private one."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from bot.cli.main import main
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, Running
from tests.fakeslack import FakeSlack
from tests.slackclient import state_values_from_view

# --- setting a team up -----------------------------------------------------------------------------------


def _submit_setup(running: Running, channel: str) -> str:
    """An admin runs /stretch setup in `channel` and saves; returns the confirmation DM's text."""
    fake = running.fake
    fake.add_user("U0ADMIN", "Ada Admin", is_admin=True)
    fake.add_user("U0MIA", "Mia Manager")
    running.slack.stretch("setup", user="U0ADMIN", channel=channel, channel_name="west-sales")
    view = fake.calls_to("views.open")[-1].json_param("view")
    values = state_values_from_view(
        view, {"team_name": {"value": "West"}, "team_managers": {"selected_users": ["U0MIA"]}}
    )
    submitted = running.slack.submit_view(view, values, user="U0ADMIN")
    assert submitted.status == 200 and "errors" not in (submitted.json() or {})
    return str(fake.wait_for("chat.postMessage", channel="U0ADMIN")[-1].params["text"])


def test_setup_joins_a_public_channel_stretch_is_not_in(running: Running) -> None:
    """Saving the team makes Stretch a member of its public channel and says so."""
    running.fake.add_channel("C0WEST", private=False, member=False)
    confirmation = _submit_setup(running, "C0WEST")
    assert [c.params["channel"] for c in running.fake.calls_to("conversations.join")] == ["C0WEST"]
    assert "I joined <#C0WEST>" in confirmation
    assert running.fake.channels["C0WEST"]["is_member"]


def test_setup_in_a_private_channel_says_how_to_invite_stretch(running: Running) -> None:
    """A private channel can't be joined: the confirmation says to type /invite @Stretch there."""
    running.fake.add_channel("G0WEST", private=True, member=False)
    confirmation = _submit_setup(running, "G0WEST")
    assert running.fake.calls_to("conversations.join", ok_only=False) == []
    assert "`/invite @Stretch` in <#G0WEST>" in confirmation


def test_setup_where_stretch_already_is_joins_nothing(running: Running) -> None:
    """Already a member: no join call, and the confirmation says all is well."""
    running.fake.add_channel("C0WEST", private=False, member=True)
    confirmation = _submit_setup(running, "C0WEST")
    assert running.fake.calls_to("conversations.join", ok_only=False) == []
    assert "I'm in <#C0WEST>" in confirmation


@pytest.fixture
def operator(
    monkeypatch: pytest.MonkeyPatch, fake_slack: FakeSlack, database_url: str, tmp_path: Path, db: Engine
):
    """An operator's shell against the fake Slack and the test database."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", fake_slack.url)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    fake_slack.add_user("U0MIA", "Mia Manager")
    return fake_slack


def test_team_create_joins_a_public_channel(operator: FakeSlack, capsys) -> None:
    operator.add_channel("C0WEST", member=False)
    assert main(["team", "create", "--name", "West", "--channel", "C0WEST", "--managers", "U0MIA"]) == 0
    out = capsys.readouterr().out
    assert "I joined #C0WEST" in out
    assert operator.channels["C0WEST"]["is_member"]


def test_team_create_with_a_private_channel_says_how_to_invite(operator: FakeSlack, capsys) -> None:
    """The team is saved; stderr says plainly to /invite @Stretch in the channel (no Slack markup)."""
    operator.add_channel("G0WEST", private=True, member=False)
    assert main(["team", "create", "--name", "West", "--channel", "G0WEST", "--managers", "U0MIA"]) == 0
    captured = capsys.readouterr()
    assert "created" in captured.out
    [line] = [line for line in captured.err.splitlines() if "invite" in line]
    assert "/invite @Stretch` in #G0WEST" in line and "<#" not in line
