"""Monitoring over the API: watches per key organisation, the lender's rules, alerts, webhooks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient

from linkrisk.api.consent import create_consent, revoke_consent
from linkrisk.config import Settings
from linkrisk.monitor.runs import evaluate_current
from tests.api.city import City, make_uscc, publish
from tests.api.conftest import EVIDENCE_SHA256, LENDER_ORG, Keys, services_of
from tests.factories import org, table


def _post_loan_consent(client: TestClient, sid: str) -> str:
    today = dt.date.today()
    consent = create_consent(
        services_of(client).store,
        org=LENDER_ORG,
        sid=sid,
        purpose="post_loan_monitoring",
        valid_from=today - dt.timedelta(days=1),
        valid_until=today + dt.timedelta(days=30),
        evidence_sha256=EVIDENCE_SHA256,
        evidence_date=today - dt.timedelta(days=1),
    )
    return consent.consent_id


def _next_day(client: TestClient, settings: Settings, city: City) -> None:
    """A: 吊销; B (held 50 % by A): a new dishonest-debtor entry; then snapshot and evaluate."""
    store = services_of(client).store
    evaluate_current(settings, store)  # the published snapshot is the baseline
    store.write_batch(
        {
            "subjects": table(
                "subjects", [org(city.a, status="revoked", reg_date=dt.date(2010, 1, 1))]
            ),
            "events": table(
                "events",
                [
                    {
                        "event_id": "ev-b-new",
                        "sid": city.b,
                        "type": "dishonest_debtor",
                        "decision_date": dt.date(2025, 6, 1),
                    }
                ],
            ),
        }
    )
    publish(settings, city)
    (run,) = evaluate_current(settings, store)[:1]
    assert run.part == "graph" and run.changes >= 2


def test_watch_alerts_ack_per_organisation(
    client: TestClient, keys: Keys, city: City, settings: Settings
) -> None:
    inv, lender = keys.headers("investigator"), keys.headers("lender")
    made = client.post("/v1/watches", json={"sid": city.a, "depth": 2}, headers=inv)
    assert made.status_code == 201, made.text
    assert made.json()["kinds"] == ["event", "tier", "ownership", "officer", "status"]
    _post_loan_consent(client, city.a)
    made = client.post("/v1/watches", json={"sid": city.a, "depth": 0}, headers=lender)
    assert made.status_code == 201 and made.json()["kinds"] == ["event", "status", "tier"]
    _next_day(client, settings, city)

    page = client.get("/v1/alerts", headers=inv).json()
    got = {(a["sid"], a["kind"], a["distance"]) for a in page["items"]}
    assert got == {(city.a, "status", 0), (city.b, "event", 1)}
    debtor = next(a for a in page["items"] if a["sid"] == city.b)
    assert debtor["path"] == {
        "nodes": [city.a, city.b],
        "links": [{"type": "HOLDS", "from": city.a, "to": city.b}],
    }
    assert debtor["change"] == {"kind": "event", "event_type": "dishonest_debtor"}
    assert page["open"] == 2 and page["next_after"] is None
    mine = client.get("/v1/alerts", headers=lender).json()["items"]
    assert [(a["sid"], a["change"]) for a in mine] == [
        (city.a, {"kind": "status", "before": "active", "after": "revoked"})
    ]
    assert client.get("/v1/alerts", headers=keys.headers("lender_b")).json()["items"] == []

    first = page["items"][0]["alert_id"]
    other = client.post(
        "/v1/alerts/ack", json={"alert_ids": [first]}, headers=keys.headers("regulator")
    )
    assert other.status_code == 404  # another organisation's alert: as if absent
    done = client.post("/v1/alerts/ack", json={"alert_ids": [first]}, headers=inv).json()
    assert done == {"acknowledged": 1, "open": 1}
    assert client.get("/v1/alerts/count", headers=inv).json() == {"open": 1}
    assert client.get(f"/v1/alerts/count?sid={city.b}", headers=inv).json()["open"] in (0, 1)
    listed = client.get("/v1/alerts?open=true", headers=inv).json()["items"]
    assert [a["alert_id"] for a in listed] != [first] and len(listed) == 1


def test_a_lender_watches_consented_subjects_itself_only(
    client: TestClient, keys: Keys, city: City, settings: Settings
) -> None:
    lender = keys.headers("lender")
    refused = client.post("/v1/watches", json={"sid": city.c, "depth": 0}, headers=lender)
    assert refused.status_code == 403  # bank-a holds no consent of C
    assert refused.json()["type"].endswith("consent-required")
    consent = _post_loan_consent(client, city.a)
    for body in ({"sid": city.a, "depth": 1}, {"sid": city.a, "depth": 0, "kinds": ["ownership"]}):
        answer = client.post("/v1/watches", json=body, headers=lender)
        assert answer.status_code == 403, body
    assert (
        client.post("/v1/watches", json={"sid": city.b, "depth": 0}, headers=lender).status_code
        == 403
    )
    assert (
        client.post(
            "/v1/watches", json={"sid": city.a, "depth": 0}, headers=keys.headers("lender_b")
        ).status_code
        == 403
    )
    assert (
        client.post("/v1/watches", json={"sid": city.a, "depth": 0}, headers=lender).status_code
        == 201
    )
    _next_day(client, settings, city)
    assert len(client.get("/v1/alerts", headers=lender).json()["items"]) == 1
    store = services_of(client).store
    revoke_consent(store, consent)
    assert len(client.get("/v1/alerts", headers=lender).json()["items"]) == 1  # the other one
    for found in store.execute("SELECT consent_id FROM consents WHERE org = ?", (LENDER_ORG,)):
        revoke_consent(store, found[0])
    assert client.get("/v1/alerts", headers=lender).json()["items"] == []  # consent lapsed


def test_watches_and_webhooks_belong_to_the_key_organisation(
    client: TestClient, keys: Keys, city: City
) -> None:
    inv, reg = keys.headers("investigator"), keys.headers("regulator")
    assert (
        client.post("/v1/watches", json={"sid": city.b, "depth": 3}, headers=inv).status_code == 201
    )
    assert (
        client.post("/v1/watches", json={"sid": city.b, "depth": 4}, headers=inv).status_code == 422
    )
    bad = client.post("/v1/watches", json={"sid": city.b, "kinds": ["gossip"]}, headers=inv)
    assert bad.status_code == 422 and "unknown change kind" in bad.json()["detail"]
    assert (
        client.post("/v1/watches", json={"sid": "91320102MA0000000X"}, headers=inv).status_code
        == 422
    )
    unknown = client.post("/v1/watches", json={"sid": make_uscc(999)}, headers=inv)
    assert unknown.status_code == 404  # not a subject of the published snapshot
    assert client.get("/v1/watches", headers=reg).json() == []
    assert client.delete(f"/v1/watches/{city.b}", headers=reg).status_code == 404
    assert [w["sid"] for w in client.get("/v1/watches", headers=inv).json()] == [city.b]
    assert client.delete(f"/v1/watches/{city.b}", headers=inv).status_code == 200
    assert client.get("/v1/watches").status_code == 401

    hook = client.post("/v1/webhooks", json={"url": "https://office.example/h"}, headers=inv)
    assert hook.status_code == 201 and len(hook.json()["secret"]) > 30
    listed = client.get("/v1/webhooks", headers=inv).json()
    assert [h["webhook_id"] for h in listed] == [hook.json()["webhook_id"]]
    assert listed[0]["secret"] is None
    hook_id = hook.json()["webhook_id"]
    assert client.delete(f"/v1/webhooks/{hook_id}", headers=reg).status_code == 404
    assert client.delete(f"/v1/webhooks/{hook_id}", headers=inv).status_code == 204
    assert (
        client.post("/v1/webhooks", json={"url": "file:///etc/passwd"}, headers=inv).status_code
        == 422
    )


def test_the_risk_scan_counts_the_organisation_s_open_alerts(
    client: TestClient, keys: Keys, city: City, settings: Settings
) -> None:
    """风险扫描's third section, 预警: the key organisation's open alerts about the subject or
    watched through it, by kind; acknowledged ones and other organisations' do not count."""
    inv = keys.headers("investigator")
    assert client.post("/v1/watches", json={"sid": city.a, "depth": 2}, headers=inv).is_success
    _next_day(client, settings, city)

    def alerts_of(sid: str) -> dict[str, Any]:
        scan = client.get(f"/v1/subjects/{sid}/scan", headers=inv)
        assert scan.status_code == 200, scan.text
        section = scan.json()["sections"][-1]
        assert section["name"] == "alerts" and section["title"] == "预警"
        return section

    section = alerts_of(city.b)
    assert section["total"] == 1
    ((group),) = section["groups"]
    assert (group["label"], group["count"]) == ("新增记录", 1)
    assert group["alerts"][0]["sid"] == city.b and group["alerts"][0]["watch_sid"] == city.a
    assert alerts_of(city.a)["total"] == 2  # watched through A: its own and B's
    first = group["alerts"][0]["alert_id"]
    assert client.post("/v1/alerts/ack", json={"alert_ids": [first]}, headers=inv).is_success
    assert alerts_of(city.b)["total"] == 0 and alerts_of(city.b)["groups"] == []
