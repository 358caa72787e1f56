"""Answering a slash command fast under load: in the ack itself when the answer is ready in time, else
through response_url, from a few workers that serve every team in turn and shed what they can't serve.

A person who types `/claim-pie 20k` waits for the answer, not for the ack. Working the answer out in a
worker and posting it to response_url afterwards costs a second HTTP round trip and, when many commands
arrive together, a queue in which every command waits behind all the others. So the request's thread hands
the work to the queue and waits a little for it (at most INLINE_BUDGET_SECONDS, well inside Slack's 3 s):
when the answer is ready it goes back in the ack (one round trip, nothing else to post). When it isn't,
the listener acks empty and the worker posts the answer to response_url when done, over a kept-alive
connection (bot/slack/http.py).

Fairness, so that a request never waits on another team's work: the queue keeps one line per key (a
team) and the workers take from the lines in turn, so a burst in one team leaves another team's command
at the front of its own line: it waits for at most one command of each busy team, not for the whole
burst. No team's commands take every worker (at most PER_KEY of them at once), nor every request thread
that may wait for its answer (KEPT_FOR_OTHERS are left to the other teams): another team's command finds
a worker free and is still answered in its ack.

Overload: when a team's commands already waiting would take more than SHED_AFTER_SECONDS to answer (or
MAX_QUEUED_PER_KEY of its commands, or MAX_QUEUED in all, are waiting), its new one is answered at once
with a friendly "busy, nothing changed, try again" (its work is never started): the queue never grows
without bound, no answer arrives many seconds late, every ack still leaves within milliseconds, and
the other teams' commands are still taken.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import Ack

from bot.config import HTTP_THREADS
from bot.slack.blocks.common import section
from bot.slack.blocks.help import build_oops
from bot.slack.http import PooledWebhookClient

logger = logging.getLogger(__name__)

# How long a listener waits for the answer to send it in the ack. Slack shows an error after 3 s; the
# HTTP server, Bolt and the network need their share of those.
INLINE_BUDGET_SECONDS = 1.0
# A new command is turned away at once ("busy, nothing changed") when the answers already waiting would
# take longer than this to work through, or when this many are waiting: a person then hears at once to
# try again, rather than after many seconds, and the queue never grows without bound.
SHED_AFTER_SECONDS = 2.5
MAX_QUEUED = 300
# Workers per process, and how many of them one team's commands may take at once. A team's claims queue
# on its pie's row lock, so a second worker on the same team only contends for the GIL, and the claim
# holding the lock waits for it longest; the other workers are there for the other teams, so a team in a
# burst never has another team's command wait for a worker (bench/pie_latency.py, 2 processes: with 3
# workers and 1 per team the other team's answers p99 35-42 ms under a flood, against 42-52 ms with 2
# per team and 47-127 ms with 2 workers).
WORKERS = 3
PER_KEY = 1
# Request threads that may wait for an answer at once (the rest ack at once and answer at response_url):
# the web server's threads (`stretch serve --threads`, bot/config.py's HTTP_THREADS) less two kept free to ack,
# so a burst never leaves a request waiting for a thread. A waiting thread holds no database connection
# and no CPU, and it is what paces a team in a burst: its next command comes once this one is answered.
# Acking at once instead invites the next command at once, and the CPU goes to acks.
MAX_WAITING = HTTP_THREADS - 2
_max_waiting = MAX_WAITING
# Of those, this many are kept for the other teams: one team's burst never takes every waiting thread, so
# another team's command is still answered in its ack (one round trip) rather than at response_url.
KEPT_FOR_OTHERS = 4
# No team may have more than this many commands waiting for a worker (the queue's bound is MAX_QUEUED):
# one team's flood is turned away before the queue is full for everyone else.
MAX_QUEUED_PER_KEY = 150


def fit_to_server(threads: int) -> None:
    """Let as many requests wait for their answer as the server's threads allow, two kept free to ack
    (`stretch serve --threads`; queues made afterwards use it)."""
    global _max_waiting
    _max_waiting = max(0, threads - 2)


Reply = dict[str, Any]
Compute = Callable[[], Reply | None]
Post = Callable[[str, Reply], None]

BUSY_TEXT = "Lots of people are using Stretch right now, so I couldn't do that. Nothing changed: try again in a few seconds."


@dataclass
class _Job:
    key: Hashable
    compute: Compute
    response_url: str
    queued_at: float
    done: threading.Event = field(default_factory=threading.Event)
    reply: Reply | None = None
    finished: bool = False
    deferred: bool = False
    # Done once the answer is out (in the ack, or posted to response_url): lets tests wait for it.
    settled: Future[None] = field(default_factory=Future)


@dataclass
class AnswerStats:
    """What the queue did (benchmarks print it)."""

    in_ack: int = 0
    via_response_url: int = 0
    shed: int = 0
    longest_queue: int = 0


def post_response(response_url: str, reply: Reply) -> None:
    """Post an answer to a command's response_url (kept-alive connection)."""
    PooledWebhookClient(response_url, timeout=10).send(
        text=reply.get("text"),
        blocks=reply.get("blocks"),
        response_type=reply.get("response_type", "ephemeral"),
        replace_original=reply.get("replace_original", False),
    )


class AnswerQueue:
    """Commands' answers, worked out by a few workers, one team at a time in turn."""

    def __init__(
        self,
        *,
        workers: int | None = None,
        max_queued: int | None = None,
        inline_budget: float | None = None,
        max_waiting: int | None = None,
        per_key: int | None = None,
        post: Post = post_response,
        name: str = "stretch-answer",
    ) -> None:
        workers = workers or WORKERS
        self.max_queued = max_queued if max_queued is not None else MAX_QUEUED
        self.inline_budget = inline_budget if inline_budget is not None else INLINE_BUDGET_SECONDS
        self.max_waiting = max_waiting if max_waiting is not None else _max_waiting
        self.per_key = per_key or min(PER_KEY, workers)
        self.max_queued_per_key = min(self.max_queued, MAX_QUEUED_PER_KEY)
        self._running: dict[Hashable, int] = {}  # answers being worked out, per key
        self._waiting_per_key: dict[Hashable, int] = {}  # request threads waiting for an answer, per key
        self.shed_after = SHED_AFTER_SECONDS
        self.stats = AnswerStats()
        self._post = post
        self._lines: dict[Hashable, deque[_Job]] = {}
        self._turns: deque[Hashable] = deque()  # keys with work waiting, in the order they get a turn
        self._queued = 0
        self._busy = 0
        # Moving average of the time between two answers while the workers are busy (seconds): what one
        # more waiting command adds to the wait, whatever the machine's load.
        self._interval = 0.02
        self._last_done: float | None = None
        self._cond = threading.Condition()
        self._workers = [
            threading.Thread(target=self._work, name=f"{name}-{i}", daemon=True) for i in range(workers)
        ]
        for worker in self._workers:
            worker.start()

    def answer(self, *, ack: Ack, key: Hashable, compute: Compute, response_url: str) -> None:
        """Ack the command with its answer if it is ready in time; else ack and answer at response_url."""
        job = self._submit(key, compute, response_url)
        if job is None:
            ack(
                response_type="ephemeral",
                text=BUSY_TEXT,
                blocks=[section(f":hourglass_flowing_sand: {BUSY_TEXT}")],
            )
            return
        with self._cond:
            # Listener threads that wait are the web server's too: two are always left to ack, and
            # KEPT_FOR_OTHERS to the other teams. A command waits even when its line is long: acked at
            # once, its sender's next command would come at once too, the line would grow faster the
            # longer it got, and the CPU would go to acks; waiting, a team in a burst is paced by its
            # answers. (The person sees nothing either way until the answer comes.)
            mine = self._waiting_per_key.get(key, 0)
            wait = self._waiting < self.max_waiting and mine < max(1, self.max_waiting - KEPT_FOR_OTHERS)
            if wait:
                self._waiting_per_key[key] = mine + 1
        if wait:
            job.done.wait(self.inline_budget)
        with self._cond:
            if wait:
                left = self._waiting_per_key[key] - 1
                if left:
                    self._waiting_per_key[key] = left
                else:
                    del self._waiting_per_key[key]
            if not job.finished:
                job.deferred = True
                self.stats.via_response_url += 1
        if job.deferred:
            ack()
            return
        self.stats.in_ack += 1
        if job.reply is None:
            ack()
        else:
            ack(**{k: v for k, v in job.reply.items() if k != "replace_original"})

    @property
    def _waiting(self) -> int:
        """Request threads waiting for an answer, all keys (caller holds the lock)."""
        return sum(self._waiting_per_key.values())

    def _submit(self, key: Hashable, compute: Compute, response_url: str) -> _Job | None:
        with self._cond:
            line = self._lines.get(key)
            if (
                self._queued >= self.max_queued
                or (line is not None and len(line) >= self.max_queued_per_key)
                or self._expected_wait(key) > self.shed_after
            ):
                self.stats.shed += 1
                return None
            job = _Job(key=key, compute=compute, response_url=response_url, queued_at=time.monotonic())
            if line is None:
                line = self._lines[key] = deque()
                self._turns.append(key)
            line.append(job)
            self._queued += 1
            self.stats.longest_queue = max(self.stats.longest_queue, self._queued)
            self._cond.notify()
            return job

    def _expected_wait(self, key: Hashable) -> float:
        """Seconds until a command of `key` queued now would start (caller holds the lock): the workers
        take the lines in turn, so it waits for its own line and, in each other line, for as many
        commands as its own line has plus one, not for the whole of another team's burst."""
        own = len(self._lines.get(key, ()))
        ahead = own + sum(min(len(line), own + 1) for other, line in self._lines.items() if other != key)
        return ahead * self._interval

    def _next(self) -> _Job:
        with self._cond:
            while (key := self._next_key()) is None:
                self._cond.wait()
            self._turns.remove(key)
            line = self._lines[key]
            job = line.popleft()
            if line:
                self._turns.append(key)  # its next command waits for the other teams' turns
            else:
                del self._lines[key]
            self._queued -= 1
            self._busy += 1
            self._running[key] = self._running.get(key, 0) + 1
            return job

    def _next_key(self) -> Hashable | None:
        """The first key in turn with fewer than per_key answers being worked out (caller holds the lock)."""
        return next((key for key in self._turns if self._running.get(key, 0) < self.per_key), None)

    def _work(self) -> None:
        while True:
            job = self._next()
            started = time.monotonic()
            try:
                reply = job.compute()
            except Exception:  # the guard turns errors into replies; this is a last resort
                logger.exception("answering a command failed")
                blocks = build_oops()
                reply = {"response_type": "ephemeral", "text": blocks[0]["text"]["text"], "blocks": blocks}
            with self._cond:
                self._busy -= 1
                left = self._running[job.key] - 1
                if left:
                    self._running[job.key] = left
                else:
                    del self._running[job.key]
                self._cond.notify()  # a line held back by per_key may go on
                done = time.monotonic()
                since = done - (self._last_done if self._last_done is not None else started)
                # Only while others waited does the gap between answers measure the throughput.
                if self._queued or self._busy:
                    self._interval = 0.9 * self._interval + 0.1 * min(since, done - started)
                self._last_done = done
                job.reply, job.finished = reply, True
                deferred = job.deferred
            job.done.set()
            if deferred and reply is not None and job.response_url:
                try:
                    self._post(job.response_url, reply)
                except Exception as error:
                    logger.warning("could not post an answer to response_url (%s)", type(error).__name__)
            job.settled.set_result(None)
