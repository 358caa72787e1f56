"""Every slash command's text, fuzzed with hypothesis over signed HTTP, typed by people ON the team (a
rep and a manager): never a 500, never a traceback or the apology in the answer, and never a partial
write: the database is either unchanged or changed only in the tables that command family owns."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.slack.ids import Command
from tests.conftest import Running
from tests.reliability.authz_world import ACTORS, TEAM_CHANNEL, build_world, changed_tables, send, snapshot
from tests.reliability.test_authorization import TEXT
from tests.reliability.test_authorization_matrix import OOPS
from tests.slackclient import SignedSlack

# What each command family may write. Anything else changing is a write that does not belong to it.
OWNS = {
    Command.STRETCH: {"people", "checkins", "deliveries", "team_skip_dates", "huddles", "checkin_questions"}
    | {"privacy_audit"},  # privacy (issue 20): an export is recorded (forget only opens a modal)
    Command.CLAIM_PIE: {"pies", "pie_slices", "deliveries", "stretch_moments"},
    Command.SHOUTOUT: {"shoutouts", "shoutout_recipients", "people", "stretch_moments"},
}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(list(Command)), text=TEXT, role=st.sampled_from(["rep", "manager"]))
def test_fuzzed_command_text_from_a_team_member_never_errors_or_writes_half(
    running: Running, command: str, text: str, role: str
) -> None:
    """A 200 with a readable answer, and the database unchanged or changed only where the command may."""
    if "world" not in running.extra:
        running.extra["world"] = build_world(running)
    before = snapshot(running)

    def do(client: SignedSlack) -> object:
        return client.command(command, text, user=ACTORS[role], channel=TEAM_CHANNEL)

    outcome = send(running, do)
    assert outcome.reply.status == 200, f"{role}: {command} {text!r}"
    assert "Traceback" not in outcome.text and OOPS not in outcome.text, f"{role}: {command} {text!r}"
    changed = set(changed_tables(before, snapshot(running)))
    assert changed <= OWNS[Command(command)], f"{role}: {command} {text!r} wrote {changed}"
