"""HTTP mode: a WSGI app with Slack's endpoint and a health check, served by a threaded server."""

from __future__ import annotations

import gc
import json
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.response import BoltResponse
from sqlalchemy import Engine

from bot.config import HTTP_THREADS
from bot.db import database_answers
from bot.slack.payloads import HttpRequest

SLACK_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

StartResponse = Callable[..., Any]
# How long a thread may keep the GIL while another wants it (CPython's default is 5 ms). A request's
# thread spends its time waiting on the database; each time a statement's result arrives it must win the
# GIL back from the threads building other answers. With 5 ms, a claim holding the pie's row lock waits
# up to 5 ms after each of its statements, and every other claim of the team waits behind it.
SWITCH_INTERVAL_SECONDS = 0.001


def freeze_startup_objects() -> None:
    """Leave what start-up made (modules, the app, its listeners, the engine) out of the collector's full
    passes. A full pass stops every thread of the process while it walks every tracked object; with
    start-up's objects in it, that took 90-144 ms under load and every request in flight waited for it
    (bench/pie_latency.py: a second team's p99 went from 24 ms to 84-112 ms in the runs where one fell).
    Frozen, they are never walked again; they were going to live as long as the process anyway."""
    gc.collect()
    gc.freeze()


class _SlackHandler(SlackRequestHandler):
    """Bolt's WSGI adapter, with the request body read by Stretch's own parser (see HttpRequest)."""

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        """Hand one POST to Bolt."""
        return self.app.dispatch(
            HttpRequest(body=request.get_body(), query=request.query_string, headers=request.get_headers())
        )


def build_wsgi(app: App, engine: Engine) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """The WSGI callable: POST /slack/events goes to Bolt, GET /healthz asks the database."""
    slack = _SlackHandler(app, path=SLACK_PATH)

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == HEALTH_PATH:
            healthy = database_answers(engine)
            body = json.dumps({"ok": healthy, "database": "up" if healthy else "down"}).encode()
            status = "200 OK" if healthy else "503 Service Unavailable"
            start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        if path == SLACK_PATH:
            return slack(environ, start_response)
        body = b"Not Found"
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]

    return wsgi


def listening_socket(host: str, port: int, *, backlog: int = 1024) -> socket.socket:
    """A bound, listening TCP socket that several server processes can accept on (`stretch serve
    --processes`): each takes the next connection when it is free, so the busiest takes the fewest."""
    sock = socket.create_server((host, port), backlog=backlog)
    sock.setblocking(False)
    return sock


class HttpServer:
    """A multi-threaded production WSGI server (waitress) that can stop gracefully from any thread."""

    def __init__(
        self,
        wsgi: Callable[..., Iterable[bytes]],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        sock: socket.socket | None = None,
        threads: int = HTTP_THREADS,
        loop_timeout: int = 1,
    ) -> None:
        """Listen on host:port, or accept on `sock`, a listening socket other processes may share.

        `loop_timeout` is how long the accept loop sleeps when nothing happens, in whole seconds: waitress
        reads it as an int, so a fraction would become 0 and the loop would spin on select(), taking the
        GIL from the threads answering requests."""
        if not isinstance(loop_timeout, int) or loop_timeout < 1:
            raise ValueError("loop_timeout is whole seconds, at least 1 (waitress reads it as an int)")
        from waitress import create_server

        where: dict[str, Any] = {"sockets": [sock]} if sock is not None else {"host": host, "port": port}
        self._server: Any = create_server(
            wsgi, threads=threads, asyncore_loop_timeout=loop_timeout, ident="stretch", **where
        )

    @property
    def port(self) -> int:
        """The port actually listened on (useful with port 0)."""
        return int(self._server.effective_port)

    def serve(self, *, drain_seconds: float = 8.0) -> None:
        """Serve until stop(); in-flight requests are finished first (up to `drain_seconds`)."""
        self._drain_seconds = drain_seconds
        sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)  # this process now serves requests
        freeze_startup_objects()
        self._server.run()
        self._server.task_dispatcher.shutdown(cancel_pending=False, timeout=1)

    def stop(self) -> None:
        """Stop accepting connections, let in-flight requests finish, then make serve() return.

        Safe from a signal handler or another thread: the sockets are only touched from inside the
        server's own loop thread (closing them from elsewhere races its select()).
        """
        self._server.trigger.pull_trigger(self._stop_accepting)

    def _stop_accepting(self) -> None:
        from waitress import wasyncore

        wasyncore.dispatcher.close(self._server)  # the listening socket only; the trigger stays
        threading.Thread(target=self._drain, name="stretch-http-drain", daemon=True).start()

    def _drain(self) -> None:
        from waitress import wasyncore

        dispatcher = self._server.task_dispatcher
        deadline = time.monotonic() + getattr(self, "_drain_seconds", 8.0)
        while time.monotonic() < deadline and (dispatcher.active_count or dispatcher.queue):
            time.sleep(0.02)
        # Requests are answered; give the loop a moment to flush their last bytes, then close the
        # idle keep-alive connections and the trigger, which ends the loop.
        time.sleep(0.1)
        server = self._server
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
