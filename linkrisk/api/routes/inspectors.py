"""Regulators: the 抽查事项清单 and the 执法人员名录库 (add, update, retire — never delete).

Writes go through the API's helper process (``plan_ops.inspector``), like the plan steps.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from linkrisk.api import plan_ops
from linkrisk.api.deps import AppServices, AppSettings, Graph, Regulator
from linkrisk.api.routes import may_answer
from linkrisk.api.schemas import (
    InspectorCreate,
    InspectorList,
    InspectorPublic,
    InspectorUpdate,
    MatterList,
    MatterPublic,
)
from linkrisk.sampling import load_catalogue
from linkrisk.sampling.sources import read_inspectors

router = APIRouter(prefix="/v1", tags=["regulators"])

Limit = Annotated[int, Query(ge=1, le=10_000)]
Offset = Annotated[int, Query(ge=0)]


@router.get("/matters", summary="The 抽查事项清单: the matters a plan may name")
async def matters(_: Regulator, settings: AppSettings) -> MatterList:
    catalogue = load_catalogue(settings.sampling_matters)
    return MatterList(
        items=[
            MatterPublic(code=m.code, name=m.name, department=m.department, basis=m.basis)
            for m in sorted(catalogue.matters.values(), key=lambda m: m.code)
        ]
    )


def inspector_public(r: dict[str, Any]) -> InspectorPublic:
    return InspectorPublic(
        inspector_id=r["inspector_id"],
        name=r["name"],
        id_masked=r["id_masked"],
        department=r["department"],
        region=r["region"],
        qualifications=[q for q in (r["qualifications"] or "").split(";") if q],
        active=r["active"],
    )


@router.get(
    "/dashboard/tiers",
    summary="分类 dashboard: subjects per risk tier by region or industry, and each plan's"
    " sample over them (internal: regulators only)",
)
async def tier_dashboard(
    _: Regulator, services: AppServices, by: Literal["region", "industry"] = "region"
) -> dict[str, Any]:
    return await services.plan_worker.run(plan_ops.dashboard, services.settings, by)


@router.post(
    "/inspectors",
    status_code=201,
    summary="Add an inspector to the 执法人员名录库",
    responses=may_answer(409),
)
async def add_inspector(
    body: InspectorCreate, _: Regulator, services: AppServices
) -> InspectorPublic:
    fields = body.model_dump(exclude={"inspector_id"})
    row = await services.plan_worker.run(
        plan_ops.inspector, services.settings, "add", body.inspector_id, fields
    )
    return inspector_public(row)


@router.patch(
    "/inspectors/{inspector_id}", summary="Update an inspector's department, qualifications"
)
async def update_inspector(
    inspector_id: str, body: InspectorUpdate, _: Regulator, services: AppServices
) -> InspectorPublic:
    fields = body.model_dump(exclude_unset=True)
    row = await services.plan_worker.run(
        plan_ops.inspector, services.settings, "update", inspector_id, fields
    )
    return inspector_public(row)


@router.post(
    "/inspectors/{inspector_id}/retire",
    summary="Retire an inspector (never deleted: past plans keep their record)",
    responses=may_answer(409),
)
async def retire_inspector(
    inspector_id: str, _: Regulator, services: AppServices
) -> InspectorPublic:
    row = await services.plan_worker.run(
        plan_ops.inspector, services.settings, "retire", inspector_id, {}
    )
    return inspector_public(row)


@router.get("/inspectors", summary="The inspector registry (执法检查人员名录库)")
async def inspectors(
    _: Regulator,
    graph: Graph,
    department: str | None = None,
    active: Annotated[
        bool | None, Query(description="only active (true) or inactive (false)")
    ] = None,
    limit: Limit = 1000,
    offset: Offset = 0,
) -> InspectorList:
    rows = [
        r
        for r in read_inspectors(graph).to_pylist()
        if (department is None or r["department"] == department)
        and (active is None or r["active"] is active)
    ]
    rows.sort(key=lambda r: r["inspector_id"])
    items = [inspector_public(r) for r in rows[offset : offset + limit]]
    return InspectorList(items=items, total=len(rows), limit=limit, offset=offset)
