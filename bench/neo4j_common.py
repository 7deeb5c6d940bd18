"""Neo4j workloads for the benchmarks: the bundled server (``tools/neo4j-server``) on a scratch
data directory, filled from a cached city with Neo4j's bulk importer."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.common import timed
from linkrisk.config import Settings
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.neo4j.bulk_import import write_import_files
from linkrisk.graph.neo4j.launcher import NeoServer, bulk_import
from linkrisk.graph.neo4j.store import Neo4jStore

#: the server's memory for a 2M-subject graph on the 24 GB machine (heap for transactions and
#: query state, page cache for the store files: ~3 GB at 2M subjects)
JAVA_OPTS = "-Xms2g -Xmx4g -XX:+UseParallelGC"
PAGE_CACHE = "4g"


def neo4j_settings(server: NeoServer, data_dir: Path, batch_size: int = 20_000) -> Settings:
    return Settings(
        env="test",
        data_dir=data_dir,
        store="neo4j",
        neo4j_uri=server.uri,
        neo4j_password=server.password,
        batch_size=batch_size,
    )


def new_server(home: Path) -> NeoServer:
    return NeoServer(home, password="bench-" + secrets.token_hex(8), java_opts=JAVA_OPTS,
                     page_cache=PAGE_CACHE)  # fmt: skip


def import_city(source: EmbeddedStore, home: Path) -> dict[str, Any]:
    """Fill ``home`` (no server on it) from ``source`` with the bulk importer; figures."""
    with timed() as files_t:
        files = write_import_files(source, home / "import")
    seconds, _ = bulk_import(home, files.arguments)
    records = files.nodes + files.relationships
    return {
        "nodes": files.nodes,
        "relationships": files.relationships,
        "csv_files_s": round(files_t.seconds, 2),
        "importer_s": round(seconds, 2),
        "importer_records_per_s": round(records / seconds),
        "path_records_per_s": round(records / (seconds + files_t.seconds)),
    }


@contextmanager
def serving(home: Path, data_dir: Path) -> Iterator[tuple[NeoServer, Neo4jStore]]:
    """The server started on ``home`` and a migrated store on it; stopped afterwards."""
    server = new_server(home).start()
    store = Neo4jStore.from_settings(neo4j_settings(server, data_dir))
    try:
        store.migrate()
        yield server, store
    finally:
        store.close()
        server.stop()
