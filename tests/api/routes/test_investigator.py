"""Investigators: subject cards, search and the graph queries on the tiny city, with persons
masked (张**) unless the key has the pii scope, and every revealed subject audited."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.city import City, make_uscc
from tests.api.conftest import Keys, services_of


def get(client: TestClient, keys: Keys, url: str, role: str = "investigator", **params: Any) -> Any:
    response = client.get(url, params=params, headers=keys.headers(role))
    assert response.status_code == 200, response.text
    return response.json()


def test_firm_card(client: TestClient, keys: Keys, city: City) -> None:
    card = get(client, keys, f"/v1/subjects/{city.b}")
    assert (card["name"], card["tier"], card["score"]) == ("南京丙丁贸易有限公司", "D", 0.87)
    assert [r["code"] for r in card["reasons"]] == ["own_events", "related_party_risk"]
    events = {e["event_id"]: e for e in card["events"]}
    assert events["ev-b-penalty"]["active"] and events["ev-b-penalty"]["severity"] == "serious"
    assert events["ev-b-penalty"]["decision_no"] == "测罚〔2024〕1号"
    assert card["snapshot"] == city.snapshot.version


def test_repaired_event_is_not_active(client: TestClient, keys: Keys, city: City) -> None:
    (event,) = get(client, keys, f"/v1/subjects/{city.d}")["events"]
    assert event["repair_date"] == "2023-01-01" and not event["active"]


def test_explanation_names_the_path_from_the_risk_source(
    client: TestClient, keys: Keys, city: City
) -> None:
    explanation = get(client, keys, f"/v1/subjects/{city.a}")["explanation"]
    (path,) = explanation["paths"]
    assert path["source"] == city.b and path["hops"] == 1
    assert path["steps"][0]["relation"] == "HOLDS" and path["steps"][0]["direction"] == "reverse"
    assert {e["event_id"] for e in path["events"]} == {"ev-b-penalty", "ev-b-abnormal"}
    assert get(client, keys, f"/v1/subjects/{city.a}", explain="false")["explanation"] is None


def test_person_card_is_masked_without_pii(client: TestClient, keys: Keys, city: City) -> None:
    response = client.get(f"/v1/subjects/{city.p1}", headers=keys.headers("investigator"))
    card = response.json()
    assert card["name"] == "张**" and card["phone"] is None
    assert card["id_masked"] == city.p1_id[:4] + "*" * 10 + city.p1_id[-4:]
    assert "张三丰" not in response.text and city.p1_id not in response.text
    full = get(client, keys, f"/v1/subjects/{city.p1}", role="investigator_pii")
    assert full["name"] == "张三丰" and full["phone"] == "13800000001"
    assert full["id_masked"] == card["id_masked"]  # the raw number is never kept, even for pii


def test_unknown_subject_is_404(client: TestClient, keys: Keys) -> None:
    unknown = make_uscc(999)  # a valid USCC the city does not hold
    response = client.get(f"/v1/subjects/{unknown}", headers=keys.headers("investigator"))
    assert response.status_code == 404
    # not a USCC at all (its check character does not match): invalid input, as for lenders
    response = client.get("/v1/subjects/91000000MA0000000X", headers=keys.headers("investigator"))
    assert response.status_code == 422
    assert "is not a valid USCC: check character does not match" in response.json()["detail"]


def test_search_finds_persons_by_name_only_with_pii(
    client: TestClient, keys: Keys, city: City
) -> None:
    # without pii a person's name must not be confirmable by searching for it (issue 17)
    assert get(client, keys, "/v1/search", q="zhangsan")["items"] == []
    (hit,) = get(client, keys, "/v1/search", role="investigator_pii", q="zhangsan")["items"]
    assert (hit["sid"], hit["kind"], hit["name"], hit["matched"]) == (
        city.p1,
        "person",
        "张三丰",
        "pinyin",
    )
    firms = get(client, keys, "/v1/search", q="南京", limit=2)["items"]
    assert len(firms) == 2 and all(f["kind"] == "enterprise" for f in firms)


def test_owners_and_controllers(client: TestClient, keys: Keys, city: City) -> None:
    owners = get(client, keys, f"/v1/subjects/{city.b}/owners")["entries"]
    assert [(o["sid"], o["integrated_share"], o["depth"]) for o in owners] == [
        (city.a, 0.5, 1),
        (city.p1, pytest.approx(0.3), 2),
    ]
    assert owners[1]["name"] == "张**"
    (controller,) = get(client, keys, f"/v1/subjects/{city.b}/controllers")
    assert controller["sid"] == city.p1 and controller["reason"].startswith("ownership")
    holdings = get(client, keys, f"/v1/subjects/{city.p1}/holdings")["entries"]
    assert {(h["sid"], round(h["integrated_share"], 6)) for h in holdings} == {
        (city.a, 0.6),
        (city.b, 0.3),
    }


def test_paths_between_two_subjects(client: TestClient, keys: Keys, city: City) -> None:
    found = get(client, keys, "/v1/paths", a=city.p1, b=city.b)
    assert found["shortest"] == 2
    assert found["paths"][0]["sids"] == [city.p1, city.a, city.b]
    assert found["paths"][0]["share"] == pytest.approx(0.3)


def test_connections_among_several(client: TestClient, keys: Keys, city: City) -> None:
    response = client.post(
        "/v1/connections",
        json={"sids": [city.p1, city.b, city.c]},
        headers=keys.headers("investigator"),
    )
    body = response.json()
    pairs = {(p["a"], p["b"]): p["shortest"] for p in body["pairs"]}
    assert pairs == {(city.b, city.c): 2, (city.b, city.p1): 2, (city.c, city.p1): 2}
    assert {n["sid"] for n in body["subgraph"]["nodes"]} >= {city.p1, city.a, city.b, city.c}


def test_neighbourhood_with_names_and_audit(client: TestClient, keys: Keys, city: City) -> None:
    hood = get(client, keys, f"/v1/subjects/{city.a}/neighbourhood")
    assert [(n["sid"], n["hop"]) for n in hood["nodes"]] == [
        (city.a, 0),
        (city.b, 1),
        (city.c, 1),
        (city.p1, 1),
    ]
    assert {n["name"] for n in hood["nodes"]} >= {"张**", "南京戊己咨询有限公司"}
    assert len(hood["edges"]) == 3
    record = services_of(client).audit.page(limit=100)[0][-1]
    assert set(record.subjects) == {city.a, city.b, city.c, city.p1}
    only_holds = get(client, keys, f"/v1/subjects/{city.a}/neighbourhood", rels=["HOLDS"])
    assert {n["sid"] for n in only_holds["nodes"]} == {city.a, city.b, city.p1}


def test_surrounding_risk_contacts_and_group(client: TestClient, keys: Keys, city: City) -> None:
    (risky,) = get(client, keys, f"/v1/subjects/{city.a}/risk")["neighbours"]
    assert risky["sid"] == city.b and risky["hops"] == 1 and len(risky["events"]) == 2
    (contact,) = get(client, keys, f"/v1/subjects/{city.a}/contacts")["contacts"]
    assert (contact["kind"], contact["sids"]) == ("phone", [city.c])
    group = get(client, keys, f"/v1/subjects/{city.a}/group")
    assert group["size"] == 4 and {m["sid"] for m in group["members"]} == {
        city.a,
        city.b,
        city.p1,
        city.p2,
    }


def test_query_bounds_are_enforced(client: TestClient, keys: Keys, city: City) -> None:
    h = keys.headers("investigator")
    assert (
        client.get(
            f"/v1/subjects/{city.a}/neighbourhood", params={"hops": 9}, headers=h
        ).status_code
        == 422
    )
    assert (
        client.get(
            "/v1/paths", params={"a": city.a, "b": city.b, "max_depth": 99}, headers=h
        ).status_code
        == 422
    )
    too_many = {"sids": [city.a] * 51}
    assert client.post("/v1/connections", json=too_many, headers=h).status_code == 422


def test_exports_as_json_and_graphml(client: TestClient, keys: Keys, city: City) -> None:
    import networkx as nx

    data = get(client, keys, f"/v1/subjects/{city.a}/export")
    assert data["centre"] == city.a
    assert {n["sid"]: n["name"] for n in data["nodes"]}[city.p1] == "张**"
    assert {(e["src"], e["dst"], e["rel"]) for e in data["edges"]} == {
        (city.a, city.b, "HOLDS"),
        (city.a, city.c, "SAME_CONTACT"),
        (city.p1, city.a, "HOLDS"),
    }
    response = client.get(
        f"/v1/subjects/{city.b}/export",
        params={"view": "owners", "format": "graphml"},
        headers=keys.headers("investigator"),
    )
    assert response.headers["content-type"].startswith("application/graphml+xml")
    exported = nx.parse_graphml(response.text)
    assert set(exported.nodes) == {city.a, city.b, city.p1}
    assert exported.nodes[city.p1]["name"] == "张**"  # GraphML escapes it as &#24352;**
    assert "&#24352;&#19977;&#20016;" not in response.text  # 张三丰
