"""The alerts bell in Chromium: the organisation's unread count, the panel with each change and
its path, and acknowledging from the page (checked against the API)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import numpy as np
import pytest

from linkrisk.graph.open import open_embedded
from linkrisk.graph.relations import EVENT_CODES
from linkrisk.graph.snapshot.arrays import load_current
from linkrisk.monitor.changes import KIND_CODES, ChangeKind, Changes
from linkrisk.monitor.evaluate import evaluate
from linkrisk.monitor.watches import add_watch
from tests.web.city import City
from tests.web.harness import ServerThread, chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ORG = "web-test-investigator"  # the investigator key's organisation (tests/web/city.py)


@pytest.fixture(scope="module")
def alerts(city: City) -> Iterator[int]:
    """Three new penalties on a firm the investigator's organisation watches at depth 0 and on
    two firms one link from it (the changes are made up; the walk and the store are real)."""
    snapshot = load_current(city.settings.snapshot_dir)
    holds = snapshot.relations[next(r for r in snapshot.relations if r.value == "HOLDS")]
    held = int(np.flatnonzero(np.diff(holds.rev_indptr) >= 2)[0])  # a firm with two holders
    holders, _ = holds.into(held)
    nodes = np.asarray([held, *holders[:2]], np.int64)
    penalty = EVENT_CODES.index(next(e for e in EVENT_CODES if e.value == "penalty"))
    changes = Changes(
        nodes,
        np.full(3, KIND_CODES.index(ChangeKind.EVENT), np.int8),
        np.full(3, -1, np.int64),
        np.full(3, penalty, np.int64),
        np.full(3, -1, np.int64),
    )
    store = open_embedded(city.settings)
    try:
        add_watch(store, ORG, snapshot.sid(held), depth=1)
        run = evaluate(store, "web-test-previous", snapshot, changes, "graph")
    finally:
        store.close()
    assert run.alerts == 3
    yield run.alerts


def test_the_bell_counts_lists_and_acknowledges(
    browser: object, city: City, app_server: ServerThread, alerts: int
) -> None:
    headers = {"X-API-Key": city.keys["investigator"]}
    with chromium_page(browser, app_server.url) as (page, watch):
        page.goto(app_server.url + "/")
        page.fill("#key-input", city.keys["investigator"])
        page.press("#key-input", "Enter")
        bell = page.locator("#alert-bell")
        bell.locator(".count").filter(has_text=str(alerts)).wait_for()
        bell.click()
        items = page.locator("#alert-panel .alert")
        items.first.wait_for()
        assert items.count() == alerts
        texts = items.all_inner_texts()
        assert all("新增记录：行政处罚" in t for t in texts)
        assert sum("持股→" in t for t in texts) == 2  # the two holders: one link away
        items.first.locator("button.ack").click()
        bell.locator(".count").filter(has_text=str(alerts - 1)).wait_for()
        assert page.locator("#alert-panel .alert").count() == alerts - 1
        answer = httpx.get(app_server.url + "/v1/alerts/count", headers=headers).json()
        assert answer == {"open": alerts - 1}
        page.locator("#sign-out").click()  # another key must not see this organisation's count
        assert bell.is_hidden() and page.locator("#alert-panel").is_hidden()
        assert not watch.errors, watch.errors
