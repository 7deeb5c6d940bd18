"""Results of the investigator's graph queries: small slotted dataclasses, shared by every backend.

Both query backends (the embedded snapshot and Neo4j) return exactly these types, with the sort
orders stated on each class, so that one contract suite can compare their answers. Nothing here
computes anything heavy; ``as_dict`` turns any result into plain JSON-ready data.

Conventions
-----------
- A ``Path`` is walked from its first node to its last; each ``Hop`` goes from ``src_sid`` to
  ``dst_sid`` and says whether the stored edge points the same way (``"forward"``) or the other
  way (``"backward"``). ``SAME_CONTACT`` is symmetric: its hops are always ``"forward"``.
- Shares are fractions in [0, 1]; an unknown share is ``None``.
- Subject kinds, roles and contact kinds are enum *values* (``"person"``, ``"chair"``, ``"phone"``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from datetime import date
from enum import Enum
from typing import Any, Literal

from linkrisk.graph.relations import RelType

Direction = Literal["forward", "backward"]


@dataclasses.dataclass(frozen=True, slots=True)
class Hop:
    """One step of a path: an edge walked from ``src_sid`` to ``dst_sid``."""

    src_sid: str
    dst_sid: str
    rel: RelType
    direction: Direction = "forward"
    share: float | None = None  # HOLDS: the holder's share of the held organisation
    role: str | None = None  # OFFICER: legal_representative, chair, …
    contact: str | None = None  # SAME_CONTACT: phone, email or address


@dataclasses.dataclass(frozen=True, slots=True)
class Path:
    """A simple path as a sequence of hops (at least one)."""

    hops: tuple[Hop, ...]

    @property
    def start(self) -> str:
        return self.hops[0].src_sid

    @property
    def end(self) -> str:
        return self.hops[-1].dst_sid

    @property
    def length(self) -> int:
        return len(self.hops)

    @property
    def sids(self) -> tuple[str, ...]:
        """The nodes along the path, first to last."""
        return (self.hops[0].src_sid, *(h.dst_sid for h in self.hops))

    @property
    def share(self) -> float | None:
        """Product of the shares along an ownership path (None if any hop has no share)."""
        product = 1.0
        for hop in self.hops:
            if hop.share is None or math.isnan(hop.share):
                return None
            product *= hop.share
        return product


@dataclasses.dataclass(frozen=True, slots=True)
class OwnershipEntry:
    """One owner (look-through up) or holding (look-through down) of the queried subject.

    ``integrated_share`` is the sum over all ownership walks of the product of their shares
    (the solution of the linear system, so circular holdings count exactly as the algebra says);
    ``depth`` is the fewest hops; ``paths`` are simple paths as evidence, largest share first.
    Paths are oriented owner → owned in both directions of look-through. An unknown share is
    not 0: ``integrated_share`` is None when every walk to the entry crosses a holding whose
    share is not recorded, and ``share_partial`` says that some walk does (the figure then
    counts only the walks with every share known: a lower bound).
    """

    sid: str
    kind: str | None
    integrated_share: float | None
    depth: int
    paths: tuple[Path, ...]
    share_partial: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class Ownership:
    """Look-through result; entries sorted by integrated share (descending), then sid."""

    sid: str
    direction: Literal["up", "down"]
    entries: tuple[OwnershipEntry, ...]
    paths_truncated: bool = False  # the evidence enumeration hit its cap: some paths are missing


@dataclasses.dataclass(frozen=True, slots=True)
class Controller:
    """An ultimate controller / beneficial owner and why it is one.

    ``reason`` is one of ``"ownership ≥ 25%"`` (with the threshold used), ``"largest shareholder"``,
    ``"legal representative"`` or ``"chair"``; ``integrated_share`` is None for control by role.
    """

    sid: str
    kind: str | None
    reason: str
    integrated_share: float | None
    paths: tuple[Path, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class PathSet:
    """Connecting paths between two subjects, shortest first, then by the sids along them.

    ``skipped_supernodes`` lists the high-degree nodes the search met and did not expand, so
    paths through them may be missing; ``truncated`` means the enumeration hit its cap.
    """

    a: str
    b: str
    paths: tuple[Path, ...]
    skipped_supernodes: tuple[str, ...] = ()
    truncated: bool = False

    @property
    def shortest(self) -> int | None:
        return self.paths[0].length if self.paths else None


@dataclasses.dataclass(frozen=True, slots=True)
class Node:
    """A subject in a subgraph; ``hop`` is its distance from the centre when there is one."""

    sid: str
    kind: str | None
    hop: int | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Edge:
    """A stored edge (in its stored direction). Symmetric SAME_CONTACT edges: src_sid < dst_sid."""

    src_sid: str
    dst_sid: str
    rel: RelType
    share: float | None = None
    role: str | None = None
    contact: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Neighbourhood:
    """A subgraph: nodes sorted by (hop, sid), edges by (src, dst, rel, role, contact).

    ``truncated``: the node limit cut the last layer (nodes kept in (hop, sid) order).
    """

    centre: str | None
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    skipped_supernodes: tuple[str, ...] = ()
    truncated: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class Connections:
    """Shortest paths among every pair of the given subjects, merged into one subgraph.

    ``pairs`` holds one ``PathSet`` per connected pair (a < b), sorted by (a, b).
    """

    sids: tuple[str, ...]
    pairs: tuple[PathSet, ...]
    subgraph: Neighbourhood


@dataclasses.dataclass(frozen=True, slots=True)
class SharedContact:
    """A contact value (by kind) that the subject shares with others.

    When more than the supernode cap share it (a registered-agent address, a call centre), it is
    reported with ``supernode=True`` and the number of subjects, and links nobody (``sids=()``).
    """

    kind: str
    n_subjects: int  # subjects holding this value, the queried one included
    sids: tuple[str, ...]  # the others, sorted
    supernode: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class SharedContacts:
    """Suspected links (疑似关联) of a subject: one entry per shared phone, email or address."""

    sid: str
    contacts: tuple[SharedContact, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class RiskEvent:
    """An event that makes a subject sanctioned or listed on the query date."""

    event_id: str
    type: str
    severity: str | None
    decision_date: date
    disclosure_end: date | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class RiskNeighbour:
    """A sanctioned or listed subject near the queried one: how far, by which path, and why."""

    sid: str
    kind: str | None
    hops: int
    path: Path
    events: tuple[RiskEvent, ...]  # newest decision first, then event id


@dataclasses.dataclass(frozen=True, slots=True)
class SurroundingRisk:
    """周边风险: risky subjects within ``max_hops``, sorted by (hops, sid)."""

    sid: str
    as_of: date
    max_hops: int
    neighbours: tuple[RiskNeighbour, ...]
    skipped_supernodes: tuple[str, ...] = ()
    truncated: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class Group:
    """企业集团: the component of control edges holding a subject.

    ``group_id`` is ``"G"`` + the smallest sid in the component; members sorted by sid; edges are
    the control edges among the members listed (HOLDS ≥ control threshold, legal representative).
    """

    group_id: str
    size: int
    members: tuple[Node, ...]
    edges: tuple[Edge, ...]
    truncated: bool = False  # more members than the limit: the first ``limit`` by sid are listed


def edge_key(edge: Edge) -> tuple[str, str, int, str, str, float]:
    """Sort key of edges: (src, dst, relation order, role, contact, larger share first)."""
    return (
        edge.src_sid,
        edge.dst_sid,
        tuple(RelType).index(edge.rel),
        edge.role or "",
        edge.contact or "",
        -(edge.share or 0.0),
    )


def sort_edges(edges: Iterable[Edge]) -> list[Edge]:
    return sorted(edges, key=edge_key)


def path_key(path: Path) -> tuple[int, tuple[str, ...]]:
    """Sort key of connecting paths: shortest first, then the sids along them."""
    return (path.length, path.sids)


Result = (
    Ownership
    | Controller
    | PathSet
    | Neighbourhood
    | Connections
    | SharedContacts
    | SurroundingRisk
    | Group
)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, Path):  # the derived facts a reader of the JSON needs
            data.update(sids=list(value.sids), length=value.length, share=value.share)
        if isinstance(value, PathSet):
            data["shortest"] = value.shortest
        return data
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def as_dict(result: Any) -> Any:
    """A result (or a list of results) as JSON-ready data: enums as values, dates as ISO text.

    Paths also carry their ``sids``, ``length`` and ``share``; a ``PathSet`` its ``shortest``.
    """
    return _plain(result)


def edge_of_hop(hop: Hop) -> Edge:
    """The stored edge a hop walked (symmetric SAME_CONTACT with the smaller sid first)."""
    src, dst = (
        (hop.src_sid, hop.dst_sid) if hop.direction == "forward" else (hop.dst_sid, hop.src_sid)
    )
    if hop.rel is RelType.SAME_CONTACT and dst < src:
        src, dst = dst, src
    return Edge(src, dst, hop.rel, hop.share, hop.role, hop.contact)
