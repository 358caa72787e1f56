"""Who may do what, over signed HTTP: manager-only commands refuse reps, managers of another team and
strangers with a clear message and write nothing; every slash command's text, fuzzed, never answers 500
and never writes anything for someone outside every team."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.models import Base, Pie, Team, TeamSkipDate
from bot.slack.ids import Command
from tests.conftest import Member, Running, seed_team
from tests.slackclient import SignedSlack, flatten_text
from tests.waiting import eventually

MANAGER, REP, OTHER_MANAGER, OTHER_REP, STRANGER = "U0MIA", "U0RAJ", "U0OMG", "U0ORP", "U0NOBODY"


def _seed(running: Running) -> None:
    seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[Member(MANAGER, "Mia")],
        reps=[Member(REP, "Raj"), Member("U0ANN", "Ann")],
    )
    seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[Member(OTHER_MANAGER, "Omar")],
        reps=[Member(OTHER_REP, "Olu")],
        name="Hunters",
        channel="C0OTHER",
    )
    running.fake.add_user(STRANGER, "Nobody")


def _snapshot(running: Running) -> dict[str, int]:
    """Row counts of every table (what a refused request must leave alone)."""
    with running.deps.session_factory() as session:
        return {
            table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


_names = iter(range(1_000_000))


def _run(running: Running, command: str, text: str, *, user: str, channel: str = "C0TEAM") -> tuple[int, str]:
    """Send a slash command; the status of the ack and all text Stretch answered (ack or response_url)."""
    name = f"authz{next(_names)}"
    client = SignedSlack(
        running.slack.events_url,
        "test-signing-secret-0123456789abcdef",
        response_url=running.fake.response_url(name),
    )
    reply = client.command(command, text, user=user, channel=channel)
    if reply.text.strip():
        return reply.status, reply.text
    calls = eventually(
        lambda: [c for c in running.fake.calls_to("response_url") if c.params.get("_name") == name]
    )
    return reply.status, flatten_text(calls[-1].params) if calls else ""


# Manager-only commands of the team in channel C0TEAM: (command, text, what the manager's success shows).
MANAGER_ONLY = [
    (Command.CLAIM_PIE, "new 100k Q4 push", "baked"),
    (Command.STRETCH, "skip 2027-03-02", "is a day off"),
]
REFUSED = {"rep of this team": REP, "rep of another team": OTHER_REP, "stranger": STRANGER}


@pytest.mark.parametrize(("command", "text", "success"), MANAGER_ONLY)
def test_manager_only_commands_refuse_everyone_else_and_write_nothing(
    running: Running, command: str, text: str, success: str
) -> None:
    """Each refused role gets a clear private answer and not one row changes; then the manager succeeds."""
    _seed(running)
    for role, user in REFUSED.items():
        before = _snapshot(running)
        status, answer = _run(running, command, text, user=user)
        assert status == 200, role
        assert answer.strip(), f"{role} got no answer"
        assert "manager" in answer.lower() or "team" in answer.lower(), f"{role}: {answer!r}"
        assert _snapshot(running) == before, f"{role} changed something with {command} {text}"
    # A manager of another team, typing in this team's channel, only ever acts on their own team.
    _run(running, command, text, user=OTHER_MANAGER)
    with running.deps.session_factory() as session:
        this_team = session.scalar(select(Team.id).where(Team.channel_id == "C0TEAM"))
        touched = {row for table in (Pie, TeamSkipDate) for row in session.scalars(select(table.team_id))}
    assert this_team not in touched, "another team's manager changed this team"
    before = _snapshot(running)
    status, answer = _run(running, command, text, user=MANAGER)
    assert status == 200 and success in answer
    assert _snapshot(running) != before


WORDS = st.sampled_from(
    [
        "",
        "help",
        "setup",
        "new",
        "100k",
        "skip",
        "away",
        "back",
        "pilots",
        "pilot",
        "release",
        "close",
        "target",
        "progress",
        # privacy (issue 20)
        "export",
        "forget",
        "me",
        "team",
        "<@U0RAJ|raj>",
        "<#C0TEAM|sales>",
        "2031-01-02",
        "-1",
        "1e309",
        "\u202e",
        ";",
        "`",
    ]
)
TEXT = st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=4).map(" ".join)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(command=st.sampled_from(list(Command)), text=TEXT)
def test_fuzzed_command_text_from_a_stranger_never_errors_and_writes_nothing(
    running: Running, command: str, text: str
) -> None:
    """Anything typed after any slash command by someone outside every team: a 200 answer, no 500,
    and the database unchanged (no partial write)."""
    if not _snapshot(running)["teams"]:
        _seed(running)
    before = _snapshot(running)
    status, _answer = _run(running, command, text, user=STRANGER, channel="C0NOWHERE")
    assert status == 200
    assert _snapshot(running) == before
