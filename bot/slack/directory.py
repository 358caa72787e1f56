"""Slack's user directory (users.info) as the services see it: a function from user id to profile."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.services.people import ProfileFetcher, SlackProfile

logger = logging.getLogger(__name__)


def profile_from_user(user: dict[str, Any]) -> SlackProfile:
    """Turn a users.info `user` object (or a user_change event's) into a SlackProfile."""
    profile = user.get("profile") or {}
    name = (
        profile.get("display_name")
        or profile.get("real_name")
        or user.get("real_name")
        or user.get("name")
        or user.get("id", "")
    )
    return SlackProfile(
        user_id=user.get("id", ""),
        display_name=str(name),
        tz=user.get("tz") or "UTC",
        is_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
        is_bot=bool(user.get("is_bot")) or user.get("id") == "USLACKBOT",
        deleted=bool(user.get("deleted")),
    )


def fetcher_for(client: WebClient) -> ProfileFetcher:
    """A ProfileFetcher backed by users.info; unknown users give None."""

    def fetch(user_id: str) -> SlackProfile | None:
        try:
            response = client.users_info(user=user_id)
        except SlackApiError as error:
            code = error.response.get("error") if error.response is not None else None
            if code in ("user_not_found", "user_not_visible"):
                return None
            raise
        user = response.get("user")
        return profile_from_user(user) if isinstance(user, dict) else None

    return fetch
