"""/claim-pie ack latency at 20 concurrent requests on PostgreSQL, beside a bare Bolt app that only acks.

Both apps run on the same waitress server class, in this process, against the same fake Slack, in the
same run. Half the requests show the card, half claim or change a slice (so the pie row lock is busy).
Stretch acks at once and answers through response_url; the ack latency (what Slack waits for) and the
time until the answer reached the response_url (what the person waits for) are both printed.

    python bench/pie_latency.py            # PIE_BENCH_DATABASE_URL, else the local stretch_pie test db
The database is created when missing, then emptied and rebuilt by the migrations: point it at a scratch
database.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slack_bolt import Ack, App
from sqlalchemy import create_engine, make_url, text

from bot import migrate
from bot.config import load_settings
from bot.db import make_engine, make_session_factory, session_scope
from bot.services import pie as pie_service
from bot.services.teams import teams_of
from bot.slack.app import create_app, make_client
from bot.slack.deps import Deps
from bot.web import HttpServer, build_wsgi
from tests.conftest import Member, reset_postgres, seed_team
from tests.fakeslack import FakeSlack
from tests.slackclient import SignedSlack

SECRET = "bench-signing-secret-0123456789abcdef"
CONCURRENCY = 20
REQUESTS = 600
WARMUP = 60
REPS = 50


def _serve(wsgi):  # type: ignore[no-untyped-def]
    server = HttpServer(wsgi, host="127.0.0.1", port=0, threads=8, loop_timeout=0.05)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    return server, thread


def _load(url: str, fake: FakeSlack, texts: list[tuple[str, str]]) -> tuple[list[float], list[float]]:
    """Send the commands 20 at a time; returns ack latencies and send→answer-at-response_url times (s)."""
    sent: dict[str, float] = {}
    acks: list[float] = []

    def one(index: int) -> None:
        user, text = texts[index % len(texts)]
        name = f"b{index}"
        client = SignedSlack(url, SECRET, response_url=fake.response_url(name))
        body = client.command_body("/claim-pie", text, user=user)
        sent[name] = time.time()
        start = time.perf_counter()
        reply = client.post(body, "application/x-www-form-urlencoded")
        acks.append(time.perf_counter() - start)
        assert reply.status == 200, reply.status

    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        list(pool.map(one, range(WARMUP)))
        time.sleep(1)  # let the warm-up's answers drain before measuring
        acks.clear()
        sent.clear()
        fake.reset_calls()
        list(pool.map(one, range(WARMUP, WARMUP + REQUESTS)))
    # The bare app answers nothing after its ack; Stretch's answers may still be on their way.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and 0 < len(fake.calls_to("response_url")) < len(sent):
        time.sleep(0.1)
    answered = {c.params.get("_name"): c.at for c in fake.calls_to("response_url")}
    return acks, [answered[name] - at for name, at in sent.items() if name in answered]


def _burst(url: str, fake: FakeSlack, users: list[str]) -> tuple[list[float], list[float]]:
    """Every rep claims at the same instant (what the pie's launch looks like); ack and answer times (s)."""
    start = threading.Barrier(len(users))
    fake.reset_calls()
    sent: dict[str, float] = {}

    def one(index: int) -> float:
        name = f"burst{index}"
        client = SignedSlack(url, SECRET, response_url=fake.response_url(name))
        body = client.command_body("/claim-pie", f"{2 + index % 5}k", user=users[index])
        start.wait()
        sent[name] = time.time()
        began = time.perf_counter()
        reply = client.post(body, "application/x-www-form-urlencoded")
        assert reply.status == 200, reply.status
        return time.perf_counter() - began

    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        acks = list(pool.map(one, range(len(users))))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(fake.calls_to("response_url")) < len(users):
        time.sleep(0.05)
    answered = {c.params.get("_name"): c.at for c in fake.calls_to("response_url")}
    return acks, [answered[name] - at for name, at in sent.items() if name in answered]


def _create_if_missing(url: str) -> None:
    """Create the scratch database on a fresh PostgreSQL server (connecting to its `postgres` db)."""
    target = make_url(url)
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        )
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    server.dispose()


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def main() -> None:
    """Run both apps and print the figures."""
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth" is the load we make
    url = os.environ.get("PIE_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/stretch_pie")
    _create_if_missing(url)
    reset_postgres(url)
    migrate.upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    fake = FakeSlack().start()
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.url,
            "DATABASE_URL": url,
        },
        dotenv=Path("/nonexistent/.env"),
    )
    reps = [Member(f"U0B{i:03d}", f"Rep {i}") for i in range(REPS)]
    seed_team(session_factory=factory, fake=fake, managers=[Member("U0MIA", "Mia")], reps=reps)
    now = datetime.now(UTC)
    with session_scope(factory) as session:
        role = teams_of(session=session, workspace_id=1, user_id="U0MIA")[0]
        pie_service.bake_pie(
            session=session, role=role, actor_user_id="U0MIA", target_text="10m", title=None, now=now
        )
    texts = [(r.user_id, "" if i % 2 else f"{1 + i % 7}k") for i, r in enumerate(reps)]

    deps = Deps(session_factory=factory, settings=settings)
    stretch = create_app(settings, deps, client=make_client(settings))
    server, thread = _serve(build_wsgi(stretch, engine))
    pie_acks, pie_answers = _load(f"http://127.0.0.1:{server.port}/slack/events", fake, texts)
    time.sleep(1)
    burst_acks, burst_answers = _burst(
        f"http://127.0.0.1:{server.port}/slack/events", fake, [r.user_id for r in reps]
    )
    server.stop()
    thread.join(timeout=10)

    bare = App(client=make_client(settings), signing_secret=SECRET)

    @bare.command("/claim-pie")
    def only_ack(ack: Ack) -> None:
        ack()

    server, thread = _serve(build_wsgi(bare, engine))
    bare_acks, _ = _load(f"http://127.0.0.1:{server.port}/slack/events", fake, texts)
    server.stop()
    thread.join(timeout=10)
    fake.stop()
    engine.dispose()

    print(f"/claim-pie on PostgreSQL, {CONCURRENCY} concurrent, {REQUESTS} requests (half card, half claims)")
    print(f"  stretch ack    p50 {_pct(pie_acks, 50):6.1f} ms   p99 {_pct(pie_acks, 99):6.1f} ms")
    print(f"  bare Bolt ack  p50 {_pct(bare_acks, 50):6.1f} ms   p99 {_pct(bare_acks, 99):6.1f} ms")
    print(
        f"  p99 ratio      {_pct(pie_acks, 99) / _pct(bare_acks, 99):.2f}x  (target: p99 <= 100 ms and <= 3x bare)"
    )
    print(
        f"  answer at response_url p50 {_pct(pie_answers, 50):6.1f} ms   p99 {_pct(pie_answers, 99):6.1f} ms"
        f"   ({len(pie_answers)}/{REQUESTS} answered)"
    )
    print(
        f"  all {REPS} reps claiming at the same instant: slowest ack {max(burst_acks) * 1000:.1f} ms, "
        f"slowest answer {max(burst_answers, default=float('nan')) * 1000:.1f} ms "
        f"({len(burst_answers)}/{REPS} answered; Slack allows 3,000 ms)"
    )
    print(
        f"  mean ack: stretch {statistics.mean(pie_acks) * 1000:.1f} ms, bare {statistics.mean(bare_acks) * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
