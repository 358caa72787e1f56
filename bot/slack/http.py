"""Keep-alive connections to Slack, shared by the Web API client and response_url answers.

slack_sdk opens a new connection (and, against Slack, a new TLS handshake) for every call and every
response_url post. A fan-out of thousands of DMs, or an answer that follows a command, spends much of its
time there. The pool here keeps idle connections per host and hands them out again.

Exactly once matters more than speed: a request is never sent twice by this module. A connection that
looks closed by the server before reuse (its socket reads as end-of-file) is dropped and a fresh one is
used; a request that failed while being written to a reused connection (the server had closed it, so it
never read the request) goes once more on a fresh connection. Any failure after the request was written
is raised as it is, so the outbox settles it by checking Slack's history rather than by resending.
"""

from __future__ import annotations

import http.client
import io
import select
import ssl as ssl_module
import threading
import time
import urllib.error
from typing import Any
from urllib.parse import urlsplit
from urllib.request import Request

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient, WebhookResponse

# Slack (and load balancers in front of it) close idle connections after a while; one kept longer than
# this is not offered again.
MAX_IDLE_SECONDS = 20.0
# Idle connections kept per host (more may be open while busy; the extra are closed when returned).
MAX_IDLE_PER_HOST = 16

Key = tuple[str, str, int]


class ConnectionPool:
    """Idle keep-alive HTTP(S) connections per host, safe to share between threads."""

    def __init__(self, *, max_idle_seconds: float = MAX_IDLE_SECONDS, per_host: int = MAX_IDLE_PER_HOST):
        self.max_idle_seconds = max_idle_seconds
        self.per_host = per_host
        self.opened = 0  # connections opened so far (benchmarks print how many calls shared them)
        self.requests = 0
        self._idle: dict[Key, list[tuple[http.client.HTTPConnection, float]]] = {}
        self._lock = threading.Lock()

    def request(
        self,
        url: str,
        *,
        body: bytes | None,
        headers: dict[str, str],
        timeout: float,
        ssl_context: ssl_module.SSLContext | None = None,
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        """POST `body` to `url`; returns (status, headers, body). Raises OSError/HTTPException on failure."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        key: Key = (scheme, parts.hostname or "", parts.port or (443 if scheme == "https" else 80))
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        headers = {k: v for k, v in headers.items() if k.lower() != "connection"}
        with self._lock:
            self.requests += 1
        connection, reused = self._checkout(key, timeout, ssl_context)
        try:
            try:
                connection.request("POST", path, body=body, headers=headers)
            except (BrokenPipeError, ConnectionResetError, http.client.CannotSendRequest):
                connection.close()
                if not reused:
                    raise
                # The server had closed the idle connection, so it never read this request: send it once
                # on a fresh connection.
                connection = self._open(key, timeout, ssl_context)
                connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        except BaseException:
            connection.close()
            raise
        if response.will_close:
            connection.close()
        else:
            self._checkin(key, connection)
        return response.status, response.msg, data

    def _checkout(
        self, key: Key, timeout: float, ssl_context: ssl_module.SSLContext | None
    ) -> tuple[http.client.HTTPConnection, bool]:
        now = time.monotonic()
        while True:
            with self._lock:
                idle = self._idle.get(key)
                if not idle:
                    break
                connection, since = idle.pop()
            if now - since > self.max_idle_seconds or _closed_by_peer(connection):
                connection.close()
                continue
            connection.timeout = timeout
            if connection.sock is not None:
                connection.sock.settimeout(timeout)
            return connection, True
        return self._open(key, timeout, ssl_context), False

    def _open(
        self, key: Key, timeout: float, ssl_context: ssl_module.SSLContext | None
    ) -> http.client.HTTPConnection:
        scheme, host, port = key
        with self._lock:
            self.opened += 1
        if scheme == "https":
            return http.client.HTTPSConnection(host, port, timeout=timeout, context=ssl_context)
        return http.client.HTTPConnection(host, port, timeout=timeout)

    def _checkin(self, key: Key, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if len(idle) < self.per_host:
                idle.append((connection, time.monotonic()))
                return
        connection.close()

    def close(self) -> None:
        """Close every idle connection."""
        with self._lock:
            idle, self._idle = self._idle, {}
        for connections in idle.values():
            for connection, _ in connections:
                connection.close()


def _closed_by_peer(connection: http.client.HTTPConnection) -> bool:
    """True when the server has closed (or written unasked to) an idle connection."""
    sock = connection.sock
    if sock is None:
        return True
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


POOL = ConnectionPool()


class PooledWebClient(WebClient):
    """A WebClient whose calls reuse keep-alive connections from a pool (POOL unless given)."""

    def __init__(self, *args: Any, pool: ConnectionPool | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pool = pool or POOL

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        if self.proxy is not None or not url.lower().startswith("http"):
            return super()._perform_urllib_http_request_internal(url, req)
        status, headers, body = _pooled_request(
            self.pool, url, req, timeout=float(self.timeout), ssl_context=self.ssl
        )
        charset = headers.get_content_charset() or "utf-8"
        return {"status": status, "headers": headers, "body": body.decode(charset)}


def pooled(client: WebClient, *, pool: ConnectionPool | None = None) -> PooledWebClient:
    """A PooledWebClient with the same token, URL, timeout and retry handlers as `client`."""
    if isinstance(client, PooledWebClient) and pool is None:
        return client
    return PooledWebClient(
        token=client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        headers=client.headers,
        team_id=getattr(client, "team_id", None),
        logger=client.logger,
        retry_handlers=list(client.retry_handlers),
        pool=pool,
    )


class PooledWebhookClient(WebhookClient):
    """A response_url / incoming-webhook client whose posts reuse keep-alive connections (POOL)."""

    def __init__(self, url: str, *, pool: ConnectionPool | None = None, **kwargs: Any) -> None:
        super().__init__(url, **kwargs)
        self.pool = pool or POOL

    def _perform_http_request_internal(self, url: str, req: Request) -> WebhookResponse:
        if self.proxy is not None or not url.lower().startswith("http"):
            return super()._perform_http_request_internal(url, req)
        status, headers, raw = _pooled_request(
            self.pool, url, req, timeout=float(self.timeout), ssl_context=self.ssl
        )
        charset = headers.get_content_charset() or "utf-8"
        return WebhookResponse(
            url=url, status_code=status, body=raw.decode(charset), headers=dict(headers.items())
        )


def _pooled_request(
    pool: ConnectionPool, url: str, req: Request, *, timeout: float, ssl_context: ssl_module.SSLContext | None
) -> tuple[int, http.client.HTTPMessage, bytes]:
    data = req.data if isinstance(req.data, bytes) else None
    status, headers, body = pool.request(
        url,
        body=data,
        headers={k: str(v) for k, v in req.header_items()},
        timeout=timeout,
        ssl_context=ssl_context,
    )
    if status >= 400:
        # What urllib raises, so slack_sdk's retry handlers and errors behave exactly as before.
        raise urllib.error.HTTPError(url, status, headers.get("Reason", ""), headers, io.BytesIO(body))
    return status, headers, body
