"""Fan-out of 2,000 check-in DMs against the fake Slack enforcing a rate limit with 429s.

    python bench/checkins_fanout.py [--reps 2000] [--rate 50] [--burst 50] [--database-url …]

Plans one check-in per rep (all in one zone, due at the same minute), then runs the sender the way
the tick does (passes of at most 45 s) until nothing is pending. Prints the achieved rate as a share
of the allowed rate, the 429s Slack answered, and how many reps got no DM (lost) or more than one
(duplicated). Targets: ≥ 90 %, 0, 0.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from datetime import UTC, datetime

from _setup import database, fill
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from sqlalchemy import func, select

from bot.db import make_session_factory, session_scope
from bot.deliveries import PENDING
from bot.features import wiring
from bot.jobs.outbox import dispatch_due
from bot.models import Delivery
from bot.services.checkins import plan_checkins
from tests.fakeslack import FakeSlack


def main() -> None:
    """Run the fan-out and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=50.0, help="allowed chat.postMessage per second")
    parser.add_argument("--burst", type=int, default=50, help="the limit's burst (token bucket size)")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    _, engine = database(args.database_url)
    fill(engine, members=args.reps, team_size=100, zones=("Europe/Berlin",))
    factory = make_session_factory(engine)
    now = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)  # Monday 09:30 in Berlin
    with session_scope(factory) as session:
        planned = plan_checkins(session=session, now=now).created

    fake = FakeSlack().start()
    fake.rate_limit("chat.postMessage", per_second=args.rate, burst=args.burst)
    client = WebClient(
        token="xoxb-bench",
        base_url=fake.url,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=2),
        ],
    )
    began = time.monotonic()
    passes = 0
    while True:
        passes += 1
        dispatch_due(
            session_factory=factory, client=client, now=now, budget_seconds=45.0, kinds=wiring().kinds
        )
        with factory() as session:
            pending = session.scalar(
                select(func.count()).select_from(Delivery).where(Delivery.status == PENDING)
            )
        if not pending or passes > 20:
            break
    elapsed = time.monotonic() - began
    fake.stop()
    engine.dispose()

    calls = fake.calls_to("chat.postMessage", ok_only=False)
    delivered = Counter(str(c.params.get("channel")) for c in calls if c.status == 200)
    limited = sum(1 for c in calls if c.status == 429)
    recipients = {f"U{i:07d}" for i in range(args.reps)}
    lost = len(recipients - set(delivered))
    duplicated = sum(1 for user in recipients if delivered.get(user, 0) > 1)
    achieved = sum(delivered.values()) / elapsed
    print(
        f"{planned} check-in DMs planned; sent {sum(delivered.values())} in {elapsed:.1f} s over {passes} sender pass(es) "
        f"against a limit of {args.rate:g}/s (burst {args.burst}): achieved {achieved:.1f}/s = "
        f"{achieved / args.rate:.0%} of the allowed rate; {limited} answered 429; lost {lost}, duplicated {duplicated}"
    )


if __name__ == "__main__":
    main()
