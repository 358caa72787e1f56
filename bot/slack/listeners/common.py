"""What many listeners read off a request the same way: the manager's team it is about, and a client that
answers a slash command in time."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from sqlalchemy.orm import Session

from bot.services.teams import manager_team_in
from bot.slack.payloads import CommandRequest, acting_user, action_value, slack_team_id


def command_team(*, session: Session, req: CommandRequest, now: datetime) -> Any:
    """The team a manager's command is about (channel, picked team or their only team); refuses others."""
    return manager_team_in(
        session=session,
        slack_team_id=req.slack_team_id,
        user_id=req.user_id,
        channel_id=req.channel,
        team_id=req.team_id,
        now=now,
    )


def action_team(*, session: Session, body: dict[str, Any], team_id: int | None, now: datetime) -> Any:
    """The team a manager's button or modal is about (`team_id` as the view or button carried it)."""
    return manager_team_in(
        session=session,
        slack_team_id=slack_team_id(body),
        user_id=acting_user(body),
        channel_id=None,
        team_id=team_id,
        now=now,
    )


def team_id_of_button(body: dict[str, Any]) -> int | None:
    """The team id a manager's button carries as its value, if it carries one."""
    value = action_value(body)
    return int(value) if value.isdigit() else None


def without_rate_limit_waits(client: WebClient) -> WebClient:
    """A copy of the client that doesn't sleep through a 429: a slash command must answer within 3 s."""
    quick = copy.copy(client)
    quick.retry_handlers = [h for h in client.retry_handlers if not isinstance(h, RateLimitErrorRetryHandler)]
    return quick
