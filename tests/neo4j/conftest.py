"""Tests on the live Neo4j server of the session (``tests/conftest.py``): a store on it, emptied."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from linkrisk.graph.neo4j.store import Neo4jStore
from tests.neo4j_server import NeoServer

pytestmark = pytest.mark.neo4j


@pytest.fixture
def neo(live_neo4j: NeoServer) -> Iterator[Neo4jStore]:
    """An empty, migrated Neo4j store on the live server."""
    store = Neo4jStore.from_settings()
    store.reset_for_tests()
    store.migrate()
    yield store
    store.close()
