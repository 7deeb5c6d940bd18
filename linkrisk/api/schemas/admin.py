"""Administrators' bodies: API keys (never the secret), consents (授权) as recorded (by admin, or
by a lender for its own organisation) and revoked, and pages and verification of the audit log."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import ConfigDict, Field

from linkrisk.api.auth import Role
from linkrisk.api.consent import Purpose
from linkrisk.api.schemas.base import USCC_EXAMPLE, USCC_PATTERN, Schema

SHA256_PATTERN = r"^[0-9a-fA-F]{64}$"
SHA256_EXAMPLE = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"  # of "test"


# -- keys --------------------------------------------------------------------------------------
class KeyPublic(Schema):
    key_id: str = Field(examples=["lr_Ab3dE9xZ"])
    role: Role
    org: str = Field(examples=["bank-a"])
    scopes: list[str] = Field(examples=[["pii"]])
    label: str | None = None
    created: str
    revoked: str | None = None


# -- consents ----------------------------------------------------------------------------------
class ConsentCreate(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "org": "bank-a",
                    "uscc": USCC_EXAMPLE,
                    "purpose": "credit_application",
                    "valid_from": "2025-01-01",
                    "valid_until": "2025-12-31",
                    "evidence_sha256": SHA256_EXAMPLE,
                    "evidence_date": "2024-12-30",
                    "reference": "授权书-2025-0001",
                }
            ]
        },
    )
    org: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        description="the lender organisation; required for admin keys, and a lender key's own"
        " organisation (the default) for lender keys",
    )
    uscc: str = Field(pattern=USCC_PATTERN)
    purpose: Purpose
    valid_from: date
    valid_until: date
    evidence_sha256: str = Field(
        pattern=SHA256_PATTERN,
        description="SHA-256 of the signed authorisation document (授权书), kept by the lender",
    )
    evidence_date: date = Field(description="the day the authorisation was signed")
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
    evidence_sha256: str | None = Field(description="null only for consents recorded before")
    evidence_date: date | None
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
    auth: str | None = Field(
        None,
        description="what the presented key was: valid, revoked, wrong-secret, unknown, malformed,"
        " missing, or unchecked (refused before it was looked at); null in older records",
    )
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
    legacy_upto: int = Field(
        description="records 1 to this one predate the keyed chain (public SHA-256); 0 if none"
    )
    checkpoints: int = Field(description="signed checkpoints found outside the database")
    checkpoint_seq: int | None = Field(description="the record the last checkpoint anchors")
    checkpoint_ts: str | None = Field(description="when the last checkpoint was written")
