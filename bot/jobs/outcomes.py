"""How an attempt at a delivery is written down: sent, given up, or to try again later, and the tally of a pass.

Every way a send can end (Slack's answer, its refusal, a lost connection, a closed window) lands here, so
the row's status, lease and error and the kind's hooks (`after_send`, `on_give_up`) change in one place.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.db import SessionFactory, session_scope
from bot.deliveries import EXPIRED, SENT, KindSpec
from bot.models import Delivery, Person

# Each delivery kind's renderer and hooks, as bot/features.py lists them.
Kinds = Mapping[str, KindSpec]


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


def merge_reports(reports: Sequence[DispatchReport]) -> DispatchReport:
    """One report for the senders that worked side by side in a pass."""
    merged = DispatchReport()
    for part in reports:
        for name in ("sent", "failed", "expired", "cancelled", "retry_later", "rate_limited", "recovered"):
            setattr(merged, name, getattr(merged, name) + getattr(part, name))
        for code, count in part.errors.items():
            merged.errors[code] = merged.errors.get(code, 0) + count
    return merged


@contextmanager
def claimed_row(session_factory: SessionFactory, delivery_id: int) -> Iterator[tuple[Session, Delivery]]:
    """One transaction on a delivery this sender has claimed (claimed rows are never deleted)."""
    with session_scope(session_factory) as session:
        delivery = session.get(Delivery, delivery_id)
        assert delivery is not None
        yield session, delivery


def backoff(attempts: int) -> timedelta:
    """How long a failed delivery waits before its next attempt: 15 s, doubling, at most 10 minutes."""
    return timedelta(seconds=min(600, 15 * 2 ** max(0, attempts - 1)))


def error_code(error: SlackApiError) -> tuple[str, int, float]:
    """Slack's error code, the HTTP status and, for a 429, the seconds Retry-After asks for."""
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


def give_up(
    session: Session, delivery: Delivery, status: str, reason: str, now: datetime, kinds: Kinds
) -> None:
    """Settle a delivery that won't be sent (failed, expired), and tell its kind."""
    delivery.status = status
    delivery.last_error = reason[:200]
    delivery.claimed_until = None
    spec = kinds.get(delivery.kind)
    if spec and spec.on_give_up:
        spec.on_give_up(session, delivery, now)


def record_sent(
    session: Session, delivery: Delivery, *, ts: str | None, channel: str | None, now: datetime, kinds: Kinds
) -> None:
    """Mark a delivery sent as Slack posted it (its recipient is reachable again), and tell its kind."""
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


def retry_later(
    session: Session,
    delivery: Delivery,
    code: str,
    now: datetime,
    report: DispatchReport,
    kinds: Kinds,
    *,
    unknown_outcome: bool = False,
) -> None:
    """Leave a delivery for a later attempt after `code`, or give it up when its window closes first."""
    delivery.last_error = code[:200]
    if unknown_outcome:
        # Stays 'sending': the next attempt asks Slack first, and only then may give up (the
        # message may well have been posted, so it must not be written off as expired here).
        check_at = now + backoff(delivery.attempts)
        if delivery.expires_at is not None:
            check_at = min(check_at, delivery.expires_at)
        delivery.claimed_until = check_at
        report.retry_later += 1
        return
    # A 429 is the workspace's pace, not this message's fault: it goes again right after the pause.
    retry_at = None if code == "ratelimited" else now + backoff(delivery.attempts)
    if expire_if_closed(
        session, delivery, code, next_try=retry_at or now, now=now, report=report, kinds=kinds
    ):
        return
    delivery.claimed_until = retry_at
    report.retry_later += 1


def expire_if_closed(
    session: Session,
    delivery: Delivery,
    code: str,
    *,
    next_try: datetime,
    now: datetime,
    report: DispatchReport,
    kinds: Kinds,
) -> bool:
    """Give a failing delivery up as expired when its window closes by its next try; True if it did."""
    if delivery.expires_at is None or next_try < delivery.expires_at:
        return False
    give_up(session, delivery, EXPIRED, f"gave up after the delivery window: {code}", now, kinds)
    report.expired += 1
    return True
