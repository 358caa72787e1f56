"""A fake Slack Web API on a free loopback port: records every call, answers like Slack, misbehaves on demand.

Point a WebClient at `fake.url` (`WebClient(base_url=fake.url)`). Tell it about users with `add_user`,
make a method fail with `fail(...)` (429 with Retry-After, 5xx, Slack error codes, dropped
connections, before or after the call took effect), slow it down with `slow(...)`, or enforce a rate
limit with `rate_limit(...)`. Every call is kept in `fake.calls`; every posted message is kept in its
conversation (a DM's is "D…"), with its metadata, and conversations.history answers from them.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

WORKSPACE_ID = "T0STRETCH"
BOT_USER_ID = "UBOTSTRETCH"


@dataclass
class Call:
    """One request Slack received."""

    method: str
    params: dict[str, Any]
    token: str | None
    at: float
    status: int = 200

    def json_param(self, name: str) -> Any:
        """A parameter that may arrive JSON-encoded in a form (blocks, view)."""
        value = self.params.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value


@dataclass
class Fault:
    """A way a method should misbehave for a share of its calls."""

    method: str
    status: int = 429
    error: str = "ratelimited"
    share: float = 1.0
    times: int | None = None
    retry_after: float = 1
    drop_connection: bool = False
    delay: float = 0.0
    # The call takes effect (a message is posted) before the failure: the caller can't know it worked.
    after_effect: bool = False


@dataclass
class RateLimit:
    """A per-method limit like Slack's: at most `per_second` calls, else 429 with Retry-After."""

    per_second: float
    burst: int
    tokens: float
    updated: float


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
            "profile": {"display_name": self.name, "real_name": self.name},
        }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a whole team's requests at the same instant, as Slack would take them


@dataclass
class FakeSlack:
    """The fake Web API server."""

    seed: int = 7
    users: dict[str, FakeUser] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    limits: dict[str, RateLimit] = field(default_factory=dict)
    dm_errors: dict[str, str] = field(default_factory=dict)
    on_call: Callable[[Call], None] | None = None
    # Seconds each call of a method takes before it is answered (a slow Slack).
    latency: dict[str, float] = field(default_factory=dict)
    # Messages posted, per conversation id ("D…" for the bot's DM with a user), oldest first.
    conversations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # --- file uploads (privacy exports): bytes received per file id, and files shared per conversation.
    uploads: dict[str, bytes] = field(default_factory=dict)
    shared_files: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._random = random.Random(self.seed)
        self._ts = 1_700_000_000
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------------------
    def start(self) -> FakeSlack:
        """Start serving on a free port of 127.0.0.1."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                fake._handle(self)

            def do_POST(self) -> None:
                fake._handle(self)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """The Web API base URL to give a WebClient."""
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "r1") -> str:
        """A response_url Slack would put in a payload."""
        return f"http://127.0.0.1:{self.port}/response/{name}"

    # --- configuration ---------------------------------------------------------------------------------
    def add_user(
        self,
        user_id: str,
        name: str | None = None,
        *,
        tz: str = "America/New_York",
        is_admin: bool = False,
        is_owner: bool = False,
        is_bot: bool = False,
        deleted: bool = False,
    ) -> FakeUser:
        """Make a user known to users.info."""
        user = FakeUser(user_id, name or user_id, tz, is_admin, is_owner, is_bot, deleted)
        self.users[user_id] = user
        return user

    def fail(self, method: str, **kwargs: Any) -> Fault:
        """Make `method` misbehave (see Fault); returns the fault so a test can remove it."""
        fault = Fault(method=method, **kwargs)
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        """Answer every call normally again."""
        with self._lock:
            self.faults.clear()
            self.limits.clear()

    def slow(self, method: str, seconds: float) -> None:
        """Make every call of `method` take `seconds` before it is answered (and takes effect)."""
        with self._lock:
            self.latency[method] = seconds

    def rate_limit(self, method: str, per_second: float, burst: int = 1) -> None:
        """Enforce a rate limit on `method`, answering 429 with Retry-After when it is exceeded."""
        with self._lock:
            self.limits[method] = RateLimit(per_second, burst, float(burst), time.monotonic())

    # --- inspection ------------------------------------------------------------------------------------
    def calls_to(self, method: str, *, ok_only: bool = True) -> list[Call]:
        """Calls of one method (by default only those that were answered ok)."""
        with self._lock:
            return [c for c in self.calls if c.method == method and (c.status == 200 or not ok_only)]

    def messages_to(self, channel: str) -> list[Call]:
        """chat.postMessage calls that reached `channel` (a user id means their DM)."""
        return [c for c in self.calls_to("chat.postMessage") if c.params.get("channel") == channel]

    def wait_for(self, method: str, count: int = 1, *, timeout: float = 5.0, **params: Any) -> list[Call]:
        """Wait until `count` ok calls of `method` (matching `params`) arrived; for listeners that run after
        the ack (events, actions). Raises AssertionError on timeout."""
        from tests.waiting import eventually

        def matching() -> list[Call]:
            return [c for c in self.calls_to(method) if all(c.params.get(k) == v for k, v in params.items())]

        try:
            eventually(lambda: len(matching()) >= count, timeout=timeout)
        except AssertionError:
            raise AssertionError(
                f"expected {count} call(s) to {method} {params or ''}, got {len(matching())}"
            ) from None
        return matching()

    def posted(self, conversation: str) -> list[dict[str, Any]]:
        """Messages in a conversation as Slack keeps them (a user id means the bot's DM with them)."""
        with self._lock:
            return list(self.conversations.get(self.conversation_of(conversation), []))

    def posted_keys(self) -> list[str]:
        """The delivery keys (message metadata) of every message posted anywhere, one per message."""
        with self._lock:
            return [
                str(((m.get("metadata") or {}).get("event_payload") or {}).get("key"))
                for messages in self.conversations.values()
                for m in messages
                if m.get("metadata")
            ]

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
        params: dict[str, Any] = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        content_type = request.headers.get("Content-Type", "")
        if raw and not parsed.path.startswith("/upload/"):
            if "json" in content_type:
                try:
                    params.update(json.loads(raw))
                except ValueError:
                    pass
            else:
                params.update({k: v[0] for k, v in parse_qs(raw.decode()).items()})
        auth = request.headers.get("Authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else params.get("token")

        if parsed.path.startswith("/upload/"):
            self._receive_upload(request, parsed.path.rsplit("/", 1)[-1], raw)
            return
        if parsed.path.startswith("/response/"):
            method = "response_url"
            params["_name"] = parsed.path.rsplit("/", 1)[-1]
        elif parsed.path.startswith("/api/"):
            method = parsed.path[len("/api/") :]
        else:
            self._send(request, 404, {"ok": False, "error": "not_found"})
            return

        call = Call(method=method, params=params, token=token, at=time.time())
        latency = self.latency.get(method, 0.0)
        if latency:
            time.sleep(latency)
        status, body, headers, drop = self._answer(call)
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
        self._send(request, status, body, headers)

    def _answer(self, call: Call) -> tuple[int, dict[str, Any], dict[str, str], bool]:
        with self._lock:
            limit = self.limits.get(call.method)
            if limit is not None:
                now = time.monotonic()
                limit.tokens = min(limit.burst, limit.tokens + (now - limit.updated) * limit.per_second)
                limit.updated = now
                if limit.tokens < 1:
                    wait = max(1, round((1 - limit.tokens) / limit.per_second + 0.4))
                    return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(wait)}, False
                limit.tokens -= 1
            chosen: Fault | None = None
            for fault in self.faults:
                if fault.method not in (call.method, "*"):
                    continue
                if fault.times is not None and fault.times <= 0:
                    continue
                if self._random.random() >= fault.share:
                    continue
                if fault.times is not None:
                    fault.times -= 1
                chosen = fault
                break
        if chosen is None:
            return 200, self._ok(call), {}, False
        if chosen.after_effect:
            self._ok(call)
        if chosen.delay:
            time.sleep(chosen.delay)
        if chosen.drop_connection:
            return 0, {}, {}, True
        headers = {"Retry-After": str(int(chosen.retry_after))} if chosen.status == 429 else {}
        return chosen.status, {"ok": False, "error": chosen.error}, headers, False

    def _ok(self, call: Call) -> dict[str, Any]:
        p = call.params
        if call.method == "auth.test":
            return {
                "ok": True,
                "url": "https://stretch-test.slack.com/",
                "team": "Stretch Test",
                "user": "stretch",
                "team_id": WORKSPACE_ID,
                "user_id": BOT_USER_ID,
                "bot_id": "BSTRETCH",
            }
        if call.method == "users.info":
            user = self.users.get(str(p.get("user")))
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "user": user.as_slack()}
        if call.method == "chat.postMessage":
            channel = str(p.get("channel") or "")
            if channel in self.dm_errors:
                return {"ok": False, "error": self.dm_errors[channel]}
            if channel.startswith("U") and channel in self.users and self.users[channel].deleted:
                return {"ok": False, "error": "user_not_found"}
            ts = self._next_ts()
            conversation = self.conversation_of(channel)
            message: dict[str, Any] = {
                "type": "message",
                "user": BOT_USER_ID,
                "bot_id": "BSTRETCH",
                "text": p.get("text"),
                "ts": ts,
                "thread_ts": p.get("thread_ts"),
            }
            metadata = call.json_param("metadata")
            if isinstance(metadata, dict):
                message["metadata"] = metadata
            with self._lock:
                self.conversations.setdefault(conversation, []).append(message)
            return {"ok": True, "channel": conversation, "ts": ts, "message": message}
        if call.method == "conversations.history":
            return self._history(call)
        if call.method == "chat.update":
            return {"ok": True, "channel": p.get("channel"), "ts": p.get("ts"), "text": p.get("text")}
        if call.method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if call.method == "conversations.open":
            users = str(p.get("users") or "")
            return {"ok": True, "channel": {"id": "D" + users.split(",")[0][1:]}}
        if call.method in ("views.open", "views.update", "views.publish", "views.push"):
            view = call.json_param("view") or {}
            return {"ok": True, "view": {"id": "V" + self._next_ts().replace(".", ""), **view}}
        if call.method == "response_url":
            return {"ok": True}
        if call.method in ("files.getUploadURLExternal", "files.completeUploadExternal"):
            return self._files(call)
        return {"ok": False, "error": "unknown_method"}

    def _history(self, call: Call) -> dict[str, Any]:
        """Newest first, `limit` per page with a cursor; metadata only with include_all_metadata."""
        p = call.params
        conversation = str(p.get("channel") or "")
        if not conversation.startswith(("C", "G", "D")):
            return {"ok": False, "error": "channel_not_found"}
        with self._lock:
            messages = list(reversed(self.conversations.get(conversation, [])))
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

    # --- file uploads (files_upload_v2: get a URL, POST the bytes to it, complete the upload) -----------
    def _files(self, call: Call) -> dict[str, Any]:
        p = call.params
        if call.method == "files.getUploadURLExternal":
            if not p.get("filename") or not str(p.get("length") or "").isdigit():
                return {"ok": False, "error": "invalid_arguments"}
            file_id = "F" + self._next_ts().replace(".", "")
            return {
                "ok": True,
                "file_id": file_id,
                "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}",
            }
        files = call.json_param("files") or []
        channel = str(p.get("channel_id") or "")
        shared = []
        with self._lock:
            for item in files:
                if item.get("id") not in self.uploads:
                    return {"ok": False, "error": "file_not_found"}
                record = {"id": item["id"], "title": item.get("title"), "comment": p.get("initial_comment")}
                if channel:
                    self.shared_files.setdefault(channel, []).append(record)
                shared.append(
                    {"id": item["id"], "title": item.get("title"), "size": len(self.uploads[item["id"]])}
                )
        return {"ok": True, "files": shared}

    def _receive_upload(self, request: BaseHTTPRequestHandler, file_id: str, raw: bytes) -> None:
        with self._lock:
            self.uploads[file_id] = raw
            self.calls.append(
                Call(
                    method="upload", params={"file_id": file_id, "size": len(raw)}, token=None, at=time.time()
                )
            )
        request.send_response(200)
        request.send_header("Content-Type", "text/plain")
        request.send_header("Content-Length", "2")
        request.end_headers()
        request.wfile.write(b"OK")

    def files_in(self, conversation: str) -> list[tuple[dict[str, Any], bytes]]:
        """Files shared into a conversation (a user id means the bot's DM with them), with their bytes."""
        with self._lock:
            shared = list(self.shared_files.get(self.conversation_of(conversation), []))
            return [(record, self.uploads[record["id"]]) for record in shared]

    def _next_ts(self) -> str:
        with self._lock:
            self._ts += 1
            return f"{self._ts}.000100"

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
