"""The page itself in Chromium, before any data: offline assets, CJK text, the key dialog."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.harness import CJK_GLYPHS_DIFFER, ServerThread, chromium_page, screenshot

pytestmark = pytest.mark.browser


def test_page_loads_its_vendored_scripts_from_its_own_origin_and_asks_for_a_key(
    browser: Any, page_only_server: ServerThread
) -> None:
    with chromium_page(browser, page_only_server.url) as (page, watch):
        page.goto(page_only_server.url + "/")
        dialog = page.locator("#key-dialog")
        dialog.wait_for(state="visible")
        assert "请输入 API 密钥" in dialog.inner_text()
        # The module graph ran: cytoscape (ESM) and fCoSE (UMD global) are both there.
        assert page.evaluate("() => typeof window.cytoscapeFcose") == "function"
        assert page.evaluate("() => typeof window.linkrisk.investigator.graph.cy") == "object"
        assert page.evaluate(CJK_GLYPHS_DIFFER), (
            "CJK glyphs render as tofu: fonts-noto-cjk missing?"
        )
        screenshot(page, "page_key_dialog")
        assert watch.foreign_requests() == []
        assert watch.errors == []
        vendored = [u for u in watch.requests if "/static/vendor/" in u]
        assert len(vendored) == 5
