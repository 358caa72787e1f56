"""Two real `stretch serve --http` replicas on one PostgreSQL: any replica answers any request with the
same state, one leads each tick, and killing the leader mid-fan-out still sends every DM exactly once."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from bot.db import SessionFactory
from bot.jobs.leader import TICK_LOCK_KEY
from tests.conftest import Member, postgres_url
from tests.fakeslack import FakeSlack
from tests.reliability.processes import (
    Replica,
    checkin_rows,
    copies_in_slack,
    reps,
    seed_due_now,
    start_replica,
    until,
    wait_healthy,
)
from tests.slackclient import flatten_text

pytestmark = pytest.mark.skipif(not postgres_url(), reason="needs PostgreSQL (TEST_DATABASE_URL)")

MIA = Member("U0MIA", "Mia Manager", tz="UTC")
REPS = 40
# Fast enough for a test: a tick every second, and a dead sender's claims are free after 3 s.
FAST = {"STRETCH_TICK_SECONDS": "1", "STRETCH_DELIVERY_LEASE_SECONDS": "3"}


@pytest.fixture
def replicas(db: Engine, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[dict[str, Replica]]:
    """Replicas "a" and "b", each naming itself to PostgreSQL so the test can see who leads."""
    url = postgres_url() or ""
    started: dict[str, Replica] = {}
    try:
        for name in ("a", "b"):
            started[name] = start_replica(
                name,
                fake=fake_slack,
                database_url=f"{url}?application_name=stretch-{name}",
                tmp_path=tmp_path,
                **FAST,
            )
        for replica in started.values():
            wait_healthy(replica)
        yield started
    finally:
        for replica in started.values():
            replica.stop()


def _leader(db: Engine) -> str | None:
    """Which replica holds the tick's advisory lock right now."""
    with db.connect() as connection:
        name = connection.execute(
            text(
                "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = :high AND l.objid = :low"
            ),
            {"high": TICK_LOCK_KEY >> 32, "low": TICK_LOCK_KEY & 0xFFFFFFFF},
        ).scalar()
    return str(name).removeprefix("stretch-") if name else None


def _pie(replica: Replica, fake: FakeSlack, name: str, text: str, user: str) -> str:
    """`/claim-pie <text>` on one replica; the answer, from the ack or (when it came later) response_url."""
    reply = replica.slack(fake, name).command("/claim-pie", text, user=user, channel="C0TEAM")
    assert reply.status == 200
    if reply.body:
        return reply.text
    until(
        lambda: [c for c in fake.calls_to("response_url") if c.params["_name"] == name], timeout=10, what=name
    )
    [call] = [c for c in fake.calls_to("response_url") if c.params["_name"] == name]
    return flatten_text(call.params)


def _either_replica_answers_with_the_same_state(replicas: dict[str, Replica], fake_slack: FakeSlack) -> None:
    a, b = replicas["a"], replicas["b"]
    assert "Q4 push" in _pie(a, fake_slack, "bake", "new 100k Q4 push", "U0MIA")
    assert "You claimed *$20,000*" in _pie(b, fake_slack, "claim", "20k", "U0R000")
    assert "$20,000 of $100,000 claimed" in _pie(a, fake_slack, "card", "", "U0R001")


def test_replicas_share_state_and_killing_the_leader_mid_fan_out_still_sends_each_dm_once(
    replicas: dict[str, Replica], fake_slack: FakeSlack, session_factory: SessionFactory, db: Engine
) -> None:
    """40 check-ins due now; both replicas tick every second. A pie baked on one replica is claimed on
    the other and the first shows the claim. The tick's leader is SIGKILLed a quarter of the way through
    its fan-out; the survivor takes over once the dead one's claims lapse: every rep gets one DM."""
    fake_slack.slow("chat.postMessage", 0.05)
    seed_due_now(session_factory=session_factory, fake=fake_slack, managers=[MIA], team_reps=reps(REPS))
    _either_replica_answers_with_the_same_state(replicas, fake_slack)

    until(lambda: len(checkin_rows(session_factory)) == REPS, timeout=15, what="the check-ins to be planned")
    until(lambda: len(fake_slack.posted_keys()) >= REPS // 4, timeout=20, what="the fan-out to start")
    seen: list[str] = []
    until(lambda: seen.append(_leader(db) or "") or seen[-1], timeout=5, what="the leader's lock")
    leader = seen[-1]
    assert leader in replicas
    replicas[leader].process.send_signal(signal.SIGKILL)
    replicas[leader].process.wait(timeout=10)
    killed_after = len(fake_slack.posted_keys())
    assert killed_after < REPS, "the leader was killed mid-fan-out"

    survivor = replicas["b" if leader == "a" else "a"]
    until(
        lambda: {row.status for row in checkin_rows(session_factory)} == {"sent"},
        timeout=30,
        what="every check-in to be sent",
    )
    rows = checkin_rows(session_factory)
    assert copies_in_slack(fake_slack, rows) == {row.dedupe_key: 1 for row in rows}
    assert sorted(row.channel for row in rows) == sorted(rep.user_id for rep in reps(REPS))
    assert survivor.process.poll() is None
    assert "Traceback" not in survivor.log.read_text()
