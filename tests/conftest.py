"""Shared fixtures: settings isolated per test, small hand-made tables."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from linkrisk.config import Settings, get_settings


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own data directory and a fixed test hash key."""
    monkeypatch.setenv("LINKRISK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LINKRISK_ENV", "test")
    monkeypatch.setenv("LINKRISK_ID_HASH_KEY", "test-key")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def settings() -> Settings:
    return get_settings()
