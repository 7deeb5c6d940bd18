"""Investigators: a subject's registration (工商信息), its history by date, a person's page.

Thin routes over ``linkrisk.api.registry``; every subject key an answer reveals is recorded in
the audit log, persons are masked without the ``pii`` scope.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from linkrisk.api.deps import AppServices, AppState, Context, Graph, Investigator
from linkrisk.api.registry import diff_view, history_view, person_view, registry_view
from linkrisk.api.resolving import candidates
from linkrisk.api.routes import may_answer
from linkrisk.api.scan import scan_view
from linkrisk.api.schemas.registry import (
    DiffPublic,
    HistoryPublic,
    PersonPagePublic,
    RegistryPublic,
    ResolvedPublic,
    RiskScanPublic,
)
from linkrisk.graph.queries.protocol import MAX_RISK_HOPS

router = APIRouter(prefix="/v1", tags=["investigators"])


@router.get(
    "/subjects/{sid}/registry",
    summary="工商信息: 法定代表人, 股东 (认缴, 出资日期, 持股比例), 主要人员, 对外投资,"
    " 分支机构, 变更记录",
)
def registry(
    sid: str,
    key: Investigator,
    state: AppState,
    graph: Graph,
    services: AppServices,
    ctx: Context,
) -> RegistryPublic:
    ctx.touch(sid)
    data, seen = registry_view(
        state, graph, services.settings.snapshot_dir, sid, key.has_scope("pii")
    )
    ctx.touch(*seen)
    return RegistryPublic.model_validate(data)


@router.get(
    "/subjects/{sid}/history",
    summary="The subject on every snapshot date and the changes between consecutive dates",
)
def subject_history(
    sid: str,
    key: Investigator,
    state: AppState,
    graph: Graph,
    services: AppServices,
    ctx: Context,
) -> HistoryPublic:
    ctx.touch(sid)
    data, seen = history_view(
        state, graph, services.settings.snapshot_dir, sid, key.has_scope("pii")
    )
    ctx.touch(*seen)
    return HistoryPublic.model_validate(data)


@router.get(
    "/subjects/{sid}/history/diff",
    summary="Shareholders, officers and status as of two dates, and who entered, left or changed",
)
def subject_diff(
    sid: str,
    key: Investigator,
    state: AppState,
    graph: Graph,
    services: AppServices,
    ctx: Context,
    first: Annotated[date, Query(alias="from", description="the earlier date")],
    second: Annotated[date, Query(alias="to", description="the later date")],
) -> DiffPublic:
    ctx.touch(sid)
    data, seen = diff_view(
        state, graph, services.settings.snapshot_dir, sid, first, second, key.has_scope("pii")
    )
    ctx.touch(*seen)
    return DiffPublic.model_validate(data)


@router.get(
    "/persons/{sid}",
    summary="A person's page: every firm linked by role or holding, with status and tier",
)
def person_page(
    sid: str, key: Investigator, state: AppState, graph: Graph, ctx: Context
) -> PersonPagePublic:
    ctx.touch(sid)
    data, seen = person_view(state, graph, sid, key.has_scope("pii"))
    ctx.touch(*seen)
    return PersonPagePublic.model_validate(data)


@router.get(
    "/resolve",
    summary="Which subject a name, key or key prefix names, or the candidates when several fit",
    responses=may_answer(404),
)
def resolve(
    key: Investigator,
    state: AppState,
    graph: Graph,
    ctx: Context,
    q: Annotated[str, Query(min_length=1, max_length=100, description="name, key or key prefix")],
) -> ResolvedPublic:
    found = candidates(q, state, graph, key.has_scope("pii"))
    ctx.touch(*(c["sid"] for c in found))
    return ResolvedPublic(
        query=q,
        sid=found[0]["sid"] if len(found) == 1 else None,
        candidates=found,
    )


@router.get(
    "/subjects/{sid}/scan",
    summary="风险扫描: own records by type, listed subjects nearby by distance and relation",
)
def scan(
    sid: str,
    key: Investigator,
    state: AppState,
    graph: Graph,
    ctx: Context,
    hops: Annotated[int, Query(ge=1, le=MAX_RISK_HOPS)] = 2,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> RiskScanPublic:
    ctx.touch(sid)
    data, seen = scan_view(state, graph, sid, hops, limit, key.has_scope("pii"))
    ctx.touch(*seen)
    return RiskScanPublic.model_validate(data)
