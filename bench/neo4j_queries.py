"""Benchmark: investigator queries on the bundled Neo4j server against the embedded snapshot,
in the same run, on the same generated city (loaded into Neo4j with the bulk importer).

    python bench/neo4j_queries.py [--subjects 2000000] [--samples 300]

For random subjects: look-through up (depth 10), 2-hop neighbourhood, paths between a subject
and one 2-3 hops away (depth 6) and surrounding risk (2 hops), each answered by
``Neo4jStore.queries()`` (regions fetched with Cypher, answered by the shared algorithms) and
by ``SnapshotQueries`` over the CSR snapshot. Target: Neo4j p99 ≤ 50 ms at 2M for each.
Results go to bench/results/neo4j_queries.json.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import calibrate
from bench.common import AS_OF, ensure_city, percentiles, write_result
from bench.neo4j_common import import_city, serving
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.queries import GraphQueries, SnapshotQueries
from linkrisk.graph.snapshot.arrays import load_current

QUESTIONS: dict[str, Callable[[GraphQueries, str, str], Any]] = {
    "look_through_depth_10": lambda q, s, _: q.owners(s, max_depth=10),
    "neighbourhood_2_hops": lambda q, s, _: q.neighbourhood(s, hops=2),
    "paths_depth_6": lambda q, s, t: q.paths(s, t, k=5, max_depth=6),
    "surrounding_risk_2_hops": lambda q, s, _: q.surrounding_risk(s, hops=2),
}
TARGET_P99_MS = 50.0


def partner(q: GraphQueries, sid: str, others: list[str]) -> str:
    """A subject 2-3 hops from ``sid`` when there is one, else another random subject."""
    around = q.neighbourhood(sid, hops=3, max_nodes=200)
    far = sorted(n.sid for n in around.nodes if n.sid != sid and (n.hop or 0) >= 2)
    return far[len(far) // 2] if far else next(o for o in others if o != sid)


def timings(q: GraphQueries, ask: Callable[[GraphQueries, str, str], Any],
            pairs: list[tuple[str, str]]) -> list[float]:  # fmt: skip
    samples = []
    for a, b in pairs:
        started = time.perf_counter()
        ask(q, a, b)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subjects", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args(argv)
    city = ensure_city(args.subjects, args.seed)
    snapshot = load_current(city.snapshot_dir)
    embedded = SnapshotQueries(snapshot)
    firms = [s.decode() if isinstance(s, bytes) else str(s) for s in snapshot.sids]
    rng = random.Random(args.seed)
    sids = rng.sample([s for s in firms if not s.startswith("P")], args.samples)
    pairs = [(s, partner(embedded, s, rng.sample(sids, 2))) for s in sids]
    result: dict[str, Any] = {"subjects": args.subjects, "samples": args.samples}
    source = EmbeddedStore(city.db_path)
    with tempfile.TemporaryDirectory(dir=city.data_dir.parent) as tmp:
        home = Path(tmp) / "neo4j"
        result["import"] = import_city(source, home)
        with serving(home, Path(tmp)) as (server, store):
            result["server"] = f"bundled Neo4j {server.version}"
            neo = store.queries(as_of=AS_OF)
            for name, ask in QUESTIONS.items():
                timings(neo, ask, pairs[:20])  # warm the server's query plans and page cache
                timings(embedded, ask, pairs[:20])
                result[name] = {
                    "neo4j": percentiles(timings(neo, ask, pairs)),
                    "embedded_snapshot_reference": percentiles(timings(embedded, ask, pairs)),
                    "target_neo4j_p99_ms": TARGET_P99_MS,
                }
    source.close()
    result["machine_reference"] = calibrate.in_child()
    write_result("neo4j_queries", result)
    print(calibrate.summary(result["machine_reference"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
