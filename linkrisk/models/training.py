"""Fitting and comparing classifiers on design matrices (shared by the city and BYOG paths).

Every comparison fits the same estimator twice on the same rows — once on the entity-only
columns, once on entity + graph columns — and scores both on the same held-out rows, so the card
says how much the graph adds, with a paired-bootstrap interval of the gain. Tier cut-offs are
chosen on the training rows' predictions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from linkrisk.errors import InputError
from linkrisk.models.bootstrap import paired_gain_interval
from linkrisk.models.classifier import RiskClassifier
from linkrisk.models.features import CATEGORICAL_FEATURES
from linkrisk.models.metrics import evaluate_scores
from linkrisk.models.tiers import DEFAULT_TARGETS, assign_tiers, choose_cutoffs

#: more training rows than this are subsampled uniformly (keeps calibration honest, bounds time)
MAX_TRAIN_ROWS = 600_000


@dataclass(frozen=True, slots=True)
class Design:
    """Rows of one or more as-of windows: features (columns ``names``) and labels."""

    X: np.ndarray
    y: np.ndarray
    names: tuple[str, ...]

    def columns(self, names: tuple[str, ...]) -> np.ndarray:
        return np.asarray(self.X[:, [self.names.index(n) for n in names]])

    @staticmethod
    def stack(parts: list[Design]) -> Design:
        return Design(
            np.vstack([p.X for p in parts]), np.concatenate([p.y for p in parts]), parts[0].names
        )


def cap_rows(design: Design, max_rows: int, seed: int = 0) -> Design:
    """A uniform subsample of at most ``max_rows`` rows (the design itself when smaller)."""
    if len(design.y) <= max_rows:
        return design
    keep = np.sort(np.random.default_rng(seed).choice(len(design.y), max_rows, replace=False))
    return Design(design.X[keep], design.y[keep], design.names)


def fit_classifier(
    design: Design, names: tuple[str, ...], params: dict[str, Any] | None = None
) -> RiskClassifier:
    """A ``RiskClassifier`` on the columns ``names`` (category-coded columns declared as such)."""
    if len(np.unique(design.y)) < 2:
        raise InputError(
            f"the training rows ({len(design.y):,}) hold only one outcome: a model needs both"
            " subjects with and without a later serious event (is the history long enough?)"
        )
    categorical = [i for i, n in enumerate(names) if n in CATEGORICAL_FEATURES] or None
    model = RiskClassifier(
        **{"random_state": 0, **(params or {})}, categorical_features=categorical
    )
    return model.fit(design.columns(names), design.y.astype(int))


def predict(model: RiskClassifier, design: Design, names: tuple[str, ...]) -> np.ndarray:
    return np.asarray(model.predict_proba(design.columns(names))[:, 1], np.float32)


def tier_shares(prob: np.ndarray, cutoffs: tuple[float, float, float]) -> list[float]:
    counts = np.bincount(assign_tiers(prob, cutoffs), minlength=4)
    return [round(float(c) / max(len(prob), 1), 4) for c in counts]


def compare(
    train: Design,
    test: Design,
    entity: tuple[str, ...],
    *,
    params: dict[str, Any] | None = None,
    targets: tuple[float, float, float, float] = DEFAULT_TARGETS,
) -> dict[str, Any]:
    """Entity-only vs entity+graph on the same split: metrics, and tier shares on the test rows."""
    train = cap_rows(train, MAX_TRAIN_ROWS)
    out: dict[str, Any] = {"metrics": {}, "test_tier_shares": {}}
    probs = {}
    for label, names in (("entity_only", entity), ("entity_graph", train.names)):
        model = fit_classifier(train, names, params)
        probs[label] = prob = predict(model, test, names)
        out["metrics"][label] = evaluate_scores(test.y, prob)
        cutoffs = choose_cutoffs(predict(model, train, names), targets)
        out["test_tier_shares"][label] = tier_shares(prob, cutoffs)
    full, ent = out["metrics"]["entity_graph"], out["metrics"]["entity_only"]
    out["graph_gain"] = {
        k: round(full[k] - ent[k], 4) for k in full if k not in ("n", "positives", "base_rate")
    }
    # 95 % paired-bootstrap interval of the gain: is it distinguishable from noise?
    out["graph_gain_ci95"] = paired_gain_interval(
        test.y, probs["entity_only"], probs["entity_graph"]
    )
    return out
