"""Serving state: loaded from the published snapshot and scores, swapped when a pointer file
changes, without failing or mixing requests in flight."""

from __future__ import annotations

import datetime as dt
import gc
import threading
import time
import weakref
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from linkrisk.api.state import RETRY_SECONDS, ServingState, StateHolder
from linkrisk.config import Settings
from linkrisk.errors import NotReady
from tests.api.city import City, publish_elsewhere
from tests.api.conftest import Keys, services_of


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def wait_for(condition, seconds: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def pointer(tmp_path: Path) -> Path:
    path = tmp_path / "CURRENT"
    path.write_text("v1")
    return path


def fake_state(version: str) -> ServingState:
    """Only what the holder reads: a version and the scores' model version."""
    return SimpleNamespace(version=version, scores=SimpleNamespace(model_version="m"))  # type: ignore[return-value]


def version(holder: StateHolder) -> str | None:
    return None if holder.state is None else holder.state.version


def test_polls_at_most_once_per_interval_and_swaps_on_change(pointer: Path) -> None:
    clock, loads = Clock(), []

    def load() -> ServingState:
        loads.append(pointer.read_text())
        return fake_state(pointer.read_text())

    holder = StateHolder(load, [pointer], interval=1.0, clock=clock)
    holder.load_now()
    assert version(holder) == "v1" and loads == ["v1"]
    holder.poll()
    assert loads == ["v1"]  # pointer unchanged: nothing to do
    pointer.with_name("tmp").write_text("v2")
    pointer.with_name("tmp").replace(pointer)
    clock.now = 0.5
    holder.poll()
    assert loads == ["v1"]  # within the interval: not even a stat
    clock.now = 1.5
    assert holder.current().version in {"v1", "v2"}  # the new state loads in the background
    wait_for(lambda: version(holder) == "v2")
    assert loads == ["v1", "v2"] and holder.swaps == 2


def test_a_failed_load_keeps_the_old_state_and_is_retried(pointer: Path) -> None:
    clock, fail = Clock(), [False]

    def load() -> ServingState:
        if fail[0]:
            raise NotReady("scores not yet rebuilt")
        return fake_state(pointer.read_text())

    holder = StateHolder(load, [pointer], interval=1.0, clock=clock)
    holder.load_now()
    fail[0] = True
    pointer.write_text("v2-longer")
    clock.now = 2
    holder.poll()
    wait_for(lambda: holder.last_error is not None)
    assert holder.current().version == "v1" and holder.last_error == "scores not yet rebuilt"
    fail[0] = False
    clock.now = 3
    holder.poll()  # same pointers, failed before, retry not yet due
    time.sleep(0.1)
    assert version(holder) == "v1"
    clock.now = 3 + RETRY_SECONDS
    holder.poll()
    wait_for(lambda: version(holder) == "v2-longer")


def test_the_state_is_kept_out_of_the_collector_and_a_swapped_out_one_is_collected(
    pointer: Path,
) -> None:
    class State(SimpleNamespace):
        pass  # a SimpleNamespace that takes a weak reference

    def load() -> ServingState:
        state = State(version=pointer.read_text(), scores=SimpleNamespace(model_version="m"))
        state.cycle = state  # only the cyclic collector can free it
        return state  # type: ignore[return-value]

    holder = StateHolder(load, [pointer])
    holder.load_now()
    first = weakref.ref(holder.current())
    assert not any(o is first() for o in gc.get_objects())  # frozen: no collection walks it
    pointer.write_text("v2")
    holder.load_now()
    assert version(holder) == "v2"
    assert first() is None  # the swap unfroze and collected the old state's cycle


def test_nothing_published_is_not_ready(tmp_path: Path) -> None:
    def load() -> ServingState:
        raise NotReady("no snapshot published")

    holder = StateHolder(load, [tmp_path / "CURRENT"])
    assert holder.load_now() is None
    with pytest.raises(NotReady, match="no snapshot published"):
        holder.current()


def test_hot_swap_under_load(
    client: TestClient, keys: Keys, city: City, settings: Settings
) -> None:
    """Publish a new snapshot and scores while requests are served: none fails, and the
    answers switch from the old version to the new one (never back)."""
    old = city.snapshot.version
    seen: list[tuple[int, str | None]] = []
    stop = threading.Event()

    def hammer() -> None:
        while not stop.is_set():
            r = client.get(
                f"/v1/scores/{city.a}",
                params={"purpose": "credit_application"},
                headers=keys.headers("lender"),
            )
            seen.append((r.status_code, r.json().get("snapshot")))

    worker = threading.Thread(target=hammer)
    worker.start()
    try:
        wait_for(lambda: len(seen) > 5)
        new = publish_elsewhere(city, as_of=dt.date(2025, 7, 31), model_version="test-model-2")
        assert new != old
        wait_for(lambda: seen and seen[-1][1] == new)
        n = len(seen)
        wait_for(lambda: len(seen) > n + 5)
    finally:
        stop.set()
        worker.join()
    assert {status for status, _ in seen} == {200}
    versions = [v for _, v in seen]
    first_new = versions.index(new)
    assert set(versions[:first_new]) == {old} and set(versions[first_new:]) == {new}
    assert services_of(client).holder.state.scores.model_version == "test-model-2"  # type: ignore[union-attr]
    assert client.get("/readyz").json()["snapshot"] == new


def test_the_search_index_comes_with_the_snapshot(settings: Settings, city: City) -> None:
    """Start-up and swaps memory-map the snapshot's own index: the store is not read for it."""
    from linkrisk.api.state import default_scores_loader, load_state
    from linkrisk.graph.queries.search import SearchIndex

    class NoReads:
        def read_table(self, *_args: object, **_kwargs: object) -> None:
            raise AssertionError("the subjects were read from the store")

    state = load_state(settings, NoReads(), default_scores_loader)  # type: ignore[arg-type]
    assert state.search.size > 0
    stored = SearchIndex.of(state.snapshot)
    assert stored is not None and state.search.names.equals(stored.names)
    hits = state.search.search("nanjingjiayi")  # 南京甲乙科技有限公司 by its pinyin
    assert [h.node for h in hits][:1] == [state.snapshot.index(city.a)]
