"""The delivery outbox: planned once, sent once, retried when Slack stumbles, given up when it's too late."""

from __future__ import annotations

import math
import random
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db import SessionFactory, make_engine, make_session_factory, session_scope
from bot.deliveries import KindSpec, Message, enqueue
from bot.jobs import outbox
from bot.jobs.outcomes import DispatchReport, backoff
from bot.jobs.pacing import Pacer
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
    assert sorted(c.params["channel"] for c in fake_slack.calls_to("chat.postMessage")) == ["U0A", "U0B"]
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


class FakeClock:
    """monotonic() and sleep() for the sender: sleeping only moves the clock on."""

    def __init__(self) -> None:
        self.t = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds


def test_a_rate_limited_send_waits_out_retry_after_and_goes_once(
    session_factory: SessionFactory, fake_slack: FakeSlack, slack_client
) -> None:
    """Three 429s in a row: the sender waits Retry-After each time itself (the client doesn't retry) and
    the row, still claimed by this sender, is sent exactly once."""
    clock = FakeClock()
    fake_slack.fail("chat.postMessage", status=429, retry_after=1, times=3)
    _plan(session_factory, "k1")
    report = dispatch_due(
        session_factory=session_factory,
        client=slack_client,
        now=NOW,
        workers=1,
        monotonic=clock.monotonic,
        sleep=clock.sleep,
    )
    assert report.sent == 1
    assert report.rate_limited == 3 and clock.sleeps == [1.0, 1.0, 1.0]
    assert len(fake_slack.calls_to("chat.postMessage", ok_only=False)) == 4
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
    clock = FakeClock()
    fake_slack.on_call = lambda call: setattr(clock, "t", clock.t + 6)  # each send takes 6 s
    report = dispatch_due(
        session_factory=session_factory,
        client=slack_client,
        now=NOW,
        budget_seconds=10,
        workers=1,
        monotonic=clock.monotonic,
        sleep=clock.sleep,
    )
    assert report.sent == 2
    rest = dispatch_due(session_factory=session_factory, client=slack_client, now=NOW)
    assert rest.sent == 3
    assert len(fake_slack.calls_to("chat.postMessage")) == 5


def test_backoff_grows_and_is_capped() -> None:
    """Transient failures back off 15 s, 30 s, 60 s … at most 10 minutes."""
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 10)] == [15, 30, 60, 600]


def _simulate(
    pacer: Pacer,
    *,
    rate: float,
    burst: float,
    sends: int,
    send_seconds: float,
    injected: float = 0.0,
    injected_retry_after: float = 0.0,
) -> tuple[float, int]:
    """A sender using `pacer` against Slack's token bucket answering whole-second Retry-After (rounded up),
    on a simulated clock; returns (seconds taken, 429s). `injected`: the share of the calls that took a
    token but are answered 429 anyway (a proxy, another app), with `injected_retry_after`."""
    now, tokens, updated, limited = 0.0, burst, 0.0, 0
    done = 0
    noise = random.Random(7)
    while done < sends:
        wait = pacer.delay(now)
        if wait > 0:
            now += wait
            continue
        sent_at = now
        now += send_seconds
        tokens, updated = min(burst, tokens + (now - updated) * rate), now
        if tokens < 1:
            limited += 1
            pacer.limited(now, float(math.ceil((1 - tokens) / rate)), sent_at=sent_at)
            continue
        tokens -= 1
        if noise.random() < injected:
            limited += 1
            pacer.limited(now, injected_retry_after, sent_at=sent_at)
            continue
        pacer.accepted()
        done += 1
    return now, limited


@pytest.mark.parametrize(("rate", "burst", "sends"), [(10.0, 20.0, 300), (50.0, 50.0, 2000)])
def test_the_pacer_learns_slacks_rate_and_keeps_the_fan_out_at_it(
    rate: float, burst: float, sends: int
) -> None:
    """Against a token bucket with whole-second Retry-After, a sender able to do 200/s finishes within
    5 % of the least time the limit allows ((sends - burst) / rate), and learns rate and burst."""
    pacer = Pacer()
    seconds, limited = _simulate(pacer, rate=rate, burst=burst, sends=sends, send_seconds=0.005)
    allowed = (sends - burst) / rate
    assert allowed / seconds >= 0.95, f"{seconds:.1f} s for {allowed:.1f} s allowed, {limited} 429s"
    assert pacer.rate is not None and abs(pacer.rate - rate) / rate < 0.05
    assert pacer.burst is not None and pacer.burst <= burst * 1.2
    assert limited < sends * 0.05


@pytest.mark.parametrize(("rate", "send_seconds"), [(50.0, 0.005), (1000.0, 0.02)])
def test_429s_injected_at_random_do_not_drag_the_pace_down(rate: float, send_seconds: float) -> None:
    """30 % of the calls answered 429 at random (Retry-After 0) besides Slack's bucket: the fan-out keeps
    to the rate what is left allows, whether the bucket (50/s) or the sender itself (50/s against a
    1,000/s bucket) is the limit, instead of learning a lower rate from every injected 429."""
    pacer = Pacer()
    seconds, _ = _simulate(pacer, rate=rate, burst=50, sends=2000, send_seconds=send_seconds, injected=0.3)
    best = (2000 - 50) / (0.7 * min(rate, 1 / send_seconds))  # the injected 429s take their share
    assert best / seconds >= 0.9, f"{seconds:.1f} s for {best:.1f} s at best"


def test_the_pacer_honours_retry_after_and_then_spends_only_what_slack_refilled() -> None:
    """After a 429 nothing is sent before Retry-After; then about rate × Retry-After go at once, then the pace."""
    pacer = Pacer()
    for _ in range(25):
        assert pacer.delay(0.0) == 0.0
        pacer.accepted()
    pacer.limited(0.5, 1.0)  # first 429: burst spent
    assert pacer.delay(1.0) == pytest.approx(0.5)
    for _ in range(10):
        assert pacer.delay(1.5) == 0.0
        pacer.accepted()
    pacer.limited(1.6, 1.0)  # second 429 a bit over a second later: 10 accepted in 1.1 s
    assert pacer.rate == pytest.approx(10 / 1.1)
    burst_after_pause = 0
    while pacer.delay(2.6) == 0.0:
        burst_after_pause += 1
    assert burst_after_pause == 9  # rate × Retry-After, not everything at once


def test_a_429_that_is_not_the_bucket_does_not_pin_the_pace_low() -> None:
    """A 429 with a Retry-After that is not the bucket's (another replica's sends, a proxy) gives a low
    estimate; the pace creeps back up while Slack accepts everything."""
    pacer = Pacer()
    pacer.delay(0.0)
    pacer.accepted()
    pacer.limited(0.0, 1.0)
    assert pacer.delay(0.5) == pytest.approx(0.5)  # Retry-After is honoured
    pacer.accepted()
    pacer.limited(2.0, 1.0)  # one send in two seconds: a wrong 0.5/s
    low = pacer.pace(3.0)
    assert low == pytest.approx(0.5) and pacer.pace(63.0) == pytest.approx(low * 1.6)


def test_a_429_without_a_pause_teaches_nothing_about_the_rate() -> None:
    """Slack's bucket asks for whole seconds; a 429 with Retry-After 0 is a call refused at random: it is
    sent again at once and the sender stays unpaced."""
    pacer = Pacer()
    for second in range(5):
        assert pacer.delay(float(second)) == 0.0
        pacer.limited(float(second), 0.0, sent_at=float(second))
        pacer.accepted()
    assert pacer.rate is None and pacer.delay(5.0) == 0.0 and pacer.limited_count == 5


@pytest.mark.parametrize("limit", ["slack's bucket", "429s injected on 30 % of calls"])
def test_two_replicas_sending_through_429s_send_every_row_exactly_once(
    session_factory: SessionFactory, fake_slack: FakeSlack, slack_client, database_url: str, limit: str
) -> None:
    """Two senders (each with its own engine, as two replicas) fan out the same 60 rows at once against
    a rate-limited Slack: every recipient gets exactly one message and no row is left behind."""
    for i in range(60):
        _plan(session_factory, f"k{i}", f"U{i:03d}", ref=i + 1)
    if limit == "slack's bucket":
        fake_slack.rate_limit("chat.postMessage", per_second=20, burst=5, retry_after="fraction")
    else:
        fake_slack.fail("chat.postMessage", status=429, share=0.3, retry_after=0)
    second_engine = make_engine(database_url)
    reports: list[DispatchReport] = []
    try:
        senders = [
            threading.Thread(
                target=lambda factory=factory: reports.append(
                    dispatch_due(session_factory=factory, client=slack_client, now=NOW, batch_size=10)
                )
            )
            for factory in (session_factory, make_session_factory(second_engine))
        ]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join()
    finally:
        second_engine.dispose()
    calls = fake_slack.calls_to("chat.postMessage", ok_only=False)
    assert any(c.status == 429 for c in calls), "Slack never pushed back"
    delivered = Counter(str(c.params["channel"]) for c in calls if c.status == 200)
    assert delivered == {f"U{i:03d}": 1 for i in range(60)}
    assert sorted(fake_slack.posted_keys()) == sorted(f"k{i}" for i in range(60))
    assert sum(r.sent for r in reports) == 60
    with session_factory() as session:
        assert set(session.scalars(select(Delivery.status))) == {"sent"}
