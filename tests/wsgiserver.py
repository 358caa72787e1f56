"""An in-process threaded WSGI server for tests: starts on a free port and stops cleanly.

Production runs waitress (tests/e2e start the real `stretch serve` process); inside the test process a
stdlib server is used because it can be started and stopped hundreds of times without leaking threads
or file descriptors.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    block_on_close = True
    request_queue_size = 128  # as waitress's backlog (1024): a burst of requests waits, isn't refused


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class TestServer:
    """Serve a WSGI app on 127.0.0.1:<free port> in a background thread."""

    __test__ = False  # not a test class, despite the name

    def __init__(self, wsgi: Callable[..., Iterable[bytes]]) -> None:
        self._server = make_server(
            "127.0.0.1", 0, wsgi, server_class=_ThreadingServer, handler_class=_QuietHandler
        )
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:<port>"""
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Stop accepting, wait for in-flight requests, close the socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)
