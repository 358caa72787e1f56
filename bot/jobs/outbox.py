"""The delivery outbox: rows that say what Stretch owes whom, and the passes that pay them once.

A feature plans a message by inserting a Delivery with a unique key (`bot/deliveries.py`; a repeated
tick inserts nothing), and `bot/features.py` names the renderer of each kind. A pass claims due rows in
short transactions (bot/jobs/claims.py), sends each outside any transaction (bot/jobs/sending.py, which
makes a send exactly once), records the outcome (bot/jobs/outcomes.py), and keeps the pace Slack allows
(bot/jobs/pacing.py), so a restart, a retry or a second process neither sends twice nor forgets a message.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from slack_sdk import WebClient
from sqlalchemy import select

from bot.db import SessionFactory, session_scope
from bot.jobs.claims import LEASE, claim_due, claim_one, release
from bot.jobs.outcomes import DispatchReport, Kinds, merge_reports
from bot.jobs.pacing import Pacer
from bot.jobs.sending import deliver_one, outbox_client
from bot.models import Delivery
from bot.slack.http import PooledWebClient

logger = logging.getLogger(__name__)

# Threads sending side by side in one dispatch pass (they share one pace; see dispatch_due).
SENDERS = 4


def send_now(
    *,
    session_factory: SessionFactory,
    client: WebClient,
    dedupe_key: str,
    now: datetime,
    kinds: Kinds,
    asked_for: bool,
) -> DispatchReport:
    """Send one planned delivery right away, unless another sender has it.

    `asked_for`: its recipient just asked for it (`/stretch checkin`, digest now), so the message budget
    lets it through at any hour; a DM that someone else's click planned (an overlap, a note to managers)
    still waits for its recipient's working hours and budget, and the clock sends it then."""
    report = DispatchReport()
    with session_scope(session_factory) as session:
        delivery_id = claim_one(session=session, dedupe_key=dedupe_key, now=now)
    if delivery_id is not None:
        deliver_one(
            session_factory=session_factory,
            client=outbox_client(client),
            delivery_id=delivery_id,
            now=now,
            report=report,
            kinds=kinds,
            asked_for=asked_for,
        )
    return report


def send_planned(
    *,
    session_factory: SessionFactory,
    client: WebClient,
    dedupe_keys: Iterable[str],
    now: datetime,
    kinds: Kinds,
) -> None:
    """Send DMs that someone else's action just planned (an overlap, a notice to managers) right away.

    Each waits for its recipient's hours and budget like any DM nobody asked for; whatever can't go now
    the clock sends at the next tick."""
    for key in dedupe_keys:
        send_now(
            session_factory=session_factory,
            client=client,
            dedupe_key=key,
            now=now,
            kinds=kinds,
            asked_for=False,
        )


def dispatch_due(
    *,
    session_factory: SessionFactory,
    client: WebClient,
    now: datetime,
    budget_seconds: float = 45.0,
    batch_size: int = 50,
    workers: int = SENDERS,
    monotonic: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    kinds: Kinds,
    stop: threading.Event | None = None,
    lease: timedelta = LEASE,
) -> DispatchReport:
    """Send every due delivery at the pace Slack allows, within a time budget.

    `workers` threads send the claimed rows side by side (each row is still rendered, marked 'sending',
    sent and recorded on its own), so a Slack that takes 100 ms to answer doesn't cap the fan-out at
    10 a second. They share one Pacer (bot/jobs/pacing.py) and handle Slack's 429s themselves: a
    rate-limited row stays claimed and goes again once Retry-After has passed, and the pace follows the
    refill rate learned from the 429s. What is left when the budget runs out, or when `stop` is set (the
    process is shutting down), is released for the next tick; nothing is dropped, and the sends in
    flight are finished and recorded first.
    """
    stopping = stop or threading.Event()
    deadline = monotonic() + budget_seconds
    pacer = Pacer()
    sending_client = outbox_client(client, retry_rate_limited=False, pool_connections=True)
    reports = [DispatchReport() for _ in range(max(1, workers))]

    def time_is_up() -> bool:
        return monotonic() >= deadline or stopping.is_set()

    def pause(seconds: float) -> None:
        seconds = min(seconds, max(0.0, deadline - monotonic()))
        stopping.wait(seconds) if stop is not None else sleep(seconds)

    def work(queue: deque[list[int]], left: list[int], report: DispatchReport) -> None:
        while True:
            try:
                group = queue.popleft()
            except IndexError:
                return
            for index, delivery_id in enumerate(group):
                if not send(delivery_id, report):
                    left.extend(group[index:])
                    left.extend(i for rest in _drain(queue) for i in rest)
                    return

    def send(delivery_id: int, report: DispatchReport) -> bool:
        """One row to its end (sent, settled or given up); False when time was up first."""
        while True:
            if time_is_up():
                return False
            wait = pacer.delay(monotonic())
            if wait > 0:
                pause(wait)
                continue
            sent_before, limited_before = report.sent, report.rate_limited
            sent_at = monotonic()
            retry_after = deliver_one(
                session_factory=session_factory,
                client=sending_client,
                delivery_id=delivery_id,
                now=now,
                report=report,
                kinds=kinds,
                hold_when_limited=True,
            )
            if report.rate_limited > limited_before:
                pacer.limited(monotonic(), retry_after, sent_at=sent_at)
                continue  # the same row, still ours, once Retry-After has passed
            if report.sent > sent_before:
                pacer.accepted()
            return True

    pool: ThreadPoolExecutor | None = None
    try:
        while not time_is_up():
            with session_scope(session_factory) as session:
                ids = claim_due(session=session, now=now, limit=batch_size, lease=lease)
                rows = session.execute(select(Delivery.id, Delivery.channel).where(Delivery.id.in_(ids)))
                channels = {delivery_id: channel for delivery_id, channel in rows}
            if not ids:
                break
            # One worker per conversation at a time, in due order: two messages to the same person or
            # channel arrive in the order they were planned.
            groups: dict[str, list[int]] = {}
            for delivery_id in ids:
                groups.setdefault(channels.get(delivery_id, ""), []).append(delivery_id)
            queue, left = deque(groups.values()), list[int]()
            side_by_side = min(len(reports), len(groups))
            if side_by_side == 1:  # a quiet minute: no threads to start
                work(queue, left, reports[0])
            else:
                if pool is None:
                    pool = ThreadPoolExecutor(max_workers=len(reports), thread_name_prefix="stretch-send")
                futures = [pool.submit(work, queue, left, report) for report in reports[:side_by_side]]
                for future in futures:
                    future.result()
            if left:
                with session_scope(session_factory) as session:
                    release(session=session, ids=left)
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    if isinstance(sending_client, PooledWebClient):
        sending_client.pool.close()
    report = merge_reports(reports)
    report.stopped = stopping.is_set()
    report.rate_limited_calls = pacer.limited_count
    if report.sent or report.failed or report.expired or report.retry_later:
        logger.info(
            "deliveries: %d sent, %d failed, %d expired, %d to retry (%d answered 429; paced at %s/s)",
            report.sent,
            report.failed,
            report.expired,
            report.retry_later,
            report.rate_limited_calls,
            f"{pacer.rate:.1f}" if pacer.rate else "-",
        )
    return report


def _drain(queue: deque[list[int]]) -> list[list[int]]:
    taken: list[list[int]] = []
    while True:
        try:
            taken.append(queue.popleft())
        except IndexError:
            return taken
