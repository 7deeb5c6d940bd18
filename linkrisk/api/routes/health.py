"""Liveness, readiness, and the documentation of problem types (no key needed)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from linkrisk.api.deps import AppServices
from linkrisk.api.problems import problem_types
from linkrisk.api.schemas import Health, Problem, Readiness
from linkrisk.errors import NotFound, NotReady

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is alive")
async def healthz() -> Health:
    return Health()


@router.get(
    "/readyz",
    summary="A snapshot and its scores are loaded",
    responses={
        503: {
            "model": Problem,
            "description": "not ready: no snapshot or scores yet, or the graph store is down",
        }
    },
)
async def readyz(services: AppServices) -> Readiness:
    ping = getattr(services.graph, "ping", None)  # a graph store on a server (Neo4j)
    if ping is not None:
        await run_in_threadpool(ping)  # StoreUnavailable: 503, not ready
    holder = services.holder
    holder.poll()
    state = holder.state
    if state is None:
        raise NotReady(holder.last_error or "no snapshot and scores are loaded yet")
    return Readiness(
        snapshot=state.version,
        as_of=state.as_of,
        model_version=state.scores.model_version,
        subjects=state.snapshot.n,
        indexed_names=state.search.size,
    )


@router.get("/problems", summary="Every problem type the API answers with")
async def list_problem_types() -> dict[str, dict[str, Any]]:
    return problem_types()


@router.get(
    "/problems/{slug}",
    summary="One problem type",
    responses={404: {"model": Problem, "description": "unknown problem type"}},
)
async def get_problem_type(slug: str) -> dict[str, Any]:
    types = problem_types()
    if slug not in types:
        raise NotFound(f"no problem type {slug!r}")
    return {"type": f"/problems/{slug}", **types[slug]}
