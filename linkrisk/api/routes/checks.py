"""Batch credit checks (信用核查) for government users: regulators and investigators.

Organisations are checked by USCC; persons by resident ID number, for regulator keys only.
Lists below ``settings.check_job_threshold`` entries are answered at once; longer ones become
a background job to poll and download (JSON or CSV). A job's results are read by the roles
that may create such a job in its organisation, or by admins; they expire (410 Gone) after
``settings.check_job_retention_days`` or when the organisation's quota needs the room.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, JSONResponse, Response

from linkrisk.api.auth import Role
from linkrisk.api.checks import check_entries, organisation_entries, person_entries
from linkrisk.api.deps import AppServices, AppState, Checker, Context, JobReader
from linkrisk.api.jobs import JobInfo
from linkrisk.api.routes import may_answer
from linkrisk.api.schemas import CheckCreate, CheckPublic, CheckResult, JobList, JobPublic
from linkrisk.errors import Forbidden

router = APIRouter(prefix="/v1", tags=["checks"])


def job_public(job: JobInfo) -> JobPublic:
    base = f"/v1/checks/{job.job_id}"
    return JobPublic(
        job_id=job.job_id,
        status=job.status,
        total=job.total,
        done=job.done,
        progress=round(job.done / job.total, 4) if job.total else 1.0,
        snapshot=job.snapshot_id,
        created=job.created,
        finished=job.finished,
        error=job.error,
        links={
            "self": base,
            "json": f"{base}/result?format=json",
            "csv": f"{base}/result?format=csv",
        },
    )


@router.post(
    "/checks",
    summary="Check a list of organisations (USCC) or persons (ID number, regulators only)",
    response_model=CheckPublic,
    responses={
        202: {"model": JobPublic, "description": "a long list: accepted as a background job"}
    },
)
def create_check(
    body: CheckCreate, key: Checker, state: AppState, services: AppServices, ctx: Context
) -> CheckPublic | JSONResponse:
    if body.id_numbers and key.role is not Role.REGULATOR:
        raise Forbidden(
            "checks by resident ID number are for regulator keys only", role=key.role.value
        )
    entries = organisation_entries(body.usccs)
    entries += person_entries(
        body.id_numbers,
        services.settings.id_hash_key.get_secret_value().encode(),
        start=len(entries),
    )
    ctx.touch(*(e.sid for e in entries if e.sid is not None))
    if len(entries) >= services.settings.check_job_threshold:
        job = services.jobs.submit(key, state, entries)
        public = job_public(job)
        return JSONResponse(
            public.model_dump(mode="json"),
            status_code=202,
            headers={"Location": public.links["self"]},
        )
    results = check_entries(state, entries, services.tier_labels)
    return CheckPublic(
        snapshot=state.version,
        as_of=state.as_of,
        total=len(results),
        results=[CheckResult(**r) for r in results],
    )


@router.get("/checks", summary="The check jobs the caller may read, newest first")
def check_jobs(key: JobReader, services: AppServices) -> JobList:
    jobs = services.jobs.visible(key)
    return JobList(items=[job_public(j) for j in jobs], total=len(jobs))


@router.get(
    "/checks/{job_id}",
    summary="A check job's status and progress",
    responses=may_answer(404, 410),
)
def check_job(job_id: str, key: JobReader, services: AppServices) -> JobPublic:
    return job_public(services.jobs.get(job_id, key))


@router.get(
    "/checks/{job_id}/result",
    summary="A finished check job's result (JSON or CSV)",
    response_class=Response,
    responses={
        200: {
            "description": "the results",
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        },
        **may_answer(404, 409, 410),
    },
)
def check_result(
    job_id: str,
    key: JobReader,
    services: AppServices,
    format: Annotated[Literal["json", "csv"], Query(description="file format")] = "json",
) -> Response:
    path = services.jobs.result_file(job_id, key, format)
    media = "application/json" if format == "json" else "text/csv; charset=utf-8"
    return FileResponse(path, media_type=media, filename=f"{job_id}.{format}")
