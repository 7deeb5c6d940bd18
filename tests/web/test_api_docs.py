"""The API's own pages, /docs (Swagger UI) and /redoc (ReDoc), work without the internet: their
scripts are vendored from npm like the page's, and every other origin is blocked here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from linkrisk.api.app import openapi_document
from linkrisk.web.routes import router
from tests.web.harness import ServerThread, chromium_page, screenshot

pytestmark = pytest.mark.browser

#: operations every role's reader looks for first
OPERATIONS = ("/v1/scores/{uscc}", "/v1/subjects/{sid}", "/v1/search")


@pytest.fixture(scope="module")
def docs_server() -> Iterator[ServerThread]:
    """The page's router and the real OpenAPI document (no data behind them)."""
    app = FastAPI(docs_url=None, redoc_url=None)
    app.include_router(router)
    document = openapi_document()
    app.openapi = lambda: document  # type: ignore[method-assign]
    with ServerThread(app) as server:
        yield server


def _offline(page: Any, base_url: str) -> list[str]:
    """Abort every request that leaves the server's origin, as without the internet; returns
    those that were not images (ReDoc's sidebar credit shows a logo from its CDN when it can:
    without the internet the credit stays, without its picture)."""
    blocked: list[str] = []

    def route(request: Any) -> None:
        if request.request.url.startswith((base_url, "data:", "blob:")):
            request.continue_()
            return
        if request.request.resource_type != "image":
            blocked.append(request.request.url)
        request.abort()

    page.route("**/*", route)
    return blocked


def test_swagger_ui_shows_the_operations_offline(browser: Any, docs_server: ServerThread) -> None:
    with chromium_page(browser, docs_server.url) as (page, watch):
        blocked = _offline(page, docs_server.url)
        page.goto(docs_server.url + "/docs")
        page.locator(".opblock").first.wait_for(state="visible")
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        text = " ".join(p.replace("\u200b", "") for p in paths)
        for operation in OPERATIONS:
            assert operation in text
        screenshot(page, "api_docs_swagger")
        assert blocked == [] and watch.foreign_requests() == []
        assert [e for e in watch.errors if "Failed to load resource" not in e] == []
        assert any(u.endswith("/static/vendor/swagger-ui-bundle.js") for u in watch.requests)


def test_redoc_shows_the_operations_offline(browser: Any, docs_server: ServerThread) -> None:
    with chromium_page(browser, docs_server.url) as (page, watch):
        blocked = _offline(page, docs_server.url)
        page.goto(docs_server.url + "/redoc")
        heading = page.locator("h2").filter(has_text="Find subjects by USCC, name, pinyin")
        heading.first.wait_for(state="visible")
        body = page.locator("body").inner_text()
        assert "Subject card" in body and "linkrisk" in body
        for operation in OPERATIONS:
            assert operation in body
        screenshot(page, "api_docs_redoc")
        assert blocked == []
        assert any(u.endswith("/static/vendor/redoc.standalone.js") for u in watch.requests)


def test_the_docs_pages_name_only_vendored_scripts(docs_server: ServerThread) -> None:
    import httpx

    for page in ("/docs", "/redoc"):
        response = httpx.get(docs_server.url + page)
        assert response.status_code == 200
        assert "cdn" not in response.text.lower() and "googleapis" not in response.text
        assert "/static/vendor/" in response.text
        assert "script-src 'self'" in response.headers["content-security-policy"]
