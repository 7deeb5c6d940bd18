"""Per-key token buckets: a minute's allowance as burst, continuous refill, Retry-After."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from linkrisk.api.auth import create_key
from linkrisk.api.ratelimit import TokenBucketLimiter
from linkrisk.errors import RateLimited
from tests.api.city import City
from tests.api.conftest import AppFactory, services_of


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_refill_at_the_steady_rate() -> None:
    clock = Clock()
    limiter = TokenBucketLimiter(60, clock=clock)  # 60 a minute: one token a second
    for _ in range(60):
        limiter.take("k")
    with pytest.raises(RateLimited) as caught:
        limiter.take("k")
    assert caught.value.extra["retry_after"] == 1
    clock.now += 0.5
    with pytest.raises(RateLimited):
        limiter.take("k")
    clock.now += 0.5
    assert limiter.take("k") == pytest.approx(0.0)
    limiter.take("other")  # buckets are per key


def test_retry_after_counts_the_missing_fraction_up() -> None:
    clock = Clock()
    limiter = TokenBucketLimiter(3, clock=clock)  # one token every 20 s
    for _ in range(3):
        limiter.take("k")
    clock.now += 5
    with pytest.raises(RateLimited) as caught:
        limiter.take("k")
    assert caught.value.extra["retry_after"] == 15


def test_memory_stays_bounded_by_forgetting_full_buckets() -> None:
    clock = Clock()
    limiter = TokenBucketLimiter(60, clock=clock, max_keys=10)
    for i in range(10):
        limiter.take(f"k{i}")
    clock.now += 120  # all refilled
    limiter.take("new")
    assert len(limiter._buckets) == 1


def test_api_answers_429_with_retry_after(make_client: AppFactory, city: City) -> None:
    client: TestClient = make_client(rate_limit_per_minute=3)
    store = services_of(client).store
    first, second = create_key(store, "admin", "ops")[1], create_key(store, "admin", "ops")[1]
    statuses = [client.get("/v1/me", headers={"X-API-Key": first}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/v1/me", headers={"X-API-Key": first})
    assert refused.headers["content-type"] == "application/problem+json"
    assert int(refused.headers["Retry-After"]) == refused.json()["retry_after"] > 0
    assert refused.json()["type"] == "/problems/rate-limited"
    assert client.get("/v1/me", headers={"X-API-Key": second}).status_code == 200


def test_check_spends_nothing_and_spend_is_never_refused() -> None:
    clock = Clock()
    limiter = TokenBucketLimiter(2, clock=clock, what="this address")  # one token every 30 s
    for _ in range(5):
        limiter.check("a")  # a full bucket, however often it is looked at
    for _ in range(5):
        limiter.spend("a")  # down to none, never below
    with pytest.raises(RateLimited, match="this address") as caught:
        limiter.check("a")
    assert caught.value.extra["retry_after"] == 30
    clock.now += 30
    limiter.check("a")
    limiter.check("b")
