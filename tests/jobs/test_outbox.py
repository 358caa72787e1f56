"""The delivery outbox: planned once, sent once, retried when Slack stumbles, given up when it's too late."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import SessionFactory, session_scope
from bot.deliveries import KindSpec, Message, enqueue
from bot.jobs import outbox
from bot.jobs.outbox import DispatchReport
from bot.models import Delivery, Person
from bot.services.people import get_or_create_workspace
from tests.fakeslack import WORKSPACE_ID, FakeSlack

NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
KIND = "test_note"
# The one delivery kind these tests send (filled by the note_kind fixture).
KINDS: dict[str, KindSpec] = {}


def dispatch_due(**kwargs: Any) -> DispatchReport:
    """The outbox's sender, knowing only the test kind."""
    return outbox.dispatch_due(kinds=KINDS, **kwargs)


@pytest.fixture(autouse=True)
def note_kind() -> Iterator[list[int]]:
    """A delivery kind whose renderer says hello and whose hooks record what happened."""
    seen: list[int] = []

    def render(session: Session, delivery: Delivery, now: datetime) -> Message | None:
        if delivery.ref_id == 0:
            return None
        return Message(
            text=f"hello #{delivery.ref_id}",
            blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}],
        )

    def after(session: Session, delivery: Delivery, now: datetime) -> None:
        seen.append(delivery.id)

    KINDS[KIND] = KindSpec(render=render, after_send=after)
    yield seen
    KINDS.pop(KIND, None)


def _plan(
    factory: SessionFactory,
    key: str,
    channel: str = "U0A",
    *,
    ref: int = 1,
    expires: datetime | None = None,
    person_id: int | None = None,
) -> bool:
    with session_scope(factory) as session:
        return enqueue(
            session=session,
            kind=KIND,
            dedupe_key=key,
            channel=channel,
            due_at=NOW,
            now=NOW,
            expires_at=expires,
            ref_id=ref,
            person_id=person_id,
        )


def _statuses(factory: SessionFactory) -> dict[str, str]:
    with factory() as session:
        return {d.dedupe_key: d.status for d in session.scalars(select(Delivery))}


def test_planning_the_same_key_twice_keeps_one_row(session_factory: SessionFactory) -> None:
    """enqueue is idempotent by key."""
    assert _plan(session_factory, "k1") is True
    assert _plan(session_factory, "k1") is False
    assert list(_statuses(session_factory)) == ["k1"]


def test_a_due_delivery_is_sent_once_and_a_second_pass_sends_nothing(
    session_factory: SessionFactory, fake_slack: FakeSlack, slack_client, note_kind: list[int]
) -> None:
    """One chat.postMessage per row, however often the sender runs."""
    _plan(session_factory, "k1", "U0A")
    _plan(session_factory, "k2", "U0B", ref=2)
    first = dispatch_due(session_factory=session_factory, client=slack_client, now=NOW)
    second = dispatch_due(
        session_factory=session_factory, client=slack_client, now=NOW + timedelta(minutes=1)
    )
    assert (first.sent, second.sent) == (2, 0)
    assert [c.params["channel"] for c in fake_slack.calls_to("chat.postMessage")] == ["U0A", "U0B"]
    assert len(note_kind) == 2
    with session_factory() as session:
        sent = session.scalars(select(Delivery).order_by(Delivery.id)).all()
        assert all(d.status == "sent" and d.message_ts for d in sent)


def test_a_delivery_not_yet_due_waits(
    session_factory: SessionFactory, fake_slack: FakeSlack, slack_client
) -> None:
    """Nothing is sent before due_at."""
    _plan(session_factory, "k1")
    report = dispatch_due(
        session_factory=session_factory, client=slack_client, now=NOW - timedelta(seconds=1)
    )
    assert report.sent == 0 and fake_slack.calls_to("chat.postMessage") == []


def test_a_renderer_returning_nothing_cancels(
    session_factory: SessionFactory, fake_slack: FakeSlack, slack_client
) -> None:
    """A message no longer needed (e.g. answered meanwhile) is cancelled, not sent."""
    _plan(session_factory, "k0", ref=0)
    report = dispatch_due(session_factory=session_factory, client=slack_client, now=NOW)
    assert report.cancelled == 1
    assert _statuses(session_factory) == {"k0": "cancelled"}


def test_server_errors_are_retried_on_a_later_pass(
    session_factory: SessionFactory, fake_slack: FakeSlack, slack_client
) -> None:
    """A 503 leaves the row 'sending' (Slack may have posted it); the next pass after backoff checks
    Slack's history, finds nothing and sends it, once."""
    fake_slack.fail("chat.postMessage", status=503, error="service_unavailable", times=1)
    _plan(session_factory, "k1")
    first = dispatch_due(session_factory=session_factory, client=slack_client, now=NOW)
    assert first.sent == 0 and first.retry_later == 1
    assert _statuses(session_factory) == {"k1": "sending"}
    again_too_soon = dispatch_due(
        session_factory=session_factory, client=slack_client, now=NOW + timedelta(seconds=5)
    )
    assert again_too_soon.sent == 0
    later = dispatch_due(session_factory=session_factory, client=slack_client, now=NOW + timedelta(minutes=2))
    assert later.sent == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert len(fake_slack.calls_to("conversations.history")) == 1


def test_a_rate_limited_send_pauses_for_retry_after_and_is_not_lost(
    session_factory: SessionFactory, fake_slack: FakeSlack, slack_client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """429s beyond the client's retries: the sender sleeps Retry-After and the row is sent on the next claim."""
    sleeps: list[float] = []
    fake_slack.fail("chat.postMessage", status=429, retry_after=1, times=3)
    _plan(session_factory, "k1")
    report = dispatch_due(session_factory=session_factory, client=slack_client, now=NOW, sleep=sleeps.append)
    assert report.sent == 1
    assert report.rate_limited == 1 and sleeps == [1.0]
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_an_unreachable_person_is_marked_and_the_fan_out_goes_on(
    session_factory: SessionFactory, fake_slack: FakeSlack, slack_client
) -> None:
    """cannot_dm_bot for one person fails their row, marks them, and the others still get theirs."""
    with session_scope(session_factory) as session:
        ws = get_or_create_workspace(session=session, slack_team_id=WORKSPACE_ID, now=NOW)
        person = Person(workspace_id=ws.id, slack_user_id="U0GONE", refreshed_at=NOW)
        session.add(person)
        session.flush()
        person_id = person.id
    fake_slack.dm_errors["U0GONE"] = "cannot_dm_bot"
    _plan(session_factory, "gone", "U0GONE", person_id=person_id)
    _plan(session_factory, "fine", "U0FINE")
    report = dispatch_due(session_factory=session_factory, client=slack_client, now=NOW)
    assert (report.sent, report.failed) == (1, 1)
    assert _statuses(session_factory) == {"gone": "failed", "fine": "sent"}
    with session_factory() as session:
        gone = session.get(Person, person_id)
        assert gone is not None and gone.unreachable_reason == "cannot_dm_bot"


def test_past_its_window_a_delivery_expires_with_the_reason(
    session_factory: SessionFactory, fake_slack: FakeSlack, slack_client
) -> None:
    """A row whose window closed is recorded as expired, never sent late."""
    _plan(session_factory, "late", expires=NOW - timedelta(minutes=1))
    report = dispatch_due(session_factory=session_factory, client=slack_client, now=NOW)
    assert report.expired == 1 and fake_slack.calls_to("chat.postMessage") == []
    with session_factory() as session:
        row = session.scalar(select(Delivery))
        assert row is not None and row.status == "expired" and "window" in (row.last_error or "")


def test_failing_until_the_window_closes_gives_up_with_the_reason(
    session_factory: SessionFactory, fake_slack: FakeSlack, slack_client
) -> None:
    """Slack down for the whole window: expired, with the last error kept (after checking Slack's
    history, since a 500 doesn't prove the message wasn't posted)."""
    fake_slack.fail("chat.postMessage", status=500, error="internal_error")
    _plan(session_factory, "k1", expires=NOW + timedelta(seconds=10))
    dispatch_due(session_factory=session_factory, client=slack_client, now=NOW)
    assert _statuses(session_factory) == {"k1": "sending"}
    dispatch_due(session_factory=session_factory, client=slack_client, now=NOW + timedelta(seconds=11))
    assert len(fake_slack.calls_to("conversations.history")) == 1
    with session_factory() as session:
        row = session.scalar(select(Delivery))
        assert row is not None and row.status == "expired"
        assert row.last_error == "gave up after the delivery window: internal_error"


def test_the_budget_leaves_the_rest_pending_for_the_next_tick(
    session_factory: SessionFactory, fake_slack: FakeSlack, slack_client
) -> None:
    """When time runs out mid-batch, unsent rows are released, not lost."""
    for i in range(5):
        _plan(session_factory, f"k{i}", f"U0{i}", ref=i + 1)
    ticks = iter([0.0, 0.0, 0.0, 0.0, 100.0, 100.0, 100.0, 100.0, 100.0, 100.0])
    report = dispatch_due(
        session_factory=session_factory,
        client=slack_client,
        now=NOW,
        budget_seconds=10,
        monotonic=lambda: next(ticks),
    )
    assert report.sent == 2
    rest = dispatch_due(session_factory=session_factory, client=slack_client, now=NOW)
    assert rest.sent == 3
    assert len(fake_slack.calls_to("chat.postMessage")) == 5


def test_backoff_grows_and_is_capped() -> None:
    """Transient failures back off 15 s, 30 s, 60 s … at most 10 minutes."""
    assert [outbox._backoff(n).total_seconds() for n in (1, 2, 3, 10)] == [15, 30, 60, 600]


def test_the_pacer_learns_slacks_rate_and_keeps_the_fan_out_near_it() -> None:
    """Against a 50/s token bucket (burst 50), a sender able to do 100/s sends 2,000 at ≥ 90 % of 50/s."""
    clock = {"t": 0.0}
    bucket = {"tokens": 50.0, "at": 0.0}
    rate, burst = 50.0, 50.0

    def refill() -> None:
        bucket["tokens"] = min(burst, bucket["tokens"] + (clock["t"] - bucket["at"]) * rate)
        bucket["at"] = clock["t"]

    def sleep(seconds: float) -> None:
        clock["t"] += seconds

    pacer = outbox.Pacer(start=0.0, monotonic=lambda: clock["t"], sleep=sleep)
    limited = 0
    for _ in range(2000):
        pacer.wait_turn(deadline=1e9)
        clock["t"] += 0.01  # one send takes 10 ms
        refill()
        if bucket["tokens"] < 1:
            limited += 1
            pacer.rate_limited()
            clock["t"] += 1.5  # the client's retry handler waits Retry-After (1 s) plus jitter
            refill()
        bucket["tokens"] -= 1
        pacer.sent(True)
    achieved = 2000 / clock["t"]
    assert achieved >= 0.9 * rate, f"{achieved:.1f}/s with {limited} 429s"
    assert limited <= 4
