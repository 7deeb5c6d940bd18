"""The investigator's graph queries: one protocol, an embedded implementation, algorithms.

``protocol`` (``GraphQueries``), ``results`` (their answers), ``snapshot_queries`` over a
snapshot, and one module per algorithm. May import ``graph.snapshot`` and ``graph.relations``;
never a store's internals (the Neo4j store implements the protocol on its side).
"""

from __future__ import annotations

from linkrisk.graph.queries.protocol import GraphQueries
from linkrisk.graph.queries.snapshot_queries import SnapshotQueries

__all__ = ["GraphQueries", "SnapshotQueries"]
