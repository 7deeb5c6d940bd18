"""Lenders' bodies (信易贷): a subject's score with its tier and plain reasons, singly or in a
batch, each given for a stated purpose under the consent (授权) it was checked against."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import ConfigDict, Field

from linkrisk.api.consent import Purpose
from linkrisk.api.schemas.base import USCC_EXAMPLE, Schema, TierLetter


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
                    "uscc": USCC_EXAMPLE,
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
            "examples": [{"purpose": "post_loan_monitoring", "usccs": [USCC_EXAMPLE]}]
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
