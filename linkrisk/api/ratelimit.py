"""Per-key rate limits: a token bucket per API key, refilled continuously.

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
    ) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens per second
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, last refill time)
        self._lock = threading.Lock()

    def take(self, key: str, cost: float = 1.0) -> float:
        """Spend ``cost`` tokens for ``key``; returns the tokens left."""
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens < cost:
                self._buckets[key] = (tokens, now)
                wait = math.ceil((cost - tokens) / self.rate)
                raise RateLimited(
                    f"rate limit of {self.capacity:.0f} requests a minute exceeded for this key;"
                    f" retry in {wait} s",
                    retry_after=wait,
                )
            if len(self._buckets) >= self._max_keys and key not in self._buckets:
                # bounded memory: forgetting full buckets loses nothing (a new one starts full)
                self._buckets = {
                    k: (t, at)
                    for k, (t, at) in self._buckets.items()
                    if t + (now - at) * self.rate < self.capacity
                }
            self._buckets[key] = (tokens - cost, now)
            return tokens - cost
