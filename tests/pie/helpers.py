"""Driving /claim-pie over signed HTTP: Stretch answers in the ack when the answer is ready in time, else
acks empty and answers at the command's own response_url, which we wait for."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from bot.db import SessionFactory
from bot.models import Pie, PieSlice
from tests.conftest import Member, Running, seed_team
from tests.slackclient import SignedSlack, flatten_text
from tests.waiting import eventually

_names = itertools.count(1)
MIA = Member("U0MIA", "Mia Manager")
REPS = [Member("U0REP1", "Raj"), Member("U0REP2", "Ann"), Member("U0REP3", "Lee"), Member("U0REP4", "Kim")]


@dataclass
class PieReply:
    """What Stretch answered: the ack's status and the reply (the ack's body, or one at response_url)."""

    status: int
    body: dict[str, Any]
    in_ack: bool = False

    @property
    def text(self) -> str:
        """Every visible text of the reply."""
        return flatten_text(self.body)


def pie(
    running: Running, text: str = "", *, user: str, channel: str = "C0TEAM", wait: float = 10
) -> PieReply:
    """Send `/claim-pie <text>`; the answer is the ack's body, else what arrives at its response_url."""
    name = f"pie{next(_names)}"
    client = SignedSlack(
        running.slack.events_url,
        "test-signing-secret-0123456789abcdef",
        response_url=running.fake.response_url(name),
    )
    channel_name = "directmessage" if channel.startswith("D") else "sales-team"
    reply = client.command("/claim-pie", text, user=user, channel=channel, channel_name=channel_name)
    if reply.body and reply.json():
        return PieReply(reply.status, reply.json(), in_ack=True)

    def answered() -> list[Any]:
        return [c for c in running.fake.calls_to("response_url") if c.params.get("_name") == name]

    def done() -> bool:
        opened_form = bool(running.fake.calls_to("views.open")) and text.strip().lower() == "new"
        return bool(answered()) or opened_form

    eventually(done, timeout=wait)
    calls = answered()
    return PieReply(reply.status, calls[-1].params if calls else {})


def team(running: Running, reps: list[Member] | None = None, **kwargs: Any) -> int:
    """A team with Mia managing and four reps (or the given ones)."""
    return seed_team(
        session_factory=running.deps.session_factory,
        fake=running.fake,
        managers=[MIA],
        reps=REPS if reps is None else reps,
        **kwargs,
    )


def slices(session_factory: SessionFactory) -> dict[str, int]:
    """Claimed amounts by Slack user id, from the database."""
    from bot.models import Person

    with session_factory() as session:
        rows = session.execute(
            select(Person.slack_user_id, PieSlice.amount_minor).join(Person, Person.id == PieSlice.person_id)
        ).all()
    return {user: amount for user, amount in rows if amount}


def open_pie_row(session_factory: SessionFactory) -> Pie | None:
    """The open pie, if any."""
    with session_factory() as session:
        return session.scalar(select(Pie).where(Pie.open_team_id.is_not(None)))


def wait_for(predicate: Any, *, seconds: float = 10) -> Any:
    """Poll until `predicate()` is truthy (listeners answer Slack first, then work); returns its value."""
    return eventually(predicate, timeout=seconds)


def opened_view(running: Running, count: int) -> dict[str, Any]:
    """The view of the `count`-th views.open call, once it has happened."""
    calls = wait_for(
        lambda: len(running.fake.calls_to("views.open")) >= count and running.fake.calls_to("views.open")
    )
    assert calls, "no modal was opened"
    return calls[count - 1].json_param("view")


NOW_BAKE = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def bake_for(session_factory: SessionFactory, target: str) -> None:
    """Bake a pie for team 1 as its first manager, straight through the service."""
    from bot.db import session_scope
    from bot.services import pie as pie_service
    from bot.services.teams import teams_of

    with session_scope(session_factory) as session:
        role = teams_of(session=session, workspace_id=1, user_id="U0MIA")[0]
        pie_service.bake_pie(
            session=session, role=role, actor_user_id="U0MIA", target_text=target, title=None, now=NOW_BAKE
        )
