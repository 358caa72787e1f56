"""Driving lead lists over signed HTTP: commands, buttons and modals, waiting for every listener they start."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bot.jobs.tick import tick
from bot.models.leads import LeadOverlap
from bot.slack.app import make_client
from tests.conftest import Member, Running, seed_team
from tests.reliability.authz_world import Outcome, send
from tests.slackclient import SignedSlack, state_values_from_view

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # a Monday, 10:00 in New York
MIA = Member("U0MIA", "Mia")
RAJ, ANN, LEE = Member("U0RAJ", "Raj"), Member("U0ANN", "Ann"), Member("U0LEE", "Lee")


def team(running: Running) -> int:
    """Closers: Mia manages Raj, Ann and Lee."""
    running.clock.set(NOW)
    return seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[MIA],
        reps=[RAJ, ANN, LEE],
        now=NOW,
    )


def leads(running: Running, text: str = "", *, user: str, channel: str = "C0TEAM") -> Outcome:
    """Type `/claim-leads <text>`."""
    return send(running, lambda client: client.command("/claim-leads", text, user=user, channel=channel))


def click(running: Running, action_id: str, value: str, *, user: str) -> Outcome:
    """Click a button in the bot's DM with `user`."""

    def do(client: SignedSlack) -> Any:
        return client.action(action_id, user=user, value=value, channel="D" + user[1:])

    return send(running, do)


def submit(running: Running, view: dict[str, Any], typed: dict[str, Any], *, user: str) -> Outcome:
    """Submit a modal as it was opened, with `typed` (block_id → element state)."""
    values = state_values_from_view(view, typed)
    return send(running, lambda client: client.submit_view(view, values, user=user))


def opened(outcome: Outcome) -> dict[str, Any]:
    """The modal a click opened."""
    assert outcome.modals, f"no modal opened: {outcome.text[:300]}"
    return dict(outcome.modals[-1].json_param("view"))


def overlaps(running: Running) -> list[LeadOverlap]:
    """Every overlap, oldest first."""
    with running.deps.session_factory() as session:
        return list(session.scalars(select(LeadOverlap).order_by(LeadOverlap.id)))


def run_tick(running: Running, at: datetime) -> None:
    """One tick of the clock at `at` (plan, then send)."""
    tick(session_factory=running.deps.session_factory, client=make_client(running.deps.settings), now=at)


def buttons(call: Any) -> dict[str, str]:
    """action_id → value of every button in a posted message."""
    found = {}
    for block in call.json_param("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("type") == "button":
                found[element["action_id"]] = element.get("value", "")
    return found
