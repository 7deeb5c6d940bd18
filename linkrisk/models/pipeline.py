"""City scoring: score a snapshot with the current model, or the rule score when none is trained.

``score_city`` runs intrinsic risk → propagation → features → the current model (or, when none is
trained, the rule score) → tiers and overrides → reason codes, then publishes the score files
(``linkrisk.models.scores``) and writes the scores back to the store.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.config import Settings
from linkrisk.graph.relations import KIND_CODES
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.graph.store import GraphStore
from linkrisk.loaders.records import SubjectKind
from linkrisk.models.card import current_version, load_model
from linkrisk.models.fallback import RuleScore
from linkrisk.models.features import FEATURE_NAMES, FeatureTable, feature_table
from linkrisk.models.intrinsic import IntrinsicRisk, intrinsic_risk
from linkrisk.models.propagation import (
    PropagationConfig,
    PropagationOperator,
    PropagationResult,
    build_operator,
    propagate,
)
from linkrisk.models.reasons import REASONS, reason_flags
from linkrisk.models.rules import RuleBook
from linkrisk.models.scores import TIERS, save_scores
from linkrisk.models.tiers import (
    TierPolicy,
    apply_overrides,
    assign_tiers,
    choose_cutoffs,
    load_overrides,
)

PERSON = KIND_CODES.index(SubjectKind.PERSON)


@dataclass(frozen=True, slots=True)
class CityState:
    """Everything computed from one snapshot."""

    snapshot: Snapshot
    intrinsic: IntrinsicRisk
    operator: PropagationOperator
    propagated: PropagationResult
    features: FeatureTable


def analyse(
    snapshot: Snapshot,
    *,
    rules: RuleBook | None = None,
    propagation: PropagationConfig | None = None,
    control_threshold: float = 0.5,
) -> CityState:
    """Intrinsic risk, the propagation operator and result, and the features of the subjects."""
    intrinsic = intrinsic_risk(snapshot, rules=rules)
    operator = build_operator(snapshot, propagation)
    propagated = propagate(operator, intrinsic.risk)
    features = feature_table(
        snapshot,
        intrinsic,
        propagated,
        control_threshold=control_threshold,
        rows=subject_rows(snapshot),
    )
    return CityState(snapshot, intrinsic, operator, propagated, features)


def subject_rows(snapshot: Snapshot) -> np.ndarray:
    """Nodes the classifier is for: organisations (persons are not inspection subjects)."""
    return np.flatnonzero(np.asarray(snapshot.nodes["kind"]) != PERSON)


@dataclass(slots=True)
class ScoreReport:
    snapshot_version: str
    model_version: str
    as_of: str
    nodes: int
    fallback: bool
    tier_counts: dict[str, int]
    reason_counts: dict[str, int]
    overrides: dict[str, int]
    path: str
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def score_city(
    store: GraphStore, settings: Settings, snapshot: Snapshot, *, rules: RuleBook | None = None
) -> ScoreReport:
    """Score every node of ``snapshot``; publish the scores and write them back to ``store``."""
    clock: dict[str, float] = {}
    started = time.perf_counter()
    model = (
        load_model(settings.model_dir, FEATURE_NAMES)
        if current_version(settings.model_dir)
        else None
    )
    state = analyse(
        snapshot,
        rules=rules,
        propagation=model.propagation if model else None,
        control_threshold=settings.control_threshold,
    )
    clock["analyse"] = time.perf_counter() - started
    intrinsic, related = state.intrinsic.risk, state.propagated.related
    subjects = state.features.rows
    if model is not None:
        score = model.rule_score(intrinsic, related)  # persons: the calibrated rule score
        if len(subjects):
            score[subjects] = model.classifier.predict_proba(state.features.values)[:, 1]
        policy, version = model.policy, model.version
    else:
        score = RuleScore()(intrinsic, related)
        cutoffs = choose_cutoffs(score[subjects] if len(subjects) else score)
        policy = TierPolicy(cutoffs, overrides=load_overrides())
        version = f"rules-{state.intrinsic.rule_version}"
    tier, changed = apply_overrides(
        assign_tiers(score, policy.cutoffs), policy, snapshot, state.intrinsic
    )
    reasons = reason_flags(state.intrinsic, related)
    clock["score"] = time.perf_counter() - started - clock["analyse"]
    path = save_scores(
        settings,
        snapshot,
        score=score,
        tier=tier,
        reasons=reasons,
        model_version=version,
        as_of=snapshot.as_of,
    )
    # the store gets the organisations' scores (what Neo4j users browse); persons' scores stay
    # in the score files: writing millions of person rows through the store would double the time
    write_back(store, snapshot, subjects, score, tier, version)
    clock["write"] = time.perf_counter() - started - clock["analyse"] - clock["score"]
    counts = np.bincount(tier, minlength=4)
    return ScoreReport(
        snapshot_version=snapshot.version,
        model_version=version,
        as_of=snapshot.as_of.isoformat(),
        nodes=snapshot.n,
        fallback=model is None,
        tier_counts={t: int(c) for t, c in zip(TIERS, counts, strict=True)},
        reason_counts={r.code: int(((reasons & r.bit) > 0).sum()) for r in REASONS},
        overrides=changed,
        path=str(path),
        seconds={k: round(v, 3) for k, v in clock.items()},
    )


def write_back(
    store: GraphStore,
    snapshot: Snapshot,
    rows: np.ndarray,
    score: np.ndarray,
    tier: np.ndarray,
    version: str,
) -> None:
    """The scores of the subjects ``rows`` as the table ``store.write_scores`` takes."""

    def constant(value: str) -> pa.Array:
        return pa.DictionaryArray.from_arrays(pa.array(np.zeros(len(rows), np.int32)), [value])

    table = pa.table(
        {
            # numpy's S33 → Arrow binary drops the padding; the keys are ASCII
            "sid": pa.array(np.asarray(snapshot.sids)[rows]).cast(pa.string()),
            "score": pa.array(score[rows].astype(np.float64)),
            "tier": pc.take(pa.array(TIERS), pa.array(tier[rows])),
            "model_version": constant(version).cast(pa.string()),
            "snapshot_id": constant(snapshot.version).cast(pa.string()),
            "as_of": constant(snapshot.as_of.isoformat()).cast(pa.string()),
        }
    )
    store.write_scores(table)
