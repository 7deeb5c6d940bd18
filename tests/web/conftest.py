"""Fixtures for the page tests: Chromium (session-wide) and servers on loopback ports."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from linkrisk.web.routes import router
from tests.web.city import City, build_city
from tests.web.harness import CHROMIUM_ARGS, ServerThread, chromium_or_skip, vendored_or_skip


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_or_skip()
    vendored_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # The default launch gives every run a fresh, empty profile (user-data-dir).
        chromium = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def page_only_server() -> Iterator[ServerThread]:
    """The page's router alone (no API behind it): what a browser sees before signing in."""
    app = FastAPI()
    app.include_router(router)
    with ServerThread(app) as server:
        yield server


@pytest.fixture(scope="session")
def city(tmp_path_factory: pytest.TempPathFactory) -> City:
    """A 2,000-firm generated city, scored, with one API key per role."""
    return build_city(tmp_path_factory.mktemp("web-city"))


@pytest.fixture(scope="session")
def app_server(city: City) -> Iterator[ServerThread]:
    """The real API with the page's router (as ``create_app`` will include it)."""
    from linkrisk.api.app import create_app

    app = create_app(city.settings)
    if not any(getattr(r, "path", None) == "/" for r in app.routes):
        app.include_router(router)
    with ServerThread(app) as server:
        yield server
