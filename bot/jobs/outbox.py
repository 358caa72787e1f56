"""The delivery outbox: rows that say what Stretch owes whom, and the sender that pays them once.

A feature plans a message by inserting a Delivery with a unique key (`bot/deliveries.py`; a repeated
tick inserts nothing), and `bot/features.py` names the renderer of each kind. The sender claims due rows in short transactions, talks to Slack
outside any transaction, and records the outcome, so a restart, a retry or a second process neither
sends twice nor forgets a message.

Exactly once, even when a process dies between Slack's answer and our commit: a row is marked
'sending' before chat.postMessage, and the message carries Slack metadata naming the row's key. A
'sending' row found again (its sender died, timed out or lost the connection, so nobody knows whether
Slack posted it) is first looked up in the target conversation's history; only if no message there
carries its key is it sent again.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db import SessionFactory, session_scope
from bot.deliveries import CANCELLED, EXPIRED, FAILED, PENDING, SENDING, SENT, FileUpload, KindSpec, Message
from bot.jobs.pacing import Pacer
from bot.models import Delivery, Person
from bot.services import attention
from bot.slack.http import ConnectionPool, PooledWebClient, pooled

logger = logging.getLogger(__name__)

# The recipient can't be reached: stop trying them, mark the person, move on to everyone else.
RECIPIENT_GONE = frozenset(
    {
        "user_not_found",
        "account_inactive",
        "cannot_dm_bot",
        "user_disabled",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "messages_tab_disabled",
    }
)
# The message itself is wrong: retrying won't help.
MESSAGE_REJECTED = frozenset(
    {"invalid_blocks", "msg_too_long", "no_text", "invalid_arguments", "too_many_attachments"}
)
LEASE = timedelta(minutes=2)
# Each delivery kind's renderer and hooks, as bot/features.py lists them.
Kinds = Mapping[str, KindSpec]
# Slack message metadata that names the delivery a message pays, so a resend can be ruled out.
METADATA_EVENT_TYPE = "stretch_delivery"
# Threads sending side by side in one dispatch pass (they share one pace; see dispatch_due).
SENDERS = 4
# How far back the history check looks (pages of 100 of the target conversation's newest messages).
HISTORY_PAGES = 3


@dataclass
class DispatchReport:
    """What one pass of the sender did."""

    sent: int = 0
    failed: int = 0
    expired: int = 0
    cancelled: int = 0
    # Held back by the message-budget policy: deferred, waiting to ride along, or skipped (a nudge).
    held: int = 0
    retry_later: int = 0
    rate_limited: int = 0
    # Every 429 Slack answered, including those the client's retry handler waited out and retried.
    rate_limited_calls: int = 0
    # 'sending' rows found already posted in Slack (their sender died or lost the answer): not resent.
    recovered: int = 0
    # The pass stopped early because the process is shutting down.
    stopped: bool = False
    errors: dict[str, int] = field(default_factory=dict)

    def count_error(self, code: str) -> None:
        """Tally an error code (for logs and benchmarks)."""
        self.errors[code] = self.errors.get(code, 0) + 1


def _claimable(now: datetime) -> Any:
    return Delivery.status.in_((PENDING, SENDING)) & (
        Delivery.claimed_until.is_(None) | (Delivery.claimed_until < now)
    )


def claim_due(*, session: Session, now: datetime, limit: int, lease: timedelta = LEASE) -> list[int]:
    """Claim up to `limit` due deliveries for this sender (SKIP LOCKED on PostgreSQL).

    Rows left 'sending' by a sender that died or lost Slack's answer are claimable again once their
    lease ran out; deliver_one checks Slack before sending them again.
    """
    query = (
        select(Delivery.id)
        .where(Delivery.due_at <= now, _claimable(now))
        .order_by(Delivery.due_at, Delivery.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(session.scalars(query))
    if ids:
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids))
            .values(claimed_until=now + lease, attempts=Delivery.attempts + 1)
        )
    return ids


def claim_one(*, session: Session, dedupe_key: str, now: datetime, lease: timedelta = LEASE) -> int | None:
    """Claim one pending delivery by its key, if no other sender holds it; its id or None."""
    delivery_id = session.scalar(select(Delivery.id).where(Delivery.dedupe_key == dedupe_key))
    if delivery_id is None:
        return None
    claimed = session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, _claimable(now))
        .values(claimed_until=now + lease, attempts=Delivery.attempts + 1)
        .returning(Delivery.id)
    ).first()
    return delivery_id if claimed is not None else None


def release(*, session: Session, ids: list[int]) -> None:
    """Give claimed but untouched deliveries back, so the next pass takes them at once."""
    if ids:
        session.execute(update(Delivery).where(Delivery.id.in_(ids)).values(claimed_until=None))


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(600, 15 * 2 ** max(0, attempts - 1)))


def _error_code(error: SlackApiError) -> tuple[str, int, float]:
    response = error.response
    code = str(response.get("error") or "unknown") if response is not None else "unknown"
    status = int(getattr(response, "status_code", 0) or 0)
    retry_after = 0.0
    if status == 429:
        headers = getattr(response, "headers", {}) or {}
        value = headers.get("Retry-After") or headers.get("retry-after") or "1"
        if isinstance(value, list):
            value = value[0]
        try:
            retry_after = float(value)
        except (TypeError, ValueError):
            retry_after = 1.0
        code = "ratelimited"
    return code, status, retry_after


def _give_up(
    session: Session, delivery: Delivery, status: str, reason: str, now: datetime, kinds: Kinds
) -> None:
    delivery.status = status
    delivery.last_error = reason[:200]
    delivery.claimed_until = None
    spec = kinds.get(delivery.kind)
    if spec and spec.on_give_up:
        spec.on_give_up(session, delivery, now)


def delivery_metadata(dedupe_key: str) -> dict[str, Any]:
    """The Slack message metadata that marks a message as paying the delivery with this key."""
    return {"event_type": METADATA_EVENT_TYPE, "event_payload": {"key": dedupe_key}}


def find_posted(*, client: WebClient, channel: str, dedupe_key: str) -> tuple[str, str] | None:
    """The (conversation id, ts) of a message already in `channel` carrying this delivery's key, if any.

    A user id means the bot's DM with them, whose id conversations.open gives. Raises SlackApiError
    (or a network error) when Slack can't say; the caller then keeps the row for a later check.
    """
    conversation = channel
    if channel.startswith(("U", "W")):
        opened = client.conversations_open(users=channel)
        conversation = str((opened.get("channel") or {}).get("id") or channel)
    cursor: str | None = None
    for _ in range(HISTORY_PAGES):
        page = client.conversations_history(
            channel=conversation, limit=100, include_all_metadata=True, cursor=cursor
        )
        for message in page.get("messages") or []:
            metadata = message.get("metadata") or {}
            if metadata.get("event_type") == METADATA_EVENT_TYPE and (
                (metadata.get("event_payload") or {}).get("key") == dedupe_key
            ):
                return conversation, str(message.get("ts") or "")
        cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "") or None
        if cursor is None:
            break
    return None


def _record_sent(
    session: Session, delivery: Delivery, *, ts: str | None, channel: str | None, now: datetime, kinds: Kinds
) -> None:
    delivery.status = SENT
    delivery.sent_at = now
    delivery.claimed_until = None
    delivery.last_error = None
    delivery.message_ts = ts or None
    delivery.message_channel = channel or None
    if delivery.person_id is not None:
        person = session.get(Person, delivery.person_id)
        if person is not None and person.unreachable_reason:
            person.unreachable_reason = None
    spec = kinds.get(delivery.kind)
    if spec and spec.after_send:
        spec.after_send(session, delivery, now)


def _verify_unknown_outcome(
    *,
    session_factory: SessionFactory,
    client: WebClient,
    delivery_id: int,
    channel: str,
    dedupe_key: str,
    now: datetime,
    report: DispatchReport,
    kinds: Kinds,
) -> bool:
    """For a row left 'sending': True if it is settled (found in Slack, or the check must wait)."""
    try:
        found = find_posted(client=client, channel=channel, dedupe_key=dedupe_key)
    except Exception as error:  # Slack can't tell us now: ask again later, never guess
        code = _error_code(error)[0] if isinstance(error, SlackApiError) else type(error).__name__
        report.count_error(code)
        logger.warning("could not check whether delivery %s was sent (%s); will ask again", delivery_id, code)
        with session_scope(session_factory) as session:
            delivery = session.get(Delivery, delivery_id)
            assert delivery is not None
            delivery.last_error = f"checking: {code}"[:200]
            delivery.claimed_until = now + _backoff(delivery.attempts)
        report.retry_later += 1
        return True
    if found is None:
        return False
    with session_scope(session_factory) as session:
        delivery = session.get(Delivery, delivery_id)
        assert delivery is not None
        _record_sent(session, delivery, ts=found[1], channel=found[0], now=now, kinds=kinds)
    logger.info("delivery %s had reached Slack before its sender stopped; not sent again", delivery_id)
    report.recovered += 1
    return True


def deliver_one(
    *,
    session_factory: SessionFactory,
    client: WebClient,
    delivery_id: int,
    now: datetime,
    report: DispatchReport,
    kinds: Kinds,
    hold_when_limited: bool = False,
    asked_for: bool = False,
) -> float:
    """Render, send and record one claimed delivery; returns seconds to pause (Slack's Retry-After).

    With `hold_when_limited` a 429 leaves the row pending but still claimed by this sender, which sends
    it again itself once Retry-After has passed (or releases it); else the row is free for the next pass.
    `asked_for`: the recipient just asked for it (`/stretch checkin`), so the budget doesn't hold it.
    """
    with session_scope(session_factory) as session:
        delivery = session.get(Delivery, delivery_id)
        if delivery is None or delivery.status not in (PENDING, SENDING):
            return 0.0
        unknown_outcome = delivery.status == SENDING
        channel, dedupe_key = delivery.channel, delivery.dedupe_key
        # The common case renders in this same transaction: one round of reads and one commit per send.
        message, rider_ids = (
            (None, [])
            if unknown_outcome
            else _prepare(session, delivery, now, report, kinds, asked_for=asked_for)
        )
    if unknown_outcome:
        if _verify_unknown_outcome(
            session_factory=session_factory,
            client=client,
            delivery_id=delivery_id,
            channel=channel,
            dedupe_key=dedupe_key,
            now=now,
            report=report,
            kinds=kinds,
        ):
            return 0.0
        with session_scope(session_factory) as session:
            delivery = session.get(Delivery, delivery_id)
            assert delivery is not None
            message, rider_ids = _prepare(session, delivery, now, report, kinds, asked_for=asked_for)
    if message is None:
        return 0.0

    try:
        response = client.chat_postMessage(
            channel=channel,
            text=message.text,
            blocks=message.blocks,
            unfurl_links=False,
            unfurl_media=False,
            metadata=delivery_metadata(dedupe_key),
        )
    except SlackApiError as error:
        code, status, retry_after = _error_code(error)
        report.count_error(code)
        with session_scope(session_factory) as session:
            delivery = session.get(Delivery, delivery_id)
            assert delivery is not None
            if status >= 500:
                # Slack may have posted it before failing: settle it by a history check, not a resend.
                _retry_later(session, delivery, code, now, report, kinds, unknown_outcome=True)
                return 0.0
            # Slack answered and refused: it did not post this message.
            delivery.status = PENDING
            if code in RECIPIENT_GONE:
                if delivery.person_id is not None:
                    person = session.get(Person, delivery.person_id)
                    if person is not None and delivery.channel == person.slack_user_id:
                        person.unreachable_reason = code
                _give_up(session, delivery, FAILED, code, now, kinds)
                report.failed += 1
            elif code in MESSAGE_REJECTED:
                logger.error("Slack rejected delivery %s (%s): %s", delivery.id, delivery.kind, code)
                _give_up(session, delivery, FAILED, code, now, kinds)
                report.failed += 1
            elif code == "ratelimited" and hold_when_limited:
                report.rate_limited += 1
                delivery.last_error = code
                if delivery.expires_at is not None and now >= delivery.expires_at:
                    _give_up(
                        session, delivery, EXPIRED, f"gave up after the delivery window: {code}", now, kinds
                    )
                    report.expired += 1
            else:
                _retry_later(session, delivery, code, now, report, kinds)
                if code == "ratelimited":
                    report.rate_limited += 1
        return retry_after
    except Exception as error:  # network trouble: connection reset, timeout, DNS
        code = type(error).__name__
        report.count_error(code)
        logger.warning("sending delivery %s failed with %s; will check and retry", delivery_id, code)
        with session_scope(session_factory) as session:
            delivery = session.get(Delivery, delivery_id)
            assert delivery is not None
            _retry_later(session, delivery, code, now, report, kinds, unknown_outcome=True)
        return 0.0

    with session_scope(session_factory) as session:
        delivery = session.get(Delivery, delivery_id)
        assert delivery is not None
        _record_sent(
            session,
            delivery,
            ts=str(response.get("ts") or ""),
            channel=str(response.get("channel") or ""),
            now=now,
            kinds=kinds,
        )
        if rider_ids:
            _record_riders(session, delivery, rider_ids, now, kinds)
    report.sent += 1
    if message.files:
        upload_files(client=client, channel=str(response.get("channel") or channel), files=message.files)
    return 0.0


def _prepare(
    session: Session,
    delivery: Delivery,
    now: datetime,
    report: DispatchReport,
    kinds: Kinds,
    *,
    asked_for: bool = False,
) -> tuple[Message | None, list[int]]:
    """Render a claimed delivery and mark it 'sending' (committed before Slack is called: if this process
    dies after Slack posted, the row says so), with the ids of the DMs that ride along in it; no message
    when it is settled instead (expired, cancelled…) or held by the message budget for later."""
    if delivery.expires_at is not None and now >= delivery.expires_at:
        reason = "window closed before it could be sent"
        if delivery.last_error:
            reason = f"gave up after the delivery window: {delivery.last_error}"
        _give_up(session, delivery, EXPIRED, reason, now, kinds)
        report.expired += 1
        return None, []
    spec = kinds.get(delivery.kind)
    if spec is None:
        logger.error("no renderer for delivery kind %s (id %s)", delivery.kind, delivery.id)
        _give_up(session, delivery, FAILED, f"unknown kind {delivery.kind}", now, kinds)
        report.failed += 1
        return None, []
    # The one message-budget policy every planned DM passes (hours, welcome first, budget, merges).
    if not asked_for and attention.hold(session=session, delivery=delivery, now=now) is not None:
        report.held += 1
        return None, []
    message = spec.render(session, delivery, now)
    if message is None:
        delivery.status = CANCELLED
        delivery.claimed_until = None
        report.cancelled += 1
        return None, []
    rider_ids = _take_riders(session, delivery, now, kinds)
    if rider_ids:
        message = spec.render(session, delivery, now) or message
    delivery.status = SENDING
    return message, rider_ids


def upload_files(*, client: WebClient, channel: str, files: Sequence[FileUpload]) -> bool:
    """Share files into a conversation with files_upload_v2 (scope files:write); False if Slack refused.

    The message before them already carries the same figures as text, so a failed upload is logged and
    not retried: the reader still has everything, and a retry could post the charts twice."""
    try:
        client.files_upload_v2(
            channel=channel,
            file_uploads=[
                {"content": f.content, "filename": f.filename, "title": f.title, "alt_txt": f.alt_text[:1000]}
                for f in files
            ],
        )
    except SlackApiError as error:
        logger.warning("uploading %d file(s) failed: %s", len(files), _error_code(error)[0])
        return False
    except Exception as error:  # network trouble
        logger.warning("uploading %d file(s) failed with %s", len(files), type(error).__name__)
        return False
    return True


def _take_riders(session: Session, delivery: Delivery, now: datetime, kinds: Kinds) -> list[int]:
    """Fold the DMs waiting to ride along with this one (a check-in) into it; their ids."""
    taken: list[int] = []
    blocks: list[dict[str, Any]] = []
    for rider in attention.riders_for(session=session, delivery=delivery, now=now):
        spec = kinds.get(rider.kind)
        message = spec.render(session, rider, now) if spec is not None else None
        if message is None:
            rider.status = CANCELLED
            continue
        blocks.extend(
            message.blocks or [{"type": "section", "text": {"type": "mrkdwn", "text": message.text}}]
        )
        blocks.append({"type": "divider"})
        rider.claimed_until = now + LEASE
        taken.append(rider.id)
    if taken:
        attention.attach_riders(session=session, delivery=delivery, blocks=blocks)
    return taken


def _record_riders(
    session: Session, host: Delivery, rider_ids: list[int], now: datetime, kinds: Kinds
) -> None:
    riders = [
        r for r in (session.get(Delivery, i) for i in rider_ids) if r is not None and r.status == PENDING
    ]
    attention.record_merged(session=session, riders=riders, host=host, now=now)
    for rider in riders:
        spec = kinds.get(rider.kind)
        if spec and spec.after_send:
            spec.after_send(session, rider, now)


def _retry_later(
    session: Session,
    delivery: Delivery,
    code: str,
    now: datetime,
    report: DispatchReport,
    kinds: Kinds,
    *,
    unknown_outcome: bool = False,
) -> None:
    delivery.last_error = code[:200]
    if unknown_outcome:
        # Stays 'sending': the next attempt asks Slack first, and only then may give up (the
        # message may well have been posted, so it must not be written off as expired here).
        check_at = now + _backoff(delivery.attempts)
        if delivery.expires_at is not None:
            check_at = min(check_at, delivery.expires_at)
        delivery.claimed_until = check_at
        report.retry_later += 1
        return
    # A 429 is the workspace's pace, not this message's fault: it goes again right after the pause.
    retry_at = None if code == "ratelimited" else now + _backoff(delivery.attempts)
    if delivery.expires_at is not None and (retry_at or now) >= delivery.expires_at:
        _give_up(session, delivery, EXPIRED, f"gave up after the delivery window: {code}", now, kinds)
        report.expired += 1
        return
    delivery.claimed_until = retry_at
    report.retry_later += 1


def outbox_client(
    client: WebClient, *, retry_rate_limited: bool = True, pool_connections: bool = False
) -> WebClient:
    """A copy of `client` that never retries a send by itself, except 429s when `retry_rate_limited`.

    After a 5xx, a timeout or a dropped connection Slack may already have posted the message; a blind
    retry would post it twice, so those are left to the outbox, which checks Slack first. The fan-out
    (dispatch_due) handles 429s itself, pacing on them, so its client retries nothing, and keeps its
    connections to Slack open across sends (`pool_connections`: a pool of its own, closed after the pass).
    """
    copied = pooled(client, pool=ConnectionPool()) if pool_connections else copy.copy(client)
    copied.retry_handlers = (
        [h for h in client.retry_handlers if isinstance(h, RateLimitErrorRetryHandler)]
        if retry_rate_limited
        else []
    )
    return copied


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
                pacer.limited(monotonic(), retry_after)
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
    report = _merge(reports)
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


def _merge(reports: Sequence[DispatchReport]) -> DispatchReport:
    merged = DispatchReport()
    for part in reports:
        for name in ("sent", "failed", "expired", "cancelled", "retry_later", "rate_limited", "recovered"):
            setattr(merged, name, getattr(merged, name) + getattr(part, name))
        for code, count in part.errors.items():
            merged.errors[code] = merged.errors.get(code, 0) + count
    return merged
