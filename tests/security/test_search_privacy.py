"""Search without the ``pii`` scope (issue 17, item 7): a person's name is shown masked, and it
must not be confirmable either, by searching for it and getting the person back."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api.city import City
from tests.api.conftest import Keys, city, client, keys, make_client

__all__ = ["city", "client", "keys", "make_client"]  # the API fixtures these tests use


@pytest.mark.parametrize("query", ["张三丰", "张三", "zhangsanfeng", "zhangsan", "zsf", "张三风"])
def test_search_without_pii_matches_no_person_by_name(
    client: TestClient, keys: Keys, city: City, query: str
) -> None:
    plain = client.get("/v1/search", params={"q": query}, headers=keys.headers("investigator"))
    assert plain.status_code == 200
    assert city.p1 not in {hit["sid"] for hit in plain.json()["items"]}
    pii = client.get("/v1/search", params={"q": query}, headers=keys.headers("investigator_pii"))
    assert city.p1 in {hit["sid"] for hit in pii.json()["items"]}


def test_search_without_pii_still_finds_firms(client: TestClient, keys: Keys, city: City) -> None:
    found = client.get("/v1/search", params={"q": "南京"}, headers=keys.headers("investigator"))
    assert {h["sid"] for h in found.json()["items"]} == {city.a, city.b, city.c}
