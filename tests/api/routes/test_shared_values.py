"""疑似关联 with the shared value itself (masked where personal) and a supernode's members."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from linkrisk.api.contact_values import mask_contact
from linkrisk.config import Settings
from linkrisk.graph.embedded.store import EmbeddedStore
from tests.api.city import City, make_uscc, publish
from tests.api.conftest import AppFactory, Keys, services_of
from tests.factories import org, table


def get(client: TestClient, keys: Keys, url: str, role: str = "investigator") -> Any:
    response = client.get(url, headers=keys.headers(role))
    assert response.status_code == 200, response.text
    return response.json()


def test_the_shared_landline_is_shown(client: TestClient, keys: Keys, city: City) -> None:
    (phone,) = get(client, keys, f"/v1/subjects/{city.a}/contacts")["contacts"]
    assert (phone["kind"], phone["value"], phone["sids"]) == ("phone", "025-1", [city.c])
    assert phone["members"] == []


def test_a_lone_subject_has_no_contacts(client: TestClient, keys: Keys, city: City) -> None:
    assert get(client, keys, f"/v1/subjects/{city.d}/contacts")["contacts"] == []


def test_personal_values_are_masked_without_pii() -> None:
    assert mask_contact("phone", "13800000001", personal=False, pii=False) == "138****0001"
    assert mask_contact("phone", "13800000001", personal=False, pii=True) == "13800000001"
    assert mask_contact("phone", "02583000000", personal=True, pii=False) == "025****0000"
    assert mask_contact("email", "zhang@example.cn", personal=False, pii=False) == "z***@example.cn"
    assert mask_contact("address", "南京市玄武区测试路1号", personal=False, pii=False) == (
        "南京市玄武区测试路1号"
    )
    assert mask_contact("address", "南京市玄武区测试路1号", personal=True, pii=False) == (
        "南京*********"
    )


def test_a_supernode_address_lists_the_firms_at_it(
    settings: Settings, make_client: AppFactory, keys: Keys, city: City
) -> None:
    address = "南京市鼓楼区代理路8号"
    crowd = [make_uscc(500 + i) for i in range(settings.supernode_cap + 2)]
    store = EmbeddedStore(settings.db_path)
    store.write_batch(
        {
            "subjects": table(
                "subjects",
                [
                    org(s, name=f"代理注册{i:02d}有限公司", address=address)
                    for i, s in enumerate(crowd)
                ],
            )
        }
    )
    store.close()
    publish(settings, city)
    client = make_client()
    (entry,) = get(client, keys, f"/v1/subjects/{crowd[0]}/contacts")["contacts"]
    assert entry["supernode"] and entry["sids"] == [] and entry["value"] == address
    assert entry["members_total"] == len(crowd) - 1
    assert [m["sid"] for m in entry["members"]] == sorted(crowd[1:])
    assert entry["members"][0]["name"].startswith("代理注册")
    record = services_of(client).audit.page(limit=100)[0][-1]
    assert set(crowd) <= set(record.subjects)
