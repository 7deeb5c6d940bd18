"""Open the configured store (embedded by default, Neo4j when ``LINKRISK_STORE=neo4j``)."""

from __future__ import annotations

from linkrisk.config import Settings, get_settings
from linkrisk.errors import InputError
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.store import GraphStore


def open_store(settings: Settings | None = None, backend: str | None = None) -> GraphStore:
    """The store named by ``backend`` or the settings, migrated and ready."""
    settings = settings or get_settings()
    backend = backend or settings.store
    store: GraphStore
    if backend == "embedded":
        store = EmbeddedStore(settings.db_path, mirror=settings.columnar_mirror)
    elif backend == "neo4j":
        from linkrisk.graph.neo4j.store import Neo4jStore

        store = Neo4jStore.from_settings(settings)
    else:
        raise InputError(f"unknown store {backend!r}: use 'embedded' or 'neo4j'")
    store.migrate()
    return store


def open_embedded(settings: Settings | None = None) -> EmbeddedStore:
    """The embedded store: the system of record for operational tables (plans, keys, audit)."""
    settings = settings or get_settings()
    store = EmbeddedStore(settings.db_path, mirror=settings.columnar_mirror)
    store.migrate()
    return store
