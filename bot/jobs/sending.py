"""Sending one claimed delivery exactly once: render, chat.postMessage, and record what Slack answered.

Exactly once, even when a process dies between Slack's answer and our commit: a row is marked
'sending' before chat.postMessage, and the message carries Slack metadata naming the row's key. A
'sending' row found again (its sender died, timed out or lost the connection, so nobody knows whether
Slack posted it) is first looked up in the target conversation's history; only if no message there
carries its key is it sent again.
"""

from __future__ import annotations

import copy
import logging
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.db import SessionFactory, session_scope
from bot.deliveries import FAILED, PENDING, SENDING
from bot.jobs.outcomes import (
    DispatchReport,
    Kinds,
    backoff,
    claimed_row,
    error_code,
    expire_if_closed,
    give_up,
    record_sent,
    retry_later,
)
from bot.jobs.prepare import prepare, record_riders
from bot.jobs.uploads import upload_files
from bot.models import Delivery, Person
from bot.slack.http import ConnectionPool, pooled

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
# Slack message metadata that names the delivery a message pays, so a resend can be ruled out.
METADATA_EVENT_TYPE = "stretch_delivery"
# How far back the history check looks (pages of 100 of the target conversation's newest messages).
HISTORY_PAGES = 3


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
        code = error_code(error)[0] if isinstance(error, SlackApiError) else type(error).__name__
        report.count_error(code)
        logger.warning("could not check whether delivery %s was sent (%s); will ask again", delivery_id, code)
        with claimed_row(session_factory, delivery_id) as (_, delivery):
            delivery.last_error = f"checking: {code}"[:200]
            delivery.claimed_until = now + backoff(delivery.attempts)
        report.retry_later += 1
        return True
    if found is None:
        return False
    with claimed_row(session_factory, delivery_id) as (session, delivery):
        record_sent(session, delivery, ts=found[1], channel=found[0], now=now, kinds=kinds)
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
            else prepare(session, delivery, now, report, kinds, asked_for=asked_for)
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
        with claimed_row(session_factory, delivery_id) as (session, delivery):
            message, rider_ids = prepare(session, delivery, now, report, kinds, asked_for=asked_for)
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
        code, status, retry_after = error_code(error)
        report.count_error(code)
        with claimed_row(session_factory, delivery_id) as (session, delivery):
            if status >= 500:
                # Slack may have posted it before failing: settle it by a history check, not a resend.
                retry_later(session, delivery, code, now, report, kinds, unknown_outcome=True)
                return 0.0
            # Slack answered and refused: it did not post this message.
            delivery.status = PENDING
            if code in RECIPIENT_GONE:
                if delivery.person_id is not None:
                    person = session.get(Person, delivery.person_id)
                    if person is not None and delivery.channel == person.slack_user_id:
                        person.unreachable_reason = code
                give_up(session, delivery, FAILED, code, now, kinds)
                report.failed += 1
            elif code in MESSAGE_REJECTED:
                logger.error("Slack rejected delivery %s (%s): %s", delivery.id, delivery.kind, code)
                give_up(session, delivery, FAILED, code, now, kinds)
                report.failed += 1
            elif code == "ratelimited" and hold_when_limited:
                report.rate_limited += 1
                delivery.last_error = code
                expire_if_closed(session, delivery, code, next_try=now, now=now, report=report, kinds=kinds)
            else:
                retry_later(session, delivery, code, now, report, kinds)
                if code == "ratelimited":
                    report.rate_limited += 1
        return retry_after
    except Exception as error:  # network trouble: connection reset, timeout, DNS
        code = type(error).__name__
        report.count_error(code)
        logger.warning("sending delivery %s failed with %s; will check and retry", delivery_id, code)
        with claimed_row(session_factory, delivery_id) as (session, delivery):
            retry_later(session, delivery, code, now, report, kinds, unknown_outcome=True)
        return 0.0

    with claimed_row(session_factory, delivery_id) as (session, delivery):
        record_sent(
            session,
            delivery,
            ts=str(response.get("ts") or ""),
            channel=str(response.get("channel") or ""),
            now=now,
            kinds=kinds,
        )
        if rider_ids:
            record_riders(session, delivery, rider_ids, now, kinds)
    report.sent += 1
    if message.files:
        upload_files(client=client, channel=str(response.get("channel") or channel), files=message.files)
    return 0.0


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
