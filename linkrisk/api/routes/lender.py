"""Lenders (信易贷 banks): a consented subject's score, tier and plain reasons — nothing else.

A lender states a purpose with every query and must hold an active consent for (its
organisation, the subject, that purpose); the consent is checked before the subject is even
looked up, so a lender cannot learn which firms exist without one. Refusals are audited too.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from linkrisk.api.consent import Purpose, active_consents, explain_missing
from linkrisk.api.deps import AppServices, AppState, Context, Lender, LenderCall, Store
from linkrisk.api.labels import reason_label
from linkrisk.api.privacy import safe_subject_key
from linkrisk.api.schemas import (
    USCC_PATTERN,
    ScoreBatchCreate,
    ScoreBatchItem,
    ScoreBatchPublic,
    ScorePublic,
)
from linkrisk.api.state import ServingState
from linkrisk.errors import ConsentRequired, InputError, NotFound
from linkrisk.loaders.identifiers import compact_code, organisation_problem

router = APIRouter(prefix="/v1", tags=["lenders"])


def valid_uscc(raw: str) -> str:
    code = compact_code(raw)
    problem = organisation_problem(code)
    if problem is not None:
        raise InputError(f"{safe_subject_key(code)!r} is not a valid USCC: {problem}", field="uscc")
    return code


def score_fields(
    state: ServingState, labels: dict[str, str], uscc: str, purpose: Purpose, consent_id: str
) -> dict[str, Any] | None:
    """The lender's view of one subject's score, as ``ScorePublic`` fields (None when the
    snapshot does not hold the subject)."""
    node = state.snapshot.try_index(uscc)
    if node is None:
        return None
    scores = state.scores
    letter = scores.tier_letter(node)
    return {
        "uscc": uscc,
        "score": round(float(scores.score[node]), 4),
        "tier": letter,
        "tier_label": labels.get(letter, letter),
        "as_of": state.as_of.isoformat(),
        "snapshot": state.version,
        "model_version": scores.model_version,
        "reasons": [{"code": c, "label": reason_label(c)} for c in scores.reason_codes(node)],
        "purpose": purpose.value,
        "consent_id": consent_id,
    }


@router.get(
    "/scores/{uscc}", summary="A consented subject's risk score", response_model=ScorePublic
)
async def get_score(
    uscc: Annotated[str, Path(pattern=USCC_PATTERN, description="统一社会信用代码")],
    purpose: Annotated[Purpose, Query(description="why the lender asks; the consent must name it")],
    call: LenderCall,
) -> JSONResponse:
    # The hot path (bench/api.py): a consent can only exist for a valid USCC (checked when it
    # was recorded), so the check characters are verified only when there is none; the answer
    # is built as plain data (its schema is ScorePublic, checked by the tests).
    code = uscc.strip().upper()
    call.ctx.touch(code)
    call.ctx.purpose = purpose.value
    try:
        consent_id = call.services.consents.require(call.key.org, code, purpose, date.today())
    except ConsentRequired:
        valid_uscc(code)
        raise
    state = call.state
    fields = score_fields(state, call.services.tier_labels, code, purpose, consent_id)
    if fields is None:
        raise NotFound(f"subject {code} is not in snapshot {state.version}")
    return JSONResponse(fields)


@router.post(
    "/scores:batch", summary="Scores of up to 1,000 subjects, with per-subject consent outcomes"
)
async def batch_scores(
    body: ScoreBatchCreate,
    key: Lender,
    state: AppState,
    store: Store,
    services: AppServices,
    ctx: Context,
) -> ScoreBatchPublic:
    ctx.purpose = body.purpose.value
    codes = [compact_code(c) for c in body.usccs]
    problems = {c: organisation_problem(c) for c in codes}
    valid = [c for c in codes if problems[c] is None]
    ctx.touch(*valid)
    today = date.today()
    consented = active_consents(store, key.org, valid, body.purpose, today)
    items = []
    for sent, code in zip(body.usccs, codes, strict=True):
        if problems[code] is not None:
            items.append(
                ScoreBatchItem(
                    uscc=safe_subject_key(sent.upper()),
                    outcome="invalid",
                    detail=f"not a valid USCC: {problems[code]}",
                )
            )
        elif code not in consented:
            why = explain_missing(store, key.org, code, body.purpose, today)
            items.append(
                ScoreBatchItem(
                    uscc=code, outcome="consent_required", detail=f"no active consent: {why}"
                )
            )
        else:
            fields = score_fields(state, services.tier_labels, code, body.purpose, consented[code])
            if fields is None:
                items.append(
                    ScoreBatchItem(uscc=code, outcome="not_found", detail="not in the snapshot")
                )
            else:
                items.append(ScoreBatchItem(uscc=code, outcome="ok", score=ScorePublic(**fields)))
    counts: dict[str, int] = {}
    for item in items:
        counts[item.outcome] = counts.get(item.outcome, 0) + 1
    return ScoreBatchPublic(
        purpose=body.purpose, snapshot=state.version, items=items, counts=counts
    )
