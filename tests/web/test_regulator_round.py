"""A whole 双随机 round driven from the page, in Chromium, on the generated (demo) city: create
and seal, draw, assign, export the 任务单, import the filled-in results, publish, and verify the
publication from its public files alone. Each step is a button calling the API the CLI uses."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.city import City
from tests.web.harness import ServerThread, chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PLAN = "ROUND-2026-01"


def _busy_done(page: Any) -> None:
    page.wait_for_function("() => document.querySelector('#view-regulator').dataset.busy === '0'")


def test_a_whole_round_from_the_page(
    browser: Any, app_server: ServerThread, city: City, tmp_path: Path
) -> None:
    headers = {"X-API-Key": city.keys["regulator"]}
    with httpx.Client(base_url=app_server.url, headers=headers, timeout=300) as client:
        inspectors = client.get("/v1/inspectors", params={"limit": 10000}).json()["items"]
    qualified = Counter(
        (i["department"], q)
        for i in inspectors
        if i["active"] is not False
        for q in i["qualifications"]
    )
    (department, matter), _n = qualified.most_common(1)[0]
    with chromium_page(browser, app_server.url) as (page, watch):
        page.goto(app_server.url + "/")
        page.fill("#key-input", city.keys["regulator"])
        page.press("#key-input", "Enter")
        page.locator("#plans-table, #plans p").first.wait_for()
        page.click("#plan-create-panel summary")
        for name, value in {
            "plan_id": PLAN, "name": "页面上的一轮抽查", "departments": department,
            "matters": matter, "inspect_start": "2026-11-02", "inspect_end": "2026-12-31",
            "ratio_A": "1%", "ratio_B": "2%", "ratio_C": "5%", "ratio_D": "10%",
        }.items():  # fmt: skip
            page.fill(f"#plan-create [name={name}]", value)
        page.click("#plan-create-submit")
        page.locator("#step-draw").click()  # reveal the sealed seed and draw
        page.locator("#step-assign").wait_for()
        _busy_done(page)
        page.check("#step-accept-unassigned")  # 回避 may leave a subject without a team
        page.click("#step-assign")
        page.locator("#step-task-sheet").wait_for()
        _busy_done(page)
        teams_text = page.inner_text("#teams-table")
        for english in ("inspected this subject", "shareholder of", "officer of", "related in"):
            assert english not in teams_text  # every 回避 skip is said in Chinese
        with page.expect_download() as sheet:
            page.click("#step-task-sheet")
        rows = list(csv.reader(io.StringIO(Path(sheet.value.path()).read_text("utf-8-sig"))))
        header, body = rows[0], rows[1:]
        assert header[:3] == ["检查人员编号", "检查人员", "主体标识"] and body
        result, day = header.index("检查结果"), header.index("检查日期")
        for row in body:
            row[result], row[day] = "正常", "2026-11-10"
        filled = tmp_path / "filled.csv"
        with filled.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows([header, *body])
        page.set_input_files("#step-results-file", str(filled))
        page.locator("#step-publish").wait_for()
        _busy_done(page)
        subjects = len({row[2] for row in body})
        assert f"{subjects} / {subjects}" in page.inner_text("#plan-progress")
        per_team = page.locator("#progress-teams tbody tr")  # each team: its subjects, all entered
        assert per_team.count() >= 1
        for row in per_team.all():
            cells = row.locator("td").all_inner_texts()
            assert cells[1] == cells[2], cells
        assert page.locator("#progress-matters tbody tr").count() >= 1
        page.fill("#step-partial", "部分主体无人可派")  # needed only if 回避 left some out
        page.click("#step-publish")
        page.locator("#plan-status", has_text="已公示").wait_for()
        _busy_done(page)
        page.click("#plan-verify-public")
        page.locator("#verify-status.verified", has_text="仅凭公示文件").wait_for()
        assert watch.errors == []
