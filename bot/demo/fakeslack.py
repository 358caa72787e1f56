"""A small in-process Slack Web API for the demo: answers what Stretch calls, keeps messages and modals,
and records every call with the simulated instant it happened at.

It listens on a free loopback port because Bolt builds a fresh WebClient per request (copying only the
base URL) and replies to `response_url`s over HTTP: a real socket is the one seam both go through.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

WORKSPACE_ID = "T0DEMO"
BOT_USER_ID = "U0STRETCH"
JSON_PARAMS = ("blocks", "view", "attachments")


@dataclass
class Call:
    """One call Stretch made to Slack, with its parameters decoded and the simulated instant."""

    method: str
    params: dict[str, Any]
    at: datetime
    ok: bool = True
    answer: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready record of the call (for `--json`)."""
        return {"at": self.at.isoformat(), "method": self.method, "params": self.params, "ok": self.ok}


@dataclass
class Person:
    """A workspace member as users.info describes them."""

    id: str
    name: str
    tz: str
    is_admin: bool = False

    def as_slack(self) -> dict[str, Any]:
        """The users.info `user` object."""
        return {
            "id": self.id,
            "team_id": WORKSPACE_ID,
            "name": self.name.split()[0].lower(),
            "real_name": self.name,
            "deleted": False,
            "is_bot": False,
            "tz": self.tz,
            "tz_label": self.tz,
            "tz_offset": 0,
            "is_admin": self.is_admin,
            "is_owner": False,
            "is_primary_owner": False,
            "profile": {"display_name": self.name.split()[0], "real_name": self.name},
        }


@dataclass
class Posted:
    """A message as it now stands in a conversation (chat.update changes it in place)."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    to: str  # the user id for a DM, else the channel id


@dataclass
class SharedFile:
    """A file uploaded with files_upload_v2 and (once completed) shared into a conversation."""

    id: str
    filename: str
    alt_txt: str
    title: str = ""
    channel: str = ""
    content: bytes = b""


class DemoSlack:
    """The fake Web API: `start()`, point a WebClient at `url`, read `calls` and `messages`."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self.people: dict[str, Person] = {}
        self.calls: list[Call] = []
        self.messages: list[Posted] = []
        self.views: dict[str, dict[str, Any]] = {}
        self.joined: set[str] = set()  # channels Stretch has joined (conversations.join)
        # files_upload_v2: reserved by id, their bytes posted to the upload URL, then shared (issue 19).
        self.files: dict[str, SharedFile] = {}
        self._lock = threading.Lock()
        self._ts = 1_790_000_000
        self._server: ThreadingHTTPServer | None = None

    # --- lifecycle ---------------------------------------------------------------------------------
    def start(self) -> DemoSlack:
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

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        """The Web API base URL for a WebClient."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def response_url(self, user_id: str, channel: str) -> str:
        """A response_url for a payload: replies to it reach `user_id` in `channel`."""
        return self.url.replace("/api/", f"/response/{user_id}/{channel}")

    def add_person(self, person: Person) -> None:
        """Make someone known to users.info."""
        self.people[person.id] = person

    # --- reading -----------------------------------------------------------------------------------
    def latest_message(self, to: str, predicate: Callable[[Posted], bool]) -> Posted | None:
        """The newest message in `to`'s DM (or channel) that satisfies `predicate`."""
        with self._lock:
            for message in reversed(self.messages):
                if message.to == to and predicate(message):
                    return message
        return None

    def last_view(self, user_id: str) -> dict[str, Any] | None:
        """The modal most recently opened (or pushed, or updated) for `user_id`."""
        return self.views.get(user_id)

    # --- serving -----------------------------------------------------------------------------------
    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        parsed = urlparse(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        if parsed.path.startswith("/upload/"):
            self._upload(
                request, parsed.path.rsplit("/", 1)[-1], request.rfile.read(length) if length else b""
            )
            return
        raw = request.rfile.read(length).decode() if length else ""
        params: dict[str, Any] = {}
        if raw:
            if "json" in request.headers.get("Content-Type", ""):
                params = json.loads(raw)
            else:
                params = {k: v[0] for k, v in parse_qs(raw).items()}
        params.pop("token", None)
        for name in JSON_PARAMS:
            if isinstance(params.get(name), str):
                try:
                    params[name] = json.loads(params[name])
                except ValueError:
                    pass
        if parsed.path.startswith("/response/"):
            _, _, user_id, channel = parsed.path.split("/", 3)
            method = "response_url"
            params = {**params, "_user": user_id, "_channel": channel}
        else:
            method = parsed.path.removeprefix("/api/")
        with self._lock:
            answer = self._answer(method, params)
            self.calls.append(Call(method, params, self.clock(), bool(answer.get("ok")), answer))
        data = json.dumps(answer).encode()
        request.send_response(200)
        request.send_header("Content-Type", "application/json; charset=utf-8")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

    def _next_ts(self) -> str:
        self._ts += 1
        return f"{self._ts}.000100"

    def _answer(self, method: str, p: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://stretch-demo.slack.com/",
                "team": "Stretch Demo",
                "user": "stretch",
                "team_id": WORKSPACE_ID,
                "user_id": BOT_USER_ID,
                "bot_id": "B0STRETCH",
            }
        if method == "users.info":
            person = self.people.get(str(p.get("user")))
            return (
                {"ok": True, "user": person.as_slack()}
                if person
                else {"ok": False, "error": "user_not_found"}
            )
        if method == "chat.postMessage":
            to = str(p.get("channel") or "")
            channel = "D" + to[1:] if to.startswith("U") else to
            ts = self._next_ts()
            self.messages.append(
                Posted(channel, ts, str(p.get("text") or ""), list(p.get("blocks") or []), to)
            )
            return {"ok": True, "channel": channel, "ts": ts, "message": {"text": p.get("text"), "ts": ts}}
        if method == "chat.update":
            for message in self.messages:
                if message.ts == p.get("ts") and message.channel == p.get("channel"):
                    message.text = str(p.get("text") or message.text)
                    message.blocks = list(p.get("blocks") or message.blocks)
                    return {"ok": True, "channel": message.channel, "ts": message.ts}
            return {"ok": False, "error": "message_not_found"}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method == "conversations.open":
            users = str(p.get("users") or "")
            return {"ok": True, "channel": {"id": "D" + users.split(",")[0][1:]}}
        if method == "conversations.history":
            channel = str(p.get("channel") or "")
            found = [
                {"type": "message", "ts": m.ts, "text": m.text, "blocks": m.blocks}
                for m in reversed(self.messages)
                if m.channel == channel
            ]
            return {"ok": True, "messages": found[: int(p.get("limit") or 100)], "has_more": False}
        if method in ("views.open", "views.update", "views.push", "views.publish"):
            view = dict(p.get("view") or {})
            view["id"] = str(p.get("view_id") or "V" + self._next_ts().replace(".", ""))
            if method != "views.publish":
                user = str(p.get("_user") or self._trigger_user(p))
                if user:
                    self.views[user] = view
            return {"ok": True, "view": view}
        if method == "response_url":
            return {"ok": True}
        if method in ("conversations.info", "conversations.join"):
            # The team channel is public and Stretch joins it when the team is set up.
            channel = str(p.get("channel") or "")
            if method == "conversations.join":  # _handle holds the lock while answering
                self.joined.add(channel)
            member = channel in self.joined
            return {"ok": True, "channel": {"id": channel, "is_private": False, "is_member": member}}
        if method in ("files.getUploadURLExternal", "files.completeUploadExternal"):
            return self._files(method, p)
        return {"ok": False, "error": "unknown_method"}

    # --- files (files_upload_v2) ---------------------------------------------------------------------
    def _files(self, method: str, p: dict[str, Any]) -> dict[str, Any]:
        if method == "files.getUploadURLExternal":
            file_id = f"F{len(self.files) + 1:05d}"
            self.files[file_id] = SharedFile(
                file_id, str(p.get("filename") or ""), str(p.get("alt_txt") or "")
            )
            return {
                "ok": True,
                "file_id": file_id,
                "upload_url": self.url.replace("/api/", f"/upload/{file_id}"),
            }
        listed = p.get("files")
        if isinstance(listed, str):
            listed = json.loads(listed)
        shared = []
        for item in listed or []:
            found = self.files.get(str(item.get("id")))
            if found is None or not found.content:
                return {"ok": False, "error": "file_not_found"}
            found.title = str(item.get("title") or found.filename)
            found.channel = str(p.get("channel_id") or "")
            shared.append({"id": found.id, "title": found.title})
        return {"ok": True, "files": shared}

    def _upload(self, request: BaseHTTPRequestHandler, file_id: str, content: bytes) -> None:
        with self._lock:
            found = self.files.get(file_id)
            if found is not None:
                found.content = content
        body = f"OK - {len(content)}".encode()
        request.send_response(200 if found is not None else 404)
        request.send_header("Content-Type", "text/plain; charset=utf-8")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    def _trigger_user(self, p: dict[str, Any]) -> str:
        # The demo's trigger ids name the person who acted ("<n>.<user id>.demo").
        trigger = str(p.get("trigger_id") or "")
        if trigger.count(".") >= 2:
            return trigger.split(".")[1]
        view_id = str(p.get("view_id") or "")
        for user, view in self.views.items():
            if view.get("id") == view_id:
                return user
        return ""
