"""Fan-out of check-in DMs against the fake Slack enforcing a workspace rate limit with 429s.

    python bench/checkins_fanout.py                        # the three cases below, one after the other
    python bench/checkins_fanout.py --case 10:20:whole:300 --case 50:50:fraction:2000:2:0.3 [--database-url …]

A case is RATE:BURST:RETRY_AFTER:REPS[:REPLICAS[:INJECTED]]: the fake Slack lets `chat.postMessage`
through a token bucket of BURST calls refilled at RATE a second and answers 429 when it is empty, with
Retry-After in whole seconds rounded up as Slack does (`whole`) or the exact wait (`fraction`). REPLICAS
senders (default 1), each with its own database engine as a replica has, send the same fan-out at once;
INJECTED is the share of calls answered 429 (Retry-After 1 s) at random besides the bucket, as a proxy or
another app on the workspace might (default 0). The defaults are Slack's case, a low limit with
whole-second Retry-After (10/s, burst 20, 300 reps in two teams of 150 due at the same minute), a higher
one (50/s, burst 50, 2,000 reps), and that one again with a second replica and 30 % of calls answered
429 at random. Each case plans one check-in per rep in a fresh database, then runs the senders the way
the tick does (passes of at most 45 s) until nothing is pending. The fake Slack runs in a process of its
own, as Slack is not in Stretch's process.

Printed per case: the time taken against the least time the limit allows ((reps − burst) / rate, the
rate less the share refused at random where calls are injected with 429s), their
ratio as the share of the allowed rate (target ≥ 95 % where nothing is injected), the 429s, and how many
reps got no DM (lost) or more than one (doubled). Targets 0 and 0.
"""

from __future__ import annotations

import argparse
import multiprocessing
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection

from _setup import database, fill
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from sqlalchemy import func, select

from bot.db import make_engine, make_session_factory, session_scope
from bot.deliveries import PENDING
from bot.features import wiring
from bot.jobs.checkins import plan_checkins
from bot.jobs.outbox import dispatch_due
from bot.models import Delivery
from tests.fakeslack import FakeSlack

DEFAULT_CASES = ("10:20:whole:300", "50:50:whole:2000", "50:50:whole:2000:2:0.3")


@dataclass(frozen=True)
class Case:
    """One limit to fan out against."""

    rate: float
    burst: int
    retry_after: str
    reps: int
    replicas: int = 1
    injected: float = 0.0

    @classmethod
    def parse(cls, text: str) -> Case:
        """RATE:BURST:RETRY_AFTER:REPS[:REPLICAS[:INJECTED]], e.g. 10:20:whole:300 or 50:50:whole:2000:2:0.3."""
        parts = text.split(":")
        if len(parts) not in (4, 5, 6):
            raise argparse.ArgumentTypeError(
                f"expected RATE:BURST:RETRY_AFTER:REPS[:REPLICAS[:INJECTED]], not {text}"
            )
        rate, burst, style, reps, *rest = parts
        if style not in ("whole", "fraction"):
            raise argparse.ArgumentTypeError(f"Retry-After style must be whole or fraction, not {style}")
        try:
            case = cls(
                float(rate),
                int(burst),
                style,
                int(reps),
                int(rest[0]) if rest else 1,
                float(rest[1]) if len(rest) > 1 else 0.0,
            )
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a case: {text}") from None
        if case.replicas < 1 or not 0 <= case.injected < 1:
            raise argparse.ArgumentTypeError("REPLICAS is 1 or more and INJECTED a share from 0 to below 1")
        return case


def _serve_fake(case: Case, pipe: Connection) -> None:
    """The fake Slack in a process of its own (Slack is not in Stretch's process, nor under its GIL):
    sends its URL, waits to be told to stop, then sends back (channel, status) of every postMessage."""
    fake = FakeSlack().start()
    fake.rate_limit("chat.postMessage", per_second=case.rate, burst=case.burst, retry_after=case.retry_after)
    if case.injected:
        fake.fail("chat.postMessage", status=429, retry_after=0, share=case.injected)
    pipe.send(fake.url)
    pipe.recv()
    calls = [
        (str(c.params.get("channel")), c.status) for c in fake.calls_to("chat.postMessage", ok_only=False)
    ]
    fake.stop()
    pipe.send(calls)


def run(case: Case, database_url: str | None) -> str:
    """Fan out one case and describe the outcome in one line."""
    pipe, child_end = multiprocessing.get_context("fork").Pipe()
    slack = multiprocessing.get_context("fork").Process(
        target=_serve_fake, args=(case, child_end), daemon=True
    )
    slack.start()
    fake_url = pipe.recv()
    url, engine = database(database_url)
    fill(engine, members=case.reps, team_size=max(1, case.reps // 2), zones=("Europe/Berlin",))
    factory = make_session_factory(engine)
    now = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)  # Monday 09:30 in Berlin
    with session_scope(factory) as session:
        planned = plan_checkins(session=session, now=now).created

    # The client Stretch builds (bot/slack/app.py); the sender itself drops the 429 retry handler.
    client = WebClient(
        token="xoxb-bench",
        base_url=fake_url,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=2),
        ],
    )
    # Each replica has its own engine (its own connections), as another `stretch serve` would.
    engines = [engine] + [make_engine(url) for _ in range(case.replicas - 1)]
    factories = [factory] + [make_session_factory(each) for each in engines[1:]]
    began = time.monotonic()
    passes = 0
    while True:
        passes += 1
        senders = [
            threading.Thread(
                target=dispatch_due,
                kwargs={
                    "session_factory": each,
                    "client": client,
                    "now": now,
                    "budget_seconds": 45.0,
                    "kinds": wiring().kinds,
                },
            )
            for each in factories
        ]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join()
        with factory() as session:
            pending = session.scalar(
                select(func.count()).select_from(Delivery).where(Delivery.status == PENDING)
            )
        if not pending or passes > 20:
            break
    elapsed = time.monotonic() - began
    for each in engines:
        each.dispose()
    pipe.send("stop")
    calls = pipe.recv()
    slack.join()

    delivered = Counter(channel for channel, status in calls if status == 200)
    limited = sum(1 for _, status in calls if status == 429)
    recipients = {f"U{i:07d}" for i in range(case.reps)}
    lost = len(recipients - set(delivered))
    doubled = sum(1 for user in recipients if delivered.get(user, 0) > 1)
    sent = sum(delivered.values())
    # Calls refused at random took their tokens too: only the rest of the limit carries DMs.
    allowed = max(0.0, sent - case.burst) / (case.rate * (1 - case.injected))
    bound = "" if limited else " (Slack never pushed back: the sender itself was slower than the limit)"
    extra = ""
    if case.replicas > 1 or case.injected:
        extra = f", {case.replicas} replicas, {case.injected:.0%} of calls answered 429 at random"
    return (
        f"{case.rate:g}/s burst {case.burst}, Retry-After {case.retry_after}{extra}: {planned} DMs planned, {sent} sent "
        f"in {elapsed:.1f} s (the limit allows {allowed:.1f} s) = {allowed / elapsed:.1%} of the allowed rate "
        f"({sent / elapsed:.1f}/s); {limited} answered 429{bound}; {passes} pass(es); lost {lost}, doubled {doubled}"
    )


def main() -> None:
    """Run each case and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--case",
        action="append",
        type=Case.parse,
        help=f"RATE:BURST:RETRY_AFTER:REPS (repeatable; default {' and '.join(DEFAULT_CASES)})",
    )
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    for case in args.case or [Case.parse(text) for text in DEFAULT_CASES]:
        print(run(case, args.database_url), flush=True)


if __name__ == "__main__":
    main()
