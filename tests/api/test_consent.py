"""Consents: validation on creation, and why a missing consent is missing."""

from __future__ import annotations

import datetime as dt

import pytest

from linkrisk.api.consent import (
    Purpose,
    active_consents,
    create_consent,
    explain_missing,
    list_consents,
    require_consent,
    revoke_consent,
)
from linkrisk.config import Settings
from linkrisk.errors import ConsentRequired, InputError
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.open import open_embedded
from tests.api.city import make_uscc
from tests.api.conftest import EVIDENCE_SHA256

DAY = dt.timedelta(days=1)
TODAY = dt.date(2025, 6, 30)
A, B = make_uscc(1), make_uscc(2)


@pytest.fixture
def store(settings: Settings) -> EmbeddedStore:
    return open_embedded(settings)


def consent(store: EmbeddedStore, **kw: object) -> object:
    args = {
        "org": "bank-a",
        "sid": A,
        "purpose": "credit_application",
        "valid_from": TODAY - DAY,
        "valid_until": TODAY + DAY,
        "evidence_sha256": EVIDENCE_SHA256,
        "evidence_date": TODAY - 2 * DAY,
        **kw,
    }
    return create_consent(store, **args)  # type: ignore[arg-type]


def test_creation_is_validated(store: EmbeddedStore) -> None:
    with pytest.raises(InputError, match="not a valid USCC"):
        consent(store, sid=A[:-1] + ("0" if A[-1] != "0" else "1"))
    with pytest.raises(InputError, match="unknown purpose"):
        consent(store, purpose="marketing")
    with pytest.raises(InputError, match="ends"):
        consent(store, valid_from=TODAY, valid_until=TODAY - DAY)
    with pytest.raises(InputError, match="SHA-256"):
        consent(store, evidence_sha256="0" * 63)
    with pytest.raises(InputError, match="future"):
        consent(store, evidence_date=dt.date.today() + DAY, valid_until=dt.date.today() + 9 * DAY)
    with pytest.raises(InputError, match="after the consent ends"):
        consent(store, evidence_date=TODAY + 2 * DAY)
    upper = consent(store, evidence_sha256=EVIDENCE_SHA256.upper())
    assert upper.evidence_sha256 == EVIDENCE_SHA256  # type: ignore[attr-defined]
    assert consent(store, sid=A.lower()).sid == A  # type: ignore[attr-defined]


def test_active_consent_and_its_edges(store: EmbeddedStore) -> None:
    made = consent(store)
    p = Purpose.CREDIT_APPLICATION
    for day in (TODAY - DAY, TODAY, TODAY + DAY):
        assert require_consent(store, "bank-a", A, p, day) == made.consent_id  # type: ignore[attr-defined]
    with pytest.raises(ConsentRequired) as late:
        require_consent(store, "bank-a", A, p, TODAY + 2 * DAY)
    assert late.value.extra == {
        "org": "bank-a",
        "subject": A,
        "purpose": "credit_application",
        "reason": f"the consent expired on {(TODAY + DAY).isoformat()}",
    }


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ({}, "none on record"),
        ({"purpose": "credit_review"}, "other purposes (credit_review)"),
        ({"valid_from": TODAY + DAY, "valid_until": TODAY + 9 * DAY}, "valid only from"),
        ({"org": "bank-b"}, "none on record"),
    ],
)
def test_missing_consent_is_explained(store: EmbeddedStore, setup: dict, reason: str) -> None:  # type: ignore[type-arg]
    if setup:
        consent(store, **setup)
    assert reason in explain_missing(store, "bank-a", A, Purpose.CREDIT_APPLICATION, TODAY)


def test_revocation_is_kept_and_explained(store: EmbeddedStore) -> None:
    made = consent(store)
    revoked = revoke_consent(store, made.consent_id, revoked_by="lr_admin")  # type: ignore[attr-defined]
    assert revoked.revoked and revoked.revoked_by == "lr_admin" and not revoked.active_on(TODAY)
    assert (
        explain_missing(store, "bank-a", A, Purpose.CREDIT_APPLICATION, TODAY)
        == "the consent was revoked"
    )


def test_batch_lookup_and_listing(store: EmbeddedStore) -> None:
    consent(store)
    consent(store, sid=B, purpose="credit_review")
    many = [A, B, *(make_uscc(i) for i in range(10, 1200))]  # more than one IN (…) chunk
    assert active_consents(store, "bank-a", many, Purpose.CREDIT_APPLICATION, TODAY).keys() == {A}
    items, total = list_consents(store, org="bank-a", limit=1)
    assert total == 2 and len(items) == 1
    assert list_consents(store, active_on=TODAY + 5 * DAY)[1] == 0


def test_checker_remembers_active_consents_for_its_ttl_only(store: EmbeddedStore) -> None:
    from linkrisk.api.consent import ConsentChecker

    now = [0.0]
    checker = ConsentChecker(store, ttl=1.0, clock=lambda: now[0])
    made = consent(store)
    p = Purpose.CREDIT_APPLICATION
    assert checker.require("bank-a", A, p, TODAY) == made.consent_id  # type: ignore[attr-defined]
    revoke_consent(store, made.consent_id)  # type: ignore[attr-defined]
    now[0] = 0.5
    assert checker.require("bank-a", A, p, TODAY) == made.consent_id  # type: ignore[attr-defined]
    now[0] = 1.5
    with pytest.raises(ConsentRequired):
        checker.require("bank-a", A, p, TODAY)
    with pytest.raises(ConsentRequired):  # refusals are not remembered either way
        checker.require("bank-b", A, p, TODAY)
