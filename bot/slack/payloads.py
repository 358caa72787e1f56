"""Reading Slack's payloads: who, where and which workspace, whatever the request kind."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.context import BoltContext
from slack_bolt.request import BoltRequest
from slack_bolt.request.internals import build_context

from bot.slack.blocks.common import unescape


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
    # Slack escapes &, < and > in what people type; Stretch stores it as they typed it (mentions such
    # as <@U123|ann> keep their brackets: those are Slack's own markup, not typed angle brackets).
    text = unescape(" ".join(str(body.get("text") or "").split()))
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


# --- the HTTP body ----------------------------------------------------------------------------------


def parse_http_body(raw: str, content_type: str | None) -> dict[str, Any]:
    """Read a request body from Slack: JSON (events), a form with one `payload` field holding JSON
    (buttons, modals), or a plain form (slash commands).

    Bolt decides "interactive payload" by looking for the substring "payload" anywhere in the body, so
    a slash command whose text holds that word was read as an empty payload and answered 404. Here only
    a form whose field is named `payload` counts, whatever the people typed in the other fields."""
    if not raw:
        return {}
    if (content_type or "").split(";")[0].strip() == "application/json" or raw.startswith("{"):
        return dict(json.loads(raw))
    form = dict(parse_qsl(raw, keep_blank_values=True))
    if set(form) == {"payload"}:
        return dict(json.loads(form["payload"]))
    return form


class HttpRequest(BoltRequest):
    """A BoltRequest for HTTP mode whose body is read by `parse_http_body` (the raw body is kept for the
    signature check)."""

    def __init__(
        self,
        *,
        body: str,
        query: str | Mapping[str, str] | Mapping[str, Sequence[str]] | None = None,
        headers: Mapping[str, str | Sequence[str]] | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(body="", query=query, headers=dict(headers or {}))  # type: ignore[arg-type]
        self.raw_body = body
        self.body = parse_http_body(body, self.content_type)
        self.context = build_context(BoltContext(dict(context or {})), self.body)

    def to_copyable(self) -> BoltRequest:
        """A copy for lazy listeners, read the same way."""
        return HttpRequest(
            body=self.raw_body, query=self.query, headers=self.headers, context=self.context.to_copyable()
        )
