"""The whole pipeline on Neo4j: ``linkrisk demo --store neo4j`` loads a generated city into the
live server, builds the snapshot from it, trains, scores (written back onto the subjects), runs a
双随机 plan; then the API, reading subjects and events from Neo4j, answers every role's keys."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from linkrisk.cli import _register, app
from linkrisk.config import get_settings
from linkrisk.graph.neo4j.store import Neo4jStore
from tests.neo4j.api_server import serving
from tests.neo4j_server import NeoServer, wait_until

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]
SUBJECTS = 1500
Demo = tuple[Path, dict[str, Any], dict[str, str]]  # directory, JSON summary, settings


@pytest.fixture(scope="module")
def demo(neo4j_server: NeoServer, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """``linkrisk demo --store neo4j --no-serve`` run once, in this process (so the statement
    recorder sees what it sends); its directory, JSON summary and settings."""
    _register()
    directory = tmp_path_factory.mktemp("neo4j-demo")
    env = {**neo4j_server.env(), "LINKRISK_ENV": "test", "LINKRISK_ID_HASH_KEY": "test-key"}
    saved = {k: os.environ.get(k) for k in [*env, "LINKRISK_DATA_DIR", "LINKRISK_STORE"]}
    os.environ.update(env)
    try:
        get_settings.cache_clear()
        Neo4jStore.from_settings().reset_for_tests()
        args = ["demo", "--dir", str(directory), "--subjects", str(SUBJECTS), "--no-serve"]
        args += ["--store", "neo4j", "--neo4j-uri", neo4j_server.uri, "--json"]
        result = CliRunner().invoke(app, args, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        summary = json.loads(result.output[result.output.index("{\n") :])
        env["LINKRISK_DATA_DIR"] = os.environ["LINKRISK_DATA_DIR"]
        env["LINKRISK_STORE"] = "neo4j"
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        get_settings.cache_clear()
    return directory, summary, env


def test_the_demo_ran_every_step_on_neo4j(
    demo: Demo,
) -> None:
    _, summary, _ = demo
    steps = [key for key in summary if key[0].isdigit()]
    assert steps[1] == "2. load, validate and store (neo4j)"
    assert summary[steps[1]]["rows_loaded"] > 5 * SUBJECTS
    assert sum(summary[steps[4]]["tiers"].values()) == summary[steps[2]]["nodes"]
    plan = summary[steps[5]]
    assert plan["selected"] > 0 and plan["verified"]


def test_scores_and_tiers_are_node_properties(demo: Demo, live_neo4j: NeoServer) -> None:
    _, summary, _ = demo
    store = Neo4jStore.from_settings()
    try:
        with store._driver.session(database=store.database) as session:
            row = session.run(
                "MATCH (s:Organisation) RETURN count(s) AS n, count(s.risk_tier) AS tiered,"
                " collect(DISTINCT s.risk_model_version) AS models,"
                " COUNT { MATCH (p:Person) WHERE p.risk_tier IS NOT NULL } AS persons"
            ).single()
    finally:
        store.close()
    assert row is not None
    # organisations carry their score and tier (what Neo4j users browse); persons' stay in files
    assert row["tiered"] == row["n"] >= SUBJECTS and row["persons"] == 0
    model = summary["5. score and tier every subject"]["model_version"]
    assert row["models"] == [model]


def test_the_api_reads_neo4j_for_every_role(demo: Demo, live_neo4j: NeoServer) -> None:
    directory, summary, env = demo
    keys = summary["keys"]
    with serving(env, directory) as base:
        ready = httpx.get(base + "/readyz", timeout=30).json()
        assert ready["subjects"] == summary["3. snapshot (point-in-time CSR arrays)"]["nodes"]
        inv = {"X-API-Key": keys["investigator"]}
        found = httpx.get(base + "/v1/search", params={"q": "有限公司"}, headers=inv, timeout=30)
        assert found.status_code == 200, found.text
        sid = found.json()["items"][0]["sid"]
        subject = httpx.get(f"{base}/v1/subjects/{sid}", headers=inv, timeout=30)
        assert subject.status_code == 200, subject.text
        assert subject.json()["sid"] == sid
        owners = httpx.get(f"{base}/v1/subjects/{sid}/owners", headers=inv, timeout=30)
        assert owners.status_code == 200, owners.text
        page = httpx.get(base + "/", timeout=30)
        assert page.status_code == 200 and "<html" in page.text.lower()
        lender = {"X-API-Key": keys["lender"]}
        refused = httpx.get(f"{base}/v1/subjects/{sid}", headers=lender, timeout=30)
        assert refused.status_code == 403
        consented = _consented_subject(env)
        score = httpx.get(
            f"{base}/v1/scores/{consented}",
            params={"purpose": "credit_application"},
            headers=lender,
            timeout=30,
        )
        assert score.status_code == 200, score.text
        assert score.json()["tier"] in {"A", "B", "C", "D"}
        regulator = {"X-API-Key": keys["regulator"]}
        plans = httpx.get(base + "/v1/plans", headers=regulator, timeout=30)
        assert plans.status_code == 200, plans.text


def _consented_subject(env: dict[str, str]) -> str:
    """A subject the demo lender holds a consent for (from the embedded operational store)."""
    from datetime import date

    from linkrisk.api.auth import Role
    from linkrisk.api.consent import list_consents
    from linkrisk.api.demo import DEMO_ORGS
    from linkrisk.graph.embedded.store import EmbeddedStore

    store = EmbeddedStore(Path(env["LINKRISK_DATA_DIR"]) / "linkrisk.db")
    try:
        consents, _ = list_consents(store, org=DEMO_ORGS[Role.LENDER], active_on=date.today())
    finally:
        store.close()
    return str(consents[0].sid)


def test_the_api_answers_503_while_neo4j_is_down_and_recovers_by_itself(
    demo: Demo, live_neo4j: NeoServer
) -> None:
    """The server stops under a running API: reads of the graph are 503 with Retry-After,
    /readyz is not ready, every request is still audited; once the server is back (same
    address), the API serves again without a restart."""
    directory, summary, env = demo
    inv = {"X-API-Key": summary["keys"]["investigator"]}
    db = Path(env["LINKRISK_DATA_DIR"]) / "linkrisk.db"
    with serving(env, directory) as base:
        found = httpx.get(base + "/v1/search", params={"q": "公司"}, headers=inv, timeout=30)
        sid = found.json()["items"][0]["sid"]
        assert httpx.get(f"{base}/v1/subjects/{sid}", headers=inv, timeout=30).status_code == 200
        before = _audited(db, "/v1/subjects/{sid}")
        assert live_neo4j.stop() == 0
        try:
            down = httpx.get(f"{base}/v1/subjects/{sid}", headers=inv, timeout=60)
            assert down.status_code == 503, down.text
            assert down.headers["content-type"].startswith("application/problem+json")
            assert down.json()["type"].endswith("store-unavailable")
            assert int(down.headers["Retry-After"]) > 0
            ready = httpx.get(base + "/readyz", timeout=60)
            assert ready.status_code == 503 and int(ready.headers["Retry-After"]) > 0
            statuses = _audited(db, "/v1/subjects/{sid}")
            assert statuses[len(before) :] == [503]
        finally:
            live_neo4j.start()  # same data directory, port and password
        assert wait_until(
            lambda: (
                httpx.get(f"{base}/v1/subjects/{sid}", headers=inv, timeout=60).status_code == 200
            ),
            timeout=120,
        )
        assert httpx.get(base + "/readyz", timeout=30).status_code == 200


def _audited(db: Path, endpoint: str) -> list[int]:
    """Statuses of the audit records of ``endpoint``, in order (each is committed before its
    response is sent)."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT status FROM audit WHERE endpoint = ? ORDER BY seq", (endpoint,)
        ).fetchall()
    return [int(status) for (status,) in rows]
