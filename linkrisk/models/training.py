"""Fitting and comparing classifiers on design matrices (shared by the city and BYOG paths).

Splits: ``train`` rows fit the booster; ``valid`` rows choose its settings (``search``), stop
its boosting and calibrate it; ``test`` rows are only scored. Every comparison fits twice on the
same rows — once on the entity-only columns, once on entity + graph columns, each with its own
search — and scores both on the same test rows, so the card says how much the graph adds, with
a paired-bootstrap interval of the gain. Tier cut-offs are chosen on the training rows'
predictions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from linkrisk.errors import InputError
from linkrisk.models.bootstrap import paired_gain_interval
from linkrisk.models.classifier import RiskClassifier
from linkrisk.models.features import CATEGORICAL_FEATURES
from linkrisk.models.metrics import INSPECTION_BUDGET, evaluate_scores
from linkrisk.models.search import BYOG_BUDGET, SearchBudget, search
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


#: fewer training positives than this: refused (a model would learn noise or a constant)
MIN_POSITIVES = 10
#: fewer than this: fitted, with a warning in the result
FEW_POSITIVES = 50
#: without validation rows, this share of the training rows (stratified) is held out to search
HOLDOUT_SHARE = 0.2


@dataclass(slots=True)
class Fitted:
    """A fitted classifier, how its settings were chosen, and warnings about the data."""

    model: RiskClassifier
    search: dict[str, Any]
    warnings: list[str]


def check_positives(design: Design, what: str = "training") -> list[str]:
    """Refuse too few positives (or negatives) to learn from; warnings for merely few."""
    positives = int(design.y.sum())
    negatives = len(design.y) - positives
    if min(positives, negatives) < MIN_POSITIVES:
        raise InputError(
            f"the {what} rows ({len(design.y):,}) hold {positives:,} positives and"
            f" {negatives:,} negatives: a model needs at least {MIN_POSITIVES} of each (is the"
            " history long enough, the label right?)"
        )
    if positives < FEW_POSITIVES:
        return [
            f"only {positives} positives in the {what} rows: the model and its metrics are"
            " uncertain"
        ]
    return []


def holdout(design: Design, share: float = HOLDOUT_SHARE, seed: int = 0) -> tuple[Design, Design]:
    """(rest, held out): a stratified random ``share`` of the rows held out (seeded)."""
    rng = np.random.default_rng(seed)
    out = np.zeros(len(design.y), bool)
    for cls in (False, True):
        rows = np.flatnonzero(design.y.astype(bool) == cls)
        out[rng.choice(rows, max(1, round(share * len(rows))), replace=False)] = True
    keep = ~out
    return (
        Design(design.X[keep], design.y[keep], design.names),
        Design(design.X[out], design.y[out], design.names),
    )


def _categorical(names: tuple[str, ...]) -> list[int] | None:
    return [i for i, n in enumerate(names) if n in CATEGORICAL_FEATURES] or None


def fit_model(
    train: Design,
    valid: Design | None,
    names: tuple[str, ...],
    *,
    params: dict[str, Any] | None = None,
    budget: SearchBudget = BYOG_BUDGET,
    seed: int = 0,
) -> Fitted:
    """A ``RiskClassifier`` on the columns ``names``, its settings chosen on ``valid``.

    With ``valid``: the search (``linkrisk.models.search``) runs on train vs valid; the final
    booster is fitted on ``train`` with early stopping on ``valid`` and calibrated on ``valid``.
    Without (or with validation rows too few to learn from, which is warned): the search runs on
    a stratified 20 % hold-out of ``train``; the final booster is refitted on all of ``train``
    with the chosen iteration count and calibrated by 3-fold cross-validation. ``params`` fixes
    the settings instead of searching (tests, benchmarks).
    """
    warnings = check_positives(train)
    categorical = _categorical(names)
    if valid is not None:
        try:
            warnings += check_positives(valid, "validation")
        except InputError as exc:  # too few to choose on: the documented fallback, said aloud
            warnings.append(f"{exc} — the settings were chosen on a hold-out of train instead")
            valid = None
    if params is not None:
        chosen, record = dict(params), dict[str, Any]({"fixed": dict(params)})
    else:
        search_train, search_valid = (
            (train, valid) if valid is not None else holdout(train, seed=seed)
        )
        result = search(
            search_train.columns(names),
            search_train.y.astype(int),
            search_valid.columns(names),
            search_valid.y.astype(int),
            categorical=categorical,
            budget=budget,
            seed=seed,
        )
        chosen, record = result.params, result.to_dict()
        record["valid"] = "valid rows" if valid is not None else "20 % hold-out of train"
    model = RiskClassifier(**{"random_state": seed, **chosen}, categorical_features=categorical)
    if valid is not None:
        model.fit(
            train.columns(names),
            train.y.astype(int),
            X_valid=valid.columns(names),
            y_valid=valid.y.astype(int),
        )
    else:
        model.fit(train.columns(names), train.y.astype(int))
    return Fitted(model, record, warnings)


def predict(model: RiskClassifier, design: Design, names: tuple[str, ...]) -> np.ndarray:
    return np.asarray(model.predict_proba(design.columns(names))[:, 1], np.float32)


def tier_shares(prob: np.ndarray, cutoffs: tuple[float, float, float]) -> list[float]:
    counts = np.bincount(assign_tiers(prob, cutoffs), minlength=4)
    return [round(float(c) / max(len(prob), 1), 4) for c in counts]


def compare(
    train: Design,
    valid: Design | None,
    test: Design,
    entity: tuple[str, ...],
    *,
    params: dict[str, Any] | None = None,
    budget: SearchBudget = BYOG_BUDGET,
    seed: int = 0,
    inspect_share: float = INSPECTION_BUDGET,
    targets: tuple[float, float, float, float] = DEFAULT_TARGETS,
) -> dict[str, Any]:
    """Entity-only vs entity+graph on the same split (each with its own search): metrics on the
    test rows (and the train rows, to show over-fitting), tier shares on the test rows."""
    train = cap_rows(train, MAX_TRAIN_ROWS, seed)
    out: dict[str, Any] = {"metrics": {}, "train_metrics": {}, "test_tier_shares": {}}
    out["search"], out["warnings"], out["models"] = {}, [], {}
    probs = {}
    for label, names in (("entity_only", entity), ("entity_graph", train.names)):
        fitted = fit_model(train, valid, names, params=params, budget=budget, seed=seed)
        out["models"][label] = fitted.model
        out["search"][label] = fitted.search
        out["warnings"] += [w for w in fitted.warnings if w not in out["warnings"]]
        probs[label] = prob = predict(fitted.model, test, names)
        out["metrics"][label] = evaluate_scores(test.y, prob, inspect_share)
        on_train = predict(fitted.model, train, names)
        out["train_metrics"][label] = evaluate_scores(train.y, on_train, inspect_share)
        cutoffs = choose_cutoffs(on_train, targets)
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
