"""Tiers A/B/C/D (信用风险低/一般/较高/高) from scores, by cut-offs, with override rules as data.

Default cut-offs are chosen on the training data so that a typical city lands near
65 % A / 25 % B / 8 % C / 2 % D; they are stored with the model and can be set explicitly.
Subjects tied at a cut-off go to the lower tier (many subjects with no record share one score).
Overrides (``tier_overrides.toml``) then raise or cap tiers: an active serious-dishonest listing
is always D, a revoked licence at least C, …

Examples
--------
>>> import numpy as np
>>> assign_tiers(np.array([0.01, 0.05, 0.2, 0.9]), (0.02, 0.1, 0.5)).tolist()
[0, 1, 2, 3]
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from linkrisk.errors import InputError
from linkrisk.graph.relations import STATUS_CODES
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.loaders.records import EventType, Status
from linkrisk.models.intrinsic import IntrinsicRisk
from linkrisk.vocabulary import both

TIERS = ("A", "B", "C", "D")
TIER_LABELS = {tier: both("tier", tier) for tier in TIERS}  # 信用风险低 (low risk) …
#: share of subjects per tier that default cut-offs aim at (a typical city)
DEFAULT_TARGETS = (0.65, 0.25, 0.08, 0.02)
OVERRIDES_FILE = Path(__file__).with_name("tier_overrides.toml")


@dataclass(frozen=True, slots=True)
class Override:
    name: str
    label: str
    active_event: EventType | None = None
    status: Status | None = None
    min_tier: int | None = None
    max_tier: int | None = None

    def applies(self, snapshot: Snapshot, intrinsic: IntrinsicRisk) -> np.ndarray:
        """Bool per node: the condition holds."""
        if self.active_event is not None:
            return intrinsic.has_active(snapshot, self.active_event)
        assert self.status is not None
        return np.asarray(snapshot.nodes["status"] == STATUS_CODES.index(self.status))


@dataclass(frozen=True, slots=True)
class TierPolicy:
    """Cut-offs between A|B, B|C and C|D, the targets they were chosen for, and the overrides."""

    cutoffs: tuple[float, float, float]
    targets: tuple[float, float, float, float] = DEFAULT_TARGETS
    overrides: tuple[Override, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "cutoffs": list(self.cutoffs),
            "targets": list(self.targets),
            "overrides": [o.name for o in self.overrides],
        }


def _tier_code(value: Any, where: str) -> int:
    if value not in TIERS:
        raise InputError(f"{where}: tier must be one of {TIERS}, not {value!r}")
    return TIERS.index(value)


def load_overrides(path: Path | None = None) -> tuple[Override, ...]:
    """Read override rules from TOML (default: the package's ``tier_overrides.toml``)."""
    path = path or OVERRIDES_FILE
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    rules = []
    for i, item in enumerate(raw.get("override", [])):
        where = f"{path} override #{i + 1}"
        conditions = [k for k in ("active_event", "status") if k in item]
        if len(conditions) != 1:
            raise InputError(f"{where}: give exactly one of active_event, status")
        try:
            event = EventType(item["active_event"]) if "active_event" in item else None
            status = Status(item["status"]) if "status" in item else None
        except ValueError as exc:
            raise InputError(f"{where}: {exc}") from exc
        low = _tier_code(item["min_tier"], where) if "min_tier" in item else None
        high = _tier_code(item["max_tier"], where) if "max_tier" in item else None
        if low is None and high is None:
            raise InputError(f"{where}: give min_tier or max_tier")
        rules.append(
            Override(
                item.get("name", f"override{i + 1}"),
                item.get("label", ""),
                event,
                status,
                low,
                high,
            )
        )
    return tuple(rules)


def choose_cutoffs(
    score: np.ndarray, targets: tuple[float, ...] = DEFAULT_TARGETS
) -> tuple[float, float, float]:
    """Cut-offs at the cumulative target quantiles of ``score`` (e.g. the training subjects)."""
    if len(targets) != 4 or abs(sum(targets) - 1) > 1e-6 or min(targets) < 0:
        raise InputError(
            f"tier targets must be four non-negative shares summing to 1, not {targets}"
        )
    if not len(score):
        raise InputError("cannot choose tier cut-offs from no scores")
    q = np.quantile(np.asarray(score, np.float64), np.cumsum(targets)[:3])
    return (float(q[0]), float(q[1]), float(q[2]))


def assign_tiers(score: np.ndarray, cutoffs: tuple[float, float, float]) -> np.ndarray:
    """Tier codes 0..3 (A..D): the number of cut-offs strictly below the score."""
    return np.searchsorted(np.asarray(cutoffs), np.asarray(score), side="left").astype(np.int8)


def apply_overrides(
    tier: np.ndarray, policy: TierPolicy, snapshot: Snapshot, intrinsic: IntrinsicRisk
) -> tuple[np.ndarray, dict[str, int]]:
    """Tiers after the overrides (ceilings first, floors last) and how many each rule changed."""
    out = tier.astype(np.int8, copy=True)
    changed: dict[str, int] = {}
    ordered = [o for o in policy.overrides if o.max_tier is not None] + [
        o for o in policy.overrides if o.max_tier is None
    ]
    for rule in ordered:
        hit = rule.applies(snapshot, intrinsic)
        before = out.copy()
        if rule.max_tier is not None:
            out[hit] = np.minimum(out[hit], rule.max_tier)
        if rule.min_tier is not None:
            out[hit] = np.maximum(out[hit], rule.min_tier)
        changed[rule.name] = int((out != before).sum())
    return out, changed
