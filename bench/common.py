"""Shared benchmark workload: a generated, loaded and snapshotted city, cached under /tmp.

``ensure_city(subjects)`` returns the settings of a data directory holding the embedded store
and a published snapshot of a generated city of that size; it is built once per size and seed
and reused by every benchmark (the first call at 2,000,000 subjects takes several minutes).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from linkrisk.config import Settings

CACHE = Path(os.environ.get("LINKRISK_BENCH_CACHE", "/tmp/linkrisk-bench"))
AS_OF = date(2026, 10, 31)
RESULTS = Path(__file__).parent / "results"


def city_settings(subjects: int, seed: int = 7) -> Settings:
    return Settings(data_dir=CACHE / f"city-{subjects}-{seed}" / "data", env="test")


def ensure_city(subjects: int, seed: int = 7, *, verbose: bool = True) -> Settings:
    """Generate, load and snapshot a city once; later calls reuse it."""
    settings = city_settings(subjects, seed)
    done = settings.data_dir / "READY"
    if done.exists():
        return settings
    from linkrisk.demo.city import generate_city
    from linkrisk.graph.embedded.store import EmbeddedStore
    from linkrisk.graph.snapshot.build import build_snapshot
    from linkrisk.loaders.pipeline import load_directory

    files = settings.data_dir.parent / "files"
    say = print if verbose else (lambda *_a, **_k: None)
    with timed() as t:
        generate_city(files, subjects=subjects, seed=seed, as_of=AS_OF)
    say(f"generated {subjects:,} subjects in {t.seconds:.1f} s", file=sys.stderr)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = EmbeddedStore(settings.db_path)
    store.migrate()
    with timed() as t:
        reports = load_directory(files, store, settings=settings)
    rows = sum(r.rows_read for r in reports)
    say(f"loaded {rows:,} rows in {t.seconds:.1f} s", file=sys.stderr)
    build_snapshot(store, settings.snapshot_dir, as_of=AS_OF, supernode_cap=settings.supernode_cap)
    store.close()
    done.write_text(json.dumps({"subjects": subjects, "seed": seed, "rows": rows}))
    return settings


def ensure_snapshot(subjects: int, seed: int = 7) -> Path:
    """The published snapshot directory of the cached city."""
    from linkrisk.graph.snapshot.arrays import current_snapshot_path

    return current_snapshot_path(ensure_city(subjects, seed).snapshot_dir)


class _Timer:
    seconds: float = 0.0


@contextmanager
def timed() -> Iterator[_Timer]:
    timer = _Timer()
    start = time.perf_counter()
    try:
        yield timer
    finally:
        timer.seconds = time.perf_counter() - start


def peak_rss_mb(*, children: bool = False) -> float:
    """Peak resident memory of this process so far, or with ``children`` of the largest of its
    finished child processes (Linux reports KiB)."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    import numpy as np

    values = np.asarray(samples_ms)
    return {
        "p50_ms": round(float(np.percentile(values, 50)), 3),
        "p99_ms": round(float(np.percentile(values, 99)), 3),
        "mean_ms": round(float(values.mean()), 3),
    }


def write_result(name: str, result: dict[str, Any]) -> Path:
    """Write ``bench/results/<name>.json`` and print it."""
    RESULTS.mkdir(exist_ok=True)
    result = {"benchmark": name, "cpus": os.cpu_count(), **result}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return path
