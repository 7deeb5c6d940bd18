"""The contract suite runs against every GraphStore backend.

The embedded store always runs. The Neo4j store runs when LINKRISK_NEO4J_URI names a live
server; otherwise its half is skipped with that reason (there is no fake standing in for it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from linkrisk.graph.embedded import EmbeddedStore
from linkrisk.graph.store import GraphStore

BACKENDS = ["embedded", "neo4j"]


def make_store(backend: str, tmp_path: Path) -> GraphStore:
    if backend == "embedded":
        store = EmbeddedStore(tmp_path / "contract.db")
        store.migrate()
        return store
    uri = os.environ.get("LINKRISK_NEO4J_URI")
    if not uri:
        pytest.skip("Neo4j contract tests need a live server: set LINKRISK_NEO4J_URI")
    from linkrisk.graph.neo4j_store import Neo4jStore  # only when a server is given

    store = Neo4jStore.from_settings()
    store.reset_for_tests()
    store.migrate()
    return store


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    backend = make_store(request.param, tmp_path)
    yield backend
    backend.close()
