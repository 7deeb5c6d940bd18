"""Every request and response body of the API (pydantic lives here and nowhere else).

Families follow the Create / Public / List pattern: ``XCreate`` is what a caller sends,
``XPublic`` what it gets back, ``XList`` a page of them. Examples show up in the OpenAPI docs.
Persons are never described beyond a masked name and masked ID unless the key has ``pii``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from linkrisk.api.auth import Role
from linkrisk.api.consent import Purpose

TierLetter = Literal["A", "B", "C", "D"]
USCC_PATTERN = r"^[0-9A-HJ-NP-RT-UW-Ya-hj-np-rt-uw-y]{18}$"  # GB 32100 alphabet (check char aside)
Text = Annotated[str, Field(min_length=1, max_length=100, pattern=r"\S")]
_USCC_EXAMPLE = "91320102MA1XYZ1234"  # synthetic, not a real firm


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Mirror(BaseModel):
    """A response mirroring a dataclass of the graph or models packages: fields they add later
    are left out (until listed here) rather than failing the response."""

    model_config = ConfigDict(extra="ignore")


class Problem(BaseModel):
    """RFC 9457 problem details (``application/problem+json``); extra members vary by type."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "type": "/problems/consent-required",
                    "title": "Consent required",
                    "status": 403,
                    "detail": "no active consent (授权) for organisation bank-a, subject"
                    f" {_USCC_EXAMPLE}, purpose credit_application: none on record",
                    "instance": f"/v1/scores/{_USCC_EXAMPLE}",
                    "org": "bank-a",
                    "subject": _USCC_EXAMPLE,
                    "purpose": "credit_application",
                }
            ]
        },
    )
    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None


# -- health ------------------------------------------------------------------------------------
class Health(Schema):
    status: Literal["ok"] = "ok"


class Readiness(Schema):
    status: Literal["ready"] = "ready"
    snapshot: str
    as_of: date
    model_version: str
    subjects: int
    indexed_names: int


# -- keys --------------------------------------------------------------------------------------
class KeyPublic(Schema):
    key_id: str = Field(examples=["lr_Ab3dE9xZ"])
    role: Role
    org: str = Field(examples=["bank-a"])
    scopes: list[str] = Field(examples=[["pii"]])
    label: str | None = None
    created: str
    revoked: str | None = None


# -- lender scores -----------------------------------------------------------------------------
class ReasonPublic(Schema):
    code: str = Field(description="plain reason category", examples=["related_party_risk"])
    label: str = Field(examples=["关联方风险 related-party risk"])


class ScorePublic(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "uscc": _USCC_EXAMPLE,
                    "score": 0.42,
                    "tier": "C",
                    "tier_label": "信用风险较高",
                    "as_of": "2025-06-30",
                    "snapshot": "20250630-3fa2c1d9e0b4",
                    "model_version": "gbm-2025.06",
                    "reasons": [
                        {"code": "related_party_risk", "label": "关联方风险 related-party risk"}
                    ],
                    "purpose": "credit_application",
                    "consent_id": "c_5be1f0a9d3c2e187",
                }
            ]
        },
    )
    uscc: str
    score: float
    tier: TierLetter
    tier_label: str
    as_of: date
    snapshot: str
    model_version: str
    reasons: list[ReasonPublic]
    purpose: Purpose
    consent_id: str


class ScoreBatchCreate(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"purpose": "post_loan_monitoring", "usccs": [_USCC_EXAMPLE]}]
        },
    )
    purpose: Purpose
    usccs: list[str] = Field(min_length=1, max_length=1000)


class ScoreBatchItem(Schema):
    uscc: str
    outcome: Literal["ok", "consent_required", "not_found", "invalid"]
    score: ScorePublic | None = None
    detail: str | None = None


class ScoreBatchPublic(Schema):
    purpose: Purpose
    snapshot: str
    items: list[ScoreBatchItem]
    counts: dict[str, int]


# -- consents ----------------------------------------------------------------------------------
class ConsentCreate(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "org": "bank-a",
                    "uscc": _USCC_EXAMPLE,
                    "purpose": "credit_application",
                    "valid_from": "2025-01-01",
                    "valid_until": "2025-12-31",
                    "reference": "授权书-2025-0001",
                }
            ]
        },
    )
    org: str = Field(min_length=1, max_length=100)
    uscc: str = Field(pattern=USCC_PATTERN)
    purpose: Purpose
    valid_from: date
    valid_until: date
    reference: str | None = Field(None, max_length=200, description="the signed consent's number")


class ConsentPublic(Schema):
    consent_id: str
    org: str
    uscc: str
    purpose: Purpose
    valid_from: date
    valid_until: date
    reference: str | None
    created: str
    created_by: str | None
    revoked: str | None
    revoked_by: str | None
    active: bool


class ConsentList(Schema):
    items: list[ConsentPublic]
    total: int
    limit: int
    offset: int


# -- audit -------------------------------------------------------------------------------------
class AuditRecordPublic(Schema):
    seq: int
    ts: str
    key_id: str | None
    org: str | None
    role: str | None
    method: str
    endpoint: str
    subjects: list[str]
    purpose: str | None
    status: int
    prev_hash: str
    hash: str


class AuditList(Schema):
    items: list[AuditRecordPublic]
    total: int
    limit: int
    next_after: int | None = Field(description="pass as ?after= for the next page; null at the end")


class AuditVerification(Schema):
    ok: Literal[True] = True
    records: int
    head_seq: int
    head_hash: str


# -- batch credit checks -----------------------------------------------------------------------
class CheckCreate(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"usccs": [_USCC_EXAMPLE], "id_numbers": []}]},
    )
    usccs: list[str] = Field(default_factory=list, max_length=5_000_000)
    id_numbers: list[str] = Field(
        default_factory=list,
        max_length=5_000_000,
        description="resident ID numbers (regulator keys only); hashed on arrival, never stored",
    )

    @model_validator(mode="after")
    def _not_empty(self) -> CheckCreate:
        if not self.usccs and not self.id_numbers:
            raise ValueError("send at least one USCC or ID number")
        return self


class CheckResult(Schema):
    index: int
    kind: Literal["organisation", "person"]
    query: str = Field(description="the USCC, or the masked ID number")
    subject: str | None
    valid: bool
    problem: str | None
    found: bool
    lists: list[str]
    serious_events: int
    tier: TierLetter | None
    tier_label: str | None


class CheckPublic(Schema):
    snapshot: str
    as_of: date
    total: int
    results: list[CheckResult]


class JobPublic(Schema):
    job_id: str
    status: Literal["queued", "running", "done", "failed"]
    total: int
    done: int
    progress: float
    snapshot: str | None
    created: str
    finished: str | None
    error: str | None
    links: dict[str, str]


# -- investigators -----------------------------------------------------------------------------
class SubjectRef(Schema):
    sid: str
    kind: str | None
    name: str | None = Field(description="persons masked (张*) without the pii scope")
    status: str | None = None


class SearchHitPublic(SubjectRef):
    score: float
    matched: Literal["uscc", "name", "pinyin", "initials", "fuzzy"]


class SearchResults(Schema):
    items: list[SearchHitPublic]
    limit: int


class EventPublic(Schema):
    event_id: str
    type: str
    severity: str | None
    authority: str | None
    decision_no: str | None
    decision_date: date | None
    disclosure_end: date | None
    repair_date: date | None
    active: bool


class ExplanationEvent(Mirror):
    event_id: str
    type: str
    severity: str | None
    date: str
    contribution: float


class ExplanationHop(Mirror):
    src: str
    dst: str
    relation: str
    direction: str
    weight: float
    detail: str | None = Field(None, examples=["share 50%"])


class ExplanationPath(Mirror):
    source: str
    source_risk: float
    hops: int
    steps: list[ExplanationHop]
    contribution: float
    events: list[ExplanationEvent]


class Explanation(Mirror):
    """How much risk is the subject's own, how much reaches it, and by which paths."""

    sid: str
    intrinsic: float
    related: float
    total: float
    reasons: list[str]
    own_events: list[ExplanationEvent]
    paths: list[ExplanationPath]
    explained: float
    subgraph_nodes: int
    truncated: bool


class SubjectCard(Schema):
    sid: str
    kind: str | None
    name: str | None
    status: str | None = None
    reg_date: date | None = None
    industry: str | None = None
    region: str | None = None
    capital: float | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    id_masked: str | None = None
    weak: bool | None = None
    tier: TierLetter
    tier_label: str
    score: float
    reasons: list[ReasonPublic]
    events: list[EventPublic]
    explanation: Explanation | None = Field(
        None, description="top contributing paths to risk sources (omitted with ?explain=false)"
    )
    snapshot: str
    as_of: date


# -- graph query results (linkrisk.graph.results, with names added) ----------------------------
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
    integrated_share: float
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
            "examples": [{"sids": [_USCC_EXAMPLE, "91320102MA1XYZ5678"], "max_depth": 4}]
        },
    )
    sids: list[str] = Field(min_length=2, max_length=50)
    max_depth: int = Field(4, ge=1, le=15)
    rels: list[Rel] | None = None


class ConnectionsPublic(Mirror):
    sids: list[str]
    pairs: list[PathSetPublic]
    subgraph: NeighbourhoodPublic


class SharedContactPublic(Mirror):
    kind: str
    n_subjects: int
    sids: list[str]
    supernode: bool


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


# -- regulators: 双随机 plans and inspectors --------------------------------------------------
Tier = Literal["A", "B", "C", "D"]


class PlanCreate(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "plan_id": "SCJG-2025-07",
                    "name": "2025年第三季度食品经营双随机抽查",
                    "departments": ["市场监管局"],
                    "matters": ["SP001"],
                    "inspect_start": "2025-07-01",
                    "inspect_end": "2025-08-31",
                    "region_prefix": "3201",
                    "ratios": {"A": "3%", "D": "100%"},
                }
            ]
        },
    )
    plan_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1, max_length=200)
    departments: list[Text] = Field(min_length=1, max_length=20)
    matters: list[Text] = Field(min_length=1, max_length=50)
    inspect_start: date
    inspect_end: date
    region_prefix: str = Field("", max_length=6, pattern=r"^[0-9]*$")
    industry_prefixes: list[str] = Field(default_factory=list, max_length=50)
    kinds: list[str] | None = None
    statuses: list[str] | None = None
    ratios: dict[Tier, str] = Field(
        default_factory=dict, description="tier → ratio, e.g. 3% or 0.03"
    )
    minimums: dict[Tier, int] = Field(default_factory=dict)
    abnormal_from: list[str] = Field(
        default_factory=list, description="earlier plans whose abnormal results are mandatory"
    )
    extended_hops: int = Field(
        0, ge=0, le=3, description="延伸检查 hops from blacklisted firms' shareholders"
    )
    recent_days: int | None = Field(
        None, ge=0, le=3650, description="无事不扰: skip subjects inspected within N days"
    )
    once_per_year: bool = True
    team_size: int = Field(2, ge=2, le=10)
    max_per_inspector: int | None = Field(None, ge=1)
    seed: str | None = Field(
        None, max_length=200, description="a seed to seal (default: generated)"
    )
    public_seed: bool = Field(False, description="the seed was announced publicly in advance")
    seed_commitment: str | None = Field(
        None, pattern=r"^[0-9a-f]{64}$", description="SHA-256 of a seed held elsewhere"
    )


class PlanPublic(Schema):
    """A plan's public summary (the sealed seed is shown only after the draw)."""

    model_config = ConfigDict(extra="allow")
    plan_id: str
    name: str
    status: Literal["created", "drawn", "assigned", "results", "published"]
    snapshot_id: str
    model_version: str
    frame_size: int
    frame_digest: str
    params_digest: str
    mandatory_digest: str
    seed_commitment: str
    seed_source: str
    seed: str | None
    plan_digest: str
    result_digest: str | None
    assignment_digest: str | None
    stats: dict[str, Any]
    params: dict[str, Any]
    created_at: str
    drawn_at: str | None
    assigned_at: str | None
    results_at: str | None
    published_at: str | None


class DrawCreate(Schema):
    seed: str | None = Field(None, max_length=200, description="reveal an externally held seed")


class PickPublic(Schema):
    rank: int
    sid: str
    tier: str
    how: str
    reason: str


class SelectionList(Schema):
    items: list[PickPublic]
    total: int
    limit: int
    offset: int


class TeamPublic(Schema):
    rank: int
    sid: str
    status: str
    inspectors: list[str]
    skips: list[tuple[str, str]] = Field(description="(inspector, why skipped): 回避 or capacity")


class TeamList(Schema):
    items: list[TeamPublic]
    total: int
    limit: int
    offset: int


class ResultCreate(Schema):
    sid: str = Field(min_length=1, max_length=64)
    result: str = Field(min_length=1, max_length=50, examples=["正常", "unreachable"])
    inspect_date: date
    matter: str | None = None


class ResultsCreate(Schema):
    entries: list[ResultCreate] = Field(min_length=1, max_length=100_000)


class PublicationPublic(Schema):
    plan_id: str
    due_date: date
    files: dict[str, str] = Field(description="file kind → download path")


class VerificationPublic(Schema):
    plan_id: str
    ok: Literal[True] = True
    checks: list[str]
    selected: int
    teams: int


class InspectorPublic(Schema):
    inspector_id: str
    name: str | None
    id_masked: str | None
    department: str
    region: str | None
    qualifications: list[str]
    active: bool | None


class InspectorList(Schema):
    items: list[InspectorPublic]
    total: int
    limit: int
    offset: int
