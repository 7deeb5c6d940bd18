"""``linkrisk neo4j import``: a first load with Neo4j's bulk importer gives the same graph as
``linkrisk load`` (every canonical table read back alike), with constraints and indexes online,
the load history recorded, and refuses a database that already holds data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from linkrisk.config import get_settings
from linkrisk.demo import generate_city
from linkrisk.graph.neo4j.store import Neo4jStore
from linkrisk.loaders.pipeline import load_directory
from linkrisk.loaders.records import TABLES
from tests.factories import new_store
from tests.neo4j_server import NeoServer, launcher_missing

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]
LINKRISK = str(Path(sys.executable).parent / "linkrisk")
PASSWORD = "import-test-pw"


def rows(store: Any, name: str) -> list[tuple[Any, ...]]:
    table = pa.Table.from_batches(list(store.read_table(name)), schema=TABLES[name].schema)
    return sorted(tuple(r.values()) for r in table.to_pylist())


def test_import_gives_the_graph_a_load_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if reason := launcher_missing():
        pytest.fail(reason)
    files = tmp_path / "city"
    generate_city(files, subjects=1500, seed=9, dirty_rate=0.002)
    home = tmp_path / "neo4j"
    monkeypatch.setenv("LINKRISK_NEO4J_PASSWORD", PASSWORD)
    done = subprocess.run(
        [LINKRISK, "neo4j", "import", str(files), "--home", str(home), "--json"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["nodes"] > 1500 and figures["relationships"] > 1500

    loaded = new_store(tmp_path / "loaded.db")
    load_directory(files, loaded)
    server = NeoServer(home, password=PASSWORD).start()
    try:
        for name, value in server.env().items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        imported = Neo4jStore.from_settings()
        try:
            assert all(state == "ONLINE" for _, _, state in imported.schema_status())
            for name in TABLES:
                assert rows(imported, name) == rows(loaded, name), name
            assert imported.counts() == {k: v for k, v in loaded.counts().items()}
            history = imported.load_history()
            assert sorted(r.file for r in history) == sorted(r.file for r in loaded.load_history())
            assert {r.status for r in history} == {"done"}
        finally:
            imported.close()
    finally:
        assert server.stop() == 0

    again = subprocess.run(
        [LINKRISK, "neo4j", "import", str(files), "--home", str(home)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert again.returncode == 2 and "already holds a database" in again.stderr
