"""The graph stays legible at two hops: no caption overlaps another (checked on the layout's
bounding boxes), names are whole, the same subject is laid out the same way, edge groups fold,
and the exported PNG carries the subject and the legend."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from PIL import Image

from linkrisk.graph.snapshot.arrays import load_current
from tests.web.city import City
from tests.web.harness import ServerThread, chromium_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]
IDLE = """() => document.querySelector('#view-investigator').dataset.busy === '0'
  && document.querySelector('#graph').dataset.layoutDone === '1'"""
BOXES = """() => window.linkrisk.investigator.graph.cy.nodes(':visible').map(n => {
  const b = n.boundingBox({ includeLabels: true, includeOverlays: false });
  return [n.id(), b.x1, b.y1, b.x2, b.y2];
})"""
POSITIONS = """() => Object.fromEntries(window.linkrisk.investigator.graph.cy.nodes()
  .map(n => [n.id(), [Math.round(n.position('x')), Math.round(n.position('y'))]]))"""


@pytest.fixture(scope="module")
def dense(city: City, app_server: ServerThread) -> Iterator[str]:
    """The organisation with the largest two-hop neighbourhood under 350 subjects (a dense
    cluster: at least 25) among the 60 best connected."""
    snapshot = load_current(city.settings.snapshot_dir)
    degree = np.zeros(snapshot.n, np.int64)
    for relation in snapshot.relations.values():
        degree += np.diff(relation.indptr) + np.diff(relation.rev_indptr)
    org = np.asarray(snapshot.nodes["kind"]) == 0  # enterprise
    candidates = np.flatnonzero(org & (degree <= 40))
    headers = {"X-API-Key": city.keys["investigator"]}
    sizes = {}
    with httpx.Client(base_url=app_server.url, headers=headers, timeout=60) as api:
        for node in candidates[np.argsort(-degree[candidates], kind="stable")][:60]:
            sid = snapshot.sid(int(node))
            two = api.get(f"/v1/subjects/{sid}/neighbourhood", params={"hops": 2}).json()
            if len(two["nodes"]) <= 350:
                sizes[sid] = len(two["nodes"])
    best = max(sizes, key=lambda s: (sizes[s], s))
    assert sizes[best] >= 25, sizes
    yield best


def overlapping(boxes: list[list[Any]]) -> list[tuple[str, str]]:
    found = []
    for i, (a, ax1, ay1, ax2, ay2) in enumerate(boxes):
        for b, bx1, by1, bx2, by2 in boxes[i + 1 :]:
            if min(ax2, bx2) - max(ax1, bx1) > 0.5 and min(ay2, by2) - max(ay1, by1) > 0.5:
                found.append((a, b))
    return found


def _open(page: Any, url: str, key: str, sid: str, mode: str) -> None:
    page.goto(url + "/")
    page.fill("#key-input", key)
    page.press("#key-input", "Enter")
    page.locator("#whoami").filter(has_text="lr_").wait_for()
    page.goto(url + f"/#/subject/{sid}")
    page.wait_for_function(IDLE)
    page.select_option("#graph-mode", mode)
    page.wait_for_function(IDLE)
    page.select_option("#graph-depth", "2")
    page.wait_for_function(IDLE)


@pytest.mark.parametrize("mode", ["neighbourhood", "lookthrough"])
def test_a_two_hop_graph_has_no_overlapping_captions(
    browser: Any, city: City, app_server: ServerThread, dense: str, mode: str
) -> None:
    with chromium_page(browser, app_server.url) as (page, watch):
        _open(page, app_server.url, city.keys["investigator"], dense, mode)
        boxes = page.evaluate(BOXES)
        assert len(boxes) >= (25 if mode == "neighbourhood" else 2)
        assert overlapping(boxes) == []
        screenshot(page, f"graph_two_hops_{mode}")
        captions = page.evaluate(
            "() => window.linkrisk.investigator.graph.cy.nodes()"
            ".map(n => [n.data('label'), n.data('fullLabel')])"
        )
        for label, full in captions:  # whole names, broken only between lines
            assert "…" not in label and label.replace("\n", "").replace(" ", "") == full.replace(
                " ", ""
            )
        # the same subject, loaded again, is drawn the same way
        first = page.evaluate(POSITIONS)
        page.select_option("#graph-depth", "1")
        page.wait_for_function(IDLE)
        page.select_option("#graph-depth", "2")
        page.wait_for_function(IDLE)
        again = page.evaluate(POSITIONS)
        assert again == first
        assert not watch.errors, watch.errors


def test_edge_groups_fold_and_the_png_carries_subject_and_legend(
    browser: Any, city: City, app_server: ServerThread, dense: str
) -> None:
    with chromium_page(browser, app_server.url) as (page, watch):
        _open(page, app_server.url, city.keys["investigator"], dense, "neighbourhood")
        toggles = page.locator("#graph-groups .group-toggle")
        groups = toggles.evaluate_all("els => els.map(e => e.dataset.group)")
        assert "officer" in groups
        visible_officers = (
            "() => window.linkrisk.investigator.graph.cy.edges(':visible')"
            ".filter(e => e.data('rel') === 'OFFICER').length"
        )
        assert page.evaluate(visible_officers) > 0
        page.click('#graph-groups .group-toggle[data-group="officer"]')
        page.wait_for_function(IDLE)
        assert page.evaluate(visible_officers) == 0
        hidden_persons = page.evaluate(
            "() => window.linkrisk.investigator.graph.cy.nodes('.folded').length"
        )
        assert hidden_persons > 0  # officers seen only through an office are folded with it
        assert overlapping(page.evaluate(BOXES)) == []
        page.click('#graph-groups .group-toggle[data-group="officer"]')
        page.wait_for_function(IDLE)
        assert page.evaluate(visible_officers) > 0

        plain = page.evaluate(
            "() => { const c = window.linkrisk.investigator.graph.cy;"
            " const p = c.png({ output: 'base64uri', full: true, scale: 2 });"
            " return new Promise(r => { const i = new Image();"
            " i.onload = () => r([i.width, i.height]); i.src = p; }); }"
        )
        with page.expect_download() as png:
            page.click("#export-png")
        picture = Image.open(io.BytesIO(Path(png.value.path()).read_bytes())).convert("L")
        assert picture.height == plain[1] + (84 + 56) * 2 and picture.width >= plain[0]
        head = picture.crop((0, 0, picture.width, 70 * 2))
        foot = picture.crop((0, picture.height - 56 * 2, picture.width, picture.height))
        assert head.getextrema()[0] < 100  # dark title text above the graph
        assert foot.getextrema()[0] < 200  # the legend's dots, lines and words below it

        with page.expect_download(timeout=60_000) as report:  # 调查报告, printed on the server
            page.click("#export-report")
        assert report.value.suggested_filename.endswith(".pdf")
        assert Path(report.value.path()).read_bytes()[:5] == b"%PDF-"
        assert not watch.errors, watch.errors
