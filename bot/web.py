"""HTTP mode: a WSGI app with Slack's endpoint and a health check, served by a threaded server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine

from bot.db import database_answers

SLACK_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

StartResponse = Callable[..., Any]


def build_wsgi(app: App, engine: Engine) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """The WSGI callable: POST /slack/events goes to Bolt, GET /healthz asks the database."""
    slack = SlackRequestHandler(app, path=SLACK_PATH)

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


class HttpServer:
    """A multi-threaded production WSGI server (waitress) that can stop gracefully from any thread."""

    def __init__(
        self,
        wsgi: Callable[..., Iterable[bytes]],
        *,
        host: str,
        port: int,
        threads: int = 8,
        loop_timeout: float = 1.0,
    ) -> None:
        from waitress import create_server

        self._server: Any = create_server(
            wsgi, host=host, port=port, threads=threads, asyncore_loop_timeout=loop_timeout, ident="stretch"
        )

    @property
    def port(self) -> int:
        """The port actually listened on (useful with port 0)."""
        return int(self._server.effective_port)

    def serve(self, *, drain_seconds: float = 8.0) -> None:
        """Serve until stop(); then let requests already being handled finish (up to `drain_seconds`)."""
        self._server.run()
        self._server.task_dispatcher.shutdown(cancel_pending=False, timeout=drain_seconds)

    def stop(self) -> None:
        """Stop accepting connections; serve() returns once in-flight requests are done."""
        from waitress import wasyncore

        server = self._server
        # Close every socket from inside the server's own loop thread, which then finds nothing to
        # wait on and returns; closing from another thread would race its select().
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
