"""Regulators: 双随机、一公开 sampling plans (the registry and matters: ``registry.py``).

A plan moves created → drawn → assigned → results → published; each step is one call here,
run by ``linkrisk.sampling`` in the API's helper process. The draw can be re-derived
by anyone from the published material (``/verify``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from linkrisk.api import plan_ops
from linkrisk.api.deps import AppServices, AppSettings, Context, Graph, Regulator, Store
from linkrisk.api.routes import may_answer
from linkrisk.api.schemas import (
    AssignCreate,
    DrawCreate,
    PickPublic,
    PlanCreate,
    PlanProgress,
    PlanPublic,
    PublicationPublic,
    PublishCreate,
    ReassignCreate,
    ReassignmentPublic,
    ResultsCreate,
    SelectionList,
    TeamList,
    TeamPublic,
    VerificationPublic,
)
from linkrisk.errors import Conflict, NotFound
from linkrisk.sampling import (
    PlanBook,
    PlanParams,
    Scope,
    parse_ratio,
    read_public,
    verify_plan,
    verify_public,
)
from linkrisk.sampling.params import DEFAULT_KINDS, DEFAULT_RATIOS, DEFAULT_STATUSES, TIERS
from linkrisk.sampling.progress import plan_progress

router = APIRouter(prefix="/v1", tags=["regulators"])

Limit = Annotated[int, Query(ge=1, le=10_000)]
Offset = Annotated[int, Query(ge=0)]
PUBLICATION_FILES = {
    "plan_csv": ".plan.csv",
    "results_csv": ".results.csv",
    "xlsx": ".xlsx",
    "announce_json": ".announce.json",
    "verify_json": ".verify.json",
}
FileKind = Literal["plan_csv", "results_csv", "xlsx", "announce_json", "verify_json"]


def plan_params(body: PlanCreate) -> PlanParams:
    """The sampling package's parameters (validated there: ``InputError`` → 422)."""
    ratios = list(DEFAULT_RATIOS)
    minimums = [0, 0, 0, 0]
    for tier, text in body.ratios.items():
        ratios[TIERS.index(tier)] = parse_ratio(text)
    for tier, least in body.minimums.items():
        minimums[TIERS.index(tier)] = least
    return PlanParams(
        plan_id=body.plan_id,
        name=body.name,
        departments=tuple(body.departments),
        matters=tuple(body.matters),
        inspect_start=body.inspect_start,
        inspect_end=body.inspect_end,
        scope=Scope(
            region_prefix=body.region_prefix,
            industry_prefixes=tuple(body.industry_prefixes),
            kinds=tuple(body.kinds or DEFAULT_KINDS),
            statuses=tuple(body.statuses or DEFAULT_STATUSES),
        ),
        ratios=tuple(ratios),
        minimums=tuple(minimums),
        abnormal_from=tuple(body.abnormal_from),
        extended_hops=body.extended_hops,
        recent_days=body.recent_days,
        once_per_year=body.once_per_year,
        team_size=body.team_size,
        max_per_inspector=body.max_per_inspector,
        joint=body.joint,
    )


@router.get("/plans", summary="All sampling plans")
async def plans(_: Regulator, store: Store) -> list[PlanPublic]:
    return [PlanPublic(**r.summary()) for r in PlanBook(store).all()]


@router.post(
    "/plans",
    status_code=201,
    summary="Create a plan: frame by tier, digests, seed commitment",
    responses=may_answer(409),
)
async def create_plan(body: PlanCreate, _: Regulator, services: AppServices) -> PlanPublic:
    params = plan_params(body)
    seed = {
        "seed": body.seed,
        "public_seed": body.public_seed,
        "seed_commitment": body.seed_commitment,
    }
    summary = await services.plan_worker.run(
        plan_ops.create, services.settings, params.to_dict(), seed
    )
    return PlanPublic(**summary)


@router.get("/plans/{plan_id}", summary="One plan's public summary")
async def plan(plan_id: str, _: Regulator, store: Store) -> PlanPublic:
    return PlanPublic(**PlanBook(store).get(plan_id).summary())


@router.post(
    "/plans/{plan_id}/draw",
    summary="Reveal the seed and draw the subjects",
    responses=may_answer(409),
)
async def draw(plan_id: str, body: DrawCreate, _: Regulator, services: AppServices) -> PlanPublic:
    summary = await services.plan_worker.run(plan_ops.draw, services.settings, plan_id, body.seed)
    return PlanPublic(**summary)


@router.get("/plans/{plan_id}/selection", summary="The drawn subjects, in published order")
async def selection(
    plan_id: str, _: Regulator, store: Store, ctx: Context, limit: Limit = 1000, offset: Offset = 0
) -> SelectionList:
    picks = PlanBook(store).selection(plan_id)
    page = picks[offset : offset + limit]
    ctx.touch(*(p.sid for p in page))
    return SelectionList(
        items=[
            PickPublic(rank=p.rank, sid=p.sid, tier=p.tier, how=p.how, reason=p.reason)
            for p in page
        ],
        total=len(picks),
        limit=limit,
        offset=offset,
    )


@router.post(
    "/plans/{plan_id}/assign",
    summary="Draw inspector teams, skipping conflicts (回避)",
    responses=may_answer(409),
)
async def assign(
    plan_id: str, _: Regulator, services: AppServices, body: AssignCreate | None = None
) -> PlanPublic:
    accept = bool(body and body.accept_unassigned)
    summary = await services.plan_worker.run(plan_ops.assign, services.settings, plan_id, accept)
    return PlanPublic(**summary)


@router.post(
    "/plans/{plan_id}/reassign",
    summary="Redraw inspector teams with a reason; the first draw's record is kept",
    responses=may_answer(409),
)
async def reassign(
    plan_id: str, body: ReassignCreate, _: Regulator, services: AppServices, ctx: Context
) -> ReassignmentPublic:
    if body.sid:
        ctx.touch(body.sid)
    done = await services.plan_worker.run(
        plan_ops.reassign,
        services.settings,
        plan_id,
        body.reason,
        body.sid,
        body.accept_unassigned,
    )
    return ReassignmentPublic(**done)


@router.get("/plans/{plan_id}/teams", summary="Inspector teams per drawn subject")
async def teams(
    plan_id: str, _: Regulator, store: Store, ctx: Context, limit: Limit = 1000, offset: Offset = 0
) -> TeamList:
    found = PlanBook(store).teams(plan_id)
    page = found[offset : offset + limit]
    ctx.touch(*(t.sid for t in page))
    return TeamList(
        items=[
            TeamPublic(
                rank=t.rank,
                sid=t.sid,
                status=t.status,
                inspectors=list(t.inspectors),
                skips=[(i, r) for i, r in t.skips],
            )
            for t in page
        ],
        total=len(found),
        limit=limit,
        offset=offset,
    )


@router.post(
    "/plans/{plan_id}/results",
    summary="Record inspection results (abnormal ones become events)",
    responses=may_answer(409),
)
async def record_results(
    plan_id: str, body: ResultsCreate, _: Regulator, services: AppServices, ctx: Context
) -> dict[str, int]:
    ctx.touch(*(e.sid for e in body.entries))
    entries = [e.model_dump(mode="json") for e in body.entries]
    return await services.plan_worker.run(plan_ops.record, services.settings, plan_id, entries)


@router.post(
    "/plans/{plan_id}/publish",
    summary="Write the 公示 files (personal data masked)",
    responses=may_answer(409),
)
async def publish(
    plan_id: str, _: Regulator, services: AppServices, body: PublishCreate | None = None
) -> PublicationPublic:
    partial = body.partial if body else None
    paths = await services.plan_worker.run(plan_ops.publish, services.settings, plan_id, partial)
    files = {
        kind: f"/v1/plans/{plan_id}/publication/{kind}"
        for kind in PUBLICATION_FILES
        if kind in paths
    }
    return PublicationPublic(plan_id=plan_id, due_date=paths["due_date"], files=files)


@router.get(
    "/plans/{plan_id}/publication/{kind}",
    summary="Download a publication file",
    response_class=FileResponse,
    responses={
        200: {
            "description": "the file",
            "content": {
                "text/csv": {},
                "application/json": {},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
            },
        },
        **may_answer(409),
    },
)
async def publication(
    plan_id: str, kind: FileKind, _: Regulator, store: Store, settings: AppSettings
) -> FileResponse:
    record = PlanBook(store).get(plan_id)
    if record.status.value != "published" and kind != "announce_json":
        raise Conflict(
            f"plan {plan_id} is {record.status.value}, not published",
            status_now=record.status.value,
        )
    # the one place of publications, whoever published (CLI, API, `linkrisk demo`)
    path = settings.publication_dir / plan_id / f"{plan_id}{PUBLICATION_FILES[kind]}"
    if not path.exists():
        raise NotFound(f"the {kind} file of plan {plan_id} is missing: publish it again")
    return FileResponse(path, filename=path.name)


@router.get(
    "/plans/{plan_id}/verify",
    summary="Verify a plan: from its public files alone (public) or its sealed frame (auditor)",
    responses=may_answer(409),
)
async def verify(
    plan_id: str,
    _: Regulator,
    store: Store,
    settings: AppSettings,
    level: Literal["public", "auditor"] = "auditor",
) -> VerificationPublic:
    if level == "public":
        path = settings.publication_dir / plan_id / f"{plan_id}.verify.json"
        if not path.exists():
            raise Conflict(f"plan {plan_id} has no public verification file: publish it first")
        report = verify_public(read_public(path))
    else:
        report = verify_plan(PlanBook(store), plan_id)
    return VerificationPublic(
        plan_id=report.plan_id,
        level=level,
        checks=report.checks,
        selected=report.selected,
        teams=report.teams,
    )


@router.get(
    "/plans/{plan_id}/progress",
    summary="Results entered so far: assigned subjects with results, per team and per matter",
)
def progress(plan_id: str, _: Regulator, store: Store, graph: Graph) -> PlanProgress:
    return PlanProgress.model_validate(plan_progress(PlanBook(store), graph, plan_id))
