"""/claim-pie under load on PostgreSQL, beside a bare Bolt app that only acks, in the same run.

    python bench/pie_latency.py            # PIE_BENCH_DATABASE_URL, else the local stretch_pie test db
The database is created when missing, then emptied and rebuilt by the migrations: point it at a scratch
database. PIE_BENCH_PROCESSES=N serves with N processes (default 2, one per core of the 2-core machine
the README's figures come from). PIE_BENCH_PROFILE=<file> also records the first server process with
py-spy during the closed loop (the threads holding the GIL, when py-spy is installed; it slows the
server) and writes its raw stacks there.

How it is measured: as in production, the server under test runs in processes of its own, and Slack and
the people typing are elsewhere. Stretch, and then the bare Bolt app for the baseline, each run as
`stretch serve --processes N` runs them: N child processes ("spawn") accepting on one listening socket,
with the server's default threads, against the same database; the fake Slack (its Web API and the
response_url receiver) and the load generator stay in this process (the flood has a process of its own). Sharing one interpreter
would make the server wait for the GIL behind the bench's own 20 client threads and the fake Slack's
(≈ half of each answer's CPU), and the figures would measure the bench. The parent steers the child over a
pipe each (Server in bench/_pie_processes.py): the answer queue's stats, whether answers are still being worked out, which
response_url poster to use, and how long claims held the pie's row lock.

Commands are half status cards, half claims or changes of a slice (so the pie row lock is busy). Printed:

1. Closed loop, what people do: 20 reps each send their next command only once they have seen the answer
   to the last (in the ack, or at response_url). Ack and answer percentiles, Stretch and the bare app;
   the server CPU per command and how long a claim holds its pie's row lock.
2. Open loop, overload: 20 senders that never wait for answers (≈ as fast as the acks come back). Acks
   and answers, and how the answer queue behaved: answers in the ack, at response_url, turned away
   ("busy, nothing changed"), the longest queue. Run twice: answers posted over kept-alive connections
   (bot/slack/http.py) and, for comparison, slack_sdk's WebhookClient (a new connection per answer).
3. Two teams: 5 reps of a second team in a closed loop, alone, then while the first team floods the bot:
   60 senders in it sending without a pause and never waiting for answers, from a second before the other
   team starts until it is done (the flood's rate over that time is printed); then while all 50 reps of
   the first team send a command at the same instant, once a second. Their answer p99 should not change.
4. All 50 reps of a team claiming at the same instant: slowest ack and answer.
"""

from __future__ import annotations

import inspect
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _pie_processes import (
    FLOOD_SENDERS,
    SECRET,
    Flood,
    Profile,
    Server,
    busy_since,
    cpu_counters,
    post_command,
)
from sqlalchemy import create_engine, make_url, text

from bot import migrate
from bot.db import make_engine, make_session_factory, session_scope
from bot.services import pie as pie_service
from bot.services.teams import teams_of
from bot.slack import answers
from bot.web import HttpServer
from tests.conftest import Member, reset_postgres, seed_team
from tests.fakeslack import FakeSlack

CONCURRENCY = 20
REQUESTS = 600
WARMUP = 60
REPS = 50
OTHER_TEAM = 5
OTHER_EACH = 80
SERVER_THREADS = inspect.signature(HttpServer).parameters["threads"].default  # what `stretch serve` uses


@dataclass
class Timings:
    """Ack and answer times (seconds) of one load."""

    acks: list[float] = field(default_factory=list)
    answers: list[float] = field(default_factory=list)
    in_ack: int = 0
    unanswered: int = 0
    shed: int = 0


class Answers:
    """Tells a waiting sender when its command's answer reached response_url."""

    def __init__(self, fake: FakeSlack) -> None:
        self._waiting: dict[str, threading.Event] = {}
        self._at: dict[str, float] = {}
        self._lock = threading.Lock()
        fake.on_call = self._seen

    def _seen(self, call: Any) -> None:
        name = str(call.params.get("_name") or "")
        with self._lock:
            self._at[name] = time.perf_counter()
            event = self._waiting.get(name)
        if event is not None:
            event.set()

    def expect(self, name: str) -> threading.Event:
        event = threading.Event()
        with self._lock:
            self._waiting[name] = event
        return event

    def at(self, name: str) -> float | None:
        with self._lock:
            return self._at.get(name)


_names = iter(range(10**9))


def _send(url: str, fake: FakeSlack, user: str, command_text: str) -> tuple[str, float, float, bool]:
    """One signed /claim-pie; (name, sent at, ack latency, answered in the ack)."""
    name = f"b{next(_names)}"
    start = time.perf_counter()
    reply = post_command(url, fake.response_url(name), user, command_text)
    ack = time.perf_counter() - start
    assert reply.status == 200, reply.status
    return name, start, ack, _answered(reply)


def _answered(reply: Any) -> bool:
    """The ack carries the answer (not empty, and not "busy, try again": that one is counted as shed)."""
    return bool(reply.body and reply.json()) and answers.BUSY_TEXT not in reply.text


def closed_loop(
    server: Server, fake: FakeSlack, seen: Answers, texts: list[tuple[str, str]], users: int, each: int
) -> Timings:
    """`users` people, each sending `each` commands, the next only once the last was answered."""
    timings = Timings()
    lock = threading.Lock()

    def person(index: int) -> None:
        for round_ in range(each):
            # Person `index` is always the same rep; every other command is the card, the rest claims.
            user = texts[index % len(texts)][0]
            command_text = "" if (index + round_) % 2 else f"{1 + (index + round_) % 7}k"
            name = f"b{next(_names)}"
            event = seen.expect(name)
            start = time.perf_counter()
            reply = post_command(server.events, fake.response_url(name), user, command_text)
            ack = time.perf_counter() - start
            assert reply.status == 200, reply.status
            in_ack = _answered(reply)
            if not in_ack and reply.body and reply.json():
                with lock:
                    timings.shed += 1
                continue  # turned away: the person tries again
            if in_ack:
                answer: float | None = ack
            else:
                answer = time.perf_counter() - start if event.wait(30) else None
            with lock:
                timings.acks.append(ack)
                timings.in_ack += in_ack
                if answer is None:
                    timings.unanswered += 1
                else:
                    timings.answers.append(answer)

    with ThreadPoolExecutor(max_workers=users) as pool:
        list(pool.map(person, range(users)))
    return timings


def open_loop(
    server: Server, fake: FakeSlack, seen: Answers, texts: list[tuple[str, str]], requests: int
) -> Timings:
    """CONCURRENCY senders that never wait for answers; then the answers are collected."""
    timings = Timings()
    sent: list[tuple[str, float, float, bool]] = []

    def one(index: int) -> None:
        user, command_text = texts[index % len(texts)]
        sent.append(_send(server.events, fake, user, command_text))

    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        list(pool.map(one, range(requests)))
    deadline = time.monotonic() + 60
    time.sleep(0.2)
    while time.monotonic() < deadline and _unanswered(sent, seen, server):
        time.sleep(0.05)
    time.sleep(0.5)  # the last answers' posts in flight
    for name, start, ack, in_ack in sent:
        timings.acks.append(ack)
        timings.in_ack += in_ack
        at = seen.at(name)
        if in_ack:
            timings.answers.append(ack)
        elif at is not None:
            timings.answers.append(at - start)
        else:
            timings.shed += 1  # acked with "busy, nothing changed" (nothing else ever comes)
    return timings


def burst(server: Server, fake: FakeSlack, seen: Answers, users: list[str]) -> Timings:
    """Every rep claims at the same instant (what the pie's launch looks like)."""
    start = threading.Barrier(len(users))
    out: list[tuple[str, float, float, bool]] = []

    def one(index: int) -> None:
        start.wait()
        out.append(_send(server.events, fake, users[index], f"{2 + index % 5}k"))

    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        list(pool.map(one, range(len(users))))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(not in_ack and seen.at(n) is None for n, _, _, in_ack in out):
        time.sleep(0.05)
    timings = Timings()
    for name, began, ack, in_ack in out:
        timings.acks.append(ack)
        at = seen.at(name)
        timings.answers.append(ack if in_ack else (at - began if at is not None else float("nan")))
    return timings


def _unanswered(sent: list[tuple[str, float, float, bool]], seen: Answers, server: Server) -> bool:
    """Whether an answer may still come: some command was acked empty and its answer hasn't arrived."""
    return bool(server.ask("working")) and any(not in_ack and seen.at(n) is None for n, _, _, in_ack in sent)


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
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def _line(label: str, timings: Timings, *, answers_too: bool = True) -> str:
    out = f"  {label:<34} ack p50 {_pct(timings.acks, 50):6.1f} ms  p99 {_pct(timings.acks, 99):6.1f} ms  max {_pct(timings.acks, 100):6.1f} ms"
    if answers_too:
        out += (
            f" | answer p50 {_pct(timings.answers, 50):6.1f} ms  p99 {_pct(timings.answers, 99):6.1f} ms"
            f"  ({timings.in_ack}/{len(timings.acks)} in the ack"
            + (f", {timings.shed} turned away" if timings.shed else "")
            + (f", {timings.unanswered} unanswered" if timings.unanswered else "")
            + ")"
        )
    return out


def _queue_line(stats: answers.AnswerStats) -> str:
    return (
        f"      answer queue: {stats.in_ack} in the ack, {stats.via_response_url} at response_url, "
        f"{stats.shed} turned away (busy, nothing changed), longest queue {stats.longest_queue}"
    )


def main() -> None:
    """Run both apps and print the figures."""
    url = os.environ.get("PIE_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/stretch_pie")
    _create_if_missing(url)
    reset_postgres(url)
    migrate.upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    fake = FakeSlack().start()
    seen = Answers(fake)
    env = {
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.url,
        "DATABASE_URL": url,
    }
    reps = [Member(f"U0B{i:03d}", f"Rep {i}") for i in range(REPS)]
    others = [Member(f"U0O{i:03d}", f"Other {i}") for i in range(OTHER_TEAM)]
    seed_team(session_factory=factory, fake=fake, managers=[Member("U0MIA", "Mia")], reps=reps)
    seed_team(
        session_factory=factory,
        fake=fake,
        managers=[Member("U0MAX", "Max")],
        reps=others,
        name="Hunters",
        channel="C0HUNT",
    )
    now = datetime.now(UTC)
    with session_scope(factory) as session:
        for manager in ("U0MIA", "U0MAX"):
            role = teams_of(session=session, workspace_id=1, user_id=manager)[0]
            pie_service.bake_pie(
                session=session, role=role, actor_user_id=manager, target_text="10m", title=None, now=now
            )
    texts = [(r.user_id, "" if i % 2 else f"{1 + i % 7}k") for i, r in enumerate(reps)]
    other_texts = [(r.user_id, "" if i % 2 else f"{1 + i % 7}k") for i, r in enumerate(others * 2)]
    engine.dispose()

    processes = int(os.environ.get("PIE_BENCH_PROCESSES", "2"))
    server = Server("stretch", env, processes)
    open_loop(server, fake, seen, texts, WARMUP)
    time.sleep(1)

    server.stats()
    server.ask_each("held")  # from now on
    profile = Profile(server.processes[0].pid or 0)
    cpu, closed_began = server.ask("cpu"), time.perf_counter()
    closed = closed_loop(server, fake, seen, texts, CONCURRENCY, REQUESTS // CONCURRENCY)
    cpu = server.ask("cpu") - cpu
    closed_cores = cpu / (time.perf_counter() - closed_began)
    profile.stop()
    closed_stats = server.stats()
    held = [t for out in server.ask_each("held") for t in out]
    time.sleep(1)
    overload = open_loop(server, fake, seen, texts, REQUESTS)
    overload_stats = server.stats()
    time.sleep(2)
    server.ask("post", "plain")
    overload_plain = open_loop(server, fake, seen, texts, REQUESTS)
    plain_stats = server.stats()
    server.ask("post", "pooled")
    time.sleep(2)

    closed_loop(server, fake, seen, other_texts, OTHER_TEAM, 4)  # the second team's first commands
    alone = closed_loop(server, fake, seen, other_texts, OTHER_TEAM, OTHER_EACH)
    server.stats()  # the queue's figures from here on: the flood's
    flood = Flood(server.events, fake.response_url("flood"), texts)
    time.sleep(1.0)  # the flood at full strength before the other team starts
    flood.mark()
    flood_cpu, flood_began, machine = server.ask("cpu"), time.perf_counter(), cpu_counters()
    flooded = closed_loop(server, fake, seen, other_texts, OTHER_TEAM, OTHER_EACH)
    server_cores = (server.ask("cpu") - flood_cpu) / (time.perf_counter() - flood_began)
    machine_share = busy_since(machine)
    flood_rate, flood_busy, flood_cores = flood.stop()
    flood_stats = server.stats()
    bursts = Flood(server.events, fake.response_url("flood"), texts, bursts=True)
    time.sleep(1.0)
    bursts.mark()
    amid_bursts = closed_loop(server, fake, seen, other_texts, OTHER_TEAM, OTHER_EACH * 3)
    burst_rate, burst_busy, _ = bursts.stop()
    time.sleep(2)
    launch = burst(server, fake, seen, [r.user_id for r in reps])
    server.stop()

    bare = Server("bare", env, processes)
    open_loop(bare, fake, seen, texts, WARMUP)
    bare_closed = closed_loop_bare(bare, fake, texts)
    bare_open = open_loop(bare, fake, seen, texts, REQUESTS)
    bare.stop()
    fake.stop()

    print(
        f"/claim-pie on PostgreSQL, half status cards, half claims; {CONCURRENCY} people; "
        f"server: {processes} process(es) of {SERVER_THREADS} threads, as `stretch serve --processes {processes}`"
    )
    print("1. closed loop (each person waits for the answer before the next command), 600 commands")
    print(_line("stretch", closed))
    print(_queue_line(closed_stats))
    print(
        f"      server CPU {cpu / len(closed.acks) * 1000:.1f} ms per command (all processes; "
        f"{closed_cores:.2f} of {os.cpu_count()} cores busy)"
    )
    print(
        f"      a claim holds its pie's row lock p50 {_pct(held, 50):.1f} ms, p99 {_pct(held, 99):.1f} ms "
        f"({len(held)} claims)"
    )
    print(_line("bare Bolt (answer = ack)", bare_closed, answers_too=False))
    print(
        f"  ack p99 ratio {_pct(closed.acks, 99) / _pct(bare_closed.acks, 99):.2f}x; "
        "targets: answer p99 < 500 ms, p50 < 150 ms"
    )
    print(f"2. open loop overload ({CONCURRENCY} senders never waiting for answers), 600 commands")
    print(_line("stretch, pooled response_url", overload))
    print(_queue_line(overload_stats))
    print(_line("stretch, new connection each", overload_plain))
    print(_queue_line(plain_stats))
    print(_line("bare Bolt", bare_open, answers_too=False))
    print(
        f"3. another team's {OTHER_TEAM} reps in a closed loop, {OTHER_TEAM * OTHER_EACH} commands (the last, 3 times as many)"
    )
    print(_line("alone", alone))
    print(_line("while the first team floods", flooded))
    print(
        f"      the flood ran throughout: {FLOOD_SENDERS} senders never waiting for answers, {flood_rate:.0f} "
        f"commands/s ({flood_busy} of them turned away, busy); meanwhile the server used "
        f"{server_cores:.2f} cores and the flood's own senders {flood_cores:.2f} of this machine's {os.cpu_count()}"
        + (f"; all its cores were {machine_share:.0%} busy" if machine_share is not None else "")
    )
    print(_queue_line(flood_stats))
    print(_line("amid the first team's bursts", amid_bursts))
    print(
        f"      the bursts: all {REPS} of the first team's reps at the same instant, once a second "
        f"({burst_rate:.0f} commands/s, {burst_busy} turned away)"
    )
    print(f"4. all {REPS} reps claiming at the same instant")
    print(
        f"  slowest ack {max(launch.acks) * 1000:.1f} ms, slowest answer {max(launch.answers) * 1000:.1f} ms "
        "(Slack allows 3,000 ms for the ack)"
    )


def closed_loop_bare(server: Server, fake: FakeSlack, texts: list[tuple[str, str]]) -> Timings:
    """The bare app answers nothing but the ack: each person sends the next command on the ack."""
    timings = Timings()
    lock = threading.Lock()

    def person(index: int) -> None:
        for round_ in range(REQUESTS // CONCURRENCY):
            user, command_text = texts[(index + round_ * CONCURRENCY) % len(texts)]
            _, _, ack, _ = _send(server.events, fake, user, command_text)
            with lock:
                timings.acks.append(ack)

    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        list(pool.map(person, range(CONCURRENCY)))
    return timings


if __name__ == "__main__":
    main()
