"""The 50 % rule view in Chromium: the hits and shares the page shows are the API's."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.web.city import City
from tests.web.harness import ServerThread, chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_the_exposure_view_shows_the_apis_hits(
    browser: Any, city: City, app_server: ServerThread
) -> None:
    key = city.keys["investigator"]
    params: dict[str, str | float] = {"list": "serious_dishonest", "threshold": 0.5}
    answer = httpx.get(
        app_server.url + "/v1/exposure", params=params, headers={"X-API-Key": key}, timeout=60
    ).json()
    with chromium_page(browser, app_server.url) as (page, watch):
        page.goto(app_server.url + "/")
        page.locator("#key-dialog").wait_for(state="visible")
        page.fill("#key-input", key)
        page.press("#key-input", "Enter")
        page.locator("#whoami").filter(has_text="lr_").wait_for()
        page.click("#tab-exposure")
        page.locator("#view-exposure").wait_for(state="visible")
        page.select_option("#exposure-list", "serious_dishonest")
        page.fill("#exposure-threshold", "50")
        page.click("#exposure-form button[type=submit]")
        page.locator("#exposure-summary").wait_for()
        page.wait_for_function("document.querySelector('#view-exposure').dataset.busy === '0'")
        summary = page.inner_text("#exposure-summary")
        assert f"{answer['listed_count']} 个被列入主体" in summary
        assert f"{len(answer['hits'])} 个主体达到" in summary
        shown = page.eval_on_selector_all(
            "#exposure-table [data-share]", "els => els.map(e => Number(e.dataset.share))"
        )
        assert shown == [h["aggregate_share"] for h in answer["hits"]]
        if answer["hits"]:
            first = answer["hits"][0]
            row = page.inner_text("#exposure-table tbody tr")
            assert (first["name"] or first["sid"]) in row and "→" in row
        assert watch.errors == []
