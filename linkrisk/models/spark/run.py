"""Run the Spark engine on a snapshot's Parquet export: read, compute every stage, write.

``run_spark(export, out, …)`` reads the export's tables, computes intrinsic risk → propagation →
features → scores, writes ``out/features.parquet`` and ``out/scores.parquet`` (node, sid, score,
tier, reasons) and returns the per-node arrays in the snapshot's node order, ready for
``linkrisk.models.scores.save_scores`` (the numpy engine's score files). Each stage is forced
(``count``) before the next one starts, so its time is its own.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from linkrisk.errors import InputError
from linkrisk.graph.relations import RelType
from linkrisk.models.dates import day_number
from linkrisk.models.propagation import PropagationConfig
from linkrisk.models.rules import RuleBook, load_rules
from linkrisk.models.spark.features import spark_features
from linkrisk.models.spark.intrinsic import spark_intrinsic
from linkrisk.models.spark.propagation import spark_operator, spark_propagate
from linkrisk.models.spark.scoring import spark_scores
from linkrisk.models.tiers import load_overrides


@dataclass(slots=True)
class SparkRun:
    meta: dict[str, Any]
    score: np.ndarray  # float32 per node, in the snapshot's node order
    tier: np.ndarray  # int8
    reasons: np.ndarray  # uint8
    cutoffs: tuple[float, float, float]
    overrides: dict[str, int]
    rule_version: str
    out: Path
    seconds: dict[str, float] = field(default_factory=dict)


def read_tables(spark: Any, export: Path) -> dict[str, Any]:
    names = ["nodes", "events", "inspections", *(f"edges/{rel.value}" for rel in RelType)]
    missing = [n for n in names if not (export / f"{n}.parquet").exists()]
    if missing:
        raise InputError(f"{export} is no snapshot export (missing {', '.join(missing)})")
    return {n: spark.read.parquet(str(export / f"{n}.parquet")) for n in names}


def run_spark(
    spark: Any,
    export: Path,
    out: Path,
    *,
    rules: RuleBook | None = None,
    model: Any | None = None,
    control_threshold: float = 0.5,
) -> SparkRun:
    """Every whole-graph stage of the export at ``export``; results under ``out``."""
    from pyspark.sql import functions as F

    meta = json.loads((export / "meta.json").read_text())
    as_of = date.fromisoformat(meta["as_of"])
    table = (rules or load_rules()).in_force(as_of)
    day = day_number(as_of)
    config = model.propagation if model is not None else PropagationConfig()
    tables = read_tables(spark, export)
    clock: dict[str, float] = {}

    def timed(name: str, frame: Any) -> Any:
        started = time.perf_counter()
        frame = frame.persist()
        frame.count()
        clock[name] = round(time.perf_counter() - started, 3)
        return frame

    intrinsic = spark_intrinsic(spark, tables, day, table)
    intrinsic = type(intrinsic)(timed("spark_intrinsic", intrinsic.nodes), intrinsic.events)
    propagated = spark_propagate(spark_operator(tables, config), intrinsic.nodes, config)
    propagated = timed("spark_propagation", propagated)
    features = spark_features(
        tables, intrinsic, propagated, day, control_threshold=control_threshold
    )
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    features.write.mode("overwrite").parquet(str(out / "features.parquet"))
    clock["spark_features"] = round(time.perf_counter() - started, 3)
    features = spark.read.parquet(str(out / "features.parquet"))
    kinds = tables["nodes"].select("node", "kind", F.col("status").alias("status_code"))
    started = time.perf_counter()
    scored = spark_scores(
        intrinsic,
        propagated,
        features,
        kinds,
        model=model,
        policy_overrides=load_overrides(),
    )
    sids = tables["nodes"].select("node", "sid")
    scored.table.join(sids, "node").write.mode("overwrite").parquet(str(out / "scores.parquet"))
    result = pq.read_table(out / "scores.parquet", columns=["node", "score", "tier", "reasons"])
    n = pq.ParquetFile(export / "nodes.parquet").metadata.num_rows
    node = result.column("node").to_numpy()
    order = np.argsort(node, kind="stable")
    if not np.array_equal(node[order], np.arange(len(node))) or len(node) != n:
        raise InputError(f"{out}: the scores do not cover the snapshot's nodes exactly once")
    clock["spark_score"] = round(time.perf_counter() - started, 3)
    return SparkRun(
        meta=meta,
        score=result.column("score").to_numpy()[order].astype(np.float32),
        tier=result.column("tier").to_numpy()[order].astype(np.int8),
        reasons=result.column("reasons").to_numpy()[order].astype(np.uint8),
        cutoffs=scored.cutoffs,
        overrides=scored.overrides,
        rule_version=table.version,
        out=out,
        seconds=clock,
    )


def spark_stages(export: Path, scratch: Path, master: str = "local[2]") -> dict[str, float]:
    """The benchmark's entry: the seconds of each stage (session start-up counted apart)."""
    from linkrisk.models.spark.session import spark_session

    started = time.perf_counter()
    spark = spark_session(master, driver_memory="4g")
    seconds = {"spark_startup": round(time.perf_counter() - started, 3)}
    try:
        seconds.update(run_spark(spark, export, scratch / "out").seconds)
    finally:
        spark.stop()
    return seconds
