"""Waiting for work done elsewhere (Bolt after the ack, a started server): poll a condition, never a fixed sleep."""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(
    probe: Callable[[], T], *, timeout: float = 5.0, interval: float = 0.01, what: str | None = None
) -> T:
    """Call `probe` until it returns something truthy and return that; after `timeout` fail the test,
    naming `what` (or the probe) and its last value. A wait whose condition never comes never passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() >= deadline:
            name = what or getattr(probe, "__qualname__", "a condition")
            raise AssertionError(f"timed out after {timeout:g} s waiting for {name}; last value {value!r}")
        time.sleep(interval)


def answers_healthy(base_url: str) -> bool:
    """Whether `GET /healthz` answers 200 right now."""
    try:
        with urllib.request.urlopen(f"{base_url}/healthz", timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def wait_healthy(
    base_url: str,
    process: subprocess.Popen[bytes],
    *,
    name: str,
    log: Callable[[], str] = str,
    timeout: float = 30,
) -> None:
    """Wait until a started `stretch serve` answers /healthz with 200; fail at once if it exits."""

    def ready() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"{name} exited early with {process.returncode}:\n{log()[-3000:]}")
        return answers_healthy(base_url)

    eventually(ready, timeout=timeout, interval=0.05, what=f"{name} to become healthy")
