"""What the API serves from: the published snapshot and scores, held in memory and hot-swapped.

A ``ServingState`` is immutable: the memory-mapped snapshot, the scores aligned with its node
order, the search index and the graph queries over it. ``StateHolder.current()`` hands out
the state of the moment; a request keeps the object it was given, so swapping the holder's
reference (atomic in Python) never disturbs requests in flight. At most once per ``interval``
seconds the holder stats the two ``CURRENT`` pointer files; when either changed, a background
thread loads the new state while requests go on being served from the old one.

Once a state is in place, everything alive is moved out of the cyclic garbage collector's reach
(``gc.freeze``). The state is long-lived and large (the 2M-subject city's search index alone is
~300,000 containers): every full collection walked it, ~60 ms with the event loop stopped, and
under load that was the score endpoint's p99 (110 ms; 21 ms frozen). Frozen objects are still
freed by reference counting; the next swap unfreezes and collects before freezing again, so a
swapped-out state's reference cycles are collected too.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from linkrisk.config import Settings
from linkrisk.errors import NotReady
from linkrisk.graph.queries.search import SearchIndex
from linkrisk.graph.snapshot.arrays import CURRENT, Snapshot, load_current
from linkrisk.graph.store import GraphStore
from linkrisk.models.scores import Scores, load_scores

log = logging.getLogger("linkrisk.api")
RETRY_SECONDS = 10.0  # a failed load (e.g. scores not yet rebuilt for a new snapshot) is retried


ScoresLoader = Callable[[Settings], Scores]


def default_scores_loader(settings: Settings) -> Scores:
    return load_scores(settings)


def scores_pointer(settings: Settings) -> Path:
    return settings.data_dir / "scores" / CURRENT


@dataclass(frozen=True, slots=True)
class ServingState:
    snapshot: Snapshot
    scores: Scores
    search: SearchIndex
    loaded_at: float
    queries: Any = None  # a linkrisk.graph.queries.GraphQueries over ``snapshot``
    caches: dict[str, Any] = field(default_factory=dict)  # per-state derived arrays, built lazily

    @property
    def version(self) -> str:
        return self.snapshot.version

    @property
    def as_of(self) -> date:
        return self.scores.as_of


def make_queries(snapshot: Snapshot, settings: Settings) -> Any:
    """The investigator's graph queries over ``snapshot`` (``GraphQueries`` protocol)."""
    from linkrisk.graph.queries import SnapshotQueries

    return SnapshotQueries(snapshot, settings=settings)


def load_state(settings: Settings, store: GraphStore, scores_loader: ScoresLoader) -> ServingState:
    """Load the published snapshot and scores; ``NotReady`` if either is missing or they differ.

    ``store`` must read safely in this process (``linkrisk.api.reads.process_safe``).
    """
    snapshot = load_current(settings.snapshot_dir)
    scores = scores_loader(settings)
    if scores.snapshot_version != snapshot.version:
        raise NotReady(
            f"scores were computed on snapshot {scores.snapshot_version} but snapshot"
            f" {snapshot.version} is published: run `linkrisk score` for the new snapshot"
        )
    if len(scores.score) != snapshot.n:
        raise NotReady(f"scores hold {len(scores.score)} subjects, snapshot {snapshot.n}")
    search = SearchIndex.of_snapshot_or(  # built from the store for an older release's snapshot
        snapshot, lambda: store.read_table("subjects", ["sid", "name", "kind"])
    )
    return ServingState(snapshot, scores, search, time.time(), make_queries(snapshot, settings))


Signature = tuple[tuple[int, int, int] | None, ...]


# gc.freeze is process-wide: two holders (tests, or an app beside a CLI's) swapping at once
# could freeze between the other's unfreeze and collect, keeping a swapped-out state alive.
_FREEZING = threading.Lock()


def _freeze_what_lives() -> None:
    """Collect (the swapped-out state's cycles included), then keep what survives out of later
    collections (see the module docstring)."""
    with _FREEZING:
        gc.unfreeze()
        gc.collect()
        gc.freeze()


class StateHolder:
    """Holds the current ``ServingState`` and swaps in a new one when a pointer file changes."""

    def __init__(
        self,
        load: Callable[[], ServingState],
        pointers: Sequence[Path],
        *,
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._pointers = tuple(pointers)
        self._interval = interval
        self._clock = clock
        self._state: ServingState | None = None
        self._attempted: Signature | None = None
        self._retry_at = 0.0
        self._next_check = 0.0
        self._loading = threading.Lock()
        self.last_error: str | None = None
        self.swaps = 0

    def signature(self) -> Signature:
        sig: list[tuple[int, int, int] | None] = []
        for path in self._pointers:
            try:
                st = os.stat(path)
            except FileNotFoundError:
                sig.append(None)
            else:
                sig.append((st.st_ino, st.st_mtime_ns, st.st_size))
        return tuple(sig)

    @property
    def state(self) -> ServingState | None:
        return self._state

    def current(self) -> ServingState:
        """The state to serve this request from; ``NotReady`` before the first load."""
        self.poll()
        state = self._state
        if state is None:
            raise NotReady(self.last_error or "no snapshot and scores are loaded yet")
        return state

    def poll(self) -> None:
        """Cheap: stat the pointers at most once per interval; reload in the background."""
        now = self._clock()
        if now < self._next_check:
            return
        self._next_check = now + self._interval
        sig = self.signature()
        if sig == self._attempted and (self.last_error is None or now < self._retry_at):
            return
        if self._loading.acquire(blocking=False):
            threading.Thread(
                target=self._reload, args=(sig,), name="linkrisk-state", daemon=True
            ).start()

    def _reload(self, sig: Signature) -> None:
        try:
            self._swap(sig)
        finally:
            self._loading.release()

    def _swap(self, sig: Signature) -> None:
        try:
            state = self._load()
        except Exception as exc:  # keep serving the old state; say why in /readyz
            self.last_error = getattr(exc, "detail", None) or f"{type(exc).__name__}: {exc}"
            self._retry_at = self._clock() + RETRY_SECONDS
            log.warning("state not loaded: %s", self.last_error)
        else:
            self._state = state
            self.last_error = None
            self.swaps += 1
            log.info("serving snapshot %s (scores %s)", state.version, state.scores.model_version)
            _freeze_what_lives()
        self._attempted = sig

    def load_now(self) -> ServingState | None:
        """Load synchronously (at start-up and in tests); the state, or None with ``last_error``."""
        with self._loading:
            self._swap(self.signature())
        return self._state
