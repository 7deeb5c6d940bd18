"""Investigators' bodies about a subject's registration (工商信息), its history and a person's
firms: shareholders with their 认缴出资额 and 出资日期, officers, investments, branches, the
changes between snapshot dates. Persons are masked unless the key has ``pii``."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from linkrisk.api.schemas.base import Mirror, TierLetter


class NamedCode(Mirror):
    """A classification code with its names, outermost level first (GB/T 4754, GB/T 2260)."""

    code: str
    name: str | None = Field(description="the most specific level known; null: unknown code")
    path: list[str] = Field(examples=[["制造业", "纺织服装、服饰业"]])


class PartyPublic(Mirror):
    """The other party of a relation, with its status and risk tier (organisations)."""

    sid: str
    kind: str | None
    name: str | None = Field(None, description="persons masked (张*) without the pii scope")
    status: str | None = None
    tier: TierLetter | None = Field(None, description="organisations only (persons: none)")


class StakePublic(PartyPublic):
    share: float | None = Field(description="持股比例 as a fraction; null when not recorded")
    subscribed: float | None = Field(description="认缴出资额, yuan; null when not recorded")
    since: date | None = Field(description="认缴出资日期 / 入股日期")


class PostPublic(PartyPublic):
    role: str
    since: date | None = Field(description="任职日期")


class LinkPublic(PartyPublic):
    since: date | None


class ChangePublic(Mirror):
    """One change between two snapshot dates (entered, left, share_changed, …)."""

    section: str = Field(examples=["shareholder"])
    change: str = Field(examples=["entered"])
    sid: str | None = None
    kind: str | None = None
    name: str | None = None
    role: str | None = None
    before: float | str | None = None
    after: float | str | None = None
    since: date | None = Field(None, description="the date the registry recorded, if any")


class StatePublic(Mirror):
    """A subject on one snapshot date: present or not, status, shareholders, officers."""

    version: str
    as_of: date
    present: bool
    status: str | None = None
    shareholders: list[StakePublic] = Field(default_factory=list)
    officers: list[PostPublic] = Field(default_factory=list)


class DiffPublic(Mirror):
    sid: str
    before: StatePublic
    after: StatePublic
    changes: list[ChangePublic]


class VersionPublic(Mirror):
    version: str
    as_of: date
    current: bool


class HistoryPublic(Mirror):
    """Every snapshot date of a subject and the changes between consecutive ones (变更记录)."""

    sid: str
    versions: list[VersionPublic]
    states: list[StatePublic]
    changes: list[DiffPublic]


class RegistryPublic(Mirror):
    """工商信息: registration names and the relations in force on the snapshot date."""

    industry: NamedCode | None = Field(None, description="GB/T 4754-2017")
    region: NamedCode | None = Field(None, description="GB/T 2260")
    legal_representatives: list[PartyPublic]
    shareholders: list[StakePublic] = Field(description="股东信息")
    officers: list[PostPublic] = Field(description="主要人员")
    investments: list[StakePublic] = Field(description="对外投资")
    branches: list[LinkPublic] = Field(description="分支机构")
    head_office: LinkPublic | None = Field(None, description="隶属企业 (for a branch)")
    changes: list[DiffPublic] = Field(description="变更记录: changes between snapshot dates")
    not_loaded: list[str] = Field(
        description="card fields no loaded source provides (e.g. business_scope, paid_in)"
    )


class ResolvedPublic(Mirror):
    """What a typed name, key or key prefix names: one subject, or the candidates to choose."""

    query: str
    sid: str | None = Field(description="the subject, when exactly one fits")
    candidates: list[PartyPublic] = Field(description="best first; one entry when unambiguous")


class PersonPagePublic(Mirror):
    """A person's page: every firm it is linked to, by role, with the firms' status and tier."""

    sid: str
    name: str | None
    id_masked: str | None
    weak: bool | None
    posts: list[PostPublic] = Field(description="roles held (法定代表人, 董事, …) by firm")
    holdings: list[StakePublic] = Field(description="firms the person holds shares in")
    firms: int = Field(description="distinct firms linked by any role or holding")
    snapshot: str
    as_of: date


class ScanGroupPublic(Mirror):
    """One count and the list it opens: events (自身风险) or neighbours with paths (周边风险)."""

    key: str
    label: str
    count: int
    hops: int | None = None
    relation: str | None = None
    type: str | None = None
    events: list[dict[str, Any]] = Field(default_factory=list)
    neighbours: list[dict[str, Any]] = Field(default_factory=list)
    alerts: list[dict[str, Any]] = Field(default_factory=list)


class ScanSectionPublic(Mirror):
    name: str = Field(description="own | around | alerts (the key organisation's open alerts)")
    title: str
    title_en: str
    total: int
    groups: list[ScanGroupPublic]
    truncated: bool = False
    skipped_supernodes: list[str] = Field(default_factory=list)


class RiskScanPublic(Mirror):
    """风险扫描: one summary per subject, in sections of counts that open their lists."""

    sid: str
    as_of: date
    hops: int
    sections: list[ScanSectionPublic]


class BeneficialOwnerPublic(Mirror):
    sid: str
    kind: str
    name: str | None
    rules: list[str] = Field(description="ownership, control, senior_manager")
    rule_labels: list[str]
    integrated_share: float | None
    role: str | None = None
    paths: list[dict[str, Any]] = Field(default_factory=list)


class BeneficialOwnersPublic(Mirror):
    """受益所有人 per the 2024 受益所有人信息管理办法, each with the rule that fired and paths."""

    sid: str
    threshold: float
    owners: list[BeneficialOwnerPublic]
    fallback: bool = Field(description="nobody owns ≥ threshold or controls: managers named")
    paths_truncated: bool = False


class FiledOwnerCreate(BaseModel):
    """One filed beneficial owner: a person key, or a resident ID number (hashed at once)."""

    model_config = ConfigDict(extra="forbid")
    person: str | None = Field(None, max_length=64, description="a person key P…")
    id_number: str | None = Field(None, max_length=32, description="never stored or echoed")
    name: str | None = Field(None, max_length=100)
    share: float | None = Field(None, ge=0, le=1)


class VerificationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    filed: list[FiledOwnerCreate] = Field(max_length=1000)


class DiscrepancyPublic(Mirror):
    sid: str
    name: str | None = None
    kind: str = Field(description="not_filed | not_found | share_differs")
    filed_share: float | None = None
    computed_share: float | None = None
    rules: list[str] = Field(default_factory=list)


class VerificationPublic(Mirror):
    """备案核验: what a firm filed against the beneficial owners the graph gives."""

    sid: str
    filed: int
    computed: int
    consistent: bool
    discrepancies: list[DiscrepancyPublic]
