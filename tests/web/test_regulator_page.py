"""A regulator's walk through the page, in Chromium: a plan made through the API, end to end."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.city import City
from tests.web.harness import CJK_GLYPHS_DIFFER, ServerThread, chromium_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PLAN = "WEB-2026-01"
RESULTS = ["正常", "发现问题已责令改正", "通过登记的住所(经营场所)无法联系", "不配合检查"]


@pytest.fixture(scope="module")
def regulator(city: City, app_server: ServerThread) -> Iterator[httpx.Client]:
    headers = {"X-API-Key": city.keys["regulator"]}
    with httpx.Client(base_url=app_server.url, headers=headers, timeout=300) as client:
        yield client


def _ok(response: httpx.Response) -> Any:
    assert response.status_code < 300, response.text
    return response.json()


@pytest.fixture(scope="module")
def plan(regulator: httpx.Client) -> dict[str, Any]:
    """Create, draw, assign, record results for the first teams, and publish one plan."""
    inspectors = _ok(regulator.get("/v1/inspectors", params={"limit": 10000}))["items"]
    qualified = Counter(
        (i["department"], q)
        for i in inspectors
        if i["active"] is not False
        for q in i["qualifications"]
    )
    (department, matter), _count = qualified.most_common(1)[0]
    start = date(2026, 11, 2)
    body = {
        "plan_id": PLAN,
        "name": f"{department}{matter}双随机抽查（网页测试）",
        "departments": [department],
        "matters": [matter],
        "inspect_start": start.isoformat(),
        "inspect_end": (start + timedelta(days=60)).isoformat(),
        "extended_hops": 1,
    }
    _ok(regulator.post("/v1/plans", json=body))
    _ok(regulator.post(f"/v1/plans/{PLAN}/draw", json={}))
    _ok(regulator.post(f"/v1/plans/{PLAN}/assign"))
    teams = _ok(regulator.get(f"/v1/plans/{PLAN}/teams", params={"limit": 10000}))["items"]
    assigned = [t for t in teams if t["status"] == "assigned"][:12]
    entries = [
        {"sid": t["sid"], "result": RESULTS[i % len(RESULTS)],
         "inspect_date": (start + timedelta(days=5 + i)).isoformat()}
        for i, t in enumerate(assigned)
    ]  # fmt: skip
    _ok(regulator.post(f"/v1/plans/{PLAN}/results", json={"entries": entries}))
    _ok(regulator.post(f"/v1/plans/{PLAN}/publish", json={"partial": "网页测试: 仅录入部分结果"}))
    selection = _ok(regulator.get(f"/v1/plans/{PLAN}/selection", params={"limit": 10000}))
    return {"selection": selection["items"], "teams": teams, "results": entries}


def test_regulator_lists_plans_opens_one_verifies_and_downloads_the_publication(
    browser: Any, app_server: ServerThread, city: City, plan: dict[str, Any]
) -> None:
    with chromium_page(browser, app_server.url) as (page, watch):
        page.goto(app_server.url + "/")
        page.fill("#key-input", city.keys["regulator"])
        page.press("#key-input", "Enter")
        page.locator("#whoami").filter(has_text="监管人员").wait_for()

        # A regulator key lands on the plan list; the investigator tab is not offered.
        link = page.locator(f'#plans-table a.plan-link[data-plan="{PLAN}"]')
        link.wait_for()
        assert page.locator("#tab-investigator").is_hidden()
        row = page.locator("#plans-table tr", has=page.locator(f'a[data-plan="{PLAN}"]'))
        assert "已公示" in row.inner_text()
        # The 分类 dashboard: subjects per tier by region, and this plan's sample per region.
        page.locator("#dashboard-table tbody tr").first.wait_for()
        header = page.inner_text("#dashboard-table thead")
        assert f"{PLAN} 抽取" in header and "无分类" in header
        page.select_option("#dashboard-by", "industry")
        page.locator("#dashboard-table thead", has_text="行业门类").wait_for()
        link.click()
        page.locator("#draw-table").wait_for()
        page.wait_for_function(
            "() => document.querySelector('#view-regulator').dataset.busy === '0'"
        )

        # The draw: every drawn subject, mandatory ones flagged, as the API lists them.
        assert page.locator("#draw-table tbody tr").count() == len(plan["selection"])
        mandatory = sum(1 for p in plan["selection"] if p["how"] != "random")
        assert page.locator("#draw-table .mandatory").count() == mandatory
        # Teams with names from the registry, and every 回避 skip with its reason in Chinese.
        assert page.locator("#teams-table tbody tr").count() == len(plan["teams"])
        skips = sum(len(t["skips"]) for t in plan["teams"])
        assert page.locator("#teams-table .skips li").count() == skips
        teams_text = page.inner_text("#teams-table")
        for english in ("inspected this subject", "shareholder of", "officer of", "related in"):
            assert english not in teams_text
        # Results as published, with subject names from the publication file.
        assert page.locator("#results-table tbody tr").count() == len(plan["results"])
        assert "不配合检查" in page.inner_text("#results-table")

        page.click("#plan-verify")
        page.locator("#verify-status.verified").wait_for()
        assert "验证通过" in page.inner_text("#verify-status")
        page.click("#plan-verify-public")
        page.locator("#verify-status.verified", has_text="仅凭公示文件").wait_for()
        assert "inclusion proofs" in page.inner_text("#verify-status")
        assert page.evaluate(CJK_GLYPHS_DIFFER)
        screenshot(page, "regulator_plan")

        with page.expect_download() as csv_file:
            page.click("#download-results_csv")
        text = Path(csv_file.value.path()).read_text(encoding="utf-8-sig")
        assert text.splitlines()[0].startswith("序号,主体标识,主体名称,抽取方式")
        assert "风险分类" not in text
        assert csv_file.value.suggested_filename == f"{PLAN}.results.csv"

        assert watch.foreign_requests() == []
        assert watch.errors == []


@pytest.fixture(scope="module")
def demo_published(city: City) -> dict[str, Any]:
    """What `linkrisk demo` does after loading: one plan run to publication by ``demo_plan``."""
    from linkrisk.graph.open import open_store
    from linkrisk.graph.snapshot.arrays import load_current
    from linkrisk.models.scores import load_scores
    from linkrisk.sampling.demo import demo_plan

    store = open_store(city.settings)
    try:
        snapshot = load_current(city.settings.snapshot_dir)
        return demo_plan(city.settings, store, snapshot, load_scores(city.settings))
    finally:
        store.close()


def test_the_demo_plan_opens_on_the_page(
    browser: Any, app_server: ServerThread, city: City, demo_published: dict[str, Any]
) -> None:
    """A plan published outside the API (by the demo) opens with its results, and its public
    files verify from the page (the 404 "the results_csv file … is missing" is gone)."""
    plan_id = demo_published["plan_id"]
    with chromium_page(browser, app_server.url) as (page, watch):
        page.goto(app_server.url + "/")
        page.fill("#key-input", city.keys["regulator"])
        page.press("#key-input", "Enter")
        page.locator(f'#plans-table a.plan-link[data-plan="{plan_id}"]').click()
        page.locator("#results-table").wait_for()
        page.wait_for_function(
            "() => document.querySelector('#view-regulator').dataset.busy === '0'"
        )
        assert page.locator("#publication-missing").count() == 0
        matter = demo_published["matter"]
        assert matter not in page.inner_text("#plan-matters")  # by name from the 抽查事项清单
        assert "加载中" not in page.inner_text("#plan-detail")
        recorded = demo_published["results"]["results"]
        assert page.locator("#results-table tbody tr").count() == recorded
        page.click("#plan-verify-public")
        page.locator("#verify-status.verified").wait_for()
        assert watch.errors == []
