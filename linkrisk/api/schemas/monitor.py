"""Monitoring (监控): watches, alerts, webhooks (the ``monitoring`` tag)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from linkrisk.api.schemas.base import USCC_EXAMPLE, Mirror, Schema

KINDS_DESCRIPTION = (
    "changes that matter: event, tier, ownership, officer, status, or event:<type>"
    " (e.g. event:dishonest_debtor); all when omitted. A lender key: event, tier, status"
)


class WatchCreate(Schema):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"sid": USCC_EXAMPLE, "depth": 2, "kinds": ["event", "status"]}]
        },
    )
    sid: str = Field(min_length=1, max_length=40, description="USCC or person key P…")
    depth: int = Field(1, ge=0, le=3, description="links around the subject (a lender key: 0)")
    kinds: list[str] = Field(default_factory=list, max_length=20, description=KINDS_DESCRIPTION)
    label: str | None = Field(None, max_length=200)


class WatchPublic(Mirror):
    org: str
    sid: str
    depth: int
    kinds: list[str]
    label: str | None
    created: str
    created_by: str | None


class PathLink(Mirror):
    type: Literal["HOLDS", "OFFICER", "BRANCH"]
    source: str = Field(alias="from", serialization_alias="from")
    to: str


class AlertPath(Mirror):
    nodes: list[str] = Field(description="from the watched subject to where the change happened")
    links: list[PathLink]


class AlertPublic(Mirror):
    alert_id: int
    watch_sid: str = Field(description="the watched subject")
    sid: str = Field(description="the subject the change happened to")
    kind: str
    change: dict[str, Any]
    path: AlertPath
    distance: int
    snapshot: str
    previous: str
    created: str
    acked: str | None
    acked_by: str | None


class AlertList(Schema):
    items: list[AlertPublic]
    next_after: int | None = Field(description="pass as ?after= for the next page")
    open: int = Field(description="the organisation's unacknowledged alerts")


AlertId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class AlertAck(Schema):
    alert_ids: list[AlertId] = Field(min_length=1, max_length=500)


class AlertAckResult(Schema):
    acknowledged: int
    open: int


class AlertCount(Schema):
    open: int


class WebhookCreate(Schema):
    url: str = Field(min_length=8, max_length=2000, examples=["https://bank.example/linkrisk"])


class WebhookPublic(Mirror):
    webhook_id: str
    org: str
    url: str
    created: str
    secret: str | None = Field(
        None, description="HMAC-SHA256 signing secret: shown once, when the webhook is added"
    )
