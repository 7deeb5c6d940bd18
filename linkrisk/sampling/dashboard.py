"""The 分类 dashboard (regulator only: tiers are internal): subjects per risk tier by region or
industry section, and how each drawn plan's sample spreads over the same groups."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.sampling.frame import scope_mask
from linkrisk.sampling.params import TIERS, Scope
from linkrisk.sampling.plans import PlanRecord

UNKNOWN = "未知"
GROUPINGS = ("region", "industry")


def group_keys(snapshot: Snapshot, by: str) -> np.ndarray:
    """Each node's group: its 6-digit region code, or its industry section letter (GB/T 4754)."""
    nodes = snapshot.nodes
    if by == "region":
        region = np.asarray(nodes["region"])
        return np.where(region >= 0, np.char.zfill(region.astype(str), 6), UNKNOWN)
    if by == "industry":
        section = np.char.decode(np.asarray(nodes["industry"]).astype("S1"), "ascii")
        return np.where(section != "", section, UNKNOWN)
    raise ValueError(f"group by region or industry, not {by!r}")


def tier_dashboard(
    snapshot: Snapshot,
    tiers: np.ndarray,
    by: str,
    plans: Sequence[tuple[PlanRecord, Sequence[tuple[str, str]]]],
) -> dict[str, Any]:
    """``{"by", "groups": [{key, A, B, C, D, none}], "plans": [{plan_id, name, groups}]}``
    over the active organisations (every plan's default scope); ``plans`` pairs a record with
    its selection ``(sid, tier letter)``."""
    keys = group_keys(snapshot, by)
    scope = scope_mask(snapshot, Scope())
    counts: dict[str, dict[str, int]] = {}
    names = [*TIERS, "none"]
    codes = np.where((tiers >= 0) & (tiers < len(TIERS)), tiers, len(TIERS))
    joined = np.char.add(np.char.add(keys[scope], "|"), codes[scope].astype(str))
    pairs, n = np.unique(joined, return_counts=True)
    for pair, count in zip(pairs.tolist(), n.tolist(), strict=True):
        key, code = pair.rsplit("|", 1)
        counts.setdefault(key, dict.fromkeys(names, 0))[names[int(code)]] = count
    spread = []
    for record, picks in plans:
        nodes = snapshot.indices([sid for sid, _tier in picks]) if picks else np.zeros(0, int)
        groups: dict[str, dict[str, int]] = {}
        for (_sid, tier), node in zip(picks, nodes.tolist(), strict=True):
            key = str(keys[node]) if node >= 0 else UNKNOWN
            row = groups.setdefault(key, dict.fromkeys(names, 0))
            row[tier if tier in TIERS else "none"] += 1
        spread.append({"plan_id": record.plan_id, "name": record.name, "groups": groups})
    rows = [{"key": k, **v} for k, v in sorted(counts.items())]
    return {"by": by, "groups": rows, "plans": spread}
