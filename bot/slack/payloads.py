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

from bot.services.teams import Asked
from bot.slack.blocks.common import json_value, unescape


@dataclass(frozen=True)
class CommandRequest:
    """A slash command as Stretch needs it; `args` is the text after the subcommand word."""

    command: str
    user_id: str
    channel_id: str
    channel_name: str
    slack_team_id: str
    text: str  # what the person typed, unescaped, whitespace runs made one space
    trigger_id: str
    response_url: str
    subcommand: str = ""
    args: str = ""
    # What the person typed, unescaped, line breaks kept (a shout-out's reason keeps its lines).
    typed: str = ""
    # The team picked with the team picker, when the command is run again for that team.
    team_id: int | None = None

    @property
    def channel(self) -> str | None:
        """The channel that says which team the command is about: None in a DM."""
        return None if self.is_dm else self.channel_id

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
        typed=unescape(str(body.get("text") or "").strip()),
        team_id=picked_team(body),
    )


def asked_of(req: CommandRequest) -> Asked:
    """Who typed the command, in which workspace and channel (None in a DM), and the team they picked."""
    return Asked(req.slack_team_id, req.user_id, req.channel, req.team_id)


def asked_of_body(body: dict[str, Any], *, team_id: int | None = None) -> Asked:
    """Who clicked or submitted, in which workspace, about the team the button or modal carries."""
    return Asked(slack_team_id(body), acting_user(body), None, team_id)


# The field the team picker adds to a command it runs again for the team picked (never sent by Slack).
PICKED_TEAM = "stretch_picked_team"


@dataclass(frozen=True)
class PickedCommand:
    """A command to run again for the team its typer picked."""

    team_id: int
    command: str
    text: str


def picker_value(*, team_id: int, command: str, text: str) -> str:
    """The value of a team picker button: the team and the command as Slack sent it (within 2,000 chars)."""
    return json_value({"team": team_id, "command": command, "text": text}, shrink="text")


def read_picker_value(value: str) -> PickedCommand | None:
    """The team and command a picker button carries (None when the value isn't one)."""
    try:
        data = json.loads(value)
        return PickedCommand(int(data["team"]), str(data["command"]), str(data.get("text") or ""))
    except (ValueError, KeyError, TypeError):
        return None


def rerun_body(click: dict[str, Any], picked: PickedCommand) -> dict[str, Any]:
    """The slash command body to run `picked` again as whoever clicked the picker, answering at the
    click's response_url (and opening modals with its trigger_id)."""
    channel, _ = message_of(click)
    return {
        "command": picked.command,
        "text": picked.text,
        "user_id": acting_user(click),
        "team_id": slack_team_id(click),
        "channel_id": channel,
        "channel_name": "directmessage" if channel.startswith("D") else "",
        "trigger_id": str(click.get("trigger_id") or ""),
        "response_url": str(click.get("response_url") or ""),
        "api_app_id": str(click.get("api_app_id") or ""),
        PICKED_TEAM: picked.team_id,
    }


def message_of(body: dict[str, Any]) -> tuple[str, str]:
    """The channel and ts of the message a button sits in ("" when it sits in a modal)."""
    container = body.get("container") or {}
    channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
    ts = str(container.get("message_ts") or (body.get("message") or {}).get("ts") or "")
    return channel, ts


def private_metadata(body: dict[str, Any]) -> dict[str, Any]:
    """A modal's private_metadata as the JSON object Stretch put there ({} when absent or unreadable)."""
    raw = (body.get("view") or {}).get("private_metadata") or ""
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def state_values(body: dict[str, Any]) -> dict[str, Any]:
    """A submitted modal's state.values (block id → action id → element state)."""
    return dict(((body.get("view") or {}).get("state") or {}).get("values") or {})


def picked_team(body: dict[str, Any]) -> int | None:
    """The team picked with the team picker for this command, if it is such a re-run."""
    value = body.get(PICKED_TEAM)
    return value if isinstance(value, int) else None


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
