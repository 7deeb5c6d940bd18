"""The ``GraphQueries`` protocol: the investigator's questions, answered alike by every backend.

``SnapshotQueries`` answers them over the embedded snapshot's CSR arrays; the Neo4j store's
``queries()`` answers them in Cypher. One contract suite (``tests/graph/contract``) asserts the
same hand-computed answers through this protocol for both.

Shared semantics (what a backend must do to agree):

- The graph is the one in force on the as-of date (relations started and not ended).
- ``rels`` selects relation types (default: all); for paths, neighbourhoods and surrounding risk
  every edge may be walked in both directions, each hop saying which way it went.
- A *supernode* is a node whose degree over the selected relations (in + out; symmetric
  ``SAME_CONTACT`` counted once per stored edge) exceeds ``degree_cap``: it may be an endpoint
  or a leaf of a result but is never expanded; the results list the ones the search met.
- Between two nodes, parallel edges collapse into one hop: the canonical edge is the first by
  (relation in ``RelType`` order, forward before backward, larger share, role order, contact
  kind order).
- Ties are broken by sid: paths of equal length come in lexicographic order of their sid
  sequences; the path to a risky neighbour is its lexicographically smallest shortest path.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol, runtime_checkable

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
from linkrisk.graph.relations import RelType

RelFilter = Sequence[RelType | str] | None

#: Deepest relation search the API accepts (查关系 up to 15 hops).
MAX_PATH_DEPTH = 15
#: Deepest surrounding-risk search (周边风险 beyond 4 hops is noise).
MAX_RISK_HOPS = 4


@runtime_checkable
class GraphQueries(Protocol):
    """Investigator queries over one point-in-time graph. Unknown sids raise ``NotFound``."""

    def neighbourhood(
        self,
        sid: str,
        *,
        hops: int = 1,
        rels: RelFilter = None,
        max_nodes: int = 500,
        degree_cap: int = 500,
    ) -> Neighbourhood:
        """Subjects within ``hops`` of ``sid`` and every selected edge among them.

        The layer that would pass ``max_nodes`` keeps its smallest sids and the search stops
        (``truncated``). Supernodes are leaves; an edge joining two supernodes of the outermost
        layer is not listed. SAME_CONTACT edges appear once per pair and kind (smaller sid first).
        """
        ...

    def owners(
        self, sid: str, *, max_depth: int = 10, min_share: float = 0.0, max_paths: int = 200
    ) -> Ownership:
        """Look-through up (股权穿透): who owns ``sid``, directly or indirectly.

        Integrated ownership solves ``u = e_sid + H u`` on the HOLDS subgraph reachable upward
        within ``max_depth`` hops, with every HOLDS edge among those nodes (``H[i, j]`` = share
        of i in j; parallel edges summed; an unknown share counts 0): the sum over ownership
        walks of the products of shares. Every reached subject except ``sid`` is an entry unless
        below ``min_share``; ``depth`` is its fewest hops. Evidence: the ``max_paths`` simple
        paths (≤ ``max_depth`` hops, share ≥ ``min_share``) of largest share over all entries,
        ties by the sids walked from ``sid``; per entry sorted by share, then sids. A cycle whose
        shares reach 100% has no solution: ``ConvergenceError``.
        """
        ...

    def holdings(
        self, sid: str, *, max_depth: int = 10, min_share: float = 0.0, max_paths: int = 200
    ) -> Ownership:
        """Look-through down: what ``sid`` owns, directly or indirectly (as in ``owners``)."""
        ...

    def controllers(
        self, sid: str, *, max_depth: int = 10, threshold: float | None = None
    ) -> list[Controller]:
        """Ultimate controllers / beneficial owners of ``sid``.

        1. persons or top entities (no HOLDS owner at all) among ``owners(sid, max_depth)``
           with integrated ownership ≥ ``threshold`` − 1e-6 (default
           ``settings.beneficial_owner_threshold``), largest first, then by sid;
        2. otherwise the unique largest such ultimate owner ("largest shareholder");
        3. otherwise the legal representative(s), then the chair(s), by sid.

        A person has no controllers (``[]``).
        """
        ...

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
        """查关系: the ``k`` shortest simple paths between ``a`` and ``b``, ≤ ``max_depth`` hops."""
        ...

    def connections(
        self,
        sids: Sequence[str],
        *,
        max_depth: int = 4,
        rels: RelFilter = None,
        degree_cap: int = 500,
    ) -> Connections:
        """The shortest paths among every pair of ``sids`` (at most 50), merged into a subgraph.

        Per pair (a < b): the paths of the shortest length ≤ ``max_depth``, up to 5, in sid
        order; unconnected pairs are left out. The subgraph holds the given subjects and the
        nodes and edges of those paths (nodes without hops).
        """
        ...

    def shared_contacts(self, sid: str) -> SharedContacts:
        """疑似关联: subjects sharing a normalised phone, email or address with ``sid``.

        One entry per kind the subject shares with anybody (phone, email, address order);
        more than ``settings.supernode_cap`` subjects on one value make it a supernode.
        """
        ...

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
        """周边风险: sanctioned or listed subjects within ``hops`` (≤ 4), with paths and events.

        ``as_of`` defaults to the graph's as-of date; which events count is defined in
        ``linkrisk.graph.queries.events``. The subject itself is not listed; each neighbour comes
        with its lexicographically smallest shortest path. At most ``limit`` (``truncated``).
        """
        ...

    def group(self, sid: str, *, threshold: float | None = None, limit: int = 1000) -> Group:
        """企业集团: the connected component of control edges holding ``sid``.

        Control edges: HOLDS with share ≥ ``threshold`` (default ``settings.control_threshold``)
        and OFFICER with role legal_representative, taken as undirected.
        """
        ...
