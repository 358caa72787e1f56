"""The fake Slack the tests talk to: the demo's fake Web API (bot/demo/fakeslack.py) that also refuses what
Slack refuses and misbehaves on demand.

Point a WebClient at `fake.url` (`WebClient(base_url=fake.url)`). Tell it about users with `add_user`. It
refuses Block Kit that Slack refuses (`invalid_blocks`, checked by tests/blockkit.py, kept in
`fake.refused`); make a method fail with `fail(...)` (429 with Retry-After, 5xx, Slack error codes, dropped
connections, before or after the call took effect), slow it down with `slow(...)`, or enforce a rate limit
with `rate_limit(...)`. Every call is kept in `fake.calls`; every posted message is kept in its
conversation (a DM's is "D…"), with its metadata, and conversations.history answers from them.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.demo.fakeslack import BOT_USER_ID, VIEW_METHODS, WORKSPACE_ID, Call, FakeUser
from bot.demo.fakeslack import FakeSlack as SlackCore
from tests.blockkit import problems, view_problems

__all__ = ["BOT_USER_ID", "WORKSPACE_ID", "Call", "FakeSlack", "FakeUser", "Fault", "RateLimit"]


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
    # "whole": Retry-After in whole seconds, rounded up, as Slack answers; "fraction": the exact wait.
    retry_after: str = "whole"


class FakeSlack(SlackCore):
    """The fake Web API server, strict about Block Kit and misbehaving on demand."""

    def __init__(self, seed: int = 7) -> None:
        super().__init__()
        self.faults: list[Fault] = []
        self.limits: dict[str, RateLimit] = {}
        # Seconds each call of a method takes before it is answered (a slow Slack).
        self.latency: dict[str, float] = {}
        # A Slack error code chat.postMessage answers for a channel or user (e.g. "cannot_dm_bot").
        self.dm_errors: dict[str, str] = {}
        # Every post or view refused with invalid_blocks: (method, the faults). The fixture fails a test
        # that leaves any here, so the whole suite runs against Slack's Block Kit validation.
        self.refused: list[tuple[str, list[str]]] = []
        # apps.connections.open answers with socket_url() (a local Socket Mode server's ws:// URL).
        self.socket_url: Callable[[], str] | None = None
        self._random = random.Random(seed)

    # --- misbehaving on demand ---------------------------------------------------------------------------
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

    def rate_limit(
        self, method: str, per_second: float, burst: int = 1, *, retry_after: str = "whole"
    ) -> None:
        """Enforce a rate limit on `method` (a token bucket), answering 429 with Retry-After when it is
        empty: in whole seconds rounded up as Slack does ("whole"), or the exact wait ("fraction")."""
        with self._lock:
            self.limits[method] = RateLimit(per_second, burst, float(burst), time.monotonic(), retry_after)

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

    # --- answering ---------------------------------------------------------------------------------------
    def _respond(self, call: Call) -> tuple[int, dict[str, Any], dict[str, str], bool]:
        latency = self.latency.get(call.method, 0.0)
        if latency:
            time.sleep(latency)
        with self._lock:
            limit = self.limits.get(call.method)
            if limit is not None:
                now = time.monotonic()
                limit.tokens = min(limit.burst, limit.tokens + (now - limit.updated) * limit.per_second)
                limit.updated = now
                if limit.tokens < 1:
                    exact = (1 - limit.tokens) / limit.per_second
                    wait = (
                        f"{exact:.3f}" if limit.retry_after == "fraction" else str(max(1, math.ceil(exact)))
                    )
                    return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": wait}, False
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
            return super()._respond(call)
        if chosen.after_effect:
            self._answer(call)
        if chosen.delay:
            time.sleep(chosen.delay)
        if chosen.drop_connection:
            return 0, {}, {}, True
        headers = {"Retry-After": str(int(chosen.retry_after))} if chosen.status == 429 else {}
        return chosen.status, {"ok": False, "error": chosen.error}, headers, False

    def _answer(self, call: Call) -> dict[str, Any]:
        faults = self._block_faults(call)
        if faults:
            call.error = "invalid_blocks"
            with self._lock:
                self.refused.append((call.method, faults))
            return {"ok": False, "error": "invalid_blocks", "errors": faults}
        if call.method == "chat.postMessage" and call.params.get("channel") in self.dm_errors:
            return {"ok": False, "error": self.dm_errors[str(call.params["channel"])]}
        if call.method == "apps.connections.open":
            if not str(call.token or "").startswith("xapp-"):
                return {"ok": False, "error": "invalid_auth"}
            if self.socket_url is None:
                return {"ok": False, "error": "socket_mode_not_enabled"}
            return {"ok": True, "url": self.socket_url()}
        return super()._answer(call)

    @staticmethod
    def _block_faults(call: Call) -> list[str]:
        """What Slack would refuse in this call's blocks or view (empty for other methods)."""
        if call.method in ("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url"):
            faults = problems(call.json_param("blocks"), surface="message")
            attachments = call.json_param("attachments")
            for attachment in attachments if isinstance(attachments, list) else []:
                faults += problems(attachment.get("blocks"), surface="message")
            return faults
        if call.method in VIEW_METHODS:
            return view_problems(call.json_param("view"))
        return []
