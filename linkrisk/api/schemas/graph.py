"""Graph query results for investigators: paths, neighbourhoods, ownership and controllers,
connections between subjects, shared contacts, risk around a subject, exports and groups —
``linkrisk.graph.queries.results`` mirrored with subject names added."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import ConfigDict, Field

from linkrisk.api.schemas.base import USCC_EXAMPLE, Mirror, Schema

# -- graph query results (linkrisk.graph.queries.results, with names added) ------------------
Rel = Literal["HOLDS", "OFFICER", "BRANCH", "SAME_CONTACT"]


class HopPublic(Mirror):
    src_sid: str
    dst_sid: str
    rel: Rel
    direction: Literal["forward", "backward"]
    share: float | None = None
    role: str | None = None
    contact: str | None = None


class PathPublic(Mirror):
    hops: list[HopPublic]
    sids: list[str]
    length: int
    share: float | None


class NodePublic(Mirror):
    sid: str
    kind: str | None
    name: str | None = None
    hop: int | None = None


class EdgePublic(Mirror):
    src_sid: str
    dst_sid: str
    rel: Rel
    share: float | None = None
    role: str | None = None
    contact: str | None = None


class NeighbourhoodPublic(Mirror):
    centre: str | None
    nodes: list[NodePublic]
    edges: list[EdgePublic]
    skipped_supernodes: list[str]
    truncated: bool


class OwnershipEntryPublic(Mirror):
    sid: str
    kind: str | None
    name: str | None = None
    integrated_share: float | None = Field(
        description="None: every walk to it crosses a holding whose share is not recorded"
    )
    share_partial: bool = Field(
        False, description="some walk crosses an unknown share: the figure is a lower bound"
    )
    depth: int
    paths: list[PathPublic]


class OwnershipPublic(Mirror):
    sid: str
    direction: Literal["up", "down"]
    entries: list[OwnershipEntryPublic]
    paths_truncated: bool


class ControllerPublic(Mirror):
    sid: str
    kind: str | None
    name: str | None = None
    reason: str
    integrated_share: float | None
    paths: list[PathPublic]


class PathSetPublic(Mirror):
    a: str
    b: str
    paths: list[PathPublic]
    skipped_supernodes: list[str]
    truncated: bool
    shortest: int | None


class ConnectionsCreate(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"sids": [USCC_EXAMPLE, "91320102MA1XYZ5678"], "max_depth": 4}]
        },
    )
    sids: list[str] = Field(min_length=2, max_length=50)
    max_depth: int = Field(4, ge=1, le=15)
    rels: list[Rel] | None = None


class ConnectionsPublic(Mirror):
    sids: list[str]
    pairs: list[PathSetPublic]
    subgraph: NeighbourhoodPublic


class ContactMember(Mirror):
    """A subject holding a supernode value (listed, not drawn)."""

    sid: str
    kind: str | None
    name: str | None = None
    status: str | None = None


class SharedContactPublic(Mirror):
    kind: str
    n_subjects: int
    sids: list[str]
    supernode: bool
    value: str | None = Field(
        None, description="the shared value; mobile numbers and e-mails masked without pii"
    )
    members: list[ContactMember] = Field(
        default_factory=list,
        description="supernode values: the subjects holding the value (too many to draw)",
    )
    members_total: int = 0


class SharedContactsPublic(Mirror):
    sid: str
    contacts: list[SharedContactPublic]


class RiskEventPublic(Mirror):
    event_id: str
    type: str
    severity: str | None
    decision_date: date
    disclosure_end: date | None = None


class RiskNeighbourPublic(Mirror):
    sid: str
    kind: str | None
    name: str | None = None
    hops: int
    path: PathPublic
    events: list[RiskEventPublic]


class SurroundingRiskPublic(Mirror):
    sid: str
    as_of: date
    max_hops: int
    neighbours: list[RiskNeighbourPublic]
    skipped_supernodes: list[str]
    truncated: bool


class ExportNode(Mirror):
    sid: str
    kind: str | None
    hop: int | None
    name: str | None


class ExportEdge(Mirror):
    src: str
    dst: str
    rel: Rel
    share: float | None
    role: str | None
    contact: str | None


class GraphExport(Mirror):
    """A result's subgraph for a graph view (``format=graphml`` gives the same as GraphML)."""

    centre: str | None
    nodes: list[ExportNode]
    edges: list[ExportEdge]
    skipped_supernodes: list[str]
    truncated: bool


class GroupPublic(Mirror):
    group_id: str
    size: int
    members: list[NodePublic]
    edges: list[EdgePublic]
    truncated: bool
