"""工商信息, history by snapshot date, a person's page and 查关系 by name, on the tiny city."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient

from linkrisk.config import Settings
from linkrisk.graph.embedded.store import EmbeddedStore
from tests.api.city import City, publish
from tests.api.conftest import AppFactory, Keys, services_of
from tests.factories import org, table


def get(client: TestClient, keys: Keys, url: str, role: str = "investigator", **params: Any) -> Any:
    response = client.get(url, params=params, headers=keys.headers(role))
    assert response.status_code == 200, response.text
    return response.json()


def test_registry_names_codes_and_lists_holders_officers_investments(
    client: TestClient, keys: Keys, city: City
) -> None:
    a = get(client, keys, f"/v1/subjects/{city.a}/registry")
    region = {"code": "320102", "name": "玄武区", "path": ["江苏省", "南京市", "玄武区"]}
    assert a["region"] == region
    assert [(s["sid"], s["name"], s["share"]) for s in a["shareholders"]] == [
        (city.p1, "张**", 0.6000000238418579)
    ]
    assert a["shareholders"][0]["tier"] is None  # a person has no tier
    assert [(s["sid"], s["name"], s["tier"]) for s in a["investments"]] == [
        (city.b, "南京丙丁贸易有限公司", "D")
    ]
    assert a["not_loaded"] == ["business_scope", "paid_in"]
    b = get(client, keys, f"/v1/subjects/{city.b}/registry")
    assert [(p["sid"], p["name"]) for p in b["legal_representatives"]] == [(city.p2, "李*")]
    assert [(p["sid"], p["role"]) for p in b["officers"]] == [(city.p2, "legal_representative")]
    full = get(client, keys, f"/v1/subjects/{city.b}/registry", role="investigator_pii")
    assert full["legal_representatives"][0]["name"] == "李四"
    record = services_of(client).audit.page(limit=100)[0][-2]
    assert {city.b, city.p2} <= set(record.subjects)


def test_a_person_page_lists_firms_with_status_and_tier(
    client: TestClient, keys: Keys, city: City
) -> None:
    page = get(client, keys, f"/v1/persons/{city.p1}")
    assert page["name"] == "张**" and "张三丰" not in str(page)
    assert [(h["sid"], h["tier"], h["status"]) for h in page["holdings"]] == [
        (city.a, "C", "active")
    ]
    assert page["firms"] == 1 and page["posts"] == []
    p2 = get(client, keys, f"/v1/persons/{city.p2}", role="investigator_pii")
    assert p2["name"] == "李四"
    assert [(p["sid"], p["role"], p["tier"]) for p in p2["posts"]] == [
        (city.b, "legal_representative", "D")
    ]
    firm = client.get(f"/v1/persons/{city.a}", headers=keys.headers("investigator"))
    assert firm.status_code == 422 and "not a person" in firm.json()["detail"]
    lender = client.get(f"/v1/persons/{city.p1}", headers=keys.headers("lender"))
    assert lender.status_code == 403


def test_history_and_diff_between_snapshot_dates(
    settings: Settings, make_client: AppFactory, keys: Keys, city: City
) -> None:
    store = EmbeddedStore(settings.db_path)
    later = dt.date(2025, 12, 31)
    store.write_batch(
        {
            "holdings": table(
                "holdings",
                [
                    {
                        "src": city.p2,
                        "dst": city.a,
                        "share": 0.2,
                        "subscribed": 200_000.0,
                        "start_date": dt.date(2025, 9, 1),
                    },
                    {"src": city.p1, "dst": city.a, "share": 0.6, "end_date": later},
                ],
            ),
            "subjects": table("subjects", [org(city.a, status="revoked")]),
        }
    )
    store.close()
    publish(settings, city, as_of=later)
    client = make_client()
    history = get(client, keys, f"/v1/subjects/{city.a}/history")
    assert [v["as_of"] for v in history["versions"]] == ["2025-06-30", "2025-12-31"]
    (step,) = history["changes"]
    found = [
        (c["section"], c["change"], c.get("sid"), c["before"], c["after"]) for c in step["changes"]
    ]
    assert found == [
        ("status", "status_changed", None, "active", "revoked"),
        ("shareholder", "entered", city.p2, None, 0.20000000298023224),
        ("shareholder", "left", city.p1, 0.6000000238418579, None),
    ]
    assert step["changes"][1]["name"] == "李*" and step["changes"][1]["since"] == "2025-09-01"
    diff = get(
        client,
        keys,
        f"/v1/subjects/{city.a}/history/diff",
        **{"from": "2025-07-01", "to": "2026-01-05"},
    )
    assert diff["before"]["as_of"] == "2025-06-30" and diff["after"]["as_of"] == "2025-12-31"
    assert diff["changes"] == step["changes"]
    assert [s["subscribed"] for s in diff["after"]["shareholders"]] == [200_000.0]
    registry = get(client, keys, f"/v1/subjects/{city.a}/registry")
    assert registry["changes"][0]["changes"] == step["changes"]  # 变更记录, newest first
    early = client.get(
        f"/v1/subjects/{city.a}/history/diff",
        params={"from": "2020-01-01", "to": "2025-12-31"},
        headers=keys.headers("investigator"),
    )
    assert early.status_code == 404 and "no snapshot is as of" in early.json()["detail"]
    backwards = client.get(
        f"/v1/subjects/{city.a}/history/diff",
        params={"from": "2025-12-31", "to": "2025-07-01"},
        headers=keys.headers("investigator"),
    )
    assert backwards.status_code == 422


def test_paths_by_name_and_an_ambiguous_name_lists_the_candidates(
    settings: Settings, make_client: AppFactory, keys: Keys, city: City
) -> None:
    client = make_client()
    by_name = get(client, keys, "/v1/paths", a="南京甲乙科技有限公司", b=city.b)
    assert (by_name["a"], by_name["b"]) == (city.a, city.b)
    ambiguous = client.get(
        "/v1/paths", params={"a": city.a, "b": "南京"}, headers=keys.headers("investigator")
    )
    assert ambiguous.status_code == 422, ambiguous.text
    problem = ambiguous.json()
    assert problem["type"].endswith("ambiguous-subject")
    assert {c["sid"] for c in problem["candidates"]} == {city.a, city.b, city.c}
    assert all(c["name"] for c in problem["candidates"])
    listed = get(client, keys, "/v1/resolve", q="南京")
    assert listed["sid"] is None
    assert [c["sid"] for c in listed["candidates"]] == [c["sid"] for c in problem["candidates"]]
    one = get(client, keys, "/v1/resolve", q="南京丙丁贸易有限公司")
    assert one["sid"] == city.b and one["candidates"][0]["name"] == "南京丙丁贸易有限公司"
    unknown = client.get(
        "/v1/resolve", params={"q": "不存在的公司"}, headers=keys.headers("investigator")
    )
    assert unknown.status_code == 404
    # persons are found by name only with pii
    nobody = client.get(
        "/v1/paths", params={"a": city.a, "b": "张三丰"}, headers=keys.headers("investigator")
    )
    assert nobody.status_code == 404
    found = get(client, keys, "/v1/paths", role="investigator_pii", a=city.a, b="张三丰")
    assert found["b"] == city.p1


def test_risk_scan_counts_open_their_lists(client: TestClient, keys: Keys, city: City) -> None:
    b = get(client, keys, f"/v1/subjects/{city.b}/scan")
    own, around, alerts = b["sections"]
    assert (alerts["name"], alerts["total"], alerts["groups"]) == ("alerts", 0, [])  # no watches
    assert (own["name"], own["title"], own["total"]) == ("own", "自身风险", 2)
    assert [(g["type"], g["label"], g["count"]) for g in own["groups"]] == [
        ("penalty", "行政处罚", 1),
        ("abnormal_operation", "经营异常名录", 1),
    ]
    assert own["groups"][0]["events"][0]["event_id"] == "ev-b-penalty"
    assert around["total"] == 0
    a = get(client, keys, f"/v1/subjects/{city.a}/scan", hops=1)
    own, around, _ = a["sections"]
    assert own["total"] == 0
    [group] = around["groups"]
    assert (group["key"], group["label"], group["count"]) == ("1:HOLDS", "1 跳 · 持股", 1)
    assert group["neighbours"][0]["sid"] == city.b
    assert group["neighbours"][0]["name"] == "南京丙丁贸易有限公司"
    refused = client.get(f"/v1/subjects/{city.a}/scan", headers=keys.headers("lender"))
    assert refused.status_code == 403


def test_beneficial_owners_with_rules_and_paths(client: TestClient, keys: Keys, city: City) -> None:
    b = get(client, keys, f"/v1/subjects/{city.b}/beneficial-owners")
    [owner] = b["owners"]
    assert (owner["sid"], owner["name"], owner["rules"]) == (city.p1, "张**", ["ownership"])
    assert owner["integrated_share"] == pytest.approx(0.3, abs=1e-6)
    assert owner["paths"][0]["sids"] == [city.p1, city.a, city.b]
    assert "25%" in owner["rule_labels"][0] and not b["fallback"]
    # B's legal representative is no beneficial owner while someone owns ≥ 25 %
    strict = get(client, keys, f"/v1/subjects/{city.b}/beneficial-owners", threshold=0.5)
    assert strict["fallback"]
    assert [(o["sid"], o["role"]) for o in strict["owners"]] == [(city.p2, "legal_representative")]


def test_filing_verification_lists_discrepancies(
    client: TestClient, keys: Keys, city: City
) -> None:
    url = f"/v1/subjects/{city.b}/beneficial-owners/verification"
    headers = keys.headers("investigator")
    same = client.post(
        url, json={"filed": [{"id_number": city.p1_id, "share": 0.3}]}, headers=headers
    )
    assert same.status_code == 200, same.text
    assert same.json()["consistent"] and city.p1_id not in same.text
    wrong = client.post(
        url, json={"filed": [{"person": city.p2, "name": "李四", "share": 1.0}]}, headers=headers
    ).json()
    assert [(d["sid"], d["kind"]) for d in wrong["discrepancies"]] == [
        (city.p1, "not_filed"),
        (city.p2, "not_found"),
    ]
    assert wrong["discrepancies"][1]["name"] == "李*"  # masked even though the filing named it
    bad = client.post(url, json={"filed": [{"id_number": "110101199001011234"}]}, headers=headers)
    assert bad.status_code == 422 and "110101199001011234" not in bad.text
