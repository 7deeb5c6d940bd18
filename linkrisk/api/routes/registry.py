"""Investigators: a subject's registration (工商信息), its history by date, a person's page.

Thin routes over ``linkrisk.api.registry``; every subject key an answer reveals is recorded in
the audit log, persons are masked without the ``pii`` scope.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from linkrisk.api.beneficial import owners_view, verification_view
from linkrisk.api.deps import AppServices, AppState, Context, Graph, Investigator, Store
from linkrisk.api.registry import diff_view, history_view, person_view, registry_view
from linkrisk.api.resolving import candidates
from linkrisk.api.routes import may_answer
from linkrisk.api.scan import ALERTS_LISTED, alerts_section, scan_view
from linkrisk.api.schemas.registry import (
    BeneficialOwnersPublic,
    DiffPublic,
    HistoryPublic,
    PersonPagePublic,
    RegistryPublic,
    ResolvedPublic,
    RiskScanPublic,
    VerificationCreate,
    VerificationPublic,
)
from linkrisk.errors import InputError
from linkrisk.graph.queries.beneficial import FiledOwner
from linkrisk.graph.queries.protocol import MAX_RISK_HOPS
from linkrisk.loaders.identifiers import check_resident_id, person_sid

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
    store: Store,
    ctx: Context,
    hops: Annotated[int, Query(ge=1, le=MAX_RISK_HOPS)] = 2,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> RiskScanPublic:
    ctx.touch(sid)
    data, seen = scan_view(state, graph, sid, hops, limit, key.has_scope("pii"))
    data["sections"].append(alerts_section(store, key.org, sid, min(limit, ALERTS_LISTED)))
    ctx.touch(*seen)
    return RiskScanPublic.model_validate(data)


@router.get(
    "/subjects/{sid}/beneficial-owners",
    summary="受益所有人 (2024 办法): ≥ 25% integrated or control, else the manager; rules, paths",
)
def beneficial(
    sid: str,
    key: Investigator,
    state: AppState,
    graph: Graph,
    services: AppServices,
    ctx: Context,
    threshold: Annotated[float | None, Query(gt=0, le=1, description="default: settings")] = None,
) -> BeneficialOwnersPublic:
    ctx.touch(sid)
    default = services.settings.beneficial_owner_threshold
    data, seen = owners_view(state, graph, sid, key.has_scope("pii"), default, threshold)
    ctx.touch(*seen)
    return BeneficialOwnersPublic.model_validate(data)


@router.post(
    "/subjects/{sid}/beneficial-owners/verification",
    summary="备案核验: compare the beneficial owners a firm filed with the computed ones",
)
def verification(
    sid: str,
    body: VerificationCreate,
    key: Investigator,
    state: AppState,
    graph: Graph,
    services: AppServices,
    ctx: Context,
) -> VerificationPublic:
    ctx.touch(sid)
    secret = services.settings.id_hash_key.get_secret_value().encode()
    filed = []
    for i, item in enumerate(body.filed):
        if item.id_number:
            number = item.id_number.strip().upper()
            if check_resident_id(number) is not None:
                raise InputError(f"filed[{i}].id_number does not check", field="id_number")
            filed.append(FiledOwner(person_sid(number, secret), item.name, item.share))
        elif item.person:
            filed.append(FiledOwner(item.person.strip(), item.name, item.share))
        else:
            raise InputError(f"filed[{i}] needs a person key or an id_number", field="filed")
    default = services.settings.beneficial_owner_threshold
    data, seen = verification_view(state, graph, sid, filed, key.has_scope("pii"), default)
    ctx.touch(*seen)
    return VerificationPublic.model_validate(data)
