"""Liveness and readiness bodies (``/healthz``, ``/readyz``): readiness names the snapshot,
model version and counts being served."""

from __future__ import annotations

from datetime import date
from typing import Literal

from linkrisk.api.schemas.base import Schema


# -- health ------------------------------------------------------------------------------------
class Health(Schema):
    status: Literal["ok"] = "ok"


class Readiness(Schema):
    status: Literal["ready"] = "ready"
    snapshot: str
    as_of: date
    model_version: str
    subjects: int
    indexed_names: int
