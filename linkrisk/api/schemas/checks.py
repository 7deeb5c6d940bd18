"""Batch credit check bodies (信用核查): the USCCs and ID numbers sent, one result per query
(lists, serious events, tier), and the background job a large batch runs as."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from linkrisk.api.schemas.base import USCC_EXAMPLE, Schema, TierLetter


# -- batch credit checks -----------------------------------------------------------------------
class CheckCreate(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"usccs": [USCC_EXAMPLE], "id_numbers": []}]},
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


class JobList(Schema):
    items: list[JobPublic]
    total: int
