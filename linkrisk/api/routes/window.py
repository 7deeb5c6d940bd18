"""信易+ service windows (the 湘潭 model: identify → apply → feed back) and the measures' effect.

A ``window`` key checks one subject (a USCC, or a person's ID number, hashed on arrival) in a
scenario and records what it then did with each measure (applied, or overridden with the
reason); it runs batch lists as jobs. It sees outcomes, the facts the rules used and the legal
bases, nothing of the graph. Regulators read the catalogue, run batches and read the effect
report; admins read the catalogue and the report.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from linkrisk.api.auth import ApiKey, Role
from linkrisk.api.checks import person_entries
from linkrisk.api.deps import AppServices, AppState, Context, MeasureReader, Store, Window, allow
from linkrisk.api.measures import (
    MeasureChecks,
    facts_ready,
    organisation_list,
    window_check,
    window_subject,
)
from linkrisk.api.routes import may_answer
from linkrisk.api.routes.checks import job_public
from linkrisk.api.schemas import JobPublic
from linkrisk.api.schemas.window import (
    CommitmentList,
    EffectReport,
    FeedbackCreate,
    FeedbackPublic,
    MeasureBatchCreate,
    MeasureList,
    WindowCheckCreate,
    WindowCheckPublic,
)
from linkrisk.api.window_log import effect_report, record_check, record_feedback
from linkrisk.errors import InputError
from linkrisk.incentives.check import scenarios_of
from linkrisk.incentives.commitment_book import CommitmentBook
from linkrisk.incentives.commitments import STATE_WORDS, STATES, Commitment

router = APIRouter(prefix="/v1", tags=["windows"])

Batcher = Annotated[ApiKey, Depends(allow(Role.WINDOW, Role.REGULATOR))]
BatchReader = Annotated[ApiKey, Depends(allow(Role.WINDOW, Role.REGULATOR, Role.ADMIN))]
Reporter = Annotated[ApiKey, Depends(allow(Role.REGULATOR, Role.ADMIN))]


@router.get("/measures", summary="The catalogue of 信易+ / 联合奖惩 measures")
async def list_measures(
    key: MeasureReader,
    services: AppServices,
    scenario: Annotated[str | None, Query(max_length=40)] = None,
) -> MeasureList:
    cat = services.catalogue
    names = scenarios_of(cat, scenario)
    return MeasureList.model_validate(
        {
            "catalogue": cat.name,
            "version": cat.version,
            "illustrative": cat.illustrative,
            "digest": cat.digest,
            "scenarios": names,
            "measures": [m.public() for m in cat.measures if m.scenario in names],
        }
    )


@router.post(
    "/window/checks",
    summary="Which measures apply to a subject in a scenario, with the facts and legal basis",
    response_model=WindowCheckPublic,
    responses=may_answer(404),
)
async def create_window_check(
    body: WindowCheckCreate, key: Window, state: AppState, services: AppServices, ctx: Context
) -> JSONResponse:
    # on the event loop, like the lender's score (bench/measures.py): the rules read cached
    # arrays and the check's rows are one short SQLite insert; a thread-pool hop cost more
    id_key = services.settings.id_hash_key.get_secret_value().encode()
    subject = window_subject(body.uscc, body.id_number, id_key)
    ctx.touch(subject.sid)
    ctx.purpose = f"measures:{body.scenario or 'all'}"
    args = (services.catalogue, state, subject, body.scenario, services.store)
    if facts_ready(state):
        result = window_check(*args)
    else:  # the first check of a state builds the facts (seconds on a large city): off the loop
        result = await run_in_threadpool(window_check, *args)
    recorded = {**result, "subject": subject.sid}
    result["check_id"] = record_check(services.store, key, subject.query, recorded)
    return JSONResponse(result)


@router.post(
    "/window/feedback",
    summary="Record what the window did with a measure: applied, or overridden with the reason",
    status_code=201,
    responses=may_answer(404, 409),
)
def create_feedback(body: FeedbackCreate, key: Window, store: Store) -> FeedbackPublic:
    return FeedbackPublic.model_validate(
        record_feedback(
            store,
            key,
            check_id=body.check_id,
            scenario=body.scenario,
            measure_id=body.measure_id,
            action=body.action,
            reason=body.reason,
        )
    )


@router.post(
    "/window/batches",
    summary="Check a list of subjects against the scenarios as a background job (统查)",
    status_code=202,
)
def create_batch(
    body: MeasureBatchCreate, key: Batcher, state: AppState, services: AppServices, ctx: Context
) -> JSONResponse:
    runner = MeasureChecks(services.catalogue, body.scenarios, date.today(), services.store)
    entries = organisation_list(body.usccs)
    entries += person_entries(
        body.id_numbers,
        services.settings.id_hash_key.get_secret_value().encode(),
        start=len(entries),
    )
    ctx.touch(*(e.sid for e in entries if e.sid is not None))
    job = services.jobs.submit(key, state, entries, runner)
    public = _batch_public(job_public(job))
    return JSONResponse(
        public.model_dump(mode="json"), status_code=202, headers={"Location": public.links["self"]}
    )


def _batch_public(public: JobPublic) -> JobPublic:
    base = f"/v1/window/batches/{public.job_id}"
    links = {"self": base, "json": f"{base}/result?format=json", "csv": f"{base}/result?format=csv"}
    return public.model_copy(update={"links": links})


@router.get(
    "/window/batches/{job_id}", summary="A batch job's progress", responses=may_answer(404, 410)
)
def get_batch(job_id: str, key: BatchReader, services: AppServices) -> JobPublic:
    job = services.jobs.get(job_id, key)
    if job.kind != "measures":
        raise InputError(f"job {job_id} is not a measures batch", field="job_id")
    return _batch_public(job_public(job))


@router.get(
    "/window/batches/{job_id}/result",
    summary="A finished batch's outcomes (JSON or CSV)",
    responses=may_answer(404, 409, 410),
)
def get_batch_result(
    job_id: str,
    key: BatchReader,
    services: AppServices,
    format: Literal["json", "csv"] = "json",
) -> FileResponse:
    job = services.jobs.get(job_id, key)
    if job.kind != "measures":
        raise InputError(f"job {job_id} is not a measures batch", field="job_id")
    path = services.jobs.result_file(job_id, key, format)
    media = "application/json" if format == "json" else "text/csv; charset=utf-8"
    return FileResponse(path, media_type=media, filename=f"{job_id}.{format}")


@router.get("/commitments", summary="信用承诺 by status today: 在期 open, 履约 kept, 违诺 broken")
def list_commitments(
    key: Reporter,
    store: Store,
    status: Annotated[Literal["open", "kept", "broken"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
) -> CommitmentList:
    today = date.today()
    every = CommitmentBook(store).all()
    found = [c for c in every if status is None or c.state(today) == status]
    counts = {s: 0 for s in STATES}
    for c in every:
        counts[c.state(today)] += 1
    return CommitmentList.model_validate(
        {"on": today.isoformat(), "counts": counts, "total": len(found),
         "items": [commitment_public(c, today) for c in found[:limit]]}
    )  # fmt: skip


@router.get(
    "/measures/effect", summary="The measures' effect per scenario and period (守信激励报告)"
)
def get_effect(
    key: Reporter,
    store: Store,
    since: Annotated[date | None, Query(description="first day (default: 30 days ago)")] = None,
    until: Annotated[date | None, Query(description="last day (default: today)")] = None,
    scenario: Annotated[str | None, Query(max_length=40)] = None,
) -> EffectReport:
    until = until or date.today()
    since = since or until - timedelta(days=30)
    if since > until:
        raise InputError(f"since ({since}) is after until ({until})", field="since")
    return EffectReport.model_validate(effect_report(store, since, until, scenario))


def commitment_public(c: Commitment, day: date) -> dict[str, object]:
    state = c.state(day)
    return {
        "commitment_id": c.commitment_id,
        "subject": c.shown,
        "matter": c.matter,
        "content": c.content,
        "authority": c.authority,
        "committed": c.committed.isoformat(),
        "deadline": c.deadline.isoformat(),
        "fulfilled": c.fulfilled and c.fulfilled.isoformat(),
        "state": state,
        "state_label": STATE_WORDS[state],
        "breach_date": c.breach_date and c.breach_date.isoformat(),
        "breach_reason": c.breach_reason,
    }
