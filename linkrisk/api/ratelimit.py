"""Rate limits: a token bucket per API key (``take``), and per client address for requests
without a valid key (``check`` before authentication, ``spend`` after it failed).

The bucket holds up to one minute's allowance (``per_minute`` tokens) and refills at
``per_minute / 60`` tokens a second, so a key may burst up to its minute's allowance and then
proceeds at the steady rate. Buckets live in the serving process: with several workers each
enforces ``per_minute / workers`` so that the total stays near the configured rate.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from linkrisk.errors import RateLimited


class TokenBucketLimiter:
    """``take(key)`` spends one token or raises ``RateLimited`` with the seconds to wait."""

    def __init__(
        self,
        per_minute: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
        what: str = "this key",
    ) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens per second
        self._clock = clock
        self._max_keys = max_keys
        self._what = what  # named in the refusal
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, last refill time)
        self._lock = threading.Lock()

    def _tokens(self, key: str, now: float) -> float:
        tokens, last = self._buckets.get(key, (self.capacity, now))
        return min(self.capacity, tokens + (now - last) * self.rate)

    def _refuse(self, key: str, tokens: float, cost: float, now: float) -> RateLimited:
        self._buckets[key] = (tokens, now)
        wait = max(1, math.ceil((cost - tokens) / self.rate))
        return RateLimited(
            f"rate limit of {self.capacity:.0f} requests a minute exceeded for {self._what};"
            f" retry in {wait} s",
            retry_after=wait,
        )

    def _store(self, key: str, tokens: float, now: float) -> None:
        if len(self._buckets) >= self._max_keys and key not in self._buckets:
            # bounded memory: forgetting full buckets loses nothing (a new one starts full)
            self._buckets = {
                k: (t, at)
                for k, (t, at) in self._buckets.items()
                if t + (now - at) * self.rate < self.capacity
            }
        self._buckets[key] = (tokens, now)

    def take(self, key: str, cost: float = 1.0) -> float:
        """Spend ``cost`` tokens for ``key``; returns the tokens left."""
        now = self._clock()
        with self._lock:
            tokens = self._tokens(key, now)
            if tokens < cost:
                raise self._refuse(key, tokens, cost, now)
            self._store(key, tokens - cost, now)
            return tokens - cost

    def check(self, key: str, cost: float = 1.0) -> None:
        """``RateLimited`` if ``key`` has fewer than ``cost`` tokens; nothing is spent."""
        now = self._clock()
        with self._lock:
            tokens = self._tokens(key, now)
            if tokens < cost:
                raise self._refuse(key, tokens, cost, now)

    def spend(self, key: str, cost: float = 1.0) -> None:
        """Spend ``cost`` tokens of ``key``, down to none at most; never refused."""
        now = self._clock()
        with self._lock:
            self._store(key, max(0.0, self._tokens(key, now) - cost), now)
