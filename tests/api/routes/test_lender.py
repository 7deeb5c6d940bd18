"""Lenders: a score only with an active consent for (organisation, subject, purpose); refusals
name the missing consent and are audited; a lender never sees persons or the graph."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from linkrisk.api.consent import create_consent, revoke_consent
from tests.api.city import City, make_uscc
from tests.api.conftest import EVIDENCE_SHA256, LENDER_ORG, Keys, services_of

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)
SIGNED = dt.date(2020, 1, 2)  # the day the (synthetic) authorisations were signed
SCORE_FIELDS = {
    "uscc",
    "score",
    "tier",
    "tier_label",
    "as_of",
    "snapshot",
    "model_version",
    "reasons",
    "purpose",
    "consent_id",
}


def score(
    client: TestClient,
    keys: Keys,
    uscc: str,
    purpose: str = "credit_application",
    role: str = "lender",
):  # type: ignore[no-untyped-def]
    return client.get(f"/v1/scores/{uscc}", params={"purpose": purpose}, headers=keys.headers(role))


def test_consented_score_has_plain_reasons_and_nothing_else(
    client: TestClient, keys: Keys, city: City
) -> None:
    response = score(client, keys, city.a)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == SCORE_FIELDS
    assert body["uscc"] == city.a and body["tier"] == "C" and body["score"] == pytest.approx(0.31)
    assert body["tier_label"].startswith("信用风险较高")
    assert body["snapshot"] == city.snapshot.version and body["as_of"] == "2025-06-30"
    assert body["model_version"] == "test-model-1"
    assert [r["code"] for r in body["reasons"]] == ["related_party_risk"]
    # A is owned by person P1: neither the person, nor a name, nor any other subject key shows
    for secret in (city.p1, city.p2, city.b, "张三丰", city.p1_id[-4:] + '"'):
        assert secret not in response.text


def test_lowercase_uscc_is_normalised(client: TestClient, keys: Keys, city: City) -> None:
    assert score(client, keys, city.a.lower()).json()["uscc"] == city.a


def _refusal(response) -> dict:  # type: ignore[no-untyped-def, type-arg]
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "/problems/consent-required"
    return body  # type: ignore[no-any-return]


def test_no_consent_is_refused_naming_the_missing_consent(
    client: TestClient, keys: Keys, city: City
) -> None:
    body = _refusal(score(client, keys, city.b))
    assert (body["org"], body["subject"], body["purpose"]) == (
        LENDER_ORG,
        city.b,
        "credit_application",
    )
    assert body["reason"] == "none on record" and city.b in body["detail"]


def test_wrong_purpose_is_refused(client: TestClient, keys: Keys, city: City) -> None:
    body = _refusal(score(client, keys, city.a, purpose="post_loan_monitoring"))
    assert "other purposes (credit_application)" in body["reason"]


def test_another_organisations_consent_does_not_count(
    client: TestClient, keys: Keys, city: City
) -> None:
    body = _refusal(score(client, keys, city.a, role="lender_b"))
    assert body["org"] == "bank-b" and body["reason"] == "none on record"


@pytest.mark.parametrize(
    ("start", "end", "why"),
    [
        (TODAY - 30 * DAY, TODAY - DAY, "expired"),
        (TODAY + DAY, TODAY + 30 * DAY, "valid only from"),
    ],
)
def test_consent_outside_its_dates_is_refused(
    client: TestClient, keys: Keys, city: City, start: dt.date, end: dt.date, why: str
) -> None:
    store = services_of(client).store
    create_consent(
        store,
        org=LENDER_ORG,
        sid=city.c,
        purpose="credit_review",
        valid_from=start,
        valid_until=end,
        evidence_sha256=EVIDENCE_SHA256,
        evidence_date=SIGNED,
    )
    assert why in _refusal(score(client, keys, city.c, purpose="credit_review"))["reason"]


def test_consent_valid_on_its_last_day(client: TestClient, keys: Keys, city: City) -> None:
    store = services_of(client).store
    create_consent(
        store,
        org=LENDER_ORG,
        sid=city.c,
        purpose="credit_review",
        valid_from=TODAY - DAY,
        valid_until=TODAY,
        evidence_sha256=EVIDENCE_SHA256,
        evidence_date=SIGNED,
    )
    assert score(client, keys, city.c, purpose="credit_review").status_code == 200


def test_revoked_consent_is_refused(client: TestClient, keys: Keys, city: City) -> None:
    store = services_of(client).store
    consent = create_consent(
        store,
        org=LENDER_ORG,
        sid=city.d,
        purpose="credit_review",
        valid_from=TODAY - DAY,
        valid_until=TODAY + DAY,
        evidence_sha256=EVIDENCE_SHA256,
        evidence_date=SIGNED,
    )
    assert score(client, keys, city.d, purpose="credit_review").status_code == 200
    revoke_consent(store, consent.consent_id)  # e.g. by the CLI, in another process
    services_of(client).consents.forget()  # as after the checker's second of memory
    assert _refusal(score(client, keys, city.d, purpose="credit_review"))["reason"] == (
        "the consent was revoked"
    )


def test_refusals_are_audited(client: TestClient, keys: Keys, city: City) -> None:
    score(client, keys, city.b)
    records = services_of(client).audit.page(limit=10)[0]
    refused = [r for r in records if r.status == 403]
    assert len(refused) == 1
    assert refused[0].subjects == (city.b,) and refused[0].purpose == "credit_application"
    assert refused[0].org == LENDER_ORG and refused[0].endpoint == "/v1/scores/{uscc}"


def test_consent_is_checked_before_the_subject_is_looked_up(client: TestClient, keys: Keys) -> None:
    unknown = make_uscc(999)
    assert score(client, keys, unknown).status_code == 403  # not 404: existence is not revealed
    create_consent(
        services_of(client).store,
        org=LENDER_ORG,
        sid=unknown,
        purpose="credit_application",
        valid_from=TODAY,
        valid_until=TODAY,
        evidence_sha256=EVIDENCE_SHA256,
        evidence_date=SIGNED,
    )
    response = score(client, keys, unknown)
    assert response.status_code == 404 and response.json()["type"] == "/problems/not-found"


def test_invalid_uscc_and_missing_purpose_are_invalid_input(
    client: TestClient, keys: Keys, city: City
) -> None:
    bad = score(client, keys, city.a[:-1] + ("0" if city.a[-1] != "0" else "1"))
    assert bad.status_code == 422 and bad.json()["field"] == "uscc"
    missing = client.get(f"/v1/scores/{city.a}", headers=keys.headers("lender"))
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["loc"] == ["query", "purpose"]
    unknown = score(client, keys, city.a, purpose="curiosity")
    assert unknown.status_code == 422


def test_batch_reports_each_subjects_consent_outcome(
    client: TestClient, keys: Keys, city: City
) -> None:
    unknown = make_uscc(998)
    create_consent(
        services_of(client).store,
        org=LENDER_ORG,
        sid=unknown,
        purpose="credit_application",
        valid_from=TODAY,
        valid_until=TODAY,
        evidence_sha256=EVIDENCE_SHA256,
        evidence_date=SIGNED,
    )
    response = client.post(
        "/v1/scores:batch",
        json={"purpose": "credit_application", "usccs": [city.a, city.b, unknown, "NOT-A-USCC"]},
        headers=keys.headers("lender"),
    )
    assert response.status_code == 200
    body = response.json()
    outcomes = [(i["uscc"], i["outcome"]) for i in body["items"]]
    assert outcomes == [
        (city.a, "ok"),
        (city.b, "consent_required"),
        (unknown, "not_found"),
        ("NOT-A-USCC", "invalid"),
    ]
    assert body["items"][0]["score"]["tier"] == "C" and body["items"][1]["score"] is None
    assert body["counts"] == {"ok": 1, "consent_required": 1, "not_found": 1, "invalid": 1}
    record = services_of(client).audit.page(limit=10)[0][-1]
    assert record.subjects == (city.a, city.b, unknown)


def test_batch_is_bounded(client: TestClient, keys: Keys, city: City) -> None:
    response = client.post(
        "/v1/scores:batch",
        json={"purpose": "credit_application", "usccs": [city.a] * 1001},
        headers=keys.headers("lender"),
    )
    assert response.status_code == 422
