"""The aggregate 50 % rule's answer (``linkrisk.graph.queries.exposure``), names added."""

from __future__ import annotations

from pydantic import Field

from linkrisk.api.schemas.base import Mirror
from linkrisk.api.schemas.graph import PathPublic


class ListedOwnerPublic(Mirror):
    sid: str
    kind: str | None
    name: str | None = None
    share: float = Field(description="the sum of the shares its paths carry")
    paths: list[PathPublic]


class ExposureHitPublic(Mirror):
    sid: str
    kind: str | None
    name: str | None = None
    aggregate_share: float = Field(description="owned in aggregate by listed subjects (0–1)")
    listed: bool = Field(description="the subject is listed itself")
    owners: list[ListedOwnerPublic]
    paths_truncated: bool


class ExposurePublic(Mirror):
    threshold: float
    listed_count: int
    hits: list[ExposureHitPublic]
