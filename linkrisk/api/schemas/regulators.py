"""Regulators' bodies for 双随机、一公开: a plan's parameters and public summary, the draw and
its selection, inspector teams with 回避 skips, recorded results, the 公示 publication, its
verification, and the inspector registry (执法检查人员名录库)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import ConfigDict, Field

from linkrisk.api.schemas.base import Schema, Text

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
                    "matters": ["M03"],
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
    joint: bool = Field(
        False, description="部门联合抽查: every team has an inspector of each department"
    )
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
    frame_root: str | None = None
    public_digest: str | None = None
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


class AssignCreate(Schema):
    model_config = ConfigDict(extra="forbid")
    accept_unassigned: bool = Field(
        False, description="record the teams even if some subjects get none (409 otherwise)"
    )


class ReassignCreate(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=500, description="recorded and published")
    sid: str | None = Field(None, max_length=64, description="one subject (default: all)")
    accept_unassigned: bool = False


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


class ReassignmentPublic(Schema):
    plan_id: str
    seq: int
    at: str
    reason: str
    scope: str
    teams: list[TeamPublic]


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


class PublishCreate(Schema):
    model_config = ConfigDict(extra="forbid")
    partial: str | None = Field(
        None,
        max_length=500,
        description="publish although some selected subjects have no result, for this reason"
        " (printed in the publication)",
    )


class PublicationPublic(Schema):
    plan_id: str
    due_date: date
    files: dict[str, str] = Field(description="file kind → download path")


class VerificationPublic(Schema):
    plan_id: str
    level: Literal["public", "auditor"] = "auditor"
    ok: Literal[True] = True
    checks: list[str]
    selected: int
    teams: int


class InspectorCreate(Schema):
    model_config = ConfigDict(extra="forbid")
    inspector_id: str = Field(min_length=1, max_length=64, description="执法证号")
    name: str = Field(min_length=1, max_length=100)
    department: str = Field(min_length=1, max_length=100)
    qualifications: list[str] = Field(default_factory=list, max_length=100)
    region: str | None = Field(None, pattern=r"^\d{6}$")
    id_number: str | None = Field(
        None, max_length=32, description="stored only keyed-hashed and masked (for 回避)"
    )


class InspectorUpdate(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=100)
    department: str | None = Field(None, min_length=1, max_length=100)
    qualifications: list[str] | None = Field(None, max_length=100)
    region: str | None = Field(None, pattern=r"^\d{6}$")


class MatterPublic(Schema):
    code: str
    name: str
    department: str = ""
    basis: str = ""


class MatterList(Schema):
    items: list[MatterPublic]


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


class ProgressCount(Schema):
    key: str = Field(description="a team's inspectors (';'-joined) or a matter's code")
    subjects: int
    recorded: int


class PlanProgress(Schema):
    """Results entered so far (a subject is recorded once every matter of the plan has a row)."""

    plan_id: str
    status: str
    subjects: int = Field(description="assigned subjects")
    recorded: int
    teams: list[ProgressCount]
    matters: list[ProgressCount]
