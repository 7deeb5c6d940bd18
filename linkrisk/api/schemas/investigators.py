"""Investigators' bodies about one subject: references and name search hits, its events, the
explanation of its risk (own events and the paths that carry risk to it) and the subject card
that gathers them. Persons are masked unless the key has ``pii``."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from linkrisk.api.schemas.base import Mirror, Schema, TierLetter
from linkrisk.api.schemas.lenders import ReasonPublic


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
    listed: float = 0.0  # share of the related-party risk the listed paths add up to


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
