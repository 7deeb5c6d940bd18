"""``SnapshotQueries``: the ``GraphQueries`` protocol answered over an embedded snapshot."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import date

import numpy as np

from linkrisk.config import Settings, get_settings
from linkrisk.errors import InputError
from linkrisk.graph.queries.connections import connections as connect_all
from linkrisk.graph.queries.contacts import shared_contacts
from linkrisk.graph.queries.controllers import find_controllers
from linkrisk.graph.queries.csr import WalkView, parse_rels, plain
from linkrisk.graph.queries.groups import GroupIndex, group_of, index_groups
from linkrisk.graph.queries.neighbourhood import neighbourhood
from linkrisk.graph.queries.ownership import look_through
from linkrisk.graph.queries.paths import connect
from linkrisk.graph.queries.protocol import RelFilter
from linkrisk.graph.queries.results import (
    Connections,
    Controller,
    Group,
    Neighbourhood,
    Ownership,
    PathSet,
    SharedContacts,
    SurroundingRisk,
)
from linkrisk.graph.queries.risk import surrounding_risk
from linkrisk.graph.relations import RelType
from linkrisk.graph.snapshot.arrays import Snapshot


def _check_depth(name: str, value: int, most: int) -> None:
    if not 1 <= value <= most:
        raise InputError(f"{name} must be between 1 and {most}")


class SnapshotQueries:
    """Investigator queries over one loaded snapshot (thread-safe; caches are per instance).

    Parameters
    ----------
    snapshot
        A loaded snapshot (``linkrisk.graph.snapshot.arrays.load_current``).
    settings
        Thresholds (beneficial owner, control); default ``get_settings()``.

    Examples
    --------
    >>> queries = SnapshotQueries(load_current(settings.snapshot_dir))  # doctest: +SKIP
    >>> queries.owners("91320100MA1XXXXXX1", max_depth=5).entries  # doctest: +SKIP
    """

    #: Look-through deeper than this is not ownership any more but a walk through the economy.
    MAX_OWNERSHIP_DEPTH = 20

    def __init__(self, snapshot: Snapshot, *, settings: Settings | None = None) -> None:
        self.snapshot = plain(snapshot)
        self.settings = settings or get_settings()
        self._views: dict[tuple[RelType, ...], WalkView] = {}
        self._groups: dict[float, GroupIndex] = {}
        self._lock = threading.Lock()

    def warm(self) -> SnapshotQueries:
        """Build the all-relations walk CSR and the control groups now, not on the first query.

        A server calls this when it loads a snapshot, so no investigator waits for it.
        """
        self._view(None).degree(np.zeros(1, np.int64))
        if self.snapshot.n:
            self.group(self.snapshot.sid(0))
        return self

    def _view(self, rels: RelFilter) -> WalkView:
        key = parse_rels(rels)
        view = self._views.get(key)
        if view is None:
            view = self._views[key] = WalkView(self.snapshot, key)
        return view

    def neighbourhood(
        self,
        sid: str,
        *,
        hops: int = 1,
        rels: RelFilter = None,
        max_nodes: int = 500,
        degree_cap: int = 500,
    ) -> Neighbourhood:
        return neighbourhood(
            self._view(rels),
            self.snapshot.index(sid),
            hops=hops,
            max_nodes=max_nodes,
            degree_cap=degree_cap,
        )

    def owners(
        self, sid: str, *, max_depth: int = 10, min_share: float = 0.0, max_paths: int = 200
    ) -> Ownership:
        return self._look_through(sid, "up", max_depth, min_share, max_paths)

    def holdings(
        self, sid: str, *, max_depth: int = 10, min_share: float = 0.0, max_paths: int = 200
    ) -> Ownership:
        return self._look_through(sid, "down", max_depth, min_share, max_paths)

    def _look_through(
        self, sid: str, direction: str, max_depth: int, min_share: float, max_paths: int
    ) -> Ownership:
        _check_depth("max_depth", max_depth, self.MAX_OWNERSHIP_DEPTH)
        if not 0.0 <= min_share <= 1.0:
            raise InputError("min_share must be between 0 and 1")
        if max_paths < 0:
            raise InputError("max_paths must be zero or more")
        return look_through(
            self.snapshot,
            sid,
            "up" if direction == "up" else "down",
            max_depth=max_depth,
            min_share=min_share,
            max_paths=max_paths,
        )

    def controllers(
        self, sid: str, *, max_depth: int = 10, threshold: float | None = None
    ) -> list[Controller]:
        _check_depth("max_depth", max_depth, self.MAX_OWNERSHIP_DEPTH)
        limit = self.settings.beneficial_owner_threshold if threshold is None else threshold
        if not 0.0 < limit <= 1.0:
            raise InputError("threshold must be in (0, 1]")
        return find_controllers(self.snapshot, sid, max_depth=max_depth, threshold=limit)

    def paths(
        self,
        a: str,
        b: str,
        *,
        k: int = 5,
        max_depth: int = 6,
        rels: RelFilter = None,
        degree_cap: int = 500,
    ) -> PathSet:
        return connect(
            self._view(rels),
            self.snapshot.index(a),
            self.snapshot.index(b),
            k=k,
            max_depth=max_depth,
            degree_cap=degree_cap,
        )

    def connections(
        self,
        sids: Sequence[str],
        *,
        max_depth: int = 4,
        rels: RelFilter = None,
        degree_cap: int = 500,
    ) -> Connections:
        nodes = [self.snapshot.index(s) for s in sids]
        return connect_all(self._view(rels), nodes, max_depth=max_depth, degree_cap=degree_cap)

    def shared_contacts(self, sid: str) -> SharedContacts:
        return shared_contacts(self.snapshot, self.snapshot.index(sid))

    def surrounding_risk(
        self,
        sid: str,
        *,
        hops: int = 2,
        as_of: date | None = None,
        rels: RelFilter = None,
        degree_cap: int = 500,
        limit: int = 1000,
    ) -> SurroundingRisk:
        return surrounding_risk(
            self._view(rels),
            self.snapshot.index(sid),
            hops=hops,
            as_of=as_of,
            degree_cap=degree_cap,
            limit=limit,
        )

    def group(self, sid: str, *, threshold: float | None = None, limit: int = 1000) -> Group:
        node = self.snapshot.index(sid)
        level = self.settings.control_threshold if threshold is None else threshold
        if not 0.0 < level <= 1.0:
            raise InputError("threshold must be in (0, 1]")
        index = self._groups.get(level)
        if index is None:
            with self._lock:  # labelling the whole snapshot is done once per threshold
                index = self._groups.get(level)
                if index is None:
                    index = self._groups[level] = index_groups(self.snapshot, level)
        return group_of(self.snapshot, index, node, threshold=level, limit=limit)
