"""Neighbourhood sums on Spark: a relation read as (v, u) pairs, values of u summed per v."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def pairs(edges: Any, symmetric: bool = False) -> Any:
    """(v, u) for every edge read from both ends (``symmetric``: stored both ways already)."""
    from pyspark.sql import functions as F

    out = edges.select(F.col("src").alias("v"), F.col("dst").alias("u"))
    if symmetric:
        return out
    return out.unionByName(edges.select(F.col("dst").alias("v"), F.col("src").alias("u")))


def neighbour_sum(links: Any, values: Any, column: str, name: str) -> Any:
    """DataFrame (node, name): Σ over links (v, u) of ``values[u].column``, per v."""
    from pyspark.sql import functions as F

    by_u = values.select(F.col("node").alias("u"), F.col(column).alias("value"))
    return (
        links.join(by_u, "u")
        .groupBy("v")
        .agg(F.sum("value").alias(name))
        .withColumnRenamed("v", "node")
    )


def degree(links: Any, name: str) -> Any:
    """DataFrame (node, name): the number of links per v."""
    from pyspark.sql import functions as F

    return (
        links.groupBy("v")
        .agg(F.count("*").cast("double").alias(name))
        .withColumnRenamed("v", "node")
    )


def join_all(base: Any, parts: Iterable[Any], *, unknown: Iterable[str] = ()) -> Any:
    """``base`` left-joined with every per-node part on ``node``; a node missing from a part
    gets 0 (``coalesce``: unlike ``fillna`` it leaves NaN, which means "unknown", alone), except
    in the ``unknown`` columns, which stay null."""
    from pyspark.sql import functions as F

    keep = set(unknown)
    out = base
    for part in parts:
        names = [c for c in part.columns if c != "node"]
        out = out.join(part, "node", "left").select(
            *[c for c in out.columns],
            *[F.col(c) if c in keep else F.coalesce(F.col(c), F.lit(0.0)).alias(c) for c in names],
        )
    return out
