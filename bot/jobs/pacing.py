"""Pacing the outbox's sends to the rate Slack allows, learned from Slack's own 429s.

Slack limits chat.postMessage per workspace like a token bucket: a burst of B calls, refilled at r per
second, answering HTTP 429 with a whole-second Retry-After (rounded up) while it is empty. Neither number
is published for a given workspace, so the pacer learns them as it goes:

- Until Slack first pushes back, sends are not paced at all (a small fan-out costs nothing).
- A 429 says the bucket is empty at that moment. Every send Slack accepted between two such moments was
  paid for by refill, so r = accepted / elapsed. That is exact as long as the bucket never filled up in
  between, which a sender at or a little above r ensures. The first stretch, which began with a full
  bucket, then gives B = accepted − r·elapsed.
- Not every 429 is the bucket's: a proxy, or Slack for reasons of its own, may refuse a share of calls at
  random. One that asks for no pause (Retry-After 0; an empty bucket asks for whole seconds) is sent
  again at once and teaches nothing, but it counts as a send of the window (it took a turn, and may have
  taken a token): r = (accepted + those 429s) / elapsed. A 429 for a call made before the bucket was last
  found empty is that moment seen again, not a new one. And a window whose sends went at the pace (within
  PACE_TOLERANCE) says the bucket let the pace through: it neither lowers the pace nor stops its creep.
  Before these rules every injected 429 measured the pace less the share refused, and the pace spiralled
  down (2,000 sends with 30 % refused at random: 29 hours simulated instead of a minute).
- Sends are paced by a local token bucket refilled at the learned r, holding at most the learned B.
- Retry-After is honoured: nothing is sent before it has passed. The local bucket keeps refilling in the
  meantime, so what Slack refilled during the pause is spent right after it rather than left to overflow
  (a stall costs nothing while r·Retry-After ≤ B, which is why a whole-second Retry-After need not cost a
  whole second of sending).
- While Slack doesn't push back the pace creeps up (1 % a second), so an estimate that came out low
  (a 429 injected by a proxy, another replica's sends, a sender that was briefly slower than Slack) heals
  by itself; the next 429 measures r again.

Why not slack_sdk's RateLimitErrorRetryHandler: it sleeps Retry-After plus up to a second of jitter in the
sending thread and then retries at full speed, so the bucket overflows during the sleep and is emptied
again at once (a low limit with whole-second Retry-After lost a third of the time that way).

The sender's worker threads share one Pacer (its methods take a lock), so they share one pace: a 429
seen by one pauses them all until Retry-After has passed, and after it they spend only what Slack refilled.
"""

from __future__ import annotations

import threading

# A window shorter than this (two 429s in quick succession) measures timing noise, not the refill rate:
# the window is kept open until it is long enough.
MIN_WINDOW_SECONDS = 0.5
# How fast the pace grows above the learned rate while Slack accepts everything.
CREEP_PER_SECOND = 0.01
# A window that measured at least this share of the pace it was sent at measured the pace itself.
PACE_TOLERANCE = 0.97


class Pacer:
    """A token bucket that mirrors Slack's, with its rate and burst learned from 429s."""

    def __init__(self) -> None:
        self.rate: float | None = None  # learned refill, sends per second; None: not limited yet
        self.burst: float | None = None  # learned bucket size
        self.limited_count = 0
        self.accepted_count = 0
        self._started_at: float | None = None
        self._first_stretch: tuple[int, float] | None = None  # (accepted, seconds) before the first 429
        self._empty_at: float | None = None  # when Slack's bucket was last known empty
        self._accepted_at_empty = 0
        self._refused_in_window = 0  # 429s for calls made since then, before the window closed
        self._resume_at = 0.0  # Retry-After: nothing is sent before this
        self._tokens = 0.0
        self._updated = 0.0
        self._quiet_since = 0.0
        self._lock = threading.Lock()

    def pace(self, now: float) -> float | None:
        """The current sending rate (learned rate plus the creep), or None while unpaced."""
        if self.rate is None:
            return None
        return self.rate * (1 + CREEP_PER_SECOND * max(0.0, now - self._quiet_since))

    def delay(self, now: float) -> float:
        """Seconds to wait before the next send; 0 means send now (and the turn is taken)."""
        with self._lock:
            return self._delay(now)

    def _delay(self, now: float) -> float:
        if self._started_at is None:
            self._started_at = now
        if now < self._resume_at:
            return self._resume_at - now
        pace = self.pace(now)
        if pace is None:
            return 0.0
        capacity = max(1.0, self.burst if self.burst is not None else pace)
        self._tokens = min(capacity, self._tokens + max(0.0, now - self._updated) * pace)
        self._updated = now
        if self._tokens >= 1:
            self._tokens -= 1
            return 0.0
        return (1 - self._tokens) / pace

    def accepted(self) -> None:
        """Slack accepted a send."""
        with self._lock:
            self.accepted_count += 1

    def limited(self, now: float, retry_after: float, sent_at: float | None = None) -> None:
        """Slack answered 429 with this Retry-After (seconds) to a call made at `sent_at`."""
        with self._lock:
            self._limited(now, retry_after, now if sent_at is None else sent_at)

    def _limited(self, now: float, retry_after: float, sent_at: float) -> None:
        self.limited_count += 1
        if retry_after <= 0:
            # Not the bucket (Slack asks for a pause of whole seconds when it is empty): a call refused at
            # random still took its turn, and may have taken a token, so it counts as a send of the window.
            if self._empty_at is not None and sent_at >= self._empty_at:
                self._refused_in_window += 1
            return
        self._resume_at = max(self._resume_at, now + retry_after)
        self._tokens = 0.0
        self._updated = now
        if self._empty_at is None:
            started = self._started_at if self._started_at is not None else now
            self._first_stretch = (self.accepted_count, now - started)
            self._empty_at, self._accepted_at_empty = now, self.accepted_count
            self._quiet_since = self._resume_at
            return
        if sent_at < self._empty_at:
            return  # in flight when the bucket was found empty: the same moment, seen again
        window = now - self._empty_at
        if window < MIN_WINDOW_SECONDS:
            return
        attempts = self.accepted_count - self._accepted_at_empty + self._refused_in_window
        self._empty_at, self._accepted_at_empty = now, self.accepted_count
        self._refused_in_window = 0
        if attempts <= 0:
            return  # nothing got through (another replica's sends): no measure of the rate
        pace = self.pace(now)
        if pace is not None and (attempts + 1) / window >= pace * PACE_TOLERANCE:
            return  # the window went at the pace (this call was one more): the bucket let it through
        self.rate = attempts / window
        self._quiet_since = self._resume_at
        if self.burst is None and self._first_stretch is not None:
            first_accepted, first_seconds = self._first_stretch
            self.burst = max(1.0, first_accepted - self.rate * first_seconds)
