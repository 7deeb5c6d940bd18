"""Benchmark: loading a generated city into a given Neo4j server (for a deployment to run).

    python bench/neo4j_load.py --uri bolt://localhost:7687 --password … [--subjects 200000]
    python bench/neo4j_load.py --uri … --reset      # empty the database first (it must be a
                                                     # scratch database: everything is deleted)

Measures, in the same run and on the same machine:

1. write throughput — the city's canonical tables (read back from the embedded store) written
   with ``Neo4jStore.write_batch`` in batches of ``--batch-size`` rows, as rows/s and
   relationships/s; the reference beside it is the embedded store writing the same batches.
   Published reports put transactional ``UNWIND … MERGE`` loading at about 66,000
   relationships/s on a single server; that figure is printed for orientation only.
2. end to end — ``load_directory`` of the generated source files (parse, validate, write).
3. reading back — ``build_snapshot`` from Neo4j (keyset pages) vs from the embedded store.

It refuses to run without a server (``--uri`` or LINKRISK_NEO4J_URI), and refuses a database
that already holds data unless ``--reset`` is given. Results go to bench/results/neo4j_load.json.
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

from bench.common import AS_OF, ensure_city, timed, write_result
from linkrisk.config import Settings
from linkrisk.errors import LinkriskError
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.neo4j.store import Neo4jStore
from linkrisk.graph.snapshot.build import build_snapshot
from linkrisk.loaders.records import TABLES

PUBLISHED_RELS_PER_S = 66_000  # transactional UNWIND MERGE, single server (published reports)
RELATION_TABLES = ("holdings", "officers", "branches")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uri", default=os.environ.get("LINKRISK_NEO4J_URI"))
    parser.add_argument("--user", default=os.environ.get("LINKRISK_NEO4J_USER", "neo4j"))
    parser.add_argument("--password", default=os.environ.get("LINKRISK_NEO4J_PASSWORD"))
    parser.add_argument("--database", default=os.environ.get("LINKRISK_NEO4J_DATABASE", "neo4j"))
    parser.add_argument("--subjects", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--batch-size", type=int, default=20_000)
    parser.add_argument("--reset", action="store_true", help="delete everything in the database")
    parser.add_argument("--skip-end-to-end", action="store_true")
    return parser.parse_args(argv)


def neo4j_settings(args: argparse.Namespace, data_dir: Path) -> Settings:
    # env "test" is what lets --reset empty the database (reset_for_tests refuses otherwise)
    return Settings(
        env="test" if args.reset else "development",
        data_dir=data_dir,
        store="neo4j",
        neo4j_uri=args.uri,
        neo4j_user=args.user,
        neo4j_password=args.password or "neo4j",
        neo4j_database=args.database,
        batch_size=args.batch_size,
    )


def empty_store(args: argparse.Namespace, settings: Settings) -> Neo4jStore:
    store = Neo4jStore.from_settings(settings)
    if args.reset:
        store.reset_for_tests()
    elif any(store.counts().values()):
        store.close()
        raise SystemExit(
            f"{args.uri} database {args.database!r} already holds data: use a scratch database"
            " and pass --reset to empty it"
        )
    store.migrate()
    return store


def write_throughput(source: EmbeddedStore, target: Any, batch_size: int) -> dict[str, float]:
    """Write every canonical table of ``source`` into ``target`` in batches; rows/s."""
    rows = relationships = 0
    with timed() as t:
        for name in TABLES:
            for batch in source.read_table(name, batch_rows=batch_size):
                target.write_batch({name: pa.Table.from_batches([batch])})
                rows += batch.num_rows
                relationships += batch.num_rows if name in RELATION_TABLES else 0
    return {
        "rows": rows,
        "relationships": relationships,
        "seconds": round(t.seconds, 2),
        "rows_per_s": round(rows / t.seconds),
        "relationships_per_s": round(relationships / t.seconds),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.uri:
        print(
            "refusing to run: no Neo4j server given (--uri bolt://host:7687 or"
            " LINKRISK_NEO4J_URI); this benchmark measures a real server",
            file=sys.stderr,
        )
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        settings = neo4j_settings(args, Path(scratch))
        try:  # the server first: no city is generated for a benchmark that cannot run
            neo4j = empty_store(args, settings)
        except LinkriskError as exc:
            print(f"refusing to run: {exc.detail}", file=sys.stderr)
            return 2
        city = ensure_city(args.subjects, args.seed)  # generated, loaded into the embedded store
        source = EmbeddedStore(city.db_path)
        result: dict[str, Any] = {
            "subjects": args.subjects,
            "batch_size": args.batch_size,
            "server": args.uri,
            "note": "machine shared with other work; figures are indicative",
        }
        reference_store = EmbeddedStore(Path(scratch) / "reference.db")
        reference_store.migrate()
        result["write"] = {
            "neo4j": write_throughput(source, neo4j, args.batch_size),
            "embedded_reference": write_throughput(source, reference_store, args.batch_size),
            "published_relationships_per_s": PUBLISHED_RELS_PER_S,
        }
        with timed() as t:
            build_snapshot(neo4j, Path(scratch) / "from-neo4j", as_of=AS_OF)
        with timed() as ref:
            build_snapshot(reference_store, Path(scratch) / "from-embedded", as_of=AS_OF)
        result["snapshot_build_s"] = {
            "neo4j": round(t.seconds, 2),
            "embedded_reference": round(ref.seconds, 2),
        }
        if args.reset and not args.skip_end_to_end:  # into an emptied database again
            result["end_to_end"] = end_to_end(args, settings, neo4j, Path(scratch))
        else:
            result["end_to_end"] = "skipped (needs --reset: the database is emptied first)"
        neo4j.close()
        reference_store.close()
        source.close()
    write_result("neo4j_load", result)
    return 0


def end_to_end(
    args: argparse.Namespace, settings: Settings, neo4j: Neo4jStore, scratch: Path
) -> dict[str, Any]:
    """``load_directory`` of the city's source files into Neo4j and into a fresh embedded store."""
    from linkrisk.loaders.pipeline import load_directory

    files = ensure_city(args.subjects, args.seed).data_dir.parent / "files"
    neo4j.reset_for_tests()
    neo4j.migrate()
    out: dict[str, Any] = {}
    targets: list[tuple[str, Any]] = [("neo4j", neo4j)]
    embedded = EmbeddedStore(scratch / "end-to-end.db")
    embedded.migrate()
    targets.append(("embedded_reference", embedded))
    for label, store in targets:
        with timed() as t:
            reports = load_directory(files, store, settings=settings)
        rows = sum(r.rows_ok for r in reports)
        out[label] = {
            "rows": rows,
            "seconds": round(t.seconds, 2),
            "rows_per_s": round(rows / t.seconds),
        }
    embedded.close()
    return out


if __name__ == "__main__":
    raise SystemExit(main())
