"""Choosing the classifier's size on validation rows: successive halving over a small grid.

The candidates are settings of the booster — leaves per tree, learning rate, minimum leaf size and
class weighting — drawn (seeded) from ``GRID``; the old fixed setting (15 leaves, rate 0.1, 20 per
leaf, unweighted) is always among them, so the search can only pick something that did at least
as well on the validation rows. The number of boosting iterations is not searched: every fit
stops early when the validation loss has not improved for ``EARLY_STOPPING_ROUNDS`` iterations
(at most ``max_iter``).

Rungs (successive halving, ``factor`` = 3 by default): rung 0 fits every candidate on a random
``1 / factor^R`` of the training rows, scores it on *all* validation rows by AUROC + average
precision, and keeps the best ``1 / factor`` of them; each later rung has ``factor`` × more rows;
the last rung (of ⌊log_factor candidates⌋ + 1) uses every training row. The best of the last
rung wins: its settings and its
early-stopped iteration count are the chosen values. Every trial (rung, rows, settings,
iterations, validation AUROC and AUPRC) is recorded for the model card.

``max_tree_levels`` bounds ``iterations × ⌈log2 leaves⌉``, what scoring costs per row: the city
model scores millions of subjects within a time budget (``bench/risk.py``), so the city caps it
at the old fixed model's cost (60 trees of 15 leaves = 240); bring-your-own-graph has no cap
beyond ``max_iter``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import average_precision_score, roc_auc_score

from linkrisk.models.classifier import EARLY_STOPPING_ROUNDS, scarce_columns

GRID: dict[str, tuple[Any, ...]] = {
    "max_leaf_nodes": (15, 31, 63),
    "learning_rate": (0.05, 0.1),
    "min_samples_leaf": (20, 80),
    "balanced": (False, True),
}
DEFAULT_SETTING: dict[str, Any] = {
    "max_leaf_nodes": 15,
    "learning_rate": 0.1,
    "min_samples_leaf": 20,
    "balanced": False,
}


@dataclass(frozen=True, slots=True)
class SearchBudget:
    """How much searching: candidates drawn from the grid, halving factor, iteration cap."""

    candidates: int = 12
    factor: int = 3
    max_iter: int = 500
    max_tree_levels: int | None = None  # iterations × ⌈log2 leaves⌉; None: no cap

    def iteration_cap(self, leaves: int) -> int:
        if self.max_tree_levels is None:
            return self.max_iter
        return max(1, min(self.max_iter, self.max_tree_levels // _levels(leaves)))


#: the city model: scoring cost capped at the old fixed model's (60 trees × 15 leaves)
CITY_BUDGET = SearchBudget(candidates=8, max_iter=300, max_tree_levels=60 * 4)
BYOG_BUDGET = SearchBudget()


def _levels(leaves: int) -> int:
    return max(1, math.ceil(math.log2(leaves)))


@dataclass(slots=True)
class SearchResult:
    """The chosen settings (``params``: ``RiskClassifier`` keyword arguments) and every trial."""

    params: dict[str, Any]
    budget: dict[str, Any]
    objective: str = "valid AUROC + valid AUPRC"
    trials: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def candidates(budget: SearchBudget, seed: int) -> list[dict[str, Any]]:
    """``budget.candidates`` distinct settings from ``GRID``, the default setting first."""
    keys = list(GRID)
    every = [dict(zip(keys, combo, strict=True)) for combo in _product([GRID[k] for k in keys])]
    others = [c for c in every if c != DEFAULT_SETTING]
    order = np.random.default_rng(seed).permutation(len(others))
    return [DEFAULT_SETTING, *(others[i] for i in order[: max(budget.candidates - 1, 0)])]


def _product(axes: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = [()]
    for axis in axes:
        out = [(*head, v) for head in out for v in axis]
    return out


def _rows(y: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """A random subset of ``size`` rows holding both classes (all rows when that fails)."""
    if size >= len(y):
        return np.arange(len(y))
    pick = np.sort(rng.choice(len(y), size, replace=False))
    return pick if 0 < y[pick].sum() < len(pick) else np.arange(len(y))


def search(
    X: np.ndarray,
    y: np.ndarray,
    X_valid: np.ndarray,
    y_valid: np.ndarray,
    *,
    categorical: list[int] | None = None,
    budget: SearchBudget = BYOG_BUDGET,
    seed: int = 0,
) -> SearchResult:
    """Successive halving on (``X``, ``y``), judged on (``X_valid``, ``y_valid``)."""
    y, y_valid = np.asarray(y, int), np.asarray(y_valid, int)
    if len(np.unique(y_valid)) < 2:
        raise ValueError("the validation rows need both outcomes to choose a model")
    rng = np.random.default_rng(seed)
    alive = candidates(budget, seed)
    # the last rung still compares a few candidates (12 → 4 → 2 with factor 3)
    rungs = max(1, math.floor(math.log(max(len(alive), 1), budget.factor) + 1e-9))
    trials: list[dict[str, Any]] = []
    best: dict[str, Any] = {}
    for rung in range(rungs + 1):
        size = max(len(y) // budget.factor ** (rungs - rung), min(len(y), 200))
        rows = _rows(y, size, rng)
        scored = []
        for setting in alive:
            trial = _trial(X[rows], y[rows], X_valid, y_valid, setting, categorical, budget, seed)
            trials.append({"rung": rung, "rows": len(rows), **trial})
            scored.append(trial)
        scored.sort(key=lambda t: -t["valid_objective"])
        best = scored[0]
        if rung == rungs or len(alive) == 1:
            break
        keep = max(1, math.ceil(len(alive) / budget.factor))
        alive = [t["setting"] for t in scored[:keep]]
    params = {**best["setting"], "max_iter": best["iterations"]}
    return SearchResult(params=params, budget=asdict(budget), trials=trials)


def _trial(
    X: np.ndarray,
    y: np.ndarray,
    X_valid: np.ndarray,
    y_valid: np.ndarray,
    setting: dict[str, Any],
    categorical: list[int] | None,
    budget: SearchBudget,
    seed: int,
) -> dict[str, Any]:
    booster = HistGradientBoostingClassifier(
        max_leaf_nodes=setting["max_leaf_nodes"],
        learning_rate=setting["learning_rate"],
        min_samples_leaf=setting["min_samples_leaf"],
        class_weight="balanced" if setting["balanced"] else None,
        max_iter=budget.iteration_cap(setting["max_leaf_nodes"]),
        l2_regularization=1.0,
        categorical_features=categorical,
        early_stopping=True,
        scoring="loss",
        n_iter_no_change=EARLY_STOPPING_ROUNDS,
        random_state=seed,
    )
    empty = scarce_columns(X, setting["min_samples_leaf"])  # as RiskClassifier does
    if empty.any():
        X, X_valid = X.copy(), X_valid.copy()
        X[:, empty], X_valid[:, empty] = 0.0, 0.0
    booster.fit(X, y, X_val=X_valid, y_val=y_valid)
    score = booster.predict_proba(X_valid)[:, 1]
    auroc = float(roc_auc_score(y_valid, score))
    auprc = float(average_precision_score(y_valid, score))
    # early stopping ran EARLY_STOPPING_ROUNDS past the best iteration; the booster keeps them
    # all, which is what gets refitted (the loss was flat over the extra rounds)
    return {
        "setting": setting,
        "iterations": int(booster.n_iter_),
        "valid_auroc": round(auroc, 4),
        "valid_auprc": round(auprc, 4),
        "valid_objective": round(auroc + auprc, 4),
    }
