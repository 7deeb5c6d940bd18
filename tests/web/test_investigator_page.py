"""An investigator's walk through the page, in Chromium, against the real API over a generated city.

Every number the page shows is compared with what the API answers to the same question.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from linkrisk.graph.snapshot.arrays import load_current
from linkrisk.models.scores import load_scores
from tests.web.city import City
from tests.web.harness import (
    CJK_GLYPHS_DIFFER,
    ServerThread,
    chromium_page,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TIER_COLOURS = {"A": "#2e7d32", "B": "#1565c0", "C": "#ef6c00", "D": "#c62828"}
IDLE = """() => {
  const view = document.querySelector('#view-investigator');
  const graph = document.querySelector('#graph');
  return view.dataset.busy === '0' && graph.dataset.layoutDone === '1';
}"""


@dataclass(frozen=True, slots=True)
class Walk:
    """The subjects the walk visits, chosen from the city so that each step has something to do."""

    sid: str
    name: str
    nodes: frozenset[str]  # its 1-hop neighbourhood, as the API answers
    expand: str  # a neighbour whose own neighbourhood adds nodes
    grown: frozenset[str]  # the union after expanding it
    target: str  # a subject two hops away (for 查关系)


@pytest.fixture(scope="module")
def api(city: City, app_server: ServerThread) -> Iterator[httpx.Client]:
    headers = {"X-API-Key": city.keys["investigator"]}
    with httpx.Client(base_url=app_server.url, headers=headers, timeout=60) as client:
        yield client


def _nodes(api: httpx.Client, sid: str, hops: int = 1) -> dict[str, Any]:
    answer = api.get(f"/v1/subjects/{sid}/neighbourhood", params={"hops": hops, "max_nodes": 2000})
    answer.raise_for_status()
    return {n["sid"]: n for n in answer.json()["nodes"]}


@pytest.fixture(scope="module")
def walk(city: City, api: httpx.Client) -> Walk:
    """A risky (tier C/D), named organisation with a modest neighbourhood that can grow."""
    snapshot = load_current(city.settings.snapshot_dir)
    scores = load_scores(city.settings)
    degree = np.zeros(snapshot.n, np.int64)
    for relation in snapshot.relations.values():
        degree += np.diff(relation.indptr) + np.diff(relation.rev_indptr)
    org = np.asarray(snapshot.nodes["kind"]) == 0  # enterprise
    candidates = np.flatnonzero(
        org & (np.asarray(scores.tier) >= 2) & (degree >= 4) & (degree <= 25)
    )
    for node in candidates[np.argsort(-degree[candidates], kind="stable")]:
        sid = snapshot.sid(int(node))
        card = api.get(f"/v1/subjects/{sid}", params={"explain": "false"}).json()
        around = _nodes(api, sid)
        two = _nodes(api, sid, hops=2)
        far = sorted(s for s, n in two.items() if n["hop"] == 2)
        if not card.get("name") or not far:
            continue
        for neighbour in sorted(s for s, n in around.items() if n["hop"] == 1):
            extra = set(_nodes(api, neighbour)) - set(around)
            if extra:
                return Walk(
                    sid=sid,
                    name=card["name"],
                    nodes=frozenset(around),
                    expand=neighbour,
                    grown=frozenset(set(around) | extra),
                    target=far[0],
                )
    pytest.fail("the generated city has no risky subject with a growable neighbourhood")


def _sign_in(page: Any, url: str, key: str) -> None:
    page.goto(url + "/")
    page.locator("#key-dialog").wait_for(state="visible")
    page.fill("#key-input", key)
    page.press("#key-input", "Enter")
    page.locator("#whoami").filter(has_text="lr_").wait_for()


def _graph_count(page: Any) -> int:
    return int(page.get_attribute("#graph", "data-nodes"))


def test_investigator_searches_opens_expands_and_finds_a_path(
    browser: Any, app_server: ServerThread, city: City, walk: Walk, api: httpx.Client
) -> None:
    with chromium_page(browser, app_server.url) as (page, watch):
        _sign_in(page, app_server.url, city.keys["investigator"])
        assert "调查人员" in page.inner_text("#whoami")

        # Search by name: the subject is among the hits; open it.
        page.fill("#search-input", walk.name)
        page.press("#search-input", "Enter")
        hit = page.locator(f'button.hit[data-sid="{walk.sid}"]')
        hit.wait_for()
        assert walk.name in hit.inner_text()
        hit.click()
        page.wait_for_function(IDLE)

        # The card: name, the tier badge in its colour, the score the API gives.
        card = api.get(f"/v1/subjects/{walk.sid}").json()
        assert page.inner_text("#card-name") == walk.name
        badge = page.locator("#card .card-head .tier")
        assert badge.inner_text().startswith(card["tier"])
        colour = badge.evaluate("el => getComputedStyle(el).backgroundColor")
        assert colour == {"C": "rgb(239, 108, 0)", "D": "rgb(198, 40, 40)"}[card["tier"]]
        assert page.inner_text("#card-score") == f"{card['score']:.3f}"
        assert page.locator("#card-events tbody tr").count() == len(card["events"])

        # The graph holds exactly the API's 1-hop neighbourhood, coloured by tier.
        assert _graph_count(page) == len(walk.nodes)
        shown = set(page.evaluate("() => window.linkrisk.investigator.graph.nodeIds()"))
        assert shown == set(walk.nodes)
        centre_colour = page.evaluate(
            "sid => window.linkrisk.investigator.graph.cy.getElementById(sid).data('color')",
            walk.sid,
        )
        assert centre_colour == TIER_COLOURS[card["tier"]]
        screenshot(page, "investigator_subject")

        # Click a neighbour like a person would: its neighbourhood is merged in.
        page.locator("#graph").scroll_into_view_if_needed()
        where = page.evaluate(
            f"() => window.linkrisk.investigator.graph.pagePosition('{walk.expand}')"
        )
        page.mouse.click(where["x"], where["y"])
        page.wait_for_function(
            f"() => Number(document.querySelector('#graph').dataset.nodes) > {len(walk.nodes)}"
        )
        page.wait_for_function(IDLE)
        assert _graph_count(page) == len(walk.grown)
        assert (
            set(page.evaluate("() => window.linkrisk.investigator.graph.nodeIds()")) == walk.grown
        )
        screenshot(page, "investigator_expanded")

        # 查关系: the paths to a subject two hops away, as the API finds them, highlighted.
        paths = api.get("/v1/paths", params={"a": walk.sid, "b": walk.target}).json()
        on_paths = {s for p in paths["paths"] for s in p["sids"]}
        page.fill("#path-target", walk.target)
        page.press("#path-target", "Enter")
        page.locator("#graph-notes").filter(has_text="找到").wait_for()
        page.wait_for_function(IDLE)
        assert f"找到 {len(paths['paths'])} 条路径" in page.inner_text("#graph-notes")
        assert set(page.evaluate("() => window.linkrisk.investigator.graph.nodeIds()")) == on_paths
        highlighted = page.evaluate(
            "() => window.linkrisk.investigator.graph.cy.nodes('.path').map(n => n.id())"
        )
        assert set(highlighted) == on_paths
        # Every subject on the paths got its name, organisations their tier colour.
        labels = page.evaluate(
            "() => window.linkrisk.investigator.graph.cy.nodes().map(n => n.data('label'))"
        )
        assert not set(labels) & on_paths, "a subject on the path is shown by key, not name"
        organisations = sorted(s for s in on_paths if not s.startswith(("P", "W")))
        checked = api.post("/v1/checks", json={"usccs": organisations}).json()["results"]
        expected = {r["subject"]: TIER_COLOURS[r["tier"]] for r in checked if r["found"]}
        colours = page.evaluate(
            "() => Object.fromEntries(window.linkrisk.investigator.graph.cy.nodes()"
            ".map(n => [n.id(), n.data('color')]))"
        )
        assert {s: colours[s] for s in expected} == expected
        assert page.evaluate(CJK_GLYPHS_DIFFER)
        screenshot(page, "investigator_paths")

        # Exports: a PNG picture and the JSON of what is on screen.
        with page.expect_download() as png:
            page.click("#export-png")
        png_bytes = Path(png.value.path()).read_bytes()
        assert png_bytes[:8] == b"\x89PNG\r\n\x1a\n"
        with page.expect_download() as js:
            page.click("#export-json")
        exported = json.loads(Path(js.value.path()).read_text(encoding="utf-8"))
        assert {n["id"] for n in exported["nodes"]} == on_paths
        assert exported["subject"] == walk.sid

        assert watch.foreign_requests() == []
        assert watch.errors == []


def test_problems_from_the_api_are_shown_and_a_bad_key_is_asked_again(
    browser: Any, app_server: ServerThread, city: City
) -> None:
    with chromium_page(browser, app_server.url) as (page, watch):
        page.goto(app_server.url + "/")
        page.fill("#key-input", "lr_" + "x" * 32)
        page.press("#key-input", "Enter")
        page.locator("#key-error").filter(has_text="密钥无效").wait_for()
        assert page.locator("#key-dialog").is_visible()

        page.fill("#key-input", city.keys["investigator"])
        page.press("#key-input", "Enter")
        page.locator("#whoami").filter(has_text="lr_").wait_for()
        unknown = "91320102MA0009992Q"  # a valid USCC the city does not hold
        page.goto(app_server.url + f"/#/subject/{unknown}")
        banner = page.locator("#message")
        banner.filter(has_text="Not found (404)").wait_for()
        assert unknown in banner.inner_text()
        page.goto(app_server.url + "/#/subject/91000000MA0000000X")  # its check character is wrong
        banner.filter(has_text="Invalid input (422)").wait_for()
        assert "is not a valid USCC: check character does not match" in banner.inner_text()
        # Chromium logs every refused request; nothing else may have gone wrong.
        assert all("Failed to load resource" in e for e in watch.errors), watch.errors


def test_a_lender_key_is_told_this_page_is_not_for_it(
    browser: Any, app_server: ServerThread, city: City
) -> None:
    with chromium_page(browser, app_server.url) as (page, watch):
        page.goto(app_server.url + "/")
        page.fill("#key-input", city.keys["lender"])
        page.press("#key-input", "Enter")
        page.locator("#message").filter(has_text="/v1/scores").wait_for()
        assert page.locator("#tab-investigator").is_hidden()
        assert page.locator("#tab-regulator").is_hidden()
        assert watch.errors == []
