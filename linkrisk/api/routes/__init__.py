"""Routers: one module per kind of caller, plus health and problem-type documentation."""

from __future__ import annotations

from typing import Any

from linkrisk.api.problems import HTTP_PROBLEMS

EXTRA_TITLES = {409: "Conflict", 410: "Gone"}


def may_answer(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for problem statuses a route gives beyond the ones documented for all
    (``create_app`` renders every error response as problem+json)."""
    return {
        s: {"description": HTTP_PROBLEMS.get(s, ("", EXTRA_TITLES.get(s, "Error")))[1]}
        for s in statuses
    }
