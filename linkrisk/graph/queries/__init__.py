"""The investigator's graph queries: one protocol, an embedded implementation, algorithms."""

from __future__ import annotations

from linkrisk.graph.queries.protocol import GraphQueries
from linkrisk.graph.queries.snapshot_queries import SnapshotQueries

__all__ = ["GraphQueries", "SnapshotQueries"]
