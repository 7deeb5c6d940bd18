"""Card metrics on hand-computed examples."""

from __future__ import annotations

import math

import numpy as np
import pytest

from linkrisk.models.metrics import evaluate_scores, expected_calibration_error, recall_at_budget


def test_recall_at_budget() -> None:
    y = np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 1] * 2)
    score = np.arange(20)[::-1] / 20  # the first subjects rank highest
    # top 10 % of 20 = 2 subjects: indices 0 and 1, one positive out of four
    assert recall_at_budget(y, score, 0.10) == pytest.approx(0.25)
    assert math.isnan(recall_at_budget(np.zeros(5), np.zeros(5)))


def test_expected_calibration_error() -> None:
    # two bins: p=0.15 (observed 0 of 2) and p=0.85 (observed 2 of 2)
    y = np.array([0, 0, 1, 1])
    p = np.array([0.15, 0.15, 0.85, 0.85])
    assert expected_calibration_error(y, p) == pytest.approx(0.5 * 0.15 + 0.5 * 0.15)
    assert expected_calibration_error(np.array([1, 0]), np.array([0.5, 0.5])) == pytest.approx(0)


def test_evaluate_scores_keys() -> None:
    metrics = evaluate_scores(np.array([0, 1, 0, 1]), np.array([0.1, 0.9, 0.2, 0.8]))
    assert metrics["roc_auc"] == 1.0 and metrics["pr_auc"] == 1.0 and metrics["positives"] == 2
    assert set(metrics) == {
        "roc_auc",
        "pr_auc",
        "recall_at_5pct",
        "ece",
        "base_rate",
        "n",
        "positives",
    }
