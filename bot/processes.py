"""More HTTP server processes beside `stretch serve`'s own (`--processes N`): started, restarted when one
dies, and stopped gracefully with it.

One Python process answers with one core at a time (the GIL). The processes accept on one listening
socket the main process bound: a process takes the next connection when it is free, so the busiest takes
the fewest. Each extra process serves Slack's requests only; the main process also runs the clock, and
the database leader lock keeps a tick to one process anyway. Children are started with "spawn" (a fresh
interpreter, no threads or connections copied from the parent).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import socket
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess
from typing import Any

logger = logging.getLogger(__name__)

# A child that dies is started again, but never more often than this (a crash loop stays a slow one).
RESTART_AFTER_SECONDS = 1.0
# How often a child looks whether the process that started it is still there.
PARENT_CHECK_SECONDS = 0.5


def watch_parent(gone: Callable[[], None], *, parent: int) -> None:
    """In a child: call `gone` once the process `parent` that started this one has ended (killed outright),
    even if that happened before this child got this far."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        logger.warning("the main stretch serve process is gone; this HTTP server process stops too")
        gone()

    threading.Thread(target=watch, name="stretch-parent-watch", daemon=True).start()


class ServerProcesses:
    """`count` child processes running `target(sock, *args, parent_pid)`, kept running until stop()."""

    def __init__(self, target: Callable[..., None], sock: socket.socket, *args: Any, count: int) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._target = target
        self._args = (sock, *args, os.getpid())
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._children: list[BaseProcess] = [self._start(index) for index in range(count)]
        self._watcher = threading.Thread(target=self._watch, name="stretch-processes", daemon=True)
        self._watcher.start()

    def _start(self, index: int) -> BaseProcess:
        child = self._context.Process(
            target=self._target, args=self._args, name=f"stretch-http-{index + 1}", daemon=True
        )
        child.start()
        return child

    def _watch(self) -> None:
        while not self._stopping.is_set():
            with self._lock:
                sentinels = {child.sentinel: index for index, child in enumerate(self._children)}
            ended = wait(list(sentinels), timeout=0.5)
            if not ended or self._stopping.is_set():
                continue
            time.sleep(RESTART_AFTER_SECONDS)
            with self._lock:
                if self._stopping.is_set():
                    return
                for sentinel in ended:
                    index = sentinels[sentinel]  # type: ignore[index]
                    child = self._children[index]
                    child.join(0)
                    logger.warning(
                        "HTTP server process %s ended (exit code %s); starting it again",
                        child.name,
                        child.exitcode,
                    )
                    self._children[index] = self._start(index)

    def stop(self, *, deadline: float) -> None:
        """Ask every child to finish its requests and exit (SIGTERM); kill what is left at `deadline`."""
        self._stopping.set()
        self._watcher.join(timeout=2)
        with self._lock:
            children = list(self._children)
        for child in children:
            if child.is_alive():
                child.terminate()  # SIGTERM: the child drains its requests, then exits
        for child in children:
            child.join(max(0.0, deadline - time.monotonic()))
            if child.is_alive():
                logger.warning("HTTP server process %s did not stop in time; killing it", child.name)
                child.kill()
                child.join(1)
