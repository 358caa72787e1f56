"""The slash-command part of the authorization matrix: every `/stretch` subcommand (checked against the
list in bot/features.py, so a new one without a row fails), `/claim-pie` (status, a claim, new, target, close, progress
for a rep) and `/shoutout`, typed in the team's channel by each of the five people.

Whoever may not gets a clear private answer, nothing is written and nothing reaches a channel; whoever
may, succeeds. A manager of another team only ever acts on their own team."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from bot.features import wiring
from bot.models import Base
from bot.slack.ids import Command, LeadsCommand
from tests.conftest import Running
from tests.reliability.authz_world import (
    ACTORS,
    TEAM_CHANNEL,
    build_world,
    changed_tables,
    send,
    snapshot,
)
from tests.reliability.test_authorization_matrix import OOPS, REFUSAL
from tests.slackclient import SignedSlack

EVERYONE = frozenset(ACTORS)


@dataclass(frozen=True)
class CommandCase:
    """One command line typed in the team's channel: who may, and who acts on their own team instead."""

    command: str
    text: str
    allowed: frozenset[str]
    own_team: frozenset[str] = frozenset()  # succeed, but on their own team: this team stays untouched
    pie: bool = True


MANAGER = frozenset({"manager"})
REP = frozenset({"rep"})
MEMBERS = frozenset({"rep", "manager"})
ELSEWHERE = frozenset({"other manager"})

CASES: list[CommandCase] = [
    CommandCase(Command.STRETCH, "alerts", MANAGER, ELSEWHERE),
    CommandCase(Command.STRETCH, "away 5d", MEMBERS, ELSEWHERE),
    CommandCase(Command.STRETCH, "back", MEMBERS, ELSEWHERE),
    CommandCase(Command.STRETCH, "check-in", REP),
    CommandCase(Command.STRETCH, "checkin", REP),
    CommandCase(Command.STRETCH, "digest", MANAGER, ELSEWHERE),
    # privacy (issue 20): anyone takes or forgets their own data (forget only opens the confirmation);
    # a team's data goes to its managers and workspace admins, never to another team's manager.
    CommandCase(Command.STRETCH, "export me", EVERYONE),
    CommandCase(Command.STRETCH, "export team", frozenset({"manager", "admin"})),
    CommandCase(Command.STRETCH, "forget me", EVERYONE),
    CommandCase(Command.STRETCH, "help", EVERYONE),
    CommandCase(Command.STRETCH, "?", EVERYONE),
    CommandCase(Command.STRETCH, "huddle", MANAGER, ELSEWHERE),
    CommandCase(Command.STRETCH, "pilot", MEMBERS, ELSEWHERE),
    CommandCase(Command.STRETCH, "pilots", MEMBERS, ELSEWHERE),
    CommandCase(Command.STRETCH, "questions", MANAGER, ELSEWHERE),
    CommandCase(Command.STRETCH, "setup", frozenset({"manager", "admin"})),
    CommandCase(Command.STRETCH, "skip", MANAGER, ELSEWHERE),
    CommandCase(Command.STRETCH, "skip 2027-03-02", MANAGER, ELSEWHERE),
    CommandCase(Command.STRETCH, "unskip 2026-12-24", MANAGER, ELSEWHERE),
    CommandCase(Command.CLAIM_PIE, "", MEMBERS, ELSEWHERE),
    CommandCase(Command.CLAIM_PIE, "5k first slice", REP),
    CommandCase(Command.CLAIM_PIE, "new 100k Q1 push", MANAGER, ELSEWHERE, pie=False),
    CommandCase(Command.CLAIM_PIE, "target 90k", MANAGER, ELSEWHERE),
    CommandCase(Command.CLAIM_PIE, "close", MANAGER, ELSEWHERE),
    CommandCase(Command.CLAIM_PIE, "progress <@U0ANN|ann> 5k", MANAGER, ELSEWHERE),
    CommandCase(Command.SHOUTOUT, "<@U0ANN|ann> booked three demos", MEMBERS, ELSEWHERE),
    CommandCase(LeadsCommand.CLAIM_LEADS, "", MEMBERS, ELSEWHERE),
    CommandCase(LeadsCommand.CLAIM_LEADS, "add Initech (initech.io), Hooli", REP),
    CommandCase(LeadsCommand.CLAIM_LEADS, "release Acme", REP),
    CommandCase(LeadsCommand.CLAIM_LEADS, "umbrella Ohio Credit Union League", REP),
]

# The alerts card says who sees it; that sentence is not a refusal.
PRIVACY_NOTE = "Only this team's managers see this."

# Commands whose allowed use posts in a team channel (that is what they are for).
CHANNEL_OK = {"/stretch huddle", f"{Command.SHOUTOUT} <@U0ANN|ann> booked three demos"}


def test_every_stretch_subcommand_is_in_the_matrix() -> None:
    """A new `/stretch` word in the registry without a row here fails."""
    typed = {case.text.split()[0] for case in CASES if case.command == Command.STRETCH}
    assert typed == set(wiring().subcommands), "update CASES in the command matrix"


def _run(running: Running, case: CommandCase, user: str) -> Any:
    def do(client: SignedSlack) -> Any:
        return client.command(case.command, case.text, user=user, channel=TEAM_CHANNEL)

    return send(running, do)


def team_rows(running: Running, team_id: int) -> dict[str, list[str]]:
    """Every row that belongs to one team (tables with a team_id column, and the team itself)."""
    rows: dict[str, list[str]] = {}
    with running.deps.session_factory() as session:
        for table in Base.metadata.sorted_tables:
            column = table.c.get("team_id") if table.name != "teams" else table.c.id
            if column is None:
                continue
            rows[table.name] = sorted(
                repr(tuple(r)) for r in session.execute(select(table).where(column == team_id))
            )
    return rows


def _channel_posts(outcome: Any, channel: str) -> list[Any]:
    return [c for c in outcome.channel_posts() if c.params.get("channel") == channel]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.command} {c.text}".strip())
def test_each_command_refuses_whoever_may_not_type_it_and_works_for_who_may(
    running: Running, case: CommandCase
) -> None:
    """Refused people get a private answer and change nothing; a manager of another team only ever touches
    their own team; allowed people succeed."""
    world = build_world(running, with_pie=case.pie)
    line = f"{case.command} {case.text}".strip()
    for role in sorted(EVERYONE - case.allowed - case.own_team):
        before = snapshot(running)
        outcome = _run(running, case, ACTORS[role])
        who = f"{role} typing {line}"
        assert outcome.reply.status == 200, who
        assert not changed_tables(before, snapshot(running)), (
            f"{who} changed {changed_tables(before, snapshot(running))}"
        )
        assert not outcome.channel_posts(), f"{who} made Stretch post to a channel"
        assert not outcome.modals, f"{who} got a modal"
        answer = f"{outcome.reply.text}\n{outcome.response_text}"
        assert answer.strip(), f"{who} got no answer"
        assert OOPS not in answer, f"{who} got the apology instead of a refusal"
    for role in sorted(case.own_team):
        mine = team_rows(running, world.team)
        outcome = _run(running, case, ACTORS[role])
        who = f"{role} typing {line}"
        assert outcome.reply.status == 200 and OOPS not in outcome.text, who
        assert team_rows(running, world.team) == mine, f"{who} changed this team's rows"
        assert not _channel_posts(outcome, TEAM_CHANNEL), f"{who} posted in this team's channel"
    for role in sorted(case.allowed):
        before = snapshot(running)
        outcome = _run(running, case, ACTORS[role])
        who = f"{role} typing {line}"
        assert outcome.reply.status == 200, who
        assert OOPS not in outcome.text, f"{who}: {outcome.text[:300]}"
        private = f"{outcome.reply.text}\n{outcome.response_text}".replace(PRIVACY_NOTE, "")
        assert REFUSAL.search(private) is None, f"{who} was refused: {private[:300]}"
        assert changed_tables(before, snapshot(running)) or outcome.calls or private.strip(), (
            f"{who}: nothing"
        )
        assert not outcome.channel_posts() or line in CHANNEL_OK, f"{who} posted in a channel"
        # privacy (issue 20): a file only ever goes into the asker's own DM.
        shared = [
            c.params.get("channel_id") for c in outcome.calls if c.method == "files.completeUploadExternal"
        ]
        assert all(channel == "D" + ACTORS[role][1:] for channel in shared), (
            f"{who} shared a file in {shared}"
        )
