"""Posting in a team channel on someone's behalf, turning Slack's refusals into replies they can act on."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.errors import UserError
from bot.slack.blocks.common import Block

_CHANNEL_PROBLEMS = {
    "channel_not_found": "I can't find the team channel <#{c}>. Ask a manager to pick it again with `/stretch setup`.",
    "not_in_channel": "I'm not in <#{c}> yet. Invite me with `/invite @Stretch` there, then try again.",
    "is_archived": "<#{c}> is archived. Ask a manager to pick the team's new channel with `/stretch setup`.",
    "restricted_action": "This workspace doesn't let me post in <#{c}>. Ask an admin to allow it.",
}


def post_in_channel(client: WebClient, *, channel_id: str, text: str, blocks: list[Block]) -> str | None:
    """Post a message in a channel and return its ts; UserError (nothing posted) when Slack refuses."""
    try:
        response = client.chat_postMessage(
            channel=channel_id, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False
        )
    except SlackApiError as error:
        code = str(error.response.get("error") or "") if error.response is not None else ""
        if code in _CHANNEL_PROBLEMS:
            raise UserError(_CHANNEL_PROBLEMS[code].format(c=channel_id) + " Nothing was posted.") from None
        raise
    return str(response.get("ts") or "") or None
