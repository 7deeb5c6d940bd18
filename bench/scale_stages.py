"""One stage of the scale benchmark, run in its own process by ``bench/scale.py``.

``python bench/scale_stages.py STAGE SUBJECTS`` prints one JSON object: the stage's seconds and
the peak resident memory of the process while the stage ran (sampled every 10 ms by a thread;
``rss_start_mb`` is the memory already held when it began). Stages:

- ``generate``, ``load``, ``snapshot``: the city of SUBJECTS organisations in the bench cache
  (``LINKRISK_BENCH_CACHE``), one step each, so each is measured on its own;
- ``analyse``: intrinsic risk → propagation → features → score (rule score, tiers, overrides,
  reason flags, score files) with the numpy engine, each timed and sampled separately;
- ``spark``: the same four stages with the Spark engine on ``local[2]`` (the Parquet export
  first, timed as its own stage).

The score files go to a scratch directory, never into the (possibly shared) city cache.
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import AS_OF, city_settings
from linkrisk.config import Settings


class Sampler:
    """Peak RSS of this process, sampled by a background thread."""

    def __init__(self, every: float = 0.01) -> None:
        self.process = psutil.Process()
        self.peak = 0
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            time.sleep(self.every)

    def rss(self) -> int:
        return int(self.process.memory_info().rss)

    def reset(self) -> int:
        now = self.rss()
        self.peak = now
        return now

    def stop(self) -> None:
        self._stop.set()


MB = 1024 * 1024


class Stages:
    """Times and peak memory of consecutive stages in this process."""

    def __init__(self) -> None:
        self.sampler = Sampler()
        self.results: dict[str, dict[str, float]] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start_rss = self.sampler.reset()
        started = time.perf_counter()
        yield
        seconds = time.perf_counter() - started
        peak = max(self.sampler.peak, self.sampler.rss())
        self.results[name] = {
            "seconds": round(seconds, 3),
            "peak_rss_mb": round(peak / MB, 1),
            "rss_start_mb": round(start_rss / MB, 1),
        }


def _generate(subjects: int, stages: Stages) -> None:
    from linkrisk.demo.city import generate_city

    settings = city_settings(subjects)
    with stages.stage("generate"):
        generate_city(settings.data_dir.parent / "files", subjects=subjects, seed=7, as_of=AS_OF)


def _load(subjects: int, stages: Stages) -> None:
    from linkrisk.graph.embedded.store import EmbeddedStore
    from linkrisk.loaders.pipeline import load_directory

    settings = city_settings(subjects)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with stages.stage("load"):
        store = EmbeddedStore(settings.db_path)
        store.migrate()
        reports = load_directory(settings.data_dir.parent / "files", store, settings=settings)
        store.close()
    stages.results["load"]["rows"] = sum(r.rows_read for r in reports)


def _snapshot(subjects: int, stages: Stages) -> None:
    from linkrisk.graph.embedded.store import EmbeddedStore
    from linkrisk.graph.snapshot.build import build_snapshot

    settings = city_settings(subjects)
    with stages.stage("snapshot"):
        store = EmbeddedStore(settings.db_path)
        build_snapshot(
            store, settings.snapshot_dir, as_of=AS_OF, supernode_cap=settings.supernode_cap
        )
        store.close()
    rows = stages.results["load"]["rows"] if "load" in stages.results else 0
    ready = settings.data_dir / "READY"
    ready.write_text(json.dumps({"subjects": subjects, "seed": 7, "rows": rows}))


def _analyse(subjects: int, stages: Stages) -> None:
    import numpy as np

    from linkrisk.graph.snapshot.arrays import load_current
    from linkrisk.models.fallback import RuleScore
    from linkrisk.models.features import feature_table
    from linkrisk.models.intrinsic import intrinsic_risk
    from linkrisk.models.pipeline import subject_rows
    from linkrisk.models.propagation import build_operator, propagate
    from linkrisk.models.reasons import reason_flags
    from linkrisk.models.scores import save_scores
    from linkrisk.models.tiers import (
        TierPolicy,
        apply_overrides,
        assign_tiers,
        choose_cutoffs,
        load_overrides,
    )

    snapshot = load_current(city_settings(subjects).snapshot_dir)
    stages.results["graph"] = {"nodes": snapshot.n, "edges": _edges(snapshot)}
    with stages.stage("intrinsic"):
        intrinsic = intrinsic_risk(snapshot)
    with stages.stage("propagation"):
        propagated = propagate(build_operator(snapshot), intrinsic.risk)
    rows = subject_rows(snapshot)
    with stages.stage("features"):
        feature_table(snapshot, intrinsic, propagated, rows=rows)
    with stages.stage("score"), tempfile.TemporaryDirectory(prefix="linkrisk-scale-") as tmp:
        score = RuleScore()(intrinsic.risk, propagated.related)
        policy = TierPolicy(choose_cutoffs(score[rows]), overrides=load_overrides())
        tier, _ = apply_overrides(assign_tiers(score, policy.cutoffs), policy, snapshot, intrinsic)
        save_scores(
            Settings(data_dir=Path(tmp), env="test"),
            snapshot,
            score=score,
            tier=tier,
            reasons=reason_flags(intrinsic, propagated.related),
            model_version="rules",
            as_of=snapshot.as_of,
        )
    stages.results["score"]["tier_d"] = int(np.count_nonzero(tier == 3))


def _spark(subjects: int, stages: Stages) -> None:
    from linkrisk.graph.snapshot.arrays import load_current
    from linkrisk.graph.snapshot.parquet import export_parquet
    from linkrisk.models.spark.run import spark_stages

    snapshot = load_current(city_settings(subjects).snapshot_dir)
    with tempfile.TemporaryDirectory(prefix="linkrisk-scale-spark-") as tmp:
        with stages.stage("export"):
            parquet = export_parquet(snapshot, Path(tmp) / "parquet")
        for name, seconds in spark_stages(parquet, Path(tmp)).items():
            stages.results[name] = {"seconds": round(seconds, 3)}


STAGES: dict[str, Callable[[int, Stages], None]] = {
    "generate": _generate,
    "load": _load,
    "snapshot": _snapshot,
    "analyse": _analyse,
    "spark": _spark,
}


def _edges(snapshot: Any) -> int:
    return sum(r.n_edges for r in snapshot.relations.values())


def machine_reference(seed: int = 0) -> float:
    """Seconds of a fixed sparse workload (1M×1M, 5M non-zeros, 10 products) timed just before
    a stage: on a shared machine the stage's seconds are read beside it (contention)."""
    import numpy as np
    import scipy.sparse as sp

    rng = np.random.default_rng(seed)
    n, m = 1_000_000, 5_000_000
    matrix = sp.csr_matrix(
        (np.ones(m, np.float32), (rng.integers(0, n, m), rng.integers(0, n, m))), shape=(n, n)
    )
    x = np.ones(n, np.float32)
    started = time.perf_counter()
    for _ in range(10):
        x = matrix @ x * np.float32(0.5) + 1
    return round(time.perf_counter() - started, 3)


def main() -> None:
    name, subjects = sys.argv[1], int(sys.argv[2])
    stages = Stages()
    stages.results[f"reference_{name}"] = {"seconds": machine_reference()}
    STAGES[name](subjects, stages)
    stages.sampler.stop()
    print(json.dumps(stages.results))


if __name__ == "__main__":
    main()
