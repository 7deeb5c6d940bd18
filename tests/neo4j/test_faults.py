"""A Neo4j server that dies in the middle of a load: the load fails with one clear line, and the
rerun after a restart completes with the same counts as a clean load (MERGE is idempotent).

This test runs its own server (it kills it), on a data directory of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from linkrisk.config import get_settings
from linkrisk.demo import generate_city
from linkrisk.graph.neo4j.store import Neo4jStore
from linkrisk.loaders.pipeline import load_directory
from tests.factories import new_store
from tests.neo4j_server import NeoServer, launcher_missing, wait_until

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]
LINKRISK = str(Path(sys.executable).parent / "linkrisk")


@pytest.fixture
def own_server(tmp_path: Path) -> NeoServer:
    if reason := launcher_missing():
        pytest.skip(reason) if os.environ.get("CI") != "true" else pytest.fail(reason)
    server = NeoServer(tmp_path / "neo4j").start()
    yield server  # type: ignore[misc]
    server.stop()


def _counts(server: NeoServer, env: dict[str, str]) -> dict[str, int]:
    os.environ.update(env)
    get_settings.cache_clear()
    store = Neo4jStore.from_settings()
    try:
        return store.counts()
    finally:
        store.close()


def test_a_load_cut_by_a_dying_server_fails_clearly_and_reruns_to_the_same_counts(
    own_server: NeoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = tmp_path / "city"
    generate_city(files, subjects=2000, seed=5)
    clean = new_store(tmp_path / "clean.db")
    load_directory(files, clean)
    expected = clean.counts()
    clean.close()

    env = {**os.environ, **own_server.env(), "LINKRISK_STORE": "neo4j"}
    for name, value in own_server.env().items():
        monkeypatch.setenv(name, value)
    load = subprocess.Popen(
        [LINKRISK, "load", str(files)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert wait_until(lambda: _counts(own_server, own_server.env())["subjects"] > 0, 300, 0.2)
    own_server.kill()  # SIGKILL: no clean shutdown, Neo4j recovers from its transaction log
    _, err = load.communicate(timeout=300)
    assert load.returncode == 2, err
    last = err.strip().splitlines()[-1]  # after the load's own progress lines
    assert last.startswith("error: Neo4j at bolt://127.0.0.1:") and "unavailable" in last
    assert "Traceback" not in err

    own_server.start()  # same data directory, port and password
    rerun = subprocess.run(
        [LINKRISK, "load", str(files)], env=env, capture_output=True, text=True, timeout=900
    )
    assert rerun.returncode == 0, rerun.stderr
    counts = _counts(own_server, own_server.env())
    assert {k: counts[k] for k in expected} == expected
