"""Same answers on both stores, at scale: one generated city (20,000 organisations) loaded into
the embedded store and into the live Neo4j server; for 200 random subjects, look-through,
controllers, paths, neighbourhood, surrounding risk, shared contacts and groups agree exactly.

The embedded side answers from a snapshot built as of the city's date; the Neo4j side from
``Neo4jStore.queries(as_of=…)``, which fetches the regions it needs with Cypher. A difference is a
bug in one of them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from linkrisk.config import get_settings
from linkrisk.demo import generate_city
from linkrisk.errors import LinkriskError
from linkrisk.graph.neo4j.store import Neo4jStore
from linkrisk.graph.queries import GraphQueries, SnapshotQueries
from linkrisk.graph.queries.results import as_dict
from linkrisk.graph.snapshot.arrays import load_current
from linkrisk.graph.snapshot.build import build_snapshot
from linkrisk.loaders.pipeline import load_directory
from tests.factories import new_store
from tests.neo4j_server import NeoServer

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]
SUBJECTS = 20_000
SAMPLE = 200
AS_OF = date(2026, 10, 31)


@pytest.fixture(scope="module")
def both(
    neo4j_server: NeoServer, tmp_path_factory: pytest.TempPathFactory
) -> tuple[GraphQueries, GraphQueries, list[str]]:
    """(embedded, neo4j) queries over the same city, and the sids to ask about."""
    root = tmp_path_factory.mktemp("same-answers")
    with pytest.MonkeyPatch.context() as patch:  # module scope: the autouse settings are not set
        for name, value in {
            **neo4j_server.env(),
            "LINKRISK_ENV": "test",
            "LINKRISK_DATA_DIR": str(root / "data"),
            "LINKRISK_ID_HASH_KEY": "test-key",
        }.items():
            patch.setenv(name, value)
        get_settings.cache_clear()
        generate_city(root / "files", subjects=SUBJECTS, seed=23, as_of=AS_OF)
        embedded = new_store(root / "e.db")
        load_directory(root / "files", embedded)
        cap = get_settings().supernode_cap
        build_snapshot(embedded, root / "snapshots", as_of=AS_OF, supernode_cap=cap)
        snapshot = load_current(root / "snapshots")
        neo = Neo4jStore.from_settings()
        neo.reset_for_tests()
        neo.migrate()
        load_directory(root / "files", neo)
        assert neo.counts() == {k: v for k, v in embedded.counts().items() if k in neo.counts()}
        neo_queries = neo.queries(as_of=AS_OF)
    get_settings.cache_clear()
    sids = [s.decode() if isinstance(s, bytes) else str(s) for s in snapshot.sids]
    picked = random.Random(5).sample(sids, SAMPLE)
    return SnapshotQueries(snapshot), neo_queries, picked


def answer(ask: Callable[[GraphQueries, str, str], Any], q: GraphQueries, a: str, b: str) -> Any:
    """The result as plain data, or the error's kind and text (both stores must agree on it)."""
    try:
        return as_dict(ask(q, a, b))
    except LinkriskError as exc:
        return {"error": type(exc).__name__, "detail": exc.detail}


def partner(q: GraphQueries, sid: str) -> str:
    """A subject 2-3 hops from ``sid`` when there is one (so that paths are not all empty)."""
    around = q.neighbourhood(sid, hops=3, max_nodes=200)
    far = sorted(n.sid for n in around.nodes if n.sid != sid and (n.hop or 0) >= 2)
    return far[len(far) // 2] if far else sid


QUESTIONS: dict[str, Callable[[GraphQueries, str, str], Any]] = {
    "owners depth 10": lambda q, s, _: q.owners(s, max_depth=10),
    "holdings depth 10": lambda q, s, _: q.holdings(s, max_depth=10),
    "controllers": lambda q, s, _: q.controllers(s),
    "neighbourhood 2 hops": lambda q, s, _: q.neighbourhood(s, hops=2),
    "surrounding risk": lambda q, s, _: q.surrounding_risk(s, hops=2),
    "shared contacts": lambda q, s, _: q.shared_contacts(s),
    "group": lambda q, s, _: q.group(s),
    "paths depth 6": lambda q, s, t: q.paths(s, t, k=5, max_depth=6),
}


@pytest.mark.parametrize("question", sorted(QUESTIONS))
def test_both_stores_answer_alike(
    both: tuple[GraphQueries, GraphQueries, list[str]], question: str
) -> None:
    embedded, neo, sids = both
    ask = QUESTIONS[question]
    differ = []
    for sid in sids:
        other = partner(embedded, sid)
        if answer(ask, embedded, sid, other) != answer(ask, neo, sid, other):
            differ.append((sid, other))
    assert not differ, f"{len(differ)} of {len(sids)} differ, e.g. {differ[:3]}"
