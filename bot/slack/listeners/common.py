"""What many listeners read off a request the same way: the team a manager's button carries, and a client
that answers a slash command in time."""

from __future__ import annotations

import copy
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.slack.payloads import action_value


def team_id_of_button(body: dict[str, Any]) -> int | None:
    """The team id a manager's button carries as its value, if it carries one."""
    value = action_value(body)
    return int(value) if value.isdigit() else None


def without_rate_limit_waits(client: WebClient) -> WebClient:
    """A copy of the client that doesn't sleep through a 429: a slash command must answer within 3 s."""
    quick = copy.copy(client)
    quick.retry_handlers = [h for h in client.retry_handlers if not isinstance(h, RateLimitErrorRetryHandler)]
    return quick
