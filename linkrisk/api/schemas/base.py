"""What every request and response body builds on: the strict ``Schema`` (unknown fields
are an error), the lenient ``Mirror`` of the graph and models packages' dataclasses, RFC 9457
``Problem`` details, and the constrained types and the synthetic USCC example the families share.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

TierLetter = Literal["A", "B", "C", "D"]
USCC_PATTERN = r"^[0-9A-HJ-NP-RT-UW-Ya-hj-np-rt-uw-y]{18}$"  # GB 32100 alphabet (check char aside)
Text = Annotated[str, Field(min_length=1, max_length=100, pattern=r"\S")]
USCC_EXAMPLE = "91320102MA1XYZ1234"  # synthetic, not a real firm


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
                    f" {USCC_EXAMPLE}, purpose credit_application: none on record",
                    "instance": f"/v1/scores/{USCC_EXAMPLE}",
                    "org": "bank-a",
                    "subject": USCC_EXAMPLE,
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
