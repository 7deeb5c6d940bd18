"""Intrinsic risk on Spark: the numpy rule arithmetic per Arrow batch, sums per node in Spark.

Per event, ``linkrisk.models.intrinsic.score_events`` runs unchanged inside ``mapInArrow`` (the
rule table travels with the function), so the two engines cannot disagree about a rule. The
inspections that an ``inspection_abnormal`` event of the same subject and day already counts are
removed by an anti-join before ``score_inspections`` weighs the rest. Per node, Spark sums.

Result columns per node: ``events`` (adverse, ≥ 0), ``red_list`` (≤ 0), ``inspections``,
``status``, ``risk`` (``1 − exp(−max(sum, 0))``), and ``sanctioned`` (``events > 0``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from linkrisk.models.intrinsic import INSPECTION_EVENT, score_events, score_inspections
from linkrisk.models.rules import RuleTable
from linkrisk.models.spark.arrow import Columns, per_batch

EVENT_SCHEMA = "node long, type int, decision long, contribution double, counting boolean"
INSPECTION_SCHEMA = "node long, contribution double"


@dataclass(frozen=True, slots=True)
class SparkIntrinsic:
    nodes: Any  # DataFrame: node, events, red_list, inspections, status, risk, sanctioned
    events: Any  # DataFrame: node, type, decision, contribution, counting (per event)


def _score_events(day: int, table: RuleTable) -> Any:
    def fn(ev: Columns) -> dict[str, Any]:
        contribution, counting = score_events(ev, day, table)
        return {
            "node": ev["node"].astype(np.int64),
            "type": ev["type"].astype(np.int32),
            "decision": ev["decision"].astype(np.int64),
            "contribution": contribution.astype(np.float64),
            "counting": np.asarray(counting, bool),
        }

    return per_batch(fn)


def _score_inspections(day: int, table: RuleTable) -> Any:
    none = {k: np.zeros(0, np.int64) for k in ("node", "type", "decision")}

    def fn(insp: Columns) -> dict[str, Any]:
        # the same-day inspection events were removed by the anti-join: nothing left to match
        weights = score_inspections(insp, none, day, table)
        return {"node": insp["node"].astype(np.int64), "contribution": weights}

    return per_batch(fn)


def spark_intrinsic(
    spark: Any, tables: dict[str, Any], day: int, table: RuleTable
) -> SparkIntrinsic:
    """Intrinsic risk of every node of the export ``tables`` on ``day`` under ``table``."""
    from pyspark.sql import functions as F

    events = tables["events"].mapInArrow(_score_events(day, table), EVENT_SCHEMA)
    events = events.persist()
    c = F.col("contribution")
    per_event = events.groupBy("node").agg(
        F.sum(F.when(c < 0, 0.0).otherwise(c)).alias("events"),
        F.sum(F.when(c < 0, c).otherwise(0.0)).alias("red_list"),
    )
    recorded = (
        tables["events"]
        .where((F.col("type") == INSPECTION_EVENT) & (F.col("decision") <= day))
        .select("node", F.col("decision").alias("date"))
        .distinct()
    )
    insp = tables["inspections"].join(recorded, ["node", "date"], "left_anti")
    per_inspection = (
        insp.mapInArrow(_score_inspections(day, table), INSPECTION_SCHEMA)
        .groupBy("node")
        .agg(F.sum("contribution").alias("inspections"))
    )
    weights = table.status_weight_array().tolist()  # trailing 0: code -1 (unknown)
    status = F.col("status")
    status_weight = F.when(status < 0, F.lit(weights[-1])).otherwise(
        F.element_at(F.array(*[F.lit(float(w)) for w in weights]), status.cast("int") + 1)
    )
    nodes = (
        tables["nodes"]
        .select("node", status_weight.alias("status"))
        .join(per_event, "node", "left")
        .join(per_inspection, "node", "left")
        .fillna(0.0, ["events", "red_list", "inspections"])
    )
    raw = F.col("events") + F.col("red_list") + F.col("inspections") + F.col("status")
    nodes = nodes.select(
        "node",
        "events",
        "red_list",
        "inspections",
        "status",
        (-F.expm1(-F.greatest(raw, F.lit(0.0)))).alias("risk"),
        (F.col("events") > 0).alias("sanctioned"),
    )
    return SparkIntrinsic(nodes, events)
