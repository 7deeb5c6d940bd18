"""Benchmark: loading a generated city into the bundled Neo4j server (or a given one).

    python bench/neo4j_load.py [--subjects 2000000] [--max-rows 2000000]
    python bench/neo4j_load.py --uri bolt://host:7687 --password … --reset   # a server of yours:
                                               # a scratch database, everything in it is deleted

Measures, in the same run and on the same machine:

1. first load — the city's canonical tables written as the bulk importer's CSV files and
   imported (``linkrisk neo4j import``'s path), as records/s (nodes + relationships); the
   bundled server only. Target ≥ 500,000 records/s (published importer figure: ~1M/s).
2. transactional load — ``Neo4jStore.write_batch`` (``UNWIND … MERGE``, one managed
   transaction per batch of ``--batch-size`` rows) into an empty database, for the first
   ``--max-rows`` rows in table order; the reference beside it is the embedded store writing
   the same batches. Target ≥ 50,000 rows/s.
3. reading back — ``build_snapshot`` from Neo4j (keyset pages) vs from the embedded store.

Results go to bench/results/neo4j_load.json.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import calibrate
from bench.common import AS_OF, ensure_city, timed, write_result
from bench.neo4j_common import import_city, neo4j_settings, new_server, serving
from linkrisk.config import Settings
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.neo4j.store import Neo4jStore
from linkrisk.graph.snapshot.build import build_snapshot
from linkrisk.graph.store import GraphStore
from linkrisk.loaders.records import TABLES

RELATION_TABLES = ("holdings", "officers", "branches")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uri", default=os.environ.get("LINKRISK_NEO4J_URI"))
    parser.add_argument("--password", default=os.environ.get("LINKRISK_NEO4J_PASSWORD"))
    parser.add_argument("--subjects", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch-size", type=int, default=20_000)
    parser.add_argument("--max-rows", type=int, default=2_000_000,
                        help="rows of the transactional load (0: all)")  # fmt: skip
    parser.add_argument("--reset", action="store_true", help="empty the given server's database")
    parser.add_argument(
        "--snapshot", action="store_true", help="also build a snapshot from Neo4j (slow at 2M)"
    )
    return parser.parse_args(argv)


def write_throughput(
    source: EmbeddedStore, target: GraphStore, batch_size: int, max_rows: int
) -> dict[str, float]:
    """Write the canonical tables of ``source`` into ``target`` in batches, at most
    ``max_rows`` rows (subjects first, as a load writes them); rows/s."""
    rows = relationships = 0
    with timed() as t:
        for name in TABLES:
            for batch in source.read_table(name, batch_rows=batch_size):
                if max_rows and rows >= max_rows:
                    break
                target.write_batch({name: pa.Table.from_batches([batch])})
                rows += batch.num_rows
                relationships += batch.num_rows if name in RELATION_TABLES else 0
    return {
        "rows": rows,
        "relationships": relationships,
        "seconds": round(t.seconds, 2),
        "rows_per_s": round(rows / t.seconds),
    }


def transactional(
    store: Neo4jStore, source: EmbeddedStore, args: argparse.Namespace, scratch: Path
) -> dict[str, Any]:
    reference = EmbeddedStore(scratch / "reference.db")
    reference.migrate()
    out = {
        "neo4j": write_throughput(source, store, args.batch_size, args.max_rows),
        "embedded_reference": write_throughput(source, reference, args.batch_size, args.max_rows),
        "target_rows_per_s": 50_000,
    }
    reference.close()
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    city = ensure_city(args.subjects, args.seed)
    source = EmbeddedStore(city.db_path)
    result: dict[str, Any] = {"subjects": args.subjects, "batch_size": args.batch_size}
    with tempfile.TemporaryDirectory(dir=city.data_dir.parent) as tmp:
        scratch = Path(tmp)
        if args.uri:  # a server of the caller's
            settings = Settings(env="test", data_dir=scratch, store="neo4j", neo4j_uri=args.uri,
                                neo4j_password=args.password or "neo4j")  # fmt: skip
            store = Neo4jStore.from_settings(settings)
            if any(store.counts().values()) and not args.reset:
                print(
                    "refusing: the database holds data (pass --reset to empty it)", file=sys.stderr
                )
                return 2
            store.reset_for_tests()
            store.migrate()
            result["server"] = args.uri
            result["transactional"] = transactional(store, source, args, scratch)
            store.close()
        else:
            result["first_load"] = import_city(source, scratch / "imported")
            result["first_load"]["target_records_per_s"] = 500_000
            result["snapshot_build_s"] = "not measured (--snapshot)"
            if args.snapshot:
                with serving(scratch / "imported", scratch) as (_, store), timed() as t:
                    build_snapshot(store, scratch / "from-neo4j", as_of=AS_OF)
                with timed() as ref:
                    build_snapshot(source, scratch / "from-embedded", as_of=AS_OF)
                result["snapshot_build_s"] = {
                    "neo4j": round(t.seconds, 2),
                    "embedded_reference": round(ref.seconds, 2),
                }
            server = new_server(scratch / "transactional").start()
            store = Neo4jStore.from_settings(neo4j_settings(server, scratch, args.batch_size))
            store.migrate()
            result["server"] = f"bundled Neo4j {server.version}"
            result["transactional"] = transactional(store, source, args, scratch)
            store.close()
            server.stop()
    source.close()
    result["machine_reference"] = calibrate.in_child()
    write_result("neo4j_load", result)
    print(calibrate.summary(result["machine_reference"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
