"""``Neo4jQueries``: the investigator's ``GraphQueries`` answered from a Neo4j store.

Cypher fetches what a query can touch — layer by layer, one ``UNWIND $sids`` statement per
layer, relations in force on the as-of date only — and the embedded algorithms
(``linkrisk.graph.queries``) compute the answer on a snapshot of that region, so both backends
give the same answers, tie-breaks and supernode lists (the contract suite checks it on a live
server). Integrated ownership over cycles, k shortest *simple* paths with parallel edges
collapsed, and the shared-contact supernode rule are exactly the parts Cypher alone answers
differently; shared contacts, which are just counts, are answered by Cypher directly.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import date
from itertools import combinations
from typing import Any, ParamSpec, Protocol, TypeVar, cast

from linkrisk.config import Settings, get_settings
from linkrisk.errors import InputError
from linkrisk.graph.neo4j import cypher
from linkrisk.graph.neo4j.rows import as_dicts
from linkrisk.graph.neo4j.search import (
    fetch_group,
    fetch_layers,
    fetch_ownership,
    fetch_paths,
    fetch_role_holders,
)
from linkrisk.graph.neo4j.subgraph import STORED, ContactGroup, Region, SubgraphSource
from linkrisk.graph.queries.connections import MAX_SUBJECTS, PATHS_PER_PAIR
from linkrisk.graph.queries.csr import WalkView, parse_rels
from linkrisk.graph.queries.paths import connect
from linkrisk.graph.queries.protocol import MAX_PATH_DEPTH, MAX_RISK_HOPS, RelFilter
from linkrisk.graph.queries.results import (
    Connections,
    Controller,
    Group,
    Neighbourhood,
    Ownership,
    PathSet,
    SharedContact,
    SharedContacts,
    SurroundingRisk,
)
from linkrisk.graph.queries.snapshot_queries import SnapshotQueries
from linkrisk.graph.relations import ContactKind, RelType
from linkrisk.loaders.records import Role

CHUNK = 1_000  # subject keys per UNWIND statement
P = ParamSpec("P")
T = TypeVar("T")


class CypherReader(Protocol):
    """What the queries need of the store: one read statement run, its column names and rows.

    ``Neo4jStore`` owns the driver and its sessions and hands itself in; this module never
    imports the store.
    """

    def read(self, statement: str, **params: Any) -> tuple[list[str], list[list[Any]]]: ...

    def one_read(self, name: str, work: Callable[[], T]) -> T: ...


def _one_read(method: Callable[P, T]) -> Callable[P, T]:
    """Answer a question in one read transaction of the store, when the source has a store
    (``Neo4jStore.one_read``); the test sources answer in memory."""

    @functools.wraps(method)
    def asked(*args: P.args, **kwargs: P.kwargs) -> T:
        queries = args[0]
        store = getattr(getattr(queries, "source", None), "store", None)
        if store is None:
            return method(*args, **kwargs)
        return cast(CypherReader, store).one_read(
            f"question:{method.__name__}", lambda: method(*args, **kwargs)
        )

    return asked


class Neo4jSource:
    """``SubgraphSource`` over a Neo4j store: the graph in force on ``as_of``, via Cypher."""

    def __init__(self, store: CypherReader, as_of: date) -> None:
        self.store = store
        self.as_of = as_of

    def _rows(self, statement: str, sids: Sequence[str], **params: Any) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for start in range(0, len(sids), CHUNK):
            keys, values = self.store.read(
                statement, sids=list(sids[start : start + CHUNK]), as_of=self.as_of, **params
            )
            rows += as_dicts(keys, values)
        return rows

    def subjects(self, sids: Sequence[str]) -> list[dict[str, Any]]:
        return self._rows(cypher.SUBGRAPH_SUBJECTS, sids)

    def edges(
        self,
        sids: Sequence[str],
        types: Sequence[RelType],
        *,
        outgoing: bool,
        incoming: bool,
        limit: int,
    ) -> list[dict[str, Any]]:
        return self._rows(
            cypher.SUBGRAPH_EDGES,
            sids,
            types=[t.value for t in types],
            outgoing=outgoing,
            incoming=incoming,
            limit=limit,
        )

    def control_edges(self, sids: Sequence[str], min_share: float) -> list[dict[str, Any]]:
        return self._rows(
            cypher.CONTROL_EDGES, sids, min_share=min_share, role=Role.LEGAL_REPRESENTATIVE.value
        )

    def contact_groups(self, sids: Sequence[str], limit: int) -> list[ContactGroup]:
        return [
            ContactGroup(kind, r["sid"], r[kind], int(r[f"{kind}_size"]), r[f"{kind}_members"])
            for r in self._rows(cypher.CONTACT_GROUPS, sids, limit=limit)
            for kind in ContactKind
            if r[kind] is not None
        ]

    def events(self, sids: Sequence[str]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for start in range(0, len(sids), CHUNK):
            keys, values = self.store.read(cypher.EVENTS_OF, sids=list(sids[start : start + CHUNK]))
            rows += as_dicts(keys, values)
        return rows


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise InputError(f"{name} must be between {low} and {high}")


def _check_share(name: str, value: float) -> None:
    if not 0.0 < value <= 1.0:
        raise InputError(f"{name} must be in (0, 1]")


def _check_look_through(max_depth: int, min_share: float, max_paths: int) -> None:
    _check_range("max_depth", max_depth, 1, SnapshotQueries.MAX_OWNERSHIP_DEPTH)
    if not 0.0 <= min_share <= 1.0:
        raise InputError("min_share must be between 0 and 1")
    if max_paths < 0:
        raise InputError("max_paths must be zero or more")


class Neo4jQueries:
    """``GraphQueries`` over the graph a Neo4j store holds on one date.

    Parameters
    ----------
    source
        Where the rows come from (``Neo4jSource(store, as_of)`` in production).
    settings
        Thresholds and the shared-contact cap (``supernode_cap``); default ``get_settings()``.

    Examples
    --------
    >>> queries = Neo4jStore.from_settings().queries()  # doctest: +SKIP
    >>> queries.paths("91320100MA1XXXXXX1", "91320100MA1YYYYYY2", k=3)  # doctest: +SKIP
    """

    def __init__(self, source: SubgraphSource, *, settings: Settings | None = None) -> None:
        self.source = source
        self.settings = settings or get_settings()

    @property
    def as_of(self) -> date:
        return self.source.as_of

    def _region(self, rels: Sequence[RelType] = STORED, degree_cap: int = 500) -> Region:
        return Region(
            self.source,
            rels=rels,
            degree_cap=degree_cap,
            supernode_cap=self.settings.supernode_cap,
        )

    def _answer(self, region: Region) -> SnapshotQueries:
        return SnapshotQueries(region.snapshot(), settings=self.settings)

    # Checks run in the order SnapshotQueries runs them (relation names, then unknown subjects,
    # then the other arguments), so both backends refuse a bad request with the same error.

    # -- subgraphs ---------------------------------------------------------------------------
    @_one_read
    def neighbourhood(
        self,
        sid: str,
        *,
        hops: int = 1,
        rels: RelFilter = None,
        max_nodes: int = 500,
        degree_cap: int = 500,
    ) -> Neighbourhood:
        region = self._region(parse_rels(rels), degree_cap)
        region.require(sid)
        if hops < 0:
            raise InputError("hops must be zero or more")
        if max_nodes < 1:
            raise InputError("max_nodes must be at least 1")
        fetch_layers(region, sid, hops, max_nodes=max_nodes)
        return self._answer(region).neighbourhood(
            sid, hops=hops, rels=rels, max_nodes=max_nodes, degree_cap=degree_cap
        )

    @_one_read
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
        region = self._region(parse_rels(rels), degree_cap)
        region.require(sid)
        _check_range("hops", hops, 1, MAX_RISK_HOPS)
        if limit < 1:
            raise InputError("limit must be at least 1")
        layers = fetch_layers(region, sid, hops, expand_last=False)
        region.add_events(s for layer in layers[1:] for s in layer)
        return self._answer(region).surrounding_risk(
            sid, hops=hops, as_of=as_of, rels=rels, degree_cap=degree_cap, limit=limit
        )

    # -- ownership and control ---------------------------------------------------------------
    @_one_read
    def owners(
        self, sid: str, *, max_depth: int = 10, min_share: float = 0.0, max_paths: int = 200
    ) -> Ownership:
        _check_look_through(max_depth, min_share, max_paths)
        region = self._ownership_region(sid, up=True, max_depth=max_depth)
        return self._answer(region).owners(
            sid, max_depth=max_depth, min_share=min_share, max_paths=max_paths
        )

    @_one_read
    def holdings(
        self, sid: str, *, max_depth: int = 10, min_share: float = 0.0, max_paths: int = 200
    ) -> Ownership:
        _check_look_through(max_depth, min_share, max_paths)
        region = self._ownership_region(sid, up=False, max_depth=max_depth)
        return self._answer(region).holdings(
            sid, max_depth=max_depth, min_share=min_share, max_paths=max_paths
        )

    def _ownership_region(self, sid: str, *, up: bool, max_depth: int) -> Region:
        region = self._region()
        region.require(sid)
        fetch_ownership(region, sid, up=up, max_depth=max_depth)
        return region

    @_one_read
    def controllers(
        self, sid: str, *, max_depth: int = 10, threshold: float | None = None
    ) -> list[Controller]:
        _check_range("max_depth", max_depth, 1, SnapshotQueries.MAX_OWNERSHIP_DEPTH)
        level = self.settings.beneficial_owner_threshold if threshold is None else threshold
        _check_share("threshold", level)
        region = self._ownership_region(sid, up=True, max_depth=max_depth)
        fetch_role_holders(region, sid)
        return self._answer(region).controllers(sid, max_depth=max_depth, threshold=threshold)

    @_one_read
    def group(self, sid: str, *, threshold: float | None = None, limit: int = 1000) -> Group:
        region = self._region((RelType.HOLDS, RelType.OFFICER))
        region.require(sid)
        level = self.settings.control_threshold if threshold is None else threshold
        _check_share("threshold", level)
        fetch_group(region, sid, level)
        return self._answer(region).group(sid, threshold=level, limit=limit)

    # -- connections -------------------------------------------------------------------------
    @_one_read
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
        region = self._region(parse_rels(rels), degree_cap)
        region.require(a)
        region.require(b)
        if a == b:
            raise InputError("a path needs two different subjects")
        _check_range("max_depth", max_depth, 1, MAX_PATH_DEPTH)
        if k < 1:
            raise InputError("k must be at least 1")
        self._grow(region, a, b, k=k, max_depth=max_depth, shortest_only=False)
        return self._answer(region).paths(
            a, b, k=k, max_depth=max_depth, rels=rels, degree_cap=degree_cap
        )

    @_one_read
    def connections(
        self,
        sids: Sequence[str],
        *,
        max_depth: int = 4,
        rels: RelFilter = None,
        degree_cap: int = 500,
    ) -> Connections:
        region = self._region(STORED, degree_cap)
        for sid in sids:
            region.require(sid)
        region.rels = parse_rels(rels)
        unique = sorted(set(sids))
        if len(unique) < 2:
            raise InputError("connections need at least two different subjects")
        if len(unique) > MAX_SUBJECTS:
            raise InputError(f"connections take at most {MAX_SUBJECTS} subjects")
        _check_range("max_depth", max_depth, 1, MAX_PATH_DEPTH)
        for a, b in combinations(unique, 2):
            self._grow(region, a, b, k=PATHS_PER_PAIR, max_depth=max_depth, shortest_only=True)
        return self._answer(region).connections(
            unique, max_depth=max_depth, rels=rels, degree_cap=degree_cap
        )

    def _grow(
        self, region: Region, a: str, b: str, *, k: int, max_depth: int, shortest_only: bool
    ) -> None:
        """Fetch the two search balls of ``a`` and ``b`` until the search would stop."""

        def enough(total: int) -> bool:
            view = WalkView(region.snapshot(), region.rels)
            snapshot = view.snapshot
            found = connect(
                view,
                snapshot.index(a),
                snapshot.index(b),
                k=k,
                max_depth=total,
                degree_cap=region.degree_cap,
                shortest_only=shortest_only,
            )
            return len(found.paths) >= k or (shortest_only and bool(found.paths))

        fetch_paths(region, a, b, max_depth=max_depth, enough=enough)

    # -- shared contacts: counts, answered by Cypher directly ---------------------------------
    @_one_read
    def shared_contacts(self, sid: str) -> SharedContacts:
        self._region().require(sid)
        cap = self.settings.supernode_cap
        found = []
        kinds = list(ContactKind)  # listed in this order, as the embedded store lists them
        groups = sorted(self.source.contact_groups([sid], cap), key=lambda g: kinds.index(g.kind))
        for group in groups:
            if group.size < 2:
                continue
            if group.size > cap:  # a registered-agent address, a call centre: links nobody
                found.append(SharedContact(group.kind.value, group.size, (), supernode=True))
            else:
                others = tuple(sorted({m["sid"] for m in group.members} - {sid}))
                found.append(SharedContact(group.kind.value, group.size, others))
        return SharedContacts(sid, tuple(found))
