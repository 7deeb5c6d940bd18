"""The feature table on Spark: ``linkrisk.models.features`` column for column, as joins and sums.

Every definition is the numpy engine's (see there for what each column means); the sparse
products become joins of the edge tables with a per-node value and a sum per node, the segment
maxima become ``max`` per node, and the ownership depth is eight rounds of "one more than the
deepest owner". NaN means unknown, as in the numpy table; Spark orders NaN above every number,
so NaN is replaced before any ``max`` or comparison that numpy would leave false.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from linkrisk.graph.relations import EVENT_CODES, KIND_CODES, RESULT_CODES, ROLE_CODES, RelType
from linkrisk.loaders.records import ABNORMAL_RESULTS, Role, SubjectKind
from linkrisk.models.dates import add_months_days
from linkrisk.models.features import FEATURE_NAMES, MAX_DEPTH, WINDOWS
from linkrisk.models.spark.neighbours import degree, join_all, neighbour_sum, pairs

NAN = float("nan")


def _event_features(tables: dict[str, Any], scored_events: Any, day: int) -> list[Any]:
    from pyspark.sql import functions as F

    decision, code = F.col("decision"), F.col("type")
    counts = []
    for w in WINDOWS:
        since = int(add_months_days(np.array([day]), -w)[0])
        recent = (decision <= day) & (decision > since)
        for t, event_type in enumerate(EVENT_CODES):
            hit = F.when(recent & (code == t), 1.0).otherwise(0.0)
            counts.append(F.sum(hit).alias(f"events_{event_type.value}_{w}m"))
    per_type = tables["events"].groupBy("node").agg(*counts)
    active = (F.col("counting") & (F.col("contribution") > 0)).cast("double")
    per_active = scored_events.groupBy("node").agg(F.sum(active).alias("active_events"))
    abnormal_codes = [i for i, r in enumerate(RESULT_CODES) if r in ABNORMAL_RESULTS]
    seen = F.col("date") <= day
    abnormal = seen & F.col("result").isin(abnormal_codes)
    per_insp = (
        tables["inspections"]
        .groupBy("node")
        .agg(
            F.sum(seen.cast("double")).alias("inspections"),
            F.sum(abnormal.cast("double")).alias("inspections_abnormal"),
            F.max(F.when(abnormal, F.col("date"))).alias("last_abnormal"),
        )
    )
    return [per_type, per_active, per_insp]


def _neighbourhood(tables: dict[str, Any], z: Any) -> tuple[list[Any], Any]:
    """The sanctioned-neighbour columns; ``z`` is a DataFrame (node, z)."""
    from pyspark.sql import functions as F

    edges = {rel: tables[f"edges/{rel.value}"] for rel in RelType}
    holds = edges[RelType.HOLDS]
    links = {
        "holds": pairs(holds),
        "officer": pairs(edges[RelType.OFFICER]),
        "branch": pairs(edges[RelType.BRANCH]),
        "contact": pairs(edges[RelType.SAME_CONTACT], symmetric=True),
    }
    owners = holds.select(F.col("dst").alias("v"), F.col("src").alias("u"))
    held = holds.select(F.col("src").alias("v"), F.col("dst").alias("u"))
    hop1 = {name: neighbour_sum(link, z, "z", f"hop1_{name}") for name, link in links.items()}
    parts = [
        neighbour_sum(owners, z, "z", "sanctioned_owners"),
        neighbour_sum(held, z, "z", "sanctioned_held"),
        hop1["officer"].withColumnRenamed("hop1_officer", "sanctioned_officers"),
        hop1["branch"].withColumnRenamed("hop1_branch", "sanctioned_branch"),
        hop1["contact"].withColumnRenamed("hop1_contact", "sanctioned_contacts"),
    ]
    base = join_all(z, [hop1[name] for name in ("holds", "officer", "contact")])
    every = links["holds"].unionByName(links["officer"])
    every = every.unionByName(links["branch"]).unionByName(links["contact"])
    base = join_all(base, [neighbour_sum(every, z, "z", "hop1_any")]).persist()
    for name, link in (*((n, links[n]) for n in ("holds", "officer", "contact")), ("any", every)):
        walks = neighbour_sum(link, base, f"hop1_{name}", "walks")
        two = join_all(base.select("node", "z"), [walks, degree(link, "degree")])
        back = F.col("walks") - F.col("degree") * F.col("z")  # less the walks straight back
        parts.append(two.select("node", back.alias(f"sanctioned_2hop_{name}")))
    return parts, base


def _ownership(tables: dict[str, Any], nodes: Any, z: Any, control: float) -> list[Any]:
    from pyspark.sql import functions as F

    holds, officers = tables["edges/HOLDS"], tables["edges/OFFICER"]
    share = F.col("share") if "share" in holds.columns else F.lit(NAN)
    depth = nodes.select("node", F.lit(0.0).alias("depth"))
    for _ in range(MAX_DEPTH):
        deeper = (
            holds.join(depth.withColumnRenamed("node", "src"), "src")
            .groupBy("dst")
            .agg(F.max(F.col("depth") + 1).alias("deeper"))
            .withColumnRenamed("dst", "node")
        )
        depth = join_all(nodes.select("node"), [deeper]).select(
            "node", F.col("deeper").alias("depth")
        )
        depth = depth.localCheckpoint()
    known = F.when(F.isnan(share) | share.isNull(), 0.0).otherwise(
        F.least(F.greatest(share, F.lit(0.0)), F.lit(1.0))
    )
    per_held = (
        holds.groupBy(F.col("dst").alias("node"))
        .agg(
            F.count("*").cast("double").alias("owners"),
            F.max(F.when(F.isnan(share) | share.isNull(), -1.0).otherwise(share)).alias("max_s"),
            F.sum(known * known).alias("owner_hhi"),
        )
        .select(
            "node",
            "owners",
            "owner_hhi",
            F.when(F.col("max_s") < 0, F.lit(NAN)).otherwise(F.col("max_s")).alias("max_s"),
        )
    )
    per_owner = holds.groupBy(F.col("src").alias("node")).agg(
        F.count("*").cast("double").alias("held")
    )
    per_firm = officers.groupBy(F.col("dst").alias("node")).agg(
        F.count("*").cast("double").alias("officers")
    )
    leading = [ROLE_CODES.index(Role.LEGAL_REPRESENTATIVE), ROLE_CODES.index(Role.CHAIR)]
    role = F.col("role") if "role" in officers.columns else F.lit(-1)
    controls = (
        holds.where(~F.isnan(share) & (share >= control))
        .select(F.col("dst").alias("v"), F.col("src").alias("u"))
        .unionByName(
            officers.where(role.isin(leading)).select(
                F.col("dst").alias("v"), F.col("src").alias("u")
            )
        )
        .distinct()  # a controller that is both owner and legal representative counts once
    )
    bosses = controls.select(F.col("u").alias("v"), F.col("v").alias("u"))  # boss → its firms
    boss_z = neighbour_sum(bosses, z, "z", "boss_z")
    overlap = join_all(z, [neighbour_sum(controls, boss_z, "boss_z", "via"), degree(controls, "k")])
    return [
        depth.withColumnRenamed("depth", "ownership_depth"),
        per_held,
        per_owner,
        per_firm,
        neighbour_sum(controls, z, "z", "controllers_sanctioned"),
        overlap.select(
            "node", (F.col("via") - F.col("k") * F.col("z")).alias("controller_overlap")
        ),
    ]


def spark_features(
    tables: dict[str, Any],
    intrinsic: Any,
    propagated: Any,
    day: int,
    *,
    control_threshold: float = 0.5,
) -> Any:
    """DataFrame: node and every column of ``FEATURE_NAMES`` (double) for the non-person nodes."""
    from pyspark.sql import functions as F

    nodes = tables["nodes"]
    z = intrinsic.nodes.select("node", F.col("sanctioned").cast("double").alias("z")).persist()
    neighbourhood, _ = _neighbourhood(tables, z)
    parts = [
        *_event_features(tables, intrinsic.events, day),
        *neighbourhood,
        *_ownership(tables, nodes, z, control_threshold),
        intrinsic.nodes.select("node", F.col("risk").alias("intrinsic_risk")),
        propagated.select("node", F.col("related").alias("related_risk")),
    ]
    person = KIND_CODES.index(SubjectKind.PERSON)
    table = join_all(
        nodes.where(F.col("kind") != person), parts, unknown=("last_abnormal", "max_s")
    )

    def known_or_nan(condition: Any, value: Any) -> Any:
        return F.when(condition, value).otherwise(F.lit(NAN))

    capital, reg = F.col("capital").cast("double"), F.col("reg_date")
    status, kind = F.col("status").cast("double"), F.col("kind").cast("double")
    last = F.col("last_abnormal")
    derived = {
        "days_since_abnormal": known_or_nan(last.isNotNull(), F.lit(day) - last),
        "age_years": known_or_nan(
            reg > int(np.iinfo(np.int32).min), (F.lit(day) - reg) / F.lit(365.25)
        ),
        "log_capital": known_or_nan(~F.isnan(capital) & (capital >= 0), F.log1p(capital)),
        "status": known_or_nan(status >= 0, status),
        "kind": known_or_nan(kind >= 0, kind),
        "owner_max_share": F.coalesce(F.col("max_s"), F.lit(NAN)),
        **{
            f"{c}_shared": F.greatest(F.col(f"{c}_size") - 1, F.lit(0)).cast("double")
            for c in ("phone", "email", "address")
        },
    }
    columns = [
        (derived[name] if name in derived else F.col(name)).cast("double").alias(name)
        for name in FEATURE_NAMES
    ]
    return table.select("node", *columns)
