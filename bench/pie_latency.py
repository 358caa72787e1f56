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
response_url receiver) and the load generator stay in this process. Sharing one interpreter
would make the server wait for the GIL behind the bench's own 20 client threads and the fake Slack's
(≈ half of each answer's CPU), and the figures would measure the bench. The parent steers the child over a
pipe each (see _Server): the answer queue's stats, whether answers are still being worked out, which
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
import logging
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slack_bolt import Ack, App
from slack_sdk.webhook import WebhookClient
from sqlalchemy import Engine, create_engine, event, make_url, text

from bot import migrate
from bot.config import load_settings
from bot.db import make_engine, make_session_factory, session_scope
from bot.services import pie as pie_service
from bot.services.teams import teams_of
from bot.slack import answers
from bot.slack.app import create_app, make_client
from bot.slack.deps import Deps
from bot.web import HttpServer, build_wsgi, listening_socket
from tests.conftest import Member, reset_postgres, seed_team
from tests.fakeslack import FakeSlack
from tests.slackclient import SignedSlack

SECRET = "bench-signing-secret-0123456789abcdef"
CONCURRENCY = 20
REQUESTS = 600
WARMUP = 60
REPS = 50
OTHER_TEAM = 5
OTHER_EACH = 80
# The flood: three times the closed loop's people, more than a team ever has commands in flight at once.
FLOOD_SENDERS = 60
SERVER_THREADS = inspect.signature(HttpServer).parameters["threads"].default  # what `stretch serve` uses


def _server_main(conn: Connection, kind: str, env: dict[str, str], sock: socket.socket) -> None:
    """The child process: serve `kind` ("stretch" or "bare") and obey the parent's commands.

    Commands, each answered: ("cpu",) the process's CPU seconds so far, ("stats",) what the answer queue did since the last call (AnswerStats),
    ("working",) whether answers are still queued or being worked out, ("post", "pooled" | "plain") which
    response_url poster to use, ("stop",) stop serving."""
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth" is the load we make
    settings = load_settings(env, dotenv=Path("/nonexistent/.env"))
    engine = make_engine(env["DATABASE_URL"])
    held: list[float] = []
    if kind == "bare":
        app = App(client=make_client(settings), signing_secret=SECRET)

        @app.command("/claim-pie")
        def only_ack(ack: Ack) -> None:
            ack()

    else:
        _time_the_pie_lock(engine, held)
        deps = Deps(session_factory=make_session_factory(engine), settings=settings)
        app = create_app(settings, deps, client=make_client(settings))
    server = HttpServer(build_wsgi(app, engine), sock=sock)  # the server's default threads, as served
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    conn.send(server.port)
    posters = {"pooled": answers.post_response, "plain": _plain_post}
    while True:
        command, *args = conn.recv()
        if command == "stop":
            server.stop()
            thread.join(timeout=10)
            engine.dispose()
            conn.send(None)
            return
        if command == "held":
            conn.send(list(held))
            held.clear()
            continue
        if command == "cpu":
            conn.send(time.process_time())
            continue
        if kind == "bare":
            conn.send(None if command != "stats" else answers.AnswerStats())
            continue
        from bot.slack.listeners.commands import pie as pie_listener

        queue = pie_listener._answer_queue()
        if command == "stats":
            stats, queue.stats = queue.stats, answers.AnswerStats()
            conn.send(stats)
        elif command == "working":
            conn.send(bool(queue._queued or queue._busy))
        elif command == "post":
            queue._post = posters[args[0]]
            conn.send(None)


def _time_the_pie_lock(engine: Engine, held: list[float]) -> None:
    """Record how long each claim holds its pie's row lock: from the locking UPDATE's result to the
    connection's return after COMMIT (claims of one team wait for each other that long)."""
    since = threading.local()

    def executed(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("UPDATE pies"):
            since.locked = time.monotonic()

    def returned(*_: Any) -> None:
        locked = getattr(since, "locked", None)
        if locked is not None:
            since.locked = None
            held.append(time.monotonic() - locked)

    event.listen(engine, "after_cursor_execute", executed)
    event.listen(engine, "checkin", returned)


class _Server:
    """A server under test: `processes` processes accepting on one socket, as `stretch serve --processes`
    runs, each steered over a pipe (see _server_main)."""

    def __init__(self, kind: str, env: dict[str, str], processes: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()  # one exchange at a time: the flood thread asks too
        sock = listening_socket("127.0.0.1", 0)
        self._conns: list[Connection] = []
        self.processes: list[multiprocessing.process.BaseProcess] = []
        for _ in range(processes):
            conn, child = context.Pipe()
            process = context.Process(target=_server_main, args=(child, kind, env, sock), daemon=True)
            process.start()
            self._conns.append(conn)
            self.processes.append(process)
        for conn in self._conns:
            if not conn.poll(60):
                raise RuntimeError(f"the {kind} server did not start")
            conn.recv()
        self.events = f"http://127.0.0.1:{sock.getsockname()[1]}/slack/events"
        sock.close()  # the children hold it

    def ask_each(self, *command: Any) -> list[Any]:
        """Send one command to every child; their answers."""
        with self._lock:
            for conn in self._conns:
                conn.send(command)
            return [conn.recv() for conn in self._conns]

    def ask(self, *command: Any) -> Any:
        """One command to every child, answers combined: CPU summed, any still working."""
        out = self.ask_each(*command)
        if command[0] == "cpu":
            return sum(out)
        if command[0] == "working":
            return any(out)
        return out[0]

    def stats(self) -> answers.AnswerStats:
        """What the pie's answer queues did since the last call, all processes together."""
        total = answers.AnswerStats()
        for stats in self.ask_each("stats"):
            total.in_ack += stats.in_ack
            total.via_response_url += stats.via_response_url
            total.shed += stats.shed
            total.longest_queue = max(total.longest_queue, stats.longest_queue)
        return total

    def stop(self) -> None:
        """Stop serving and wait for the processes to end."""
        self.ask_each("stop")
        for process in self.processes:
            process.join(timeout=15)


class _Profile:
    """py-spy recording the server process while a load runs (PIE_BENCH_PROFILE), when py-spy is there."""

    def __init__(self, pid: int) -> None:
        self.out = os.environ.get("PIE_BENCH_PROFILE")
        spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        self._process: subprocess.Popen[bytes] | None = None
        if self.out and Path(spy).exists():
            self._process = subprocess.Popen(
                [
                    spy,
                    "record",
                    "--pid",
                    str(pid),
                    "--threads",
                    "--gil",
                    "-r",
                    "200",
                    "-f",
                    "raw",
                    "-o",
                    self.out,
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(1)  # attached before the load starts

    def stop(self) -> None:
        """Stop recording; py-spy writes its file on SIGINT."""
        if self._process is not None:
            self._process.send_signal(signal.SIGINT)
            self._process.wait(timeout=30)


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


class Flood:
    """FLOOD_SENDERS senders in the first team that never wait for answers, each sending its next command
    as soon as the last was acked, without a pause, until stopped; or, with `bursts`, every rep of the
    team sending a command at the same instant, once a second (a team's launch, over and over). They run
    in a process of their own, as the first team's people are not in the second team's: sharing the
    measuring process's GIL would slow the second team's clients, and the figures would measure the
    bench."""

    def __init__(
        self, events: str, response_url: str, texts: list[tuple[str, str]], *, bursts: bool = False
    ) -> None:
        self._conn, child = multiprocessing.get_context("spawn").Pipe()
        self._process = multiprocessing.get_context("spawn").Process(
            target=_flood_main, args=(child, events, response_url, texts, bursts), daemon=True
        )
        self._process.start()
        if not self._conn.poll(60):
            raise RuntimeError("the flood did not start")
        self._conn.recv()

    def mark(self) -> None:
        """Count from now."""
        self._conn.send("mark")
        self._conn.recv()

    def stop(self) -> tuple[float, int, float]:
        """Stop sending; since the mark: commands acked a second, how many were turned away, and the
        cores the flood's own senders kept busy (they share this machine with the server)."""
        self._conn.send("stop")
        rate, busy, cores = self._conn.recv()
        self._process.join(timeout=15)
        time.sleep(2)  # the flood's last answers in flight
        return rate, busy, cores


def _flood_main(
    conn: Connection, events: str, response_url: str, texts: list[tuple[str, str]], bursts: bool
) -> None:
    """The flood's process: its threads sending; told over `conn` when to mark and stop."""
    stop = threading.Event()
    lock = threading.Lock()
    sent: list[tuple[float, bool]] = []  # (acked at, turned away)
    senders = len(texts) if bursts else FLOOD_SENDERS
    began = time.monotonic() + 0.2

    def sender(index: int) -> None:
        second = 0
        while not stop.is_set():
            if bursts:  # the next whole second after the start, the same instant for every sender
                time.sleep(max(0.0, began + second - time.monotonic()))
                second += 1
            user, command_text = texts[index % len(texts)]
            index += senders
            client = SignedSlack(events, SECRET, response_url=response_url)
            reply = client.post(
                client.command_body("/claim-pie", command_text, user=user),
                "application/x-www-form-urlencoded",
            )
            with lock:
                sent.append((time.perf_counter(), answers.BUSY_TEXT in reply.text))

    threads = [threading.Thread(target=sender, args=(i,), daemon=True) for i in range(senders)]
    for thread in threads:
        thread.start()
    conn.send("flooding")
    assert conn.recv() == "mark"
    mark, cpu = time.perf_counter(), time.process_time()
    conn.send("marked")
    assert conn.recv() == "stop"
    stop.set()
    end, cpu = time.perf_counter(), time.process_time() - cpu
    for thread in threads:
        thread.join()
    recent = [busy for at, busy in sent if mark <= at <= end]
    conn.send((len(recent) / max(1e-9, end - mark), sum(recent), cpu / max(1e-9, end - mark)))


def _send(url: str, fake: FakeSlack, user: str, command_text: str) -> tuple[str, float, float, bool]:
    """One signed /claim-pie; (name, sent at, ack latency, answered in the ack)."""
    name = f"b{next(_names)}"
    client = SignedSlack(url, SECRET, response_url=fake.response_url(name))
    body = client.command_body("/claim-pie", command_text, user=user)
    start = time.perf_counter()
    reply = client.post(body, "application/x-www-form-urlencoded")
    ack = time.perf_counter() - start
    assert reply.status == 200, reply.status
    return name, start, ack, _answered(reply)


def _answered(reply: Any) -> bool:
    """The ack carries the answer (not empty, and not "busy, try again": that one is counted as shed)."""
    return bool(reply.body and reply.json()) and answers.BUSY_TEXT not in reply.text


def closed_loop(
    server: _Server, fake: FakeSlack, seen: Answers, texts: list[tuple[str, str]], users: int, each: int
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
            client = SignedSlack(server.events, SECRET, response_url=fake.response_url(name))
            body = client.command_body("/claim-pie", command_text, user=user)
            start = time.perf_counter()
            reply = client.post(body, "application/x-www-form-urlencoded")
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
    server: _Server, fake: FakeSlack, seen: Answers, texts: list[tuple[str, str]], requests: int
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


def burst(server: _Server, fake: FakeSlack, seen: Answers, users: list[str]) -> Timings:
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


def _unanswered(sent: list[tuple[str, float, float, bool]], seen: Answers, server: _Server) -> bool:
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


def _machine_busy(since: Any = None) -> Any:
    """Linux: the CPU counters of /proc/stat; with `since`, the share of all cores busy since then."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + fields[4]  # idle + iowait
    if since is None:
        return (sum(fields), idle)
    total, before_idle = since
    spent = sum(fields) - total
    return 1 - (idle - before_idle) / spent if spent else None


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


def _plain_post(response_url: str, reply: dict[str, Any]) -> None:
    WebhookClient(response_url, timeout=10).send(
        text=reply.get("text"),
        blocks=reply.get("blocks"),
        response_type=reply.get("response_type", "ephemeral"),
        replace_original=False,
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
    server = _Server("stretch", env, processes)
    open_loop(server, fake, seen, texts, WARMUP)
    time.sleep(1)

    server.stats()
    server.ask_each("held")  # from now on
    profile = _Profile(server.processes[0].pid or 0)
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
    flood_cpu, flood_began, machine = server.ask("cpu"), time.perf_counter(), _machine_busy()
    flooded = closed_loop(server, fake, seen, other_texts, OTHER_TEAM, OTHER_EACH)
    server_cores = (server.ask("cpu") - flood_cpu) / (time.perf_counter() - flood_began)
    machine_share = _machine_busy(since=machine)
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

    bare = _Server("bare", env, processes)
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


def closed_loop_bare(server: _Server, fake: FakeSlack, texts: list[tuple[str, str]]) -> Timings:
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
