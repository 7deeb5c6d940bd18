"""City scoring with the Spark engine: the numpy pipeline's ``score_city``, stage for stage.

The snapshot is exported to Parquet once (``<data dir>/parquet/<snapshot version>``, reused while
the version matches), Spark computes every whole-graph stage from it, and the result is published
exactly as the numpy engine publishes it: the score files (``linkrisk.models.scores``) and the
organisations' scores written back to the store. Spark's own outputs (``features.parquet``,
``scores.parquet`` with the sid) stay beside the export for downstream Spark jobs.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from linkrisk.config import Settings
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.graph.snapshot.parquet import export_parquet, exported_version
from linkrisk.graph.store import GraphStore
from linkrisk.models.card import current_version, load_model
from linkrisk.models.features import FEATURE_NAMES
from linkrisk.models.pipeline import ScoreReport, subject_rows, write_back
from linkrisk.models.reasons import REASONS
from linkrisk.models.rules import RuleBook
from linkrisk.models.scores import TIERS, save_scores
from linkrisk.models.spark.run import run_spark
from linkrisk.models.spark.session import spark_session


def export_dir(settings: Settings, snapshot: Snapshot) -> Path:
    return settings.data_dir / "parquet" / snapshot.version


def ensure_export(settings: Settings, snapshot: Snapshot) -> Path:
    """The snapshot's Parquet export, written unless it already holds this version."""
    out = export_dir(settings, snapshot)
    if exported_version(out) != snapshot.version:
        export_parquet(snapshot, out)
    return out


def score_city_spark(
    store: GraphStore,
    settings: Settings,
    snapshot: Snapshot,
    *,
    rules: RuleBook | None = None,
    master: str | None = "local[2]",
    driver_memory: str = "1g",
) -> ScoreReport:
    """Score every node of ``snapshot`` with the Spark engine; publish like ``score_city``."""
    clock: dict[str, float] = {}
    started = time.perf_counter()
    export = ensure_export(settings, snapshot)
    clock["export"] = time.perf_counter() - started
    model = (
        load_model(settings.model_dir, FEATURE_NAMES)
        if current_version(settings.model_dir)
        else None
    )
    from pyspark.sql import SparkSession

    ours = SparkSession.getActiveSession() is None  # else: a submission's or a caller's session
    spark = spark_session(master, driver_memory=driver_memory)
    try:
        run = run_spark(
            spark,
            export,
            export / "spark",
            rules=rules,
            model=model,
            control_threshold=settings.control_threshold,
        )
    finally:
        if ours and master is not None:
            spark.stop()
    clock["analyse"] = time.perf_counter() - started - clock["export"]
    version = model.version if model is not None else f"rules-{run.rule_version}"
    path = save_scores(
        settings,
        snapshot,
        score=run.score,
        tier=run.tier,
        reasons=run.reasons,
        model_version=version,
        as_of=snapshot.as_of,
    )
    write_back(store, snapshot, subject_rows(snapshot), run.score, run.tier, version)
    clock["write"] = time.perf_counter() - started - clock["export"] - clock["analyse"]
    counts = np.bincount(run.tier, minlength=4)
    return ScoreReport(
        snapshot_version=snapshot.version,
        model_version=version,
        as_of=snapshot.as_of.isoformat(),
        nodes=snapshot.n,
        fallback=model is None,
        tier_counts={t: int(c) for t, c in zip(TIERS, counts, strict=True)},
        reason_counts={r.code: int(((run.reasons & r.bit) > 0).sum()) for r in REASONS},
        overrides=run.overrides,
        path=str(path),
        seconds={k: round(v, 3) for k, v in {**clock, **run.seconds}.items()},
    )
