"""The demo's stage: the real Bolt app, database and clock, a fake Slack, and people who act through
signed requests exactly as Slack would send them. It prints everything Stretch says as it happens."""

from __future__ import annotations

import itertools
import json
import logging
import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from slack_sdk.signature import SignatureVerifier

from bot import migrate
from bot.config import load_settings
from bot.db import make_engine, make_session_factory
from bot.demo.fakeslack import BOT_USER_ID, WORKSPACE_ID, Call, FakeSlack, Posted
from bot.demo.render import Style, render_message, render_modal
from bot.slack.payloads import HttpRequest

QUIET_METHODS = (
    "auth.test",
    "users.info",
    "conversations.open",
    "conversations.history",
    "views.publish",
    "files.getUploadURLExternal",
)


class DemoError(Exception):
    """The story could not go on (Stretch refused a step or failed): the message says which."""


@dataclass
class SimClock:
    """The simulated clock the app reads through Deps.clock."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


class ErrorLog(logging.Handler):
    """Collects every ERROR the app logs, so the demo can fail loudly instead of rotting quietly."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(f"{record.name}: {record.getMessage()}")


@dataclass
class Output:
    """Where and how the story is printed."""

    stream: IO[str]
    style: Style
    speed: float = 0.0
    step: bool = False
    pause: Callable[[], None] = field(default=lambda: None)

    def line(self, text: str = "") -> None:
        """Print one line."""
        print(text, file=self.stream, flush=True)

    def wait(self, seconds: float) -> None:
        """A real pause scaled by --speed (none at the default 0)."""
        if self.speed > 0:
            time.sleep(seconds * self.speed)


def state_values(view: dict[str, Any], overrides: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The state.values Slack sends when a person submits `view` as it was opened, with `overrides`
    (block_id → the element's state) for what they typed or picked."""
    initial: dict[str, tuple[str, str, Any]] = {
        "plain_text_input": ("value", "initial_value", None),
        "number_input": ("value", "initial_value", None),
        "conversations_select": ("selected_conversation", "initial_conversation", None),
        "channels_select": ("selected_channel", "initial_channel", None),
        "multi_users_select": ("selected_users", "initial_users", []),
        "users_select": ("selected_user", "initial_user", None),
        "checkboxes": ("selected_options", "initial_options", []),
        "multi_static_select": ("selected_options", "initial_options", []),
        "static_select": ("selected_option", "initial_option", None),
        "radio_buttons": ("selected_option", "initial_option", None),
        "timepicker": ("selected_time", "initial_time", None),
        "datepicker": ("selected_date", "initial_date", None),
    }
    overrides = overrides or {}
    values: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        state: dict[str, Any] = {"type": element["type"]}
        if element["type"] in initial:
            key, source, empty = initial[element["type"]]
            state[key] = element.get(source, empty)
        state.update(overrides.get(block["block_id"], {}))
        values[block["block_id"]] = {element["action_id"]: state}
    return values


class Stage:
    """Stretch running for real against the fake Slack, driven by people and a simulated clock."""

    def __init__(self, *, database_url: str, start: datetime, out: Output, scratch: Path) -> None:
        from bot.slack.app import create_app, make_client
        from bot.slack.deps import Deps

        self.out = out
        self.clock = SimClock(start.astimezone(UTC))
        self.slack = FakeSlack(self.clock, first_ts=1_790_000_000).start()
        secret = secrets.token_hex(16)
        self.settings = load_settings(
            {
                "SLACK_BOT_TOKEN": "xoxb-stretch-demo",
                "SLACK_SIGNING_SECRET": secret,
                "SLACK_API_URL": self.slack.url,
                "DATABASE_URL": database_url,
                "STRETCH_DATA_DIR": str(scratch),
                "LOG_LEVEL": "WARNING",
            },
            dotenv=scratch / "no.env",
        )
        migrate.upgrade(self.settings.database_url)
        self.engine = make_engine(self.settings.database_url, hide_parameters=True)
        self.deps = Deps(
            session_factory=make_session_factory(self.engine), settings=self.settings, clock=self.clock
        )
        self.client = make_client(self.settings)
        # Each request runs its listener to the end before it is answered, so the story plays in order:
        # what a tap caused is in Slack before the next person acts.
        self.app = create_app(
            self.settings, self.deps, client=self.client, workers=1, process_before_response=True
        )
        self.verifier = SignatureVerifier(secret)
        self.errors = ErrorLog()
        logging.getLogger().addHandler(self.errors)
        self.names: dict[str, str] = {}
        self.zones: dict[str, str] = {}
        self.channel_tz = "UTC"
        self.printed = 0
        self.ticks = 0
        self._held = False
        self.full = False
        self._seen: set[tuple[str, str]] = set()
        self._ids = itertools.count(1)
        # Where `--charts DIR` wants the charts Stretch uploads (issue 19); None: shown, not written.
        self.charts_dir: Path | None = None

    def close(self) -> None:
        """Stop the fake Slack and release the database."""
        logging.getLogger().removeHandler(self.errors)
        self.app.listener_runner.listener_executor.shutdown(wait=True)
        self.slack.stop()
        self.engine.dispose()

    # --- the cast ----------------------------------------------------------------------------------
    def add_person(self, user_id: str, name: str, tz: str, *, is_admin: bool = False) -> None:
        """Someone in the workspace."""
        self.slack.add_user(user_id, name, tz=tz, is_admin=is_admin, display_name=name.split()[0])
        self.names[user_id] = name.split()[0]
        self.zones[user_id] = tz

    def add_channel(self, channel_id: str, name: str, tz: str) -> None:
        """The team channel (public; times in it are shown in the team's zone). Stretch joins it when the
        team is set up."""
        self.slack.add_channel(channel_id)
        self.names[channel_id] = name
        self.channel_tz = tz

    def local(self, user_or_channel: str, moment: datetime | None = None) -> str:
        """A moment as the recipient's wall clock reads it, e.g. 'Mon 23 Nov 09:30 Kolkata'."""
        tz = self.zones.get(user_or_channel, self.channel_tz)
        place = tz.rsplit("/", 1)[-1].replace("_", " ")
        return (moment or self.clock.now).astimezone(ZoneInfo(tz)).strftime(f"%a %d %b %H:%M {place}")

    # --- time --------------------------------------------------------------------------------------
    def tick(self, moment: datetime) -> None:
        """Run Stretch's clock once at `moment` (what the scheduler does every minute), then show what it sent."""
        from bot.jobs.tick import tick

        self.clock.now = moment.astimezone(UTC)
        tick(session_factory=self.deps.session_factory, client=self.client, now=self.clock.now)
        self.ticks += 1
        self.show()

    # --- people acting, as Slack would deliver it -------------------------------------------------------
    def _send(self, body: str, content_type: str) -> dict[str, Any]:
        stamp = str(int(time.time()))
        headers: dict[str, str | Sequence[str]] = {
            "content-type": content_type,
            "x-slack-request-timestamp": stamp,
            "x-slack-signature": self.verifier.generate_signature(timestamp=stamp, body=body) or "",
        }
        response = self.app.dispatch(HttpRequest(body=body, headers=headers))
        if response.status != 200:
            raise DemoError(f"Stretch answered HTTP {response.status}: {response.body[:200]}")
        try:
            return dict(json.loads(response.body)) if response.body else {}
        except ValueError:
            return {"text": response.body}

    def _trigger(self, user_id: str) -> str:
        return f"{next(self._ids)}.{user_id}.demo"

    def _user(self, user_id: str) -> dict[str, Any]:
        name = self.names[user_id].lower()
        return {"id": user_id, "username": name, "name": name, "team_id": WORKSPACE_ID}

    def say(self, user_id: str, what: str) -> None:
        """Print what a person does, at their local time."""
        stamp = self.local(user_id)
        self.out.line(self.out.style.bold(f"▸ {stamp}  {self.names[user_id]} {what}"))

    def command(self, user_id: str, command: str, text: str, *, channel: str) -> dict[str, Any]:
        """A person types a slash command in `channel`; returns the ack's body (their private reply)."""
        self.say(user_id, f"types  {command} {text}".rstrip())
        form = {
            "token": "unused",
            "team_id": WORKSPACE_ID,
            "team_domain": "stretch-demo",
            "channel_id": channel,
            "channel_name": self.names.get(channel, "directmessage"),
            "user_id": user_id,
            "user_name": self.names[user_id].lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0STRETCH",
            "is_enterprise_install": "false",
            "response_url": self.slack.response_url(user_id),
            "trigger_id": self._trigger(user_id),
        }
        before = self._answers_so_far()
        reply = self._send(urlencode(form), "application/x-www-form-urlencoded")
        if not reply:
            # Some commands (the pie) ack at once and answer a moment later through response_url, or
            # open a modal: wait for that answer so it is shown at the moment it was asked for.
            deadline = time.monotonic() + 5
            while self._answers_so_far() == before and time.monotonic() < deadline:
                time.sleep(0.005)
        self._show_reply(user_id, reply)
        self.show()
        return reply

    def _answers_so_far(self) -> int:
        return sum(1 for call in list(self.slack.calls) if call.method in ("response_url", "views.open"))

    def tap(
        self,
        user_id: str,
        message: Posted,
        match: Callable[[dict[str, Any]], bool],
        *,
        say: str | None = "",
    ) -> None:
        """A person clicks the first element of `message` that `match` accepts."""
        element, block_id = self._find(
            message.blocks,
            lambda element, _text: match(element),
            f"no such button in the message {message.text[:60]!r}",
        )
        label = (element.get("text") or {}).get("text", element.get("action_id"))
        if say:
            self.say(user_id, say)
        elif say is not None:
            self.say(user_id, f"taps [{label}]")
        where = {
            "container": {
                "type": "message",
                "message_ts": message.ts,
                "channel_id": message.channel,
                "is_ephemeral": False,
            },
            "channel": {"id": message.channel, "name": self.names.get(message.channel, "directmessage")},
            "message": {"type": "message", "ts": message.ts, "text": message.text, "blocks": message.blocks},
            "response_url": self.slack.response_url(user_id),
        }
        self._click(user_id, element, block_id, where)

    def tap_home(self, user_id: str, match: Callable[[dict[str, Any], str], bool], *, say: str = "") -> None:
        """A person clicks, on their App Home as last published, the first element `match(element, the
        text of its block)` accepts (issue 17: drafts and 1:1 pages are on the Home)."""
        published = [
            c for c in self.slack.calls if c.method == "views.publish" and c.params.get("user_id") == user_id
        ]
        if not published:
            raise DemoError(f"{self.names[user_id]} has no App Home yet")
        view = dict(published[-1].params.get("view") or {})
        element, block_id = self._find(
            view.get("blocks") or [], match, f"no such button on {self.names[user_id]}'s App Home"
        )
        label = (element.get("text") or {}).get("text", element.get("action_id"))
        self.say(user_id, say or f"taps [{label}] on the App Home")
        where = {
            "container": {"type": "view", "view_id": "VHOME" + user_id},
            "view": {**view, "id": "VHOME" + user_id},
        }
        self._click(user_id, element, block_id, where)

    def _click(self, user_id: str, element: dict[str, Any], block_id: str, where: dict[str, Any]) -> None:
        """Post Slack's block_actions for `user_id` clicking `element`; `where` is what Slack sends about
        the surface it was on (a message and its channel, or the App Home view)."""
        action = {
            "action_id": element["action_id"],
            "block_id": block_id,
            "type": element.get("type", "button"),
            "action_ts": f"{time.time():.6f}",
            "text": element.get("text"),
            **({"value": element["value"]} if "value" in element else {}),
        }
        payload = {
            "type": "block_actions",
            "user": self._user(user_id),
            "api_app_id": "A0STRETCH",
            "token": "unused",
            "trigger_id": self._trigger(user_id),
            "team": {"id": WORKSPACE_ID, "domain": "stretch-demo"},
            "enterprise": None,
            "is_enterprise_install": False,
            **where,
            "actions": [action],
        }
        self._send(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
        self.show()

    @staticmethod
    def _find(
        blocks: list[dict[str, Any]], match: Callable[[dict[str, Any], str], bool], missing: str
    ) -> tuple[dict[str, Any], str]:
        """The first button or accessory `match(element, the text of its block)` accepts, and its block's id."""
        for block in blocks:
            candidates = list(block.get("elements") or []) if block.get("type") == "actions" else []
            if isinstance(block.get("accessory"), dict):
                candidates.append(block["accessory"])
            text = str((block.get("text") or {}).get("text", ""))
            for element in candidates:
                if match(element, text):
                    return element, str(block.get("block_id", ""))
        raise DemoError(missing)

    def submit(
        self, user_id: str, overrides: dict[str, dict[str, Any]] | None = None, *, say: str | None = ""
    ) -> None:
        """A person fills in the modal they have open (`overrides` by block id) and submits it."""
        view = self.slack.last_view(user_id)
        if view is None:
            raise DemoError(f"{self.names[user_id]} has no modal open")
        submitted = {**view, "state": {"values": state_values(view, overrides)}, "team_id": WORKSPACE_ID}
        if say is not None:
            self.say(user_id, say or f"submits “{(view.get('title') or {}).get('text', 'the form')}”")
        payload = {
            "type": "view_submission",
            "team": {"id": WORKSPACE_ID, "domain": "stretch-demo"},
            "user": self._user(user_id),
            "api_app_id": "A0STRETCH",
            "token": "unused",
            "trigger_id": self._trigger(user_id),
            "view": submitted,
            "response_urls": [],
            "is_enterprise_install": False,
        }
        reply = self._send(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
        if reply.get("response_action") == "errors":
            raise DemoError(f"the modal refused {self.names[user_id]}'s answers: {reply.get('errors')}")
        if reply.get("response_action") in ("update", "push"):
            self.slack.views[user_id] = dict(reply.get("view") or {})
            self._show_modal(user_id, dict(reply.get("view") or {}))
        self.show()

    def open_home(self, user_id: str) -> None:
        """A person opens Stretch's App Home tab (the app_home_opened event); prints what they see."""
        self.say(user_id, "opens Stretch's App Home")
        envelope = {
            "token": "unused",
            "team_id": WORKSPACE_ID,
            "api_app_id": "A0STRETCH",
            "event": {
                "type": "app_home_opened",
                "user": user_id,
                "channel": "D" + user_id[1:],
                "tab": "home",
            },
            "type": "event_callback",
            "event_id": f"Ev{next(self._ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": WORKSPACE_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        }
        self._send(json.dumps(envelope), "application/json")
        published = [
            c for c in self.slack.calls if c.method == "views.publish" and c.params.get("user_id") == user_id
        ]
        if published:
            view = published[-1].params.get("view") or {}
            self._print(f"{self.local(user_id)} · App Home of {self.names[user_id]}", "", view.get("blocks"))
        self.show()

    # --- what Stretch said ---------------------------------------------------------------------------
    def dm(self, user_id: str, phrase: str) -> Posted:
        """The newest DM `user_id` got whose text or blocks contain `phrase`."""
        found = self.slack.latest_message(
            user_id, lambda m: phrase in m.text or phrase in json.dumps(m.blocks)
        )
        if found is None:
            raise DemoError(f"{self.names[user_id]} never got a message with {phrase!r}")
        return found

    def posted(self, channel: str, phrase: str) -> Posted:
        """The newest post in `channel` containing `phrase`."""
        return self.dm(channel, phrase)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Print nothing until the block ends (a rep's five taps read as one act, one update)."""
        self._held = True
        try:
            yield
        finally:
            self._held = False
        self.show()

    def show(self) -> None:
        """Print every call Stretch made since the last time, as the people concerned would see it."""
        if self._held:
            return
        calls = self.slack.calls[self.printed :]
        self.printed += len(calls)
        updated: dict[tuple[str, str], Call] = {}
        for call in calls:
            if not call.ok and call.method not in ("users.info",):
                self.errors.records.append(f"Slack answered {call.method}: {call.answer.get('error')}")
            if call.method == "chat.update":
                updated[(str(call.params.get("channel")), str(call.params.get("ts")))] = call
        for call in calls:
            self._show_call(call, updated)

    def _show_call(self, call: Call, updated: dict[tuple[str, str], Call]) -> None:
        p = call.params
        if call.method in QUIET_METHODS:
            return
        if call.method == "chat.postMessage":
            to = str(p.get("channel"))
            where = f"DM to {self.names.get(to, to)}" if to.startswith("U") else f"#{self.names.get(to, to)}"
            text = str(p.get("text") or "")
            heading = f"{self.local(to, call.at)} · {where}"
            if (to, text) in self._seen and not self.full:
                # The same message again (tomorrow's check-in, another nudge): one line is enough.
                self.out.line(
                    self.out.style.tint(heading, "\033[36m")
                    + self.out.style.dim(f"  “{text[:90]}” (as before)")
                )
                return
            self._seen.add((to, text))
            self._print(heading, text, p.get("blocks"))
        elif call.method == "chat.postEphemeral":
            user, channel = str(p.get("user")), str(p.get("channel"))
            heading = f"{self.local(user, call.at)} · in #{self.names.get(channel, channel)}, only {self.names.get(user, user)} sees"
            self._print(heading, str(p.get("text") or ""), p.get("blocks"))
        elif call.method == "chat.update":
            key = (str(p.get("channel")), str(p.get("ts")))
            if updated.get(key) is call:
                text = " ".join(str(p.get("text") or "").split())
                self.out.line(self.out.style.dim(f"    ↻ message updated in place: {text[:100]}"))
        elif call.method == "response_url":
            user = str(p.get("_name"))
            if p.get("delete_original"):
                return
            verb = "updated for" if p.get("replace_original") else "reply to"
            public = p.get("response_type") == "in_channel"
            heading = f"{self.local(user, call.at)} · {verb} {self.names.get(user, user)}" + (
                " (in the channel)" if public else " (only they see it)"
            )
            self._print(heading, str(p.get("text") or ""), p.get("blocks"))
        elif call.method in ("views.open", "views.push"):
            user = self._modal_owner(call)
            self._show_modal(user, dict(p.get("view") or {}))
        elif call.method == "views.update":
            title = ((p.get("view") or {}).get("title") or {}).get("text", "")
            self.out.line(self.out.style.dim(f"    ↻ the modal changes: {title}"))
        elif call.method == "files.completeUploadExternal" and call.ok:
            self._show_files(call)

    def _show_files(self, call: Call) -> None:
        """Charts shared into a DM: a line each (size and the figures they carry), written to --charts."""
        from bot.charts import png_size

        for item in call.answer.get("files") or []:
            shared = self.slack.files.get(str(item.get("id")))
            if shared is None or shared.content is None:
                continue
            to = "U" + shared.channel[1:] if shared.channel.startswith("D") else shared.channel
            width, height = png_size(shared.content)
            heading = f"{self.local(to, call.at)} · DM to {self.names.get(to, to)} · 📊 {shared.title} ({width}×{height} PNG)"
            if self.charts_dir is not None:
                self.charts_dir.mkdir(parents=True, exist_ok=True)
                path = self.charts_dir / f"{call.at.astimezone(UTC):%Y-%m-%d}-{shared.filename}"
                path.write_bytes(shared.content)
                heading += f" → {path}"
            self.out.line(self.out.style.tint(heading, "\033[36m"))
            self.out.line(self.out.style.dim(f"    {shared.alt_txt}"))

    def _modal_owner(self, call: Call) -> str:
        trigger = str(call.params.get("trigger_id") or "")
        return trigger.split(".")[1] if trigger.count(".") >= 2 else ""

    def _show_modal(self, user_id: str, view: dict[str, Any]) -> None:
        style = self.out.style
        self.out.line(
            style.tint(f"{self.local(user_id)} · {self.names.get(user_id, user_id)} sees a modal", "\033[36m")
        )
        for line in render_modal(view, names=self.names, style=style):
            self.out.line(f"  {style.dim('┆')} {line}")

    def _show_reply(self, user_id: str, reply: dict[str, Any]) -> None:
        if reply.get("text") or reply.get("blocks"):
            public = reply.get("response_type") == "in_channel"
            heading = f"{self.local(user_id)} · reply to {self.names[user_id]}" + (
                " (in the channel)" if public else " (only they see it)"
            )
            self._print(heading, str(reply.get("text") or ""), reply.get("blocks"))

    def _print(self, heading: str, text: str, blocks: Any) -> None:
        rendered = render_message(
            heading=heading,
            text=text,
            blocks=list(blocks) if isinstance(blocks, list) else None,
            names=self.names,
            style=self.out.style,
        )
        self.out.line(rendered)
        self.out.wait(0.4)

    def scene_title(self, title: str) -> None:
        """A narration line between scenes (and the pause a reader asked for)."""
        self.show()
        self.out.pause()
        self.out.line()
        self.out.line(self.out.style.bold(self.out.style.tint(title, "\033[33m")))
        self.out.wait(1.0)
