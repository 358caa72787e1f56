"""Stretch in its team channels: join a public one, or say how to invite it to a private one.

`chat:write.public` lets Stretch post in a public channel it isn't in, but Slack then sends it none of
the channel's messages (huddle thread replies) and refuses `conversations.history`. So setting a team up
makes sure Stretch is a member, and says plainly what to do when it can't join by itself.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelMembership:
    """Whether Stretch is in the channel now, and a line (Slack mrkdwn) telling the person so."""

    ok: bool
    message: str
    joined: bool = False


def _invite(channel_id: str, why: str) -> ChannelMembership:
    return ChannelMembership(
        ok=False,
        message=(
            f":warning: {why} Type `/invite @Stretch` in <#{channel_id}> so I can see replies in huddle "
            "threads; until then huddle recaps can't tell who posted."
        ),
    )


def ensure_in_channel(client: WebClient, channel_id: str) -> ChannelMembership:
    """Make Stretch a member of `channel_id` if Slack lets it (public channels), else say how."""
    try:
        info = client.conversations_info(channel=channel_id)
    except SlackApiError as error:
        code = _code(error)
        if code == "channel_not_found":
            return _invite(channel_id, "I can't see that channel: it is private or its id is wrong.")
        logger.warning("conversations.info for a team channel failed: %s", code)
        return _invite(channel_id, f"I couldn't check whether I'm in <#{channel_id}> ({code}).")
    channel = info.get("channel") or {}
    if channel.get("is_member"):
        return ChannelMembership(
            ok=True, message=f"I'm in <#{channel_id}>, so I'll see huddle threads there."
        )
    if channel.get("is_archived"):
        return _invite(channel_id, f"<#{channel_id}> is archived; pick a channel people still use.")
    if channel.get("is_private") or channel.get("is_group"):
        return _invite(channel_id, f"<#{channel_id}> is private, so I can't join it by myself.")
    try:
        client.conversations_join(channel=channel_id)
    except SlackApiError as error:
        code = _code(error)
        logger.warning("conversations.join for a team channel failed: %s", code)
        return _invite(channel_id, f"I couldn't join <#{channel_id}> ({code}).")
    return ChannelMembership(
        ok=True, joined=True, message=f"I joined <#{channel_id}> so I can see replies in huddle threads."
    )


def _code(error: SlackApiError) -> str:
    return str((error.response or {}).get("error") or "unknown_error")
