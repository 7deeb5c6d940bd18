"""信易+ service-window bodies: a check of one subject, the window's feedback, batch lists, the
catalogue of measures and the regulator's report of their effect."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from linkrisk.api.schemas.base import USCC_EXAMPLE, Mirror, Schema

Outcome = Literal["not_applicable", "eligible", "restricted", "not_found"]
Scenario = str


class WindowCheckCreate(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"uscc": USCC_EXAMPLE, "scenario": "信易贷"}]},
    )
    uscc: str | None = Field(None, max_length=40, description="统一社会信用代码")
    id_number: str | None = Field(
        None, max_length=40, description="a person's resident ID number: hashed on arrival"
    )
    scenario: Scenario | None = Field(
        None, max_length=40, description="one scenario (e.g. 信易贷); all when omitted"
    )

    @model_validator(mode="after")
    def _one_subject(self) -> WindowCheckCreate:
        if (self.uscc is None) == (self.id_number is None):
            raise ValueError("send exactly one of uscc and id_number")
        return self


class RuleFact(Mirror):
    kind: str
    rule: str
    value: Any
    wanted: str
    held: bool
    negated: bool = False
    text: str
    parties: list[str] | None = None


class MeasurePublic(Mirror):
    id: str
    name: str
    scenario: str
    effect: Literal["incentive", "restriction"]
    applies_to: list[str]
    authority: str
    basis: str
    basis_number: str
    effective_from: str
    effective_until: str | None
    description: str


class MeasureOutcome(MeasurePublic):
    effect_label: str
    applies: bool
    facts: list[RuleFact]


class ScenarioOutcome(Mirror):
    scenario: str
    outcome: Outcome
    outcome_label: str
    measures: list[MeasureOutcome]


class WindowCheckPublic(Mirror):
    check_id: str
    query: str = Field(description="the USCC, or the masked ID number")
    subject_kind: Literal["organisation", "person"]
    found: bool
    kind: str | None
    as_of: str
    checked_on: str
    snapshot: str
    catalogue: str
    catalogue_version: str
    illustrative: bool
    scenarios: list[ScenarioOutcome]


class FeedbackCreate(Schema):
    check_id: str = Field(min_length=1, max_length=40)
    scenario: Scenario = Field(min_length=1, max_length=40)
    measure_id: str = Field(min_length=1, max_length=64)
    action: Literal["applied", "overridden"]
    reason: str | None = Field(None, max_length=500, description="required for an override")


class FeedbackPublic(Mirror):
    check_id: str
    scenario: str
    measure_id: str
    action: str
    reason: str | None
    at: str


class MeasureList(Mirror):
    catalogue: str
    version: str
    illustrative: bool
    digest: str
    scenarios: list[str]
    measures: list[MeasurePublic]


class MeasureBatchCreate(Schema):
    usccs: list[str] = Field(default_factory=list, max_length=5_000_000)
    id_numbers: list[str] = Field(
        default_factory=list,
        max_length=5_000_000,
        description="resident ID numbers; hashed on arrival, never stored",
    )
    scenarios: list[Scenario] = Field(
        default_factory=list, max_length=100, description="all scenarios when empty"
    )

    @model_validator(mode="after")
    def _not_empty(self) -> MeasureBatchCreate:
        if not self.usccs and not self.id_numbers:
            raise ValueError("send at least one USCC or ID number")
        return self


class EffectRow(Mirror):
    scenario: str
    checks: int
    outcomes: dict[str, dict[str, int]]
    feedback: dict[str, int]
    override_reasons: list[dict[str, Any]]


class EffectReport(Mirror):
    since: str
    until: str
    scenarios: list[EffectRow]


class CommitmentPublic(Mirror):
    commitment_id: str
    subject: str = Field(description="the USCC, or the masked ID number")
    matter: str
    content: str
    authority: str
    committed: str
    deadline: str
    fulfilled: str | None
    state: Literal["open", "kept", "broken"]
    state_label: str
    breach_date: str | None
    breach_reason: str | None


class CommitmentList(Mirror):
    on: str
    counts: dict[str, int]
    total: int
    items: list[CommitmentPublic]
