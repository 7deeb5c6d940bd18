"""The card's 工商信息, the time slider's diff, a person's page, 查关系 with an ambiguous name
and a change of key, in Chromium against the real API over the generated city.

An earlier snapshot (a year before the published one) is built beside it so the slider has two
dates; the published snapshot stays the current one. Every number the page shows is compared
with the API's answer to the same question.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import numpy as np
import pytest

from linkrisk.graph.open import open_store
from linkrisk.graph.snapshot.arrays import CURRENT, load_current
from linkrisk.graph.snapshot.build import build_snapshot
from tests.web.city import City
from tests.web.harness import ServerThread, chromium_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

IDLE = """() => {
  const view = document.querySelector('#view-investigator');
  const graph = document.querySelector('#graph');
  const history = document.querySelector('#card-history');
  return view.dataset.busy === '0' && graph.dataset.layoutDone === '1'
    && (!history || history.dataset.busy === '0');
}"""


@pytest.fixture(scope="module")
def api(city: City, app_server: ServerThread) -> Iterator[httpx.Client]:
    headers = {"X-API-Key": city.keys["investigator"]}
    with httpx.Client(base_url=app_server.url, headers=headers, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def dates(city: City) -> tuple[str, str]:
    """Build a snapshot a year before the published one; keep the published one current."""
    root = city.settings.snapshot_dir
    pointer = (root / CURRENT).read_text()
    current = load_current(root).as_of
    earlier = current - dt.timedelta(days=365)
    store = open_store(city.settings)
    try:
        build_snapshot(store, root, as_of=earlier, supernode_cap=city.settings.supernode_cap)
    finally:
        store.close()
    (root / CURRENT).write_text(pointer)
    return earlier.isoformat(), current.isoformat()


@pytest.fixture(scope="module")
def changed(city: City, api: httpx.Client, dates: tuple[str, str]) -> tuple[str, dict[str, Any]]:
    """A firm whose shareholders changed between the two dates, and the API's diff."""
    snapshot = load_current(city.settings.snapshot_dir)
    firms = np.flatnonzero(np.asarray(snapshot.nodes["kind"]) == 0)
    for node in firms[:600]:
        sid = snapshot.sid(int(node))
        answer = api.get(
            f"/v1/subjects/{sid}/history/diff", params={"from": dates[0], "to": dates[1]}
        )
        if answer.status_code != 200:
            continue
        diff = answer.json()
        moves = [c for c in diff["changes"] if c["section"] == "shareholder"]
        if diff["before"]["present"] and moves and diff["after"]["shareholders"]:
            return sid, diff
    pytest.fail("no firm of the generated city changed shareholders within a year")


def _sign_in(page: Any, url: str, key: str) -> None:
    page.goto(url + "/")
    page.locator("#key-dialog").wait_for(state="visible")
    page.fill("#key-input", key)
    page.press("#key-input", "Enter")
    page.locator("#whoami").filter(has_text="lr_").wait_for()


def _rows(page: Any, table: str) -> int:
    return int(page.locator(f"{table} tbody tr").count())


def test_card_fields_and_the_time_slider_diff(
    browser: Any,
    app_server: ServerThread,
    city: City,
    api: httpx.Client,
    dates: tuple[str, str],
    changed: tuple[str, dict[str, Any]],
) -> None:
    sid, diff = changed
    registry = api.get(f"/v1/subjects/{sid}/registry").json()
    with chromium_page(browser, app_server.url) as (page, watch):
        _sign_in(page, app_server.url, city.keys["investigator"])
        page.goto(app_server.url + f"/#/subject/{sid}")
        page.locator("#card-shareholders").wait_for()
        page.wait_for_function(IDLE)

        # 工商信息: every field the API gives is on the card.
        reps = [p["name"] for p in registry["legal_representatives"]]
        assert page.inner_text("#card-legal-rep").split() == (reps or ["—"])
        if registry["industry"]:
            assert " › ".join(registry["industry"]["path"]) in page.inner_text("#card-industry")
        if registry["region"]:
            assert registry["region"]["name"] in page.inner_text("#card-region")
        assert _rows(page, "#card-shareholders") == len(registry["shareholders"])
        first = registry["shareholders"][0]
        row = page.locator("#card-shareholders tbody tr").first.inner_text()
        assert first["name"] in row
        assert (f"{first['share'] * 100:.2f}%" if first["share"] is not None else "未知") in row
        for section, table in (
            ("officers", "#card-officers"),
            ("investments", "#card-investments"),
            ("branches", "#card-branches"),
        ):
            expected = len(registry[section])
            assert (_rows(page, table) if expected else 0) == expected, section
        assert page.locator('[data-field="business_scope"]').inner_text().startswith("未载入")

        # 受益所有人: the API's owners with their integrated shares, on the card and the graph.
        owners = api.get(f"/v1/subjects/{sid}/beneficial-owners").json()["owners"]
        assert owners, "every firm has a beneficial owner or, failing that, a manager"
        assert (_rows(page, "#card-beneficial") if owners else 0) == len(owners)
        page.select_option("#graph-mode", "beneficial")
        page.wait_for_function(IDLE)
        labels = page.evaluate(
            "() => window.linkrisk.investigator.graph.cy.nodes().map(n => n.data('label'))"
        )
        for owner in owners:
            if owner["integrated_share"] is not None:
                shown = f"{owner['integrated_share'] * 100:.2f}%"
                assert shown in page.inner_text("#card-beneficial")
                assert any(shown in (text or "") for text in labels), labels

        # The slider starts on the earlier date: the diff to the latest is the API's.
        assert page.inner_text("#history-date") == dates[0]
        assert _rows(page, "#history-changes") == len(diff["changes"])
        assert _rows(page, "#history-holders") == len(diff["before"]["shareholders"])
        shown = page.inner_text("#history-changes")
        for change in diff["changes"]:
            if change.get("name"):
                assert change["name"] in shown
        screenshot(page, "investigator_history")

        # Slid to the latest date: nothing changed since.
        page.evaluate(
            "() => { const s = document.querySelector('#history-slider');"
            " s.value = s.max; s.dispatchEvent(new Event('input')); }"
        )
        page.locator("#history-date").filter(has_text=dates[1]).wait_for()
        page.wait_for_function(IDLE)
        assert "无变更" in page.inner_text("#history-changes")
        assert _rows(page, "#history-holders") == len(diff["after"]["shareholders"])
        assert watch.errors == []


def test_a_person_page_ambiguous_paths_and_a_key_change(
    browser: Any, app_server: ServerThread, city: City, api: httpx.Client
) -> None:
    hits = api.get("/v1/search", params={"q": "澜城", "limit": 5}).json()["items"]
    origin = hits[0]["sid"]
    registry = api.get(f"/v1/subjects/{origin}/registry").json()
    people = [p for p in registry["shareholders"] + registry["officers"] if p["kind"] == "person"]
    with chromium_page(browser, app_server.url) as (page, watch):
        _sign_in(page, app_server.url, city.keys["investigator"])
        page.goto(app_server.url + f"/#/subject/{origin}")
        page.wait_for_function(IDLE)

        # 查关系 with a name many firms share: the page asks which one, then draws the paths.
        page.fill("#path-target", "澜城")
        page.press("#path-target", "Enter")
        choice = page.locator("#path-choice")
        choice.wait_for(state="visible")
        buttons = choice.locator("button.hit")
        assert buttons.count() >= 2 and "请选择" in choice.inner_text()
        assert page.locator("#graph-notes").filter(has_text="找到").count() == 0
        sids = [buttons.nth(i).get_attribute("data-sid") for i in range(buttons.count())]
        target = next(s for s in sids if s != origin)
        choice.locator(f'button.hit[data-sid="{target}"]').click()
        page.locator("#graph-notes").filter(has_text="路径").wait_for()
        page.wait_for_function(IDLE)
        assert choice.is_hidden()
        assert page.input_value("#path-target") == target

        # A person's page lists the firms by role and holding, as the API does.
        if people:
            person = people[0]["sid"]
            answer = api.get(f"/v1/persons/{person}").json()
            page.goto(app_server.url + f"/#/subject/{person}")
            page.locator("#card-person").wait_for()
            page.wait_for_function(IDLE)
            for table, items in (("#person-posts", "posts"), ("#person-holdings", "holdings")):
                assert (_rows(page, table) if answer[items] else 0) == len(answer[items])
            assert answer["name"] in page.inner_text("#card-name")

        # Another key: nothing of the investigator's screen stays.
        page.click("#sign-out")
        page.locator("#key-dialog").wait_for(state="visible")
        assert page.inner_text("#card") == ""
        assert page.locator("#workspace").is_hidden()
        assert page.get_attribute("#graph", "data-nodes") == "0"
        page.fill("#key-input", city.keys["regulator"])
        page.press("#key-input", "Enter")
        page.locator("#whoami").filter(has_text="监管").wait_for()
        assert page.locator("#view-investigator").is_hidden()
        assert page.inner_text("#card") == "" and page.inner_text("#search-results") == ""
        assert watch.errors == []


def _contacts_case(city: City, api: httpx.Client, want: str) -> tuple[str, list[dict[str, Any]]]:
    snapshot = load_current(city.settings.snapshot_dir)
    firms = np.flatnonzero(np.asarray(snapshot.nodes["kind"]) == 0)
    for node in firms[:1500]:
        sid = snapshot.sid(int(node))
        contacts = api.get(f"/v1/subjects/{sid}/contacts").json()["contacts"]
        if (
            (want == "supernode" and any(c["supernode"] for c in contacts))
            or (want == "linked" and contacts and not any(c["supernode"] for c in contacts))
            or (want == "none" and not contacts)
        ):
            return sid, contacts
    pytest.fail(f"the generated city has no firm with {want} contacts")


@pytest.mark.parametrize("want", ["supernode", "linked", "none"])
def test_shared_contacts_show_the_value_the_members_or_none(
    browser: Any, app_server: ServerThread, city: City, api: httpx.Client, want: str
) -> None:
    sid, contacts = _contacts_case(city, api, want)
    with chromium_page(browser, app_server.url) as (page, watch):
        _sign_in(page, app_server.url, city.keys["investigator"])
        page.goto(app_server.url + f"/#/subject/{sid}")
        page.wait_for_function(IDLE)
        page.select_option("#graph-mode", "contacts")
        page.wait_for_function(IDLE)
        notes = page.inner_text("#graph-notes")
        if want == "none":
            assert page.locator("#contacts-none").is_visible() and "无疑似关联" in notes
        for c in contacts:
            assert c["value"] in notes
            if c["supernode"]:
                listed = page.locator(f'ul.contact-members[data-kind="{c["kind"]}"] li')
                assert listed.count() == len(c["members"]) > 0
                assert c["members"][0]["name"] in notes
        assert watch.errors == []


def test_risk_scan_counts_open_their_lists(
    browser: Any, app_server: ServerThread, city: City, api: httpx.Client
) -> None:
    snapshot = load_current(city.settings.snapshot_dir)
    firms = np.flatnonzero(np.asarray(snapshot.nodes["kind"]) == 0)
    for node in firms[:1500]:
        sid = snapshot.sid(int(node))
        scan = api.get(f"/v1/subjects/{sid}/scan").json()
        if all(s["total"] for s in scan["sections"] if s["name"] != "alerts"):  # none watched
            break
    else:
        pytest.fail("no firm has both own records and listed neighbours")
    with chromium_page(browser, app_server.url) as (page, watch):
        _sign_in(page, app_server.url, city.keys["investigator"])
        page.goto(app_server.url + f"/#/subject/{sid}")
        page.locator("#card-scan").wait_for()
        page.wait_for_function(IDLE)
        for section in scan["sections"]:
            box = page.locator(f'#card-scan [data-section="{section["name"]}"]')
            assert f"{section['title']} {section['total']}" in box.inner_text()
            for group in section["groups"]:
                box.locator(f'button.scan-count[data-key="{group["key"]}"]').click()
                listed = box.locator("ul.scan-list li")
                assert listed.count() == group["count"]
                if group["neighbours"]:
                    assert group["neighbours"][0]["name"] in box.inner_text()
        assert watch.errors == []
