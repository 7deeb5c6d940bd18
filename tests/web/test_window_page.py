"""A service-window clerk's walk through the page, in Chromium: enter a code, see the measures
that apply with their reasons in Chinese, record the feedback; an ID number never stays."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest

from linkrisk.graph.relations import KIND_CODES
from linkrisk.graph.snapshot.arrays import load_current
from linkrisk.incentives import OUTCOMES, SubjectFacts, batch_outcomes, load_catalogue
from linkrisk.models.scores import load_scores
from tests.web.city import City
from tests.web.harness import CJK_GLYPHS_DIFFER, ServerThread, chromium_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def first_with(city: City, scenario: str, outcome: str) -> str:
    """An enterprise of the city with ``outcome`` in ``scenario`` (found by the engine)."""
    snapshot = load_current(city.settings.snapshot_dir)
    facts = SubjectFacts(snapshot, load_scores(city.settings).tier)
    enterprise = next(i for i, k in enumerate(KIND_CODES) if k.value == "enterprise")
    nodes = np.flatnonzero(np.asarray(snapshot.nodes["kind"]) == enterprise)
    codes = batch_outcomes(load_catalogue(), facts, nodes, [scenario], date.today())[scenario]
    hit = np.flatnonzero(codes == OUTCOMES.index(outcome))
    assert hit.size, f"the city has no enterprise {outcome} in {scenario}"
    return snapshot.sid(int(nodes[hit[0]]))


def test_a_window_clerk_checks_a_subject_and_records_feedback(
    browser: Any, app_server: ServerThread, city: City
) -> None:
    restricted = first_with(city, "政府采购", "restricted")
    with chromium_page(browser, app_server.url) as (page, watch):
        page.goto(app_server.url + "/")
        page.fill("#key-input", city.keys["window"])
        page.press("#key-input", "Enter")
        page.locator("#whoami").filter(has_text="服务窗口").wait_for()
        assert page.locator("#tab-investigator").is_hidden()
        assert page.locator("#tab-regulator").is_hidden()
        page.locator("#window-scenario option[value='政府采购']").wait_for(state="attached")
        assert "示例目录" in page.inner_text("#window-catalogue")

        page.fill("#window-code", restricted)
        page.select_option("#window-scenario", "政府采购")
        page.click("#window-form button[type=submit]")
        section = page.locator(".window-scenario[data-scenario='政府采购']")
        section.wait_for()
        assert "依法依规限制" in section.inner_text()
        measure = section.locator(".measure[data-measure='zfcg-bar']")
        text = measure.inner_text()
        assert "政府采购法" in text and "✔" in text and "要求" in text
        # an override needs its reason: the API refuses, the page says so
        measure.locator("button.override").click()
        page.locator("#message").filter(has_text="reason").wait_for()
        measure.locator("input.reason").fill("已提交信用修复申请，经负责人批准")
        measure.locator("button.override").click()
        measure.locator(".feedback-status").filter(has_text="不予执行").wait_for()

        # every scenario at once, for a person by ID number: the number does not stay on screen
        number = "110101199003071234"  # made-up; a wrong check digit is refused, not echoed
        page.fill("#window-code", number)
        page.select_option("#window-scenario", "")
        page.click("#window-form button[type=submit]")
        page.locator("#message").wait_for()
        assert page.input_value("#window-code") == ""
        assert number not in page.content()

        page.fill("#window-code", restricted)
        page.click("#window-form button[type=submit]")
        page.locator(".window-scenario[data-scenario='信易贷']").wait_for()
        assert page.locator(".window-scenario").count() >= 10
        assert page.evaluate(CJK_GLYPHS_DIFFER)
        screenshot(page, "window_check")
        assert watch.foreign_requests() == []
        assert [e for e in watch.errors if "422" not in e and "Unprocessable" not in e] == []
