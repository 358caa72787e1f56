"""Reading Slack's payloads: who, where and which workspace, whatever the request kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CommandRequest:
    """A slash command as Stretch needs it; `args` is the text after the subcommand word."""

    command: str
    user_id: str
    channel_id: str
    channel_name: str
    slack_team_id: str
    text: str
    trigger_id: str
    response_url: str
    subcommand: str = ""
    args: str = ""

    @property
    def is_dm(self) -> bool:
        """Whether it was typed in a DM (with the bot or anyone) rather than in a channel."""
        return self.channel_name == "directmessage" or self.channel_id.startswith("D")


def command_request(body: dict[str, Any]) -> CommandRequest:
    """Build a CommandRequest from a slash command body, splitting off the first word."""
    text = " ".join(str(body.get("text") or "").split())
    word, _, rest = text.partition(" ")
    return CommandRequest(
        command=str(body.get("command") or ""),
        user_id=str(body.get("user_id") or ""),
        channel_id=str(body.get("channel_id") or ""),
        channel_name=str(body.get("channel_name") or ""),
        slack_team_id=slack_team_id(body),
        text=text,
        trigger_id=str(body.get("trigger_id") or ""),
        response_url=str(body.get("response_url") or ""),
        subcommand=word.lower(),
        args=rest.strip(),
    )


def slack_team_id(body: dict[str, Any]) -> str:
    """The workspace id of any payload (command, block_actions, view_submission, event envelope)."""
    team = body.get("team")
    if isinstance(team, dict) and team.get("id"):
        return str(team["id"])
    if body.get("team_id"):
        return str(body["team_id"])
    user = body.get("user")
    if isinstance(user, dict) and user.get("team_id"):
        return str(user["team_id"])
    view = body.get("view")
    if isinstance(view, dict) and view.get("team_id"):
        return str(view["team_id"])
    return ""


def acting_user(body: dict[str, Any]) -> str:
    """The user who clicked, submitted or typed."""
    user = body.get("user")
    if isinstance(user, dict):
        return str(user.get("id") or "")
    return str(body.get("user_id") or "")


def action_value(body: dict[str, Any]) -> str:
    """The value of the first action of a block_actions payload."""
    acts = body.get("actions") or [{}]
    return str(acts[0].get("value") or acts[0].get("selected_option", {}).get("value") or "")
