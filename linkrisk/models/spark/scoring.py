"""Batch scoring on Spark: score, tier (cut-offs and overrides) and reason flags per node.

The score is the numpy engine's, computed by the same objects per Arrow batch: the rule score
(``RuleScore``) for every node and, when a model is trained, its classifier's probability for the
subjects (the float32 feature row, as the numpy table holds it). Without a model the cut-offs are
the exact quantiles of the subjects' scores (Spark's ``percentile`` interpolates linearly, like
numpy's default), then the override rules of the policy apply in the numpy order (ceilings first,
floors last). Reason flags are the thresholds of ``linkrisk.models.reasons``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from linkrisk.graph.relations import EVENT_CODES, KIND_CODES, STATUS_CODES
from linkrisk.loaders.records import SubjectKind
from linkrisk.models.fallback import RuleScore
from linkrisk.models.features import FEATURE_NAMES
from linkrisk.models.reasons import OWN_EVENTS_THRESHOLD, RELATED_THRESHOLD, Reason
from linkrisk.models.spark.arrow import Columns, per_batch
from linkrisk.models.tiers import DEFAULT_TARGETS, TierPolicy

PERSON = KIND_CODES.index(SubjectKind.PERSON)


@dataclass(frozen=True, slots=True)
class SparkScores:
    table: Any  # DataFrame: node, score (float), tier (byte), reasons (int)
    cutoffs: tuple[float, float, float]
    overrides: dict[str, int]


def _rule_scores(rule: RuleScore) -> Any:
    def fn(c: Columns) -> dict[str, Any]:
        return {"node": c["node"], "score": rule(c["risk"], c["related"]).astype(np.float32)}

    return per_batch(fn)


def _model_scores(classifier: Any) -> Any:
    def fn(c: Columns) -> dict[str, Any]:
        values = np.column_stack([c[name] for name in FEATURE_NAMES]).astype(np.float32)
        probability = classifier.predict_proba(values)[:, 1] if len(values) else np.zeros(0)
        return {"node": c["node"], "model": np.asarray(probability, np.float32)}

    return per_batch(fn)


def _cutoffs(scores: Any, targets: tuple[float, ...]) -> tuple[float, float, float]:
    from pyspark.sql import functions as F

    q = np.cumsum(targets)[:3].tolist()
    quantiles = ", ".join(repr(float(v)) for v in q)
    row = scores.agg(F.expr(f"percentile(CAST(score AS DOUBLE), array({quantiles}))")).first()
    assert row is not None and row[0] is not None, "no subjects to choose cut-offs from"
    a, b, c = (float(v) for v in row[0])
    return (a, b, c)


def spark_scores(
    intrinsic: Any,
    propagated: Any,
    features: Any,
    kinds: Any,  # DataFrame: node, kind, status_code
    *,
    model: Any | None,
    policy_overrides: tuple[Any, ...],
) -> SparkScores:
    """Scores, tiers and reasons of every node; ``model`` as ``card.load_model`` returns it."""
    from pyspark.sql import functions as F

    parts = intrinsic.nodes.join(propagated.select("node", "related"), "node")
    rule = model.rule_score if model is not None else RuleScore()
    scores = parts.select("node", "risk", "related").mapInArrow(
        _rule_scores(rule), "node long, score float"
    )
    if model is not None:
        predicted = features.mapInArrow(_model_scores(model.classifier), "node long, model float")
        scores = scores.join(predicted, "node", "left").select(
            "node", F.coalesce("model", "score").alias("score")
        )
    scores = scores.join(kinds, "node").persist()
    if model is not None:
        policy: TierPolicy = model.policy
    else:
        subjects = scores.where(F.col("kind") != PERSON)
        policy = TierPolicy(_cutoffs(subjects, DEFAULT_TARGETS), overrides=policy_overrides)
    score = F.col("score").cast("double")
    tier = sum((score > F.lit(c)).cast("int") for c in policy.cutoffs)
    table = scores.join(_conditions(intrinsic, policy), "node", "left").withColumn("tier", tier)
    ceilings = [o for o in policy.overrides if o.max_tier is not None]
    ordered = ceilings + [o for o in policy.overrides if o.max_tier is None]
    for i, rule_ in enumerate(ordered):
        now = F.col("tier")
        new = now
        if rule_.max_tier is not None:
            new = F.least(new, F.lit(rule_.max_tier))
        if rule_.min_tier is not None:
            new = F.greatest(new, F.lit(rule_.min_tier))
        hit = _condition(rule_, policy.overrides.index(rule_))
        table = table.withColumn(f"tier{i}", F.when(hit, new).otherwise(now))
        table = table.withColumn("tier", F.col(f"tier{i}"))
    table = table.persist()
    changed: dict[str, int] = {}
    if ordered:
        before = ["tier_before", *(f"tier{i}" for i in range(len(ordered)))]
        table = table.withColumn("tier_before", tier)
        counts = table.agg(
            *[
                F.sum((F.col(before[i]) != F.col(before[i + 1])).cast("long")).alias(o.name)
                for i, o in enumerate(ordered)
            ]
        ).first()
        assert counts is not None
        changed = {o.name: int(counts[o.name] or 0) for o in ordered}
    reasons = _reasons(intrinsic, propagated)
    out = table.join(reasons, "node").select(
        "node", "score", F.col("tier").cast("byte").alias("tier"), "reasons"
    )
    return SparkScores(out, policy.cutoffs, changed)


def _conditions(intrinsic: Any, policy: TierPolicy) -> Any:
    """Per node, ``active<i>``: override rule i's event type has a counting event."""
    from pyspark.sql import functions as F

    flags = [
        F.max(F.col("counting") & (F.col("type") == EVENT_CODES.index(rule.active_event))).alias(
            f"active{i}"
        )
        for i, rule in enumerate(policy.overrides)
        if rule.active_event is not None
    ]
    if not flags:
        return intrinsic.nodes.select("node")
    return intrinsic.events.groupBy("node").agg(*flags)


def _condition(rule: Any, i: int) -> Any:
    """Column: the condition of override rule ``i`` holds (nodes: ``status_code``)."""
    from pyspark.sql import functions as F

    if rule.active_event is not None:
        return F.coalesce(F.col(f"active{i}"), F.lit(False))
    return F.col("status_code") == STATUS_CODES.index(rule.status)


def _reasons(intrinsic: Any, propagated: Any) -> Any:
    from pyspark.sql import functions as F

    checks = (
        (F.col("events") > OWN_EVENTS_THRESHOLD, Reason.OWN_EVENTS),
        (F.col("related") > RELATED_THRESHOLD, Reason.RELATED_PARTY_RISK),
        (F.col("inspections") > 0, Reason.INSPECTION_HISTORY),
        (F.col("status") > 0, Reason.REGISTRATION_STATUS),
        (F.col("red_list") < 0, Reason.RED_LIST),
    )
    flags: Any = sum(F.when(check, F.lit(int(bit))).otherwise(F.lit(0)) for check, bit in checks)
    joined = intrinsic.nodes.join(propagated.select("node", "related"), "node")
    return joined.select("node", flags.alias("reasons"))
