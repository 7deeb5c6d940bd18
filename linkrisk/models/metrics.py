"""Evaluation metrics for the model card: ranking, the inspection budget, and calibration."""

from __future__ import annotations

import math

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score

#: share of subjects a regulator can inspect in a round: recall is reported at this budget
INSPECTION_BUDGET = 0.05
ECE_BINS = 10


def recall_at_budget(y: np.ndarray, score: np.ndarray, budget: float = INSPECTION_BUDGET) -> float:
    """Share of all positives found among the top ``budget`` fraction of subjects by score."""
    y = np.asarray(y, bool)
    if not y.any():
        return float("nan")
    k = math.ceil(budget * len(y))
    top = np.argsort(-np.asarray(score, np.float64), kind="stable")[:k]
    return float(y[top].sum() / y.sum())


def expected_calibration_error(y: np.ndarray, prob: np.ndarray, bins: int = ECE_BINS) -> float:
    """Σ over equal-width probability bins of |mean predicted − observed rate| × bin share."""
    y, prob = np.asarray(y, np.float64), np.clip(np.asarray(prob, np.float64), 0, 1)
    which = np.minimum((prob * bins).astype(int), bins - 1)
    count = np.bincount(which, minlength=bins)
    gap = np.abs(np.bincount(which, prob, bins) - np.bincount(which, y, bins))
    return float(gap.sum() / max(len(y), 1)) if count.sum() else float("nan")


def evaluate_scores(
    y: np.ndarray, prob: np.ndarray, budget: float = INSPECTION_BUDGET
) -> dict[str, float]:
    """ROC-AUC, PR-AUC, recall at the inspection budget, ECE, base rate and counts."""
    y = np.asarray(y, bool)
    both = 0 < y.sum() < len(y)
    return {
        "roc_auc": round(float(roc_auc_score(y, prob)), 4) if both else float("nan"),
        "pr_auc": round(float(average_precision_score(y, prob)), 4) if both else float("nan"),
        f"recall_at_{round(budget * 100)}pct": round(recall_at_budget(y, prob, budget), 4),
        "ece": round(expected_calibration_error(y, prob), 4),
        "base_rate": round(float(y.mean()), 4) if len(y) else float("nan"),
        "n": len(y),
        "positives": int(y.sum()),
    }
