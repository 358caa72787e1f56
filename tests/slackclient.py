"""Speak to Stretch the way Slack does: signed HTTP requests with Slack's real payload shapes."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from itertools import count
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from tests.blockkit import assert_valid_blocks, assert_valid_view
from tests.fakeslack import WORKSPACE_ID

_ids = count(1)


@dataclass
class Reply:
    """Stretch's HTTP answer."""

    status: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> dict[str, Any]:
        """The body as JSON ({} when empty)."""
        return json.loads(self.body) if self.body else {}

    @property
    def text(self) -> str:
        """Every text in the reply (message text and block texts) joined, for assertions."""
        return flatten_text(self.json())


def flatten_text(value: Any) -> str:
    """All the human-visible strings inside a Slack JSON structure, joined by newlines."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, item in node.items():
                if key in ("text", "value_text") and isinstance(item, str):
                    out.append(item)
                else:
                    walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(value)
    return "\n".join(out)


def _assert_slack_takes(reply: Reply) -> None:
    """Fail when Slack would refuse the blocks or view Stretch answered a request with."""
    try:
        body = reply.json()
    except ValueError:
        return
    if not isinstance(body, dict):
        return
    if "blocks" in body:
        assert_valid_blocks(body["blocks"])
    if body.get("response_action") in ("update", "push"):
        assert_valid_view(body.get("view"))


class SignedSlack:
    """Sends signed requests to a running Stretch at `base_url` (…/slack/events)."""

    def __init__(
        self, events_url: str, signing_secret: str, *, response_url: str = "", team_id: str = WORKSPACE_ID
    ):
        self.events_url = events_url
        self.verifier = SignatureVerifier(signing_secret)
        self.response_url = response_url
        self.team_id = team_id

    # --- raw ------------------------------------------------------------------------------------------
    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: str | None = None,
        signature: str | None = None,
        extra_headers: dict[str, str] | None = None,
        omit: tuple[str, ...] = (),
        timeout: float = 10,
    ) -> Reply:
        """POST a body, signed like Slack signs it unless a test forges the headers."""
        ts = timestamp if timestamp is not None else str(int(time.time()))
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature
            if signature is not None
            else self.verifier.generate_signature(timestamp=ts, body=body),
        }
        headers.update(extra_headers or {})
        for name in omit:
            headers.pop(name, None)
        request = urllib.request.Request(self.events_url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                reply = Reply(response.status, response.read(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read(), dict(error.headers))
        _assert_slack_takes(reply)
        return reply

    # --- slash commands --------------------------------------------------------------------------------
    def command_body(
        self,
        command: str,
        text: str = "",
        *,
        user: str,
        channel: str = "C0TEAM",
        channel_name: str = "sales-team",
    ) -> bytes:
        """A slash command's form body, as Slack sends it."""
        form = {
            "token": "verification-token-unused",
            "team_id": self.team_id,
            "team_domain": "stretch-test",
            "channel_id": channel,
            "channel_name": channel_name,
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "ASTRETCH",
            "is_enterprise_install": "false",
            "response_url": self.response_url,
            "trigger_id": f"{next(_ids)}.1.trigger",
        }
        return urlencode(form).encode()

    def command(self, command: str, text: str = "", *, user: str, **kwargs: Any) -> Reply:
        """Send a signed slash command."""
        return self.post(
            self.command_body(command, text, user=user, **kwargs), "application/x-www-form-urlencoded"
        )

    def stretch(self, text: str = "", *, user: str, **kwargs: Any) -> Reply:
        """`/stretch <text>`."""
        return self.command("/stretch", text, user=user, **kwargs)

    # --- interactivity -------------------------------------------------------------------------------
    def _interactive(self, payload: dict[str, Any]) -> Reply:
        return self.post(
            urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded"
        )

    def action(
        self,
        action_id: str,
        *,
        user: str,
        value: str | None = None,
        block_id: str = "b1",
        channel: str | None = None,
        message: dict[str, Any] | None = None,
        view: dict[str, Any] | None = None,
        element: dict[str, Any] | None = None,
    ) -> Reply:
        """Click a button (or pick from a menu): a block_actions payload."""
        act: dict[str, Any] = {
            "action_id": action_id,
            "block_id": block_id,
            "type": "button",
            "action_ts": f"{time.time():.6f}",
        }
        if value is not None:
            act["value"] = value
        act.update(element or {})
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": self.team_id},
            "api_app_id": "ASTRETCH",
            "token": "verification-token-unused",
            "trigger_id": f"{next(_ids)}.1.trigger",
            "team": {"id": self.team_id, "domain": "stretch-test"},
            "enterprise": None,
            "is_enterprise_install": False,
            "actions": [act],
        }
        if view is not None:
            payload["container"] = {"type": "view", "view_id": view.get("id", "V1")}
            payload["view"] = view
        else:
            ts = (message or {}).get("ts", "1700000000.000100")
            chan = channel or "D0DM"
            payload["container"] = {
                "type": "message",
                "message_ts": ts,
                "channel_id": chan,
                "is_ephemeral": False,
            }
            payload["channel"] = {"id": chan, "name": "directmessage"}
            payload["message"] = message or {"type": "message", "ts": ts, "text": "", "blocks": []}
            payload["response_url"] = self.response_url
        return self._interactive(payload)

    def submit_view(
        self,
        view: dict[str, Any],
        values: dict[str, dict[str, Any]],
        *,
        user: str,
    ) -> Reply:
        """Submit a modal: a view_submission payload carrying `values` as state.values."""
        submitted = dict(view)
        submitted.setdefault("id", f"V{next(_ids)}")
        submitted["state"] = {"values": values}
        submitted["team_id"] = self.team_id
        payload = {
            "type": "view_submission",
            "team": {"id": self.team_id, "domain": "stretch-test"},
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": self.team_id},
            "api_app_id": "ASTRETCH",
            "token": "verification-token-unused",
            "trigger_id": f"{next(_ids)}.1.trigger",
            "view": submitted,
            "response_urls": [],
            "is_enterprise_install": False,
        }
        return self._interactive(payload)

    # --- events ----------------------------------------------------------------------------------------
    def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None
    ) -> Reply:
        """Deliver an Events API event (with X-Slack-Retry-Num when it is a retry)."""
        envelope = {
            "token": "verification-token-unused",
            "team_id": self.team_id,
            "api_app_id": "ASTRETCH",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": self.team_id, "user_id": "UBOTSTRETCH", "is_bot": True}],
        }
        extra = {}
        if retry_num is not None:
            extra = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post(json.dumps(envelope).encode(), "application/json", extra_headers=extra)


def state_values_from_view(
    view: dict[str, Any], overrides: dict[str, Any] | None = None
) -> dict[str, dict[str, Any]]:
    """Build the state.values Slack would send for a modal as it was opened (initial values kept),
    with `overrides` mapping block_id → the element's state (e.g. {"value": "…"})."""
    values: dict[str, dict[str, Any]] = {}
    overrides = overrides or {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        block_id, action_id, kind = block["block_id"], element["action_id"], element["type"]
        state: dict[str, Any] = {"type": kind}
        if kind == "plain_text_input":
            state["value"] = element.get("initial_value")
        elif kind == "conversations_select":
            state["selected_conversation"] = element.get("initial_conversation")
        elif kind == "channels_select":
            state["selected_channel"] = element.get("initial_channel")
        elif kind == "multi_users_select":
            state["selected_users"] = element.get("initial_users", [])
        elif kind == "users_select":
            state["selected_user"] = element.get("initial_user")
        elif kind in ("checkboxes", "multi_static_select"):
            state["selected_options"] = element.get("initial_options", [])
        elif kind in ("static_select", "radio_buttons"):
            state["selected_option"] = element.get("initial_option")
        elif kind == "timepicker":
            state["selected_time"] = element.get("initial_time")
        elif kind == "datepicker":
            state["selected_date"] = element.get("initial_date")
        elif kind == "number_input":
            state["value"] = element.get("initial_value")
        if block_id in overrides:
            state.update(overrides[block_id])
        values[block_id] = {action_id: state}
    return values
