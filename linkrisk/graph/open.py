"""Open the configured store (embedded by default, Neo4j when ``LINKRISK_STORE=neo4j``)."""

from __future__ import annotations

from linkrisk.config import Settings, get_settings
from linkrisk.errors import InputError
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.store import GraphStore

SERVING_CONNECT_TIMEOUT = 5.0  # seconds: a request to a server that is down fails fast (503) …
SERVING_RETRY_SECONDS = 2.0  # … after a short retry, instead of the driver's 30 s


def open_store(
    settings: Settings | None = None, backend: str | None = None, *, serving: bool = False
) -> GraphStore:
    """The store named by ``backend`` or the settings, migrated and ready.

    ``serving=True`` (the API) opens a Neo4j store without waiting for the server and without
    migrating: a server that is down answers each request with 503 until it is back.
    """
    settings = settings or get_settings()
    backend = backend or settings.store
    store: GraphStore
    if backend == "embedded":
        store = EmbeddedStore(settings.db_path, mirror=settings.columnar_mirror)
    elif backend == "neo4j":
        from linkrisk.graph.neo4j.store import Neo4jStore

        if serving:
            return Neo4jStore.from_settings(
                settings,
                verify=False,
                connect_timeout=SERVING_CONNECT_TIMEOUT,
                retry_seconds=SERVING_RETRY_SECONDS,
            )
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
