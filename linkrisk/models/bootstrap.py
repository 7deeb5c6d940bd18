"""Paired bootstrap of the difference between two scorings of the same test rows.

"Entity + graph beats entity-only by 0.03 ROC-AUC" means little on 200 positives without an
interval. Each resample reweights the test rows with Poisson(1) weights (the usual large-sample
stand-in for drawing rows with replacement) and recomputes ROC-AUC, average precision and recall
at the inspection budget for both scorings with the *same* weights, so the interval is for the
paired difference. Ties are grouped once per scoring, so a resample costs a few ``bincount``
calls rather than a sort: a million test rows and 200 resamples take seconds.
"""

from __future__ import annotations

import numpy as np

from linkrisk.models.metrics import INSPECTION_BUDGET

RESAMPLES = 200


def _groups(score: np.ndarray) -> np.ndarray:
    """Group index of every row, groups ordered by descending score (ties share a group)."""
    _, inverse = np.unique(-np.asarray(score, np.float64), return_inverse=True)
    return inverse.ravel()


def weighted_metrics(
    group: np.ndarray, y: np.ndarray, w: np.ndarray, budget: float = INSPECTION_BUDGET
) -> tuple[float, float, float]:
    """(ROC-AUC, average precision, recall at budget) with row weights ``w``."""
    size = int(group.max()) + 1 if len(group) else 0
    pos = np.bincount(group, w * y, size)
    neg = np.bincount(group, w * (1 - y), size)
    total_pos, total_neg = pos.sum(), neg.sum()
    if total_pos <= 0 or total_neg <= 0:
        return float("nan"), float("nan"), float("nan")
    neg_below = total_neg - np.cumsum(neg)  # groups run from the highest score down
    auc = float((pos * (neg_below + 0.5 * neg)).sum() / (total_pos * total_neg))
    cum_pos, cum_all = np.cumsum(pos), np.cumsum(pos + neg)
    ap = float((pos * cum_pos / np.maximum(cum_all, 1e-12)).sum() / total_pos)
    quota = budget * (total_pos + total_neg)
    before = cum_all - (pos + neg)
    taken = np.clip((quota - before) / np.maximum(pos + neg, 1e-12), 0, 1)  # share of each group
    recall = float((pos * taken).sum() / total_pos)
    return auc, ap, recall


def paired_gain_interval(
    y: np.ndarray,
    base: np.ndarray,
    other: np.ndarray,
    *,
    resamples: int = RESAMPLES,
    level: float = 0.95,
    seed: int = 0,
) -> dict[str, list[float]]:
    """Percentile interval of ``metric(other) − metric(base)`` for roc_auc, pr_auc, recall."""
    y = np.asarray(y, np.float64)
    ga, gb = _groups(base), _groups(other)
    rng = np.random.default_rng(seed)
    gains = np.empty((resamples, 3))
    for r in range(resamples):
        w = rng.poisson(1.0, len(y)).astype(np.float64)
        gains[r] = np.subtract(weighted_metrics(gb, y, w), weighted_metrics(ga, y, w))
    tail = (1 - level) / 2 * 100
    lo, hi = np.nanpercentile(gains, [tail, 100 - tail], axis=0)
    names = ("roc_auc", "pr_auc", f"recall_at_{round(INSPECTION_BUDGET * 100)}pct")
    return {
        name: [round(float(a), 4), round(float(b), 4)]
        for name, a, b in zip(names, lo, hi, strict=True)
    }
