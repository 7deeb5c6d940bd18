"""Model tests run their OpenMP code (gradient boosting) on one thread: on a shared, busy
machine, OpenMP's spinning worker threads make small fits tens of times slower."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True)
def _one_thread() -> Iterator[None]:
    with threadpool_limits(limits=1):
        yield
