"""A fake Slack Web API on a free loopback port, the one both `stretch demo` and the tests talk to: it keeps
the workspace (users, channels, messages, modals, files), answers each method as Slack does, and records
every call with the instant it happened at.

It listens on a real socket because Bolt builds a fresh WebClient per request (copying only the base URL)
and replies to `response_url`s over HTTP: a socket is the one seam both go through. The tests' fake
(tests/fakeslack.py) adds what only tests want: Block Kit validation and misbehaving on demand.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

WORKSPACE_ID = "T0STRETCH"
BOT_USER_ID = "UBOTSTRETCH"
BOT_ID = "BSTRETCH"
# Parameters a form-encoded call carries as JSON strings; they are decoded so a call reads the same either way.
JSON_PARAMS = ("blocks", "view", "attachments", "metadata", "files")
VIEW_METHODS = ("views.open", "views.update", "views.push", "views.publish")


@dataclass
class Call:
    """One request Slack received, its parameters decoded, the instant it came and what Slack answered."""

    method: str
    params: dict[str, Any]
    at: datetime
    token: str | None = None
    status: int = 200
    answer: dict[str, Any] = field(default_factory=dict)
    # "invalid_blocks" when the tests' fake refused the call's Block Kit.
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether Slack answered 200 with ok: true."""
        return self.status == 200 and bool(self.answer.get("ok"))

    def json_param(self, name: str) -> Any:
        """A parameter that may have arrived JSON-encoded (one not decoded on arrival)."""
        value = self.params.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready record of the call (for `stretch demo --json`)."""
        return {"at": self.at.isoformat(), "method": self.method, "params": self.params, "ok": self.ok}


@dataclass
class FakeUser:
    """A workspace member as users.info describes them."""

    id: str
    name: str
    tz: str = "America/New_York"
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    deleted: bool = False
    display_name: str = ""  # the name people chose to show; their full name when empty

    def as_slack(self) -> dict[str, Any]:
        """The users.info `user` object."""
        return {
            "id": self.id,
            "team_id": WORKSPACE_ID,
            "name": self.name.lower().replace(" ", "."),
            "real_name": self.name,
            "deleted": self.deleted,
            "tz": self.tz,
            "tz_label": self.tz,
            "tz_offset": 0,
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": False,
            "is_bot": self.is_bot,
            "profile": {"display_name": self.display_name or self.name, "real_name": self.name},
        }


@dataclass
class Posted:
    """A message as it now stands in a conversation (chat.update changes it in place)."""

    channel: str  # the conversation: "D…" for the bot's DM with a user
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None
    metadata: dict[str, Any] | None = None

    def as_slack(self) -> dict[str, Any]:
        """The message as conversations.history shows it (with its metadata)."""
        message: dict[str, Any] = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "text": self.text,
            "ts": self.ts,
            "thread_ts": self.thread_ts,
        }
        if self.blocks:
            message["blocks"] = self.blocks
        if self.metadata is not None:
            message["metadata"] = self.metadata
        return message


@dataclass
class SharedFile:
    """A file uploaded with files_upload_v2: reserved by id, its bytes posted to the upload URL, then shared."""

    id: str
    filename: str
    alt_txt: str
    content: bytes | None = None  # None until the bytes arrive
    title: str = ""
    channel: str = ""
    comment: str | None = None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a whole team's requests at the same instant, as Slack would take them


class FakeSlack:
    """The fake Web API: `start()`, point a WebClient at `url`, tell it who is in the workspace
    (`add_user`, `add_channel`), then read `calls` and what was posted."""

    def __init__(self, clock: Callable[[], datetime] | None = None, *, first_ts: int = 1_700_000_000) -> None:
        self.clock = clock or (lambda: datetime.now(UTC))
        self.users: dict[str, FakeUser] = {}
        self.calls: list[Call] = []
        self.on_call: Callable[[Call], None] | None = None
        # Messages posted, per conversation id ("D…" for the bot's DM with a user), oldest first.
        self.conversations: dict[str, list[Posted]] = {}
        # The modal each user has open (the last one opened, pushed or updated for them).
        self.views: dict[str, dict[str, Any]] = {}
        # Channels as Slack shows them to the bot, by id ({"is_private": bool, "is_member": bool, ...}); set
        # with add_channel. A channel not added is one Stretch is in; a public one becomes is_member after
        # conversations.join; history of one Stretch isn't in is "not_in_channel".
        self.channels: dict[str, dict[str, Any]] = {}
        self.files: dict[str, SharedFile] = {}
        self._lock = threading.RLock()
        self._ts = first_ts
        self._server: ThreadingHTTPServer | None = None

    # --- lifecycle -------------------------------------------------------------------------------------
    def start(self) -> FakeSlack:
        """Serve on a free port of 127.0.0.1 in a daemon thread."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go in two writes: without this a kept-alive connection (Stretch keeps its
            # connections to Slack open) waits for the client's delayed ACK, 40 ms, before each body.
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                fake._handle(self)

            do_GET = do_POST

            def log_message(self, *args: Any) -> None:
                pass

        self._server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def port(self) -> int:
        """The port it serves on."""
        assert self._server is not None
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """The Web API base URL to give a WebClient."""
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "r1") -> str:
        """A response_url Slack would put in a payload; calls to it carry `name` as `_name`."""
        return f"http://127.0.0.1:{self.port}/response/{name}"

    # --- the workspace ---------------------------------------------------------------------------------
    def add_user(self, user_id: str, name: str | None = None, **details: Any) -> FakeUser:
        """Make a user known to users.info (`details`: the other FakeUser fields)."""
        user = FakeUser(user_id, name or user_id, **details)
        self.users[user_id] = user
        return user

    def add_channel(self, channel_id: str, *, private: bool = False, member: bool = False) -> None:
        """Make a channel known to conversations.info (as Slack shows it to the bot)."""
        with self._lock:
            self.channels[channel_id] = self._channel(channel_id, private, member)

    @staticmethod
    def _channel(channel_id: str, private: bool, member: bool) -> dict[str, Any]:
        return {
            "id": channel_id,
            "name": channel_id.lower(),
            "is_channel": not private,
            "is_group": private,
            "is_private": private,
            "is_archived": False,
            "is_member": member,
        }

    # --- inspection ------------------------------------------------------------------------------------
    def calls_to(self, method: str, *, ok_only: bool = True) -> list[Call]:
        """Calls of one method (by default only those that were answered 200 and not refused)."""
        with self._lock:
            return [
                c
                for c in self.calls
                if c.method == method and ((c.status == 200 and c.error is None) or not ok_only)
            ]

    def messages_to(self, channel: str) -> list[Call]:
        """chat.postMessage calls that reached `channel` (a user id means their DM)."""
        return [c for c in self.calls_to("chat.postMessage") if c.params.get("channel") == channel]

    def posted(self, conversation: str) -> list[dict[str, Any]]:
        """Messages in a conversation as Slack keeps them (a user id means the bot's DM with them)."""
        with self._lock:
            return [m.as_slack() for m in self.conversations.get(self.conversation_of(conversation), [])]

    def posted_keys(self) -> list[str]:
        """The delivery keys (message metadata) of every message posted anywhere, one per message."""
        with self._lock:
            return [
                str((m.metadata.get("event_payload") or {}).get("key"))
                for messages in self.conversations.values()
                for m in messages
                if m.metadata
            ]

    def latest_message(self, to: str, predicate: Callable[[Posted], bool]) -> Posted | None:
        """The newest message in `to`'s DM (or channel) that satisfies `predicate`."""
        with self._lock:
            return next(
                (m for m in reversed(self.conversations.get(self.conversation_of(to), [])) if predicate(m)),
                None,
            )

    def last_view(self, user_id: str) -> dict[str, Any] | None:
        """The modal most recently opened (or pushed, or updated) for `user_id`."""
        return self.views.get(user_id)

    @property
    def shared_files(self) -> dict[str, list[dict[str, Any]]]:
        """Files shared, per conversation: {"id", "title", "comment"}."""
        shared: dict[str, list[dict[str, Any]]] = {}
        with self._lock:
            for f in self.files.values():
                if f.channel:
                    shared.setdefault(f.channel, []).append(
                        {"id": f.id, "title": f.title, "comment": f.comment}
                    )
        return shared

    def files_in(self, conversation: str) -> list[tuple[dict[str, Any], bytes]]:
        """Files shared into a conversation (a user id means the bot's DM with them), with their bytes."""
        records = self.shared_files.get(self.conversation_of(conversation), [])
        return [(record, self.files[record["id"]].content or b"") for record in records]

    def can_read(self, channel_id: str) -> bool:
        """Whether Slack lets the bot read `channel_id` (a channel added with add_channel must be joined)."""
        with self._lock:
            channel = self.channels.get(channel_id)
        return channel is None or bool(channel["is_member"])

    @staticmethod
    def conversation_of(channel: str) -> str:
        """The conversation a post to `channel` lands in: a user id means the bot's DM with them."""
        return "D" + channel[1:] if channel.startswith("U") else channel

    def reset_calls(self) -> None:
        """Forget the calls so far."""
        with self._lock:
            self.calls.clear()

    # --- serving ---------------------------------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        parsed = urlparse(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        raw = request.rfile.read(length) if length else b""
        if parsed.path.startswith("/upload/"):
            self._receive_upload(request, parsed.path.rsplit("/", 1)[-1], raw)
            return
        params: dict[str, Any] = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        if raw and "json" in request.headers.get("Content-Type", ""):
            try:
                params.update(json.loads(raw))
            except ValueError:
                pass
        elif raw:
            params.update({k: v[0] for k, v in parse_qs(raw.decode()).items()})
        for name in JSON_PARAMS:
            if isinstance(params.get(name), str):
                try:
                    params[name] = json.loads(params[name])
                except ValueError:
                    pass
        auth = request.headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else params.pop("token", None)
        if parsed.path.startswith("/response/"):
            method = "response_url"
            params["_name"] = parsed.path.removeprefix("/response/")
        elif parsed.path.startswith("/api/"):
            method = parsed.path.removeprefix("/api/")
        else:
            self._send(request, 404, {"ok": False, "error": "not_found"})
            return

        call = Call(method=method, params=params, at=self.clock(), token=token)
        status, call.answer, headers, drop = self._respond(call)
        call.status = status
        with self._lock:
            self.calls.append(call)
        if self.on_call:
            self.on_call(call)
        if drop:
            request.close_connection = True
            try:
                request.connection.shutdown(2)
            except OSError:
                pass
            return
        self._send(request, status, call.answer, headers)

    def _respond(self, call: Call) -> tuple[int, dict[str, Any], dict[str, str], bool]:
        """HTTP status, body, headers, and whether to drop the connection instead (the tests' fake
        misbehaves here)."""
        return 200, self._answer(call), {}, False

    def _next_ts(self) -> str:
        with self._lock:
            self._ts += 1
            return f"{self._ts}.000100"

    def _answer(self, call: Call) -> dict[str, Any]:
        """What Slack answers `call` (and what it changes in the workspace)."""
        with self._lock:
            return self._answer_locked(call.method, call.params)

    def _answer_locked(self, method: str, p: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://stretch.slack.com/",
                "team": "Stretch",
                "user": "stretch",
                "team_id": WORKSPACE_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
            }
        if method == "users.info":
            user = self.users.get(str(p.get("user")))
            return {"ok": True, "user": user.as_slack()} if user else {"ok": False, "error": "user_not_found"}
        if method == "chat.postMessage":
            return self._post(p)
        if method == "chat.update":
            for message in self.conversations.get(str(p.get("channel")), []):
                if message.ts == p.get("ts"):
                    message.text = str(p.get("text") or message.text)
                    message.blocks = list(p.get("blocks") or message.blocks)
                    break
            # A message this fake never saw (one a test made up for its payload) is taken as updated.
            return {"ok": True, "channel": p.get("channel"), "ts": p.get("ts"), "text": p.get("text")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method == "conversations.open":
            users = str(p.get("users") or "")
            return {"ok": True, "channel": {"id": "D" + users.split(",")[0][1:]}}
        if method == "conversations.history":
            return self._history(p)
        if method in ("conversations.info", "conversations.join"):
            return self._membership(method, str(p.get("channel") or ""))
        if method in VIEW_METHODS:
            view = dict(p.get("view") or {})
            view["id"] = str(p.get("view_id") or "V" + self._next_ts().replace(".", ""))
            owner = self._view_owner(p) if method != "views.publish" else ""
            if owner:
                self.views[owner] = view
            return {"ok": True, "view": view}
        if method == "response_url":
            return {"ok": True}
        if method in ("files.getUploadURLExternal", "files.completeUploadExternal"):
            return self._files(method, p)
        return {"ok": False, "error": "unknown_method"}

    def _post(self, p: dict[str, Any]) -> dict[str, Any]:
        channel = str(p.get("channel") or "")
        user = self.users.get(channel)
        if user is not None and user.deleted:
            return {"ok": False, "error": "user_not_found"}
        metadata = p.get("metadata")
        message = Posted(
            self.conversation_of(channel),
            self._next_ts(),
            str(p.get("text") or ""),
            list(p.get("blocks") or []),
            p.get("thread_ts"),
            metadata if isinstance(metadata, dict) else None,
        )
        self.conversations.setdefault(message.channel, []).append(message)
        return {"ok": True, "channel": message.channel, "ts": message.ts, "message": message.as_slack()}

    def _view_owner(self, p: dict[str, Any]) -> str:
        # The demo's trigger ids name the person who acted ("<n>.<user id>.demo"); an update names its view.
        trigger = str(p.get("trigger_id") or "")
        if trigger.endswith(".demo"):
            return trigger.split(".")[1]
        view_id = str(p.get("view_id") or "")
        return next((user for user, view in self.views.items() if view.get("id") == view_id), "")

    def _membership(self, method: str, channel_id: str) -> dict[str, Any]:
        if not channel_id.startswith(("C", "G")):
            return {"ok": False, "error": "channel_not_found"}
        channel = self.channels.setdefault(
            channel_id, self._channel(channel_id, channel_id.startswith("G"), True)
        )
        if channel["is_private"] and not channel["is_member"]:
            # Slack hides a private channel from an app that isn't in it.
            return {"ok": False, "error": "channel_not_found"}
        if method == "conversations.join":
            if channel["is_private"]:
                return {"ok": False, "error": "method_not_supported_for_channel_type"}
            channel["is_member"] = True
        return {"ok": True, "channel": dict(channel)}

    def _history(self, p: dict[str, Any]) -> dict[str, Any]:
        """Newest first, `limit` per page with a cursor; metadata only with include_all_metadata."""
        conversation = str(p.get("channel") or "")
        if not conversation.startswith(("C", "G", "D")):
            return {"ok": False, "error": "channel_not_found"}
        if not self.can_read(conversation):  # Slack hides channels the bot isn't in
            return {"ok": False, "error": "not_in_channel"}
        messages = [m.as_slack() for m in reversed(self.conversations.get(conversation, []))]
        if p.get("oldest"):
            messages = [m for m in messages if float(m["ts"]) > float(p["oldest"])]
        if p.get("latest"):
            messages = [m for m in messages if float(m["ts"]) < float(p["latest"])]
        start = int(str(p.get("cursor") or "0") or 0)
        limit = int(p.get("limit") or 100)
        page = messages[start : start + limit]
        with_metadata = str(p.get("include_all_metadata")).lower() in ("1", "true")
        shown = [m if with_metadata else {k: v for k, v in m.items() if k != "metadata"} for m in page]
        more = start + limit < len(messages)
        return {
            "ok": True,
            "messages": shown,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    # --- files (files_upload_v2: get a URL, POST the bytes to it, complete the upload) -------------------
    def _files(self, method: str, p: dict[str, Any]) -> dict[str, Any]:
        if method == "files.getUploadURLExternal":
            if not p.get("filename") or not str(p.get("length") or "").isdigit():
                return {"ok": False, "error": "invalid_arguments"}
            file_id = f"F{len(self.files) + 1:05d}"
            self.files[file_id] = SharedFile(file_id, str(p["filename"]), str(p.get("alt_txt") or ""))
            return {
                "ok": True,
                "file_id": file_id,
                "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}",
            }
        shared = []
        for item in p.get("files") or []:
            found = self.files.get(str(item.get("id")))
            if found is None or found.content is None:
                return {"ok": False, "error": "file_not_found"}
            found.title = str(item.get("title") or found.filename)
            found.channel = str(p.get("channel_id") or "")
            found.comment = p.get("initial_comment")
            shared.append({"id": found.id, "title": found.title, "size": len(found.content)})
        return {"ok": True, "files": shared}

    def _receive_upload(self, request: BaseHTTPRequestHandler, file_id: str, raw: bytes) -> None:
        with self._lock:
            found = self.files.get(file_id)
            if found is not None:
                found.content = raw
            answer = {"ok": found is not None}
            self.calls.append(
                Call("upload", {"file_id": file_id, "size": len(raw)}, self.clock(), answer=answer)
            )
        body = f"OK - {len(raw)}".encode()
        request.send_response(200 if found is not None else 404)
        request.send_header("Content-Type", "text/plain; charset=utf-8")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    @staticmethod
    def _send(
        request: BaseHTTPRequestHandler,
        status: int,
        body: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> None:
        data = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json; charset=utf-8")
        request.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            request.send_header(key, value)
        request.end_headers()
        request.wfile.write(data)
