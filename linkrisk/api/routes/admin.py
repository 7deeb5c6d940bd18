"""Administration: who am I, keys, consents (授权) for lenders, and the audit log.

Consents are the subjects' authorisations held by lenders: admin keys record, read and revoke
all of them; a lender key records and reads its own organisation's (another's are 403 to name,
404 to fetch — their existence is not told); regulators and investigators have no access.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool

from linkrisk.api.audit_verify import verify_audit
from linkrisk.api.auth import ApiKey, Role, list_keys
from linkrisk.api.consent import Consent, create_consent, get_consent, list_consents, revoke_consent
from linkrisk.api.deps import Admin, AnyRole, AppServices, ConsentKeeper, Context, Store
from linkrisk.api.routes import may_answer
from linkrisk.api.schemas import (
    AuditList,
    AuditRecordPublic,
    AuditVerification,
    ConsentCreate,
    ConsentList,
    ConsentPublic,
    KeyPublic,
)
from linkrisk.errors import Forbidden, InputError, NotFound

router = APIRouter(prefix="/v1", tags=["admin"])
SQLITE_MAX_INT = 2**63 - 1  # a larger sequence number cannot reach SQLite (OverflowError)

Limit = Annotated[int, Query(ge=1, le=1000, description="page size")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="rows to skip")]


def key_public(key: ApiKey) -> KeyPublic:
    return KeyPublic(
        key_id=key.key_id,
        role=key.role,
        org=key.org,
        scopes=sorted(key.scopes),
        label=key.label,
        created=key.created,
        revoked=key.revoked,
    )


def consent_public(c: Consent) -> ConsentPublic:
    return ConsentPublic(
        consent_id=c.consent_id,
        org=c.org,
        uscc=c.sid,
        purpose=c.purpose,
        valid_from=c.valid_from,
        valid_until=c.valid_until,
        reference=c.reference,
        created=c.created,
        created_by=c.created_by,
        revoked=c.revoked,
        revoked_by=c.revoked_by,
        evidence_sha256=c.evidence_sha256,
        evidence_date=c.evidence_date,
        active=c.active_on(date.today()),
    )


@router.get("/me", summary="The calling key: role, organisation, scopes")
async def me(key: AnyRole) -> KeyPublic:
    return key_public(key)


@router.get("/keys", summary="All API keys (never their secrets)")
async def keys(_: Admin, store: Store) -> list[KeyPublic]:
    return [key_public(k) for k in list_keys(store)]


def consent_org(key: ApiKey, org: str | None) -> str:
    """The organisation whose consents ``key`` works on: its own for a lender key (naming another
    is ``Forbidden``); the one named for an admin key (``InputError`` if none)."""
    if key.role is Role.LENDER:
        if org is not None and org.strip() != key.org:
            raise Forbidden(
                f"a lender key works on its own organisation's consents ({key.org}), not {org}'s",
                org=org,
            )
        return key.org
    if org is None or not org.strip():
        raise InputError("name the lender organisation of the consent (org)", field="org")
    return org


@router.post(
    "/consents",
    status_code=201,
    summary="Record a lender's consent (授权) for a subject, with the authorisation's evidence",
)
async def add_consent(
    body: ConsentCreate, key: ConsentKeeper, store: Store, ctx: Context
) -> ConsentPublic:
    ctx.touch(body.uscc)
    ctx.purpose = body.purpose.value
    consent = create_consent(
        store,
        org=consent_org(key, body.org),
        sid=body.uscc,
        purpose=body.purpose,
        valid_from=body.valid_from,
        valid_until=body.valid_until,
        evidence_sha256=body.evidence_sha256,
        evidence_date=body.evidence_date,
        reference=body.reference,
        created_by=key.key_id,
    )
    return consent_public(consent)


@router.get("/consents", summary="Consents, newest first (a lender key: its organisation's)")
async def consents(
    key: ConsentKeeper,
    store: Store,
    ctx: Context,
    org: str | None = None,
    uscc: str | None = None,
    active: Annotated[bool, Query(description="only those active today")] = False,
    limit: Limit = 100,
    offset: Offset = 0,
) -> ConsentList:
    if uscc:
        ctx.touch(uscc)
    items, total = list_consents(
        store,
        org=consent_org(key, org) if key.role is Role.LENDER else org,
        sid=uscc.strip().upper() if uscc else None,
        active_on=date.today() if active else None,
        limit=limit,
        offset=offset,
    )
    return ConsentList(
        items=[consent_public(c) for c in items], total=total, limit=limit, offset=offset
    )


@router.get("/consents/{consent_id}", summary="One consent (a lender key: its organisation's)")
async def consent(consent_id: str, key: ConsentKeeper, store: Store, ctx: Context) -> ConsentPublic:
    found = get_consent(store, consent_id)
    if key.role is Role.LENDER and found.org != key.org:
        raise NotFound(f"no consent with id {consent_id}")  # as for an unknown id
    ctx.touch(found.sid)
    return consent_public(found)


@router.post("/consents/{consent_id}/revoke", summary="Revoke a consent (the record is kept)")
async def revoke(consent_id: str, key: Admin, services: AppServices, ctx: Context) -> ConsentPublic:
    found = revoke_consent(services.store, consent_id, revoked_by=key.key_id)
    services.consents.forget()
    ctx.touch(found.sid)
    return consent_public(found)


@router.get("/audit", summary="Audit records in order (cursor: ?after=<last seq>)")
async def audit(
    _: Admin,
    services: AppServices,
    after: Annotated[
        int,
        Query(ge=0, le=SQLITE_MAX_INT, description="return records after this sequence number"),
    ] = 0,
    limit: Limit = 100,
) -> AuditList:
    records, total = services.audit.page(limit=limit, after_seq=after)
    items = [
        AuditRecordPublic(**{**r.body(), "prev_hash": r.prev_hash, "hash": r.hash}) for r in records
    ]
    next_after = records[-1].seq if len(records) == limit else None
    return AuditList(items=items, total=total, limit=limit, next_after=next_after)


@router.get(
    "/audit/verify",
    summary="Verify the audit log's keyed chain and checkpoints (409 problem naming the first"
    " bad record or checkpoint)",
    responses=may_answer(409),
)
async def audit_verify(_: Admin, services: AppServices) -> AuditVerification:
    summary = await run_in_threadpool(verify_audit, services.audit.path, services.audit.config)
    return AuditVerification(
        records=summary.records,
        head_seq=summary.head_seq,
        head_hash=summary.head_hash,
        legacy_upto=summary.legacy_upto,
        checkpoints=summary.checkpoints,
        checkpoint_seq=summary.checkpoint_seq,
        checkpoint_ts=summary.checkpoint_ts,
    )
