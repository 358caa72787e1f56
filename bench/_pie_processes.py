"""The processes bench/pie_latency.py runs beside itself: the server under test, served as
`stretch serve --processes N` serves it, and the first team's load when it floods the bot.

Each runs in processes of its own ("spawn"), as in production: Slack and the people typing are not in
Stretch's process, and sharing one interpreter would make the server wait for the GIL behind the bench's
own threads, so the figures would measure the bench. The parent steers each child over a pipe.
"""

from __future__ import annotations

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
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slack_bolt import Ack, App
from slack_sdk.webhook import WebhookClient
from sqlalchemy import Engine, event

from bot.config import load_settings
from bot.db import make_engine, make_session_factory
from bot.slack import answers
from bot.slack.app import create_app, make_client
from bot.slack.deps import Deps
from bot.web import HttpServer, build_wsgi, listening_socket
from tests.slackclient import SignedSlack

SECRET = "bench-signing-secret-0123456789abcdef"
# The flood: three times the closed loop's people, more than a team ever has commands in flight at once.
FLOOD_SENDERS = 60


def post_command(events: str, response_url: str, user: str, command_text: str) -> Any:
    """One signed `/claim-pie` from `user`, as Slack posts it; Slack's view of the reply."""
    client = SignedSlack(events, SECRET, response_url=response_url)
    body = client.command_body("/claim-pie", command_text, user=user)
    return client.post(body, "application/x-www-form-urlencoded")


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


class Server:
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


class Profile:
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
            reply = post_command(events, response_url, user, command_text)
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


def cpu_counters() -> tuple[int, int] | None:
    """Linux: all the machine's CPU time so far, and the idle part of it (/proc/stat, in ticks)."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    return sum(fields), fields[3] + fields[4]  # idle + iowait


def busy_since(before: tuple[int, int] | None) -> float | None:
    """The share of all the machine's cores busy since `before` (cpu_counters), where Linux tells."""
    now = cpu_counters()
    if before is None or now is None or now[0] == before[0]:
        return None
    return 1 - (now[1] - before[1]) / (now[0] - before[0])


def _plain_post(response_url: str, reply: dict[str, Any]) -> None:
    WebhookClient(response_url, timeout=10).send(
        text=reply.get("text"),
        blocks=reply.get("blocks"),
        response_type=reply.get("response_type", "ephemeral"),
        replace_original=False,
    )
