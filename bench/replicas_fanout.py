"""Two `stretch serve` replicas on PostgreSQL fan out check-ins to N reps; the tick leader is SIGKILLed
part-way. Prints throughput and duplicates. Needs TEST_DATABASE_URL (a database it may wipe).

    TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/stretch_NAME python bench/replicas_fanout.py 200
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot import migrate
from bot.db import make_engine, make_session_factory
from tests.conftest import Member, postgres_url, reset_postgres
from tests.fakeslack import FakeSlack
from tests.reliability.processes import (
    checkin_rows,
    copies_in_slack,
    reps,
    seed_due_now,
    start_replica,
    until,
    wait_healthy,
)
from tests.reliability.test_replicas import _leader


def main(count: int) -> None:
    url = postgres_url()
    if not url:
        sys.exit("set TEST_DATABASE_URL to a PostgreSQL database this bench may wipe")
    reset_postgres(url)
    migrate.upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    fake = FakeSlack().start()
    fake.slow("chat.postMessage", float(os.environ.get("SEND_SECONDS", "0.01")))
    tmp = Path(tempfile.mkdtemp())
    fast = {"STRETCH_TICK_SECONDS": "1", "STRETCH_DELIVERY_LEASE_SECONDS": "3"}
    replicas = {
        name: start_replica(
            name, fake=fake, database_url=f"{url}?application_name=stretch-{name}", tmp_path=tmp, **fast
        )
        for name in ("a", "b")
    }
    try:
        for replica in replicas.values():
            wait_healthy(replica)
        seed_due_now(
            session_factory=factory,
            fake=fake,
            managers=[Member("U0MIA", "Mia", tz="UTC")],
            team_reps=reps(count),
        )
        until(lambda: fake.posted_keys(), timeout=30, what="the first DM")
        started = time.monotonic()
        until(lambda: len(fake.posted_keys()) >= count // 3, timeout=120, what="a third of the fan-out")
        leader = _leader(engine) or "a"
        replicas[leader].process.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        until(lambda: {r.status for r in checkin_rows(factory)} == {"sent"}, timeout=300, what="all sent")
        done = time.monotonic()
        rows = checkin_rows(factory)
        copies = copies_in_slack(fake, rows)
        before_kill = count // 3 / (killed_at - started)
        print(f"reps: {count}; fan-out before the kill: {before_kill:.0f} DMs/s")
        print(f"all {len(rows)} sent {done - started:.1f} s after the first (lease 3 s, tick 1 s)")
        print(f"takeover after SIGKILL: {done - killed_at:.1f} s to finish")
        print(
            f"duplicates: {sum(max(0, n - 1) for n in copies.values())}; missing: {sum(n == 0 for n in copies.values())}"
        )
    finally:
        for replica in replicas.values():
            replica.stop()
        fake.stop()
        engine.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
