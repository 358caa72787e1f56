"""A local Socket Mode server: Slack's side of the WebSocket, on a free loopback port.

The fake Web API answers `apps.connections.open` with `fake.socket_url`; Stretch then connects here. Each
connection gets `{"type": "hello"}`; the test pushes envelopes (slash commands, interactive payloads,
events) and waits for their acks, sends `disconnect` as Slack does before a refresh, or cuts the TCP
connection without a close frame, as a dropped network does. Built on the `websockets` library.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve


@dataclass
class Ack:
    """What the app answered for one envelope, and when."""

    envelope_id: str
    payload: dict[str, Any] | None
    at: float


@dataclass
class Link:
    """One WebSocket connection from the app."""

    connection: ServerConnection
    opened_at: float
    hello_at: float = 0.0
    closed: bool = False


@dataclass
class FakeSocketMode:
    """The Socket Mode server. `start()` it, give `url` to the fake Web API, then drive the app."""

    links: list[Link] = field(default_factory=list)
    acks: dict[str, Ack] = field(default_factory=dict)
    unexpected: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Condition()
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------------------
    def start(self) -> FakeSocketMode:
        """Listen on a free port of 127.0.0.1."""
        self._server = serve(self._serve_link, "127.0.0.1", 0)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close every connection and stop listening."""
        if self._server is not None:
            self._server.shutdown()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.socket.getsockname()[1])

    def url(self) -> str:
        """A fresh connection URL, as apps.connections.open hands out (one ticket per call)."""
        return f"ws://127.0.0.1:{self.port}/link/?ticket={uuid.uuid4().hex}"

    # --- the server side of one connection ---------------------------------------------------------------
    def _serve_link(self, connection: ServerConnection) -> None:
        link = Link(connection=connection, opened_at=time.monotonic())
        with self._lock:
            self.links.append(link)
        try:
            connection.send(json.dumps({"type": "hello", "num_connections": 1, "debug_info": {}}))
            with self._lock:
                link.hello_at = time.monotonic()
                self._lock.notify_all()
            for raw in connection:
                self._received(raw)
        except (ConnectionClosed, OSError):
            pass
        finally:
            with self._lock:
                link.closed = True
                self._lock.notify_all()

    def _received(self, raw: str | bytes) -> None:
        at = time.monotonic()
        try:
            message = json.loads(raw)
        except ValueError:
            message = None
        with self._lock:
            if isinstance(message, dict) and message.get("envelope_id"):
                envelope_id = str(message["envelope_id"])
                self.acks[envelope_id] = Ack(envelope_id, message.get("payload"), at)
                self._lock.notify_all()
            else:
                self.unexpected.append(str(raw)[:200])

    # --- driving the app -----------------------------------------------------------------------------------
    def current(self) -> Link:
        """The newest open connection that has had its hello."""
        with self._lock:
            for link in reversed(self.links):
                if not link.closed and link.hello_at:
                    return link
        raise AssertionError("the app has no open Socket Mode connection")

    def wait_for_link(self, *, after: int = 0, timeout: float = 30.0) -> Link:
        """Wait until connection number `after + 1` (counting from 1) has had its hello; raises on timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                fresh = [link for link in self.links[after:] if link.hello_at and not link.closed]
                if fresh:
                    return fresh[0]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"no new Socket Mode connection within {timeout} s ({len(self.links)} so far)"
                    )
                self._lock.wait(left)

    def push(
        self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool = True
    ) -> tuple[str, float]:
        """Send an envelope on the current connection; returns its id and when it was sent."""
        envelope_id = uuid.uuid4().hex
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            envelope["retry_attempt"] = 0
            envelope["retry_reason"] = ""
        link = self.current()
        sent = time.monotonic()
        link.connection.send(json.dumps(envelope))
        return envelope_id, sent

    def wait_ack(self, envelope_id: str, *, timeout: float = 5.0) -> Ack:
        """The ack of an envelope; raises AssertionError if none comes within `timeout`."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while envelope_id not in self.acks:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"envelope {envelope_id} was not acknowledged within {timeout} s")
                self._lock.wait(left)
            return self.acks[envelope_id]

    def send_disconnect(self, reason: str) -> Link:
        """Tell the app to reconnect, as Slack does every few hours (`refresh_requested`, `warning`)."""
        link = self.current()
        link.connection.send(json.dumps({"type": "disconnect", "reason": reason, "debug_info": {}}))
        return link

    def cut(self) -> Link:
        """End the current connection's TCP stream with no WebSocket close frame (a dropped network)."""
        link = self.current()
        sock = link.connection.socket
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()
        return link

    @property
    def count(self) -> int:
        """How many connections the app has opened so far."""
        with self._lock:
            return len(self.links)
