"""The contract suite runs against every GraphStore backend.

The embedded store always runs. The Neo4j half runs on the live server of the session
(``tests/conftest.py``: ``tools/neo4j-server`` started once, or ``LINKRISK_NEO4J_URI``); it is
never a fake, and under ``CI=true`` it cannot skip.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, cast

import pytest

from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.neo4j.store import Neo4jStore
from linkrisk.graph.queries import GraphQueries
from linkrisk.graph.store import GraphStore

BACKENDS = ["embedded", "neo4j"]


def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> GraphStore:
    if request.param == "embedded":
        store = EmbeddedStore(tmp_path / "contract.db")
        store.migrate()
        return store
    request.getfixturevalue("live_neo4j")
    store = Neo4jStore.from_settings()
    store.reset_for_tests()
    store.migrate()
    return store


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    backend = make_store(request, tmp_path)
    yield backend
    backend.close()


@pytest.fixture
def queries(store: GraphStore, tmp_path: Path) -> Callable[..., GraphQueries]:
    """``queries(subjects=[…], holdings=[…], …)``: rows written through ``store``, answered
    through the backend's ``GraphQueries`` (embedded: a snapshot as of today built from the store;
    Neo4j: ``store.queries()``)."""
    from linkrisk.config import get_settings
    from linkrisk.graph.queries import SnapshotQueries
    from linkrisk.graph.snapshot.arrays import load_current
    from linkrisk.graph.snapshot.build import build_snapshot
    from tests.factories import table

    def make(**rows: list[dict[str, Any]]) -> GraphQueries:
        store.write_batch({name: table(name, value) for name, value in rows.items()})
        if store.backend != "embedded":
            return cast(GraphQueries, store.queries())  # type: ignore[attr-defined]
        root = tmp_path / "snapshots"
        build_snapshot(store, root, as_of=date.today(), supernode_cap=get_settings().supernode_cap)
        return SnapshotQueries(load_current(root))

    return make
