"""The personal credit score (商鼎分 style) behind the person's own authorisation.

A window or lender key reads the score of a person (by resident ID number, hashed on arrival)
or an individual business (by USCC) only with an active consent of its organisation for the
purpose ``personal_score``; the consent is checked before the subject is even looked up, and a
refusal names the subject by its key (a hash for a person), never the number. Consents for
persons are recorded by admin keys (any organisation) and window keys (their own).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import Field

from linkrisk.api.auth import ApiKey, Role
from linkrisk.api.consent import Purpose, create_consent
from linkrisk.api.deps import AppServices, AppState, Context, allow
from linkrisk.api.measures import window_subject
from linkrisk.api.routes import may_answer
from linkrisk.api.schemas.base import Schema
from linkrisk.api.schemas.window import WindowCheckCreate
from linkrisk.errors import Forbidden, InputError, NotFound
from linkrisk.graph.relations import KIND_CODES
from linkrisk.incentives.commitment_book import CommitmentBook
from linkrisk.incentives.personal import PointRules, load_point_rules, personal_score
from linkrisk.loaders.identifiers import mask_id

router = APIRouter(prefix="/v1", tags=["personal score"])
Reader = Annotated[ApiKey, Depends(allow(Role.WINDOW, Role.LENDER))]
Keeper = Annotated[ApiKey, Depends(allow(Role.ADMIN, Role.WINDOW))]


@lru_cache(maxsize=4)
def rules_of(path: Path | None) -> PointRules:
    return load_point_rules(path)


class PersonalScoreCreate(WindowCheckCreate):
    scenario: None = None  # not used here


class PersonalConsentCreate(Schema):
    org: str | None = Field(None, min_length=1, max_length=100, description="admin keys only")
    id_number: str = Field(min_length=1, max_length=40, description="hashed on arrival")
    valid_from: date
    valid_until: date
    evidence_sha256: str = Field(min_length=64, max_length=64)
    evidence_date: date
    reference: str | None = Field(None, max_length=100)


@router.post(
    "/personal-scores",
    summary="A person's (or individual business's) credit score, with its consent",
    responses=may_answer(404),
)
def get_personal_score(
    body: PersonalScoreCreate, key: Reader, state: AppState, services: AppServices, ctx: Context
) -> JSONResponse:
    id_key = services.settings.id_hash_key.get_secret_value().encode()
    subject = window_subject(body.uscc, body.id_number, id_key)
    ctx.touch(subject.sid)
    ctx.purpose = Purpose.PERSONAL_SCORE.value
    consent_id = services.consents.require(
        key.org, subject.sid, Purpose.PERSONAL_SCORE, date.today()
    )
    node = state.snapshot.try_index(subject.sid)
    if node is None:
        raise NotFound(f"no record of subject {subject.query} in snapshot {state.version}")
    kind = state.snapshot.nodes["kind"][node]
    name = KIND_CODES[int(kind)].value if 0 <= int(kind) < len(KIND_CODES) else "unknown"
    if name not in ("person", "individual_business"):
        raise InputError("personal scores are for persons and individual businesses", field="uscc")
    commitments = CommitmentBook(services.store).listed(date.today(), subject=subject.sid)
    result = personal_score(
        rules_of(services.settings.personal_points), state.snapshot, node, commitments
    )
    return JSONResponse(
        {"subject": subject.query, "kind": name, "consent_id": consent_id, **result}
    )


@router.post(
    "/personal-consents", summary="Record a person's authorisation of their score", status_code=201
)
def create_personal_consent(
    body: PersonalConsentCreate, key: Keeper, services: AppServices, ctx: Context
) -> JSONResponse:
    if key.role is not Role.ADMIN and body.org not in (None, key.org):
        raise Forbidden(f"a window key records consents for its own organisation ({key.org})")
    consent = create_consent(
        services.store,
        org=body.org or key.org,
        sid=body.id_number,
        purpose=Purpose.PERSONAL_SCORE,
        valid_from=body.valid_from,
        valid_until=body.valid_until,
        evidence_sha256=body.evidence_sha256,
        evidence_date=body.evidence_date,
        reference=body.reference,
        created_by=key.key_id,
        person_key=services.settings.id_hash_key.get_secret_value().encode(),
    )
    ctx.touch(consent.sid)
    return JSONResponse(
        {
            "consent_id": consent.consent_id,
            "org": consent.org,
            "subject": mask_id(body.id_number.strip().upper()),
            "purpose": consent.purpose.value,
            "valid_from": consent.valid_from.isoformat(),
            "valid_until": consent.valid_until.isoformat(),
        },
        status_code=201,
    )
