"""Shared fixtures: settings isolated per test, small hand-made tables, the live Neo4j server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from linkrisk.config import Settings, get_settings
from tests.neo4j_server import NeoServer, launcher_missing, record_statements

EXTERNAL_URI = os.environ.get("LINKRISK_NEO4J_URI")  # a developer's own server, if given


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own data directory and fixed test keys."""
    monkeypatch.setenv("LINKRISK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LINKRISK_ENV", "test")
    monkeypatch.setenv("LINKRISK_ID_HASH_KEY", "test-key")
    monkeypatch.setenv("LINKRISK_AUDIT_KEY", "test-audit-key")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def settings() -> Settings:
    return get_settings()


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NeoServer]:
    """A real Neo4j 5.26 server for the whole session (``tools/neo4j-server``, fresh data
    directory), started on first use. With ``LINKRISK_NEO4J_URI`` set, that server is used
    instead. Without a built launcher: a skip outside CI, a failure under ``CI=true``."""
    record_statements()
    if EXTERNAL_URI:
        server = NeoServer(tmp_path_factory.mktemp("unused"), uri=EXTERNAL_URI)
        server.password = os.environ.get("LINKRISK_NEO4J_PASSWORD", "neo4j")
        yield server
        return
    if reason := launcher_missing():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI runs the Neo4j tests on a live server, but {reason}")
        pytest.skip(reason)
    server = NeoServer(tmp_path_factory.mktemp("neo4j-data")).start()
    yield server
    code = server.stop()
    assert code == 0, f"Neo4j did not shut down cleanly (exit {code}):\n{server.log_tail()}"


@pytest.fixture
def live_neo4j(neo4j_server: NeoServer, monkeypatch: pytest.MonkeyPatch) -> NeoServer:
    """The settings of this test point at the live server (``LINKRISK_NEO4J_*``)."""
    for name, value in neo4j_server.env().items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    return neo4j_server
