"""The paired bootstrap: its metrics agree with scikit-learn at unit weights, intervals behave."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from linkrisk.models.bootstrap import _groups, paired_gain_interval, weighted_metrics
from linkrisk.models.metrics import recall_at_budget


def _data(seed: int = 0, n: int = 5000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.05).astype(int)
    weak = y * 0.5 + rng.normal(size=n)
    strong = y * 2.0 + rng.normal(size=n)
    return y, np.round(weak, 1), np.round(strong, 1)  # rounding makes ties


def test_unit_weights_reproduce_the_point_metrics() -> None:
    y, weak, _ = _data()
    auc, ap, recall = weighted_metrics(_groups(weak), y.astype(float), np.ones(len(y)))
    assert auc == pytest.approx(roc_auc_score(y, weak))
    assert ap == pytest.approx(average_precision_score(y, weak))
    # ties at the budget boundary are shared pro rata here, broken by position there
    assert recall == pytest.approx(recall_at_budget(y, weak), abs=0.03)


def test_the_interval_excludes_zero_for_a_real_gain_and_covers_it_for_none() -> None:
    y, weak, strong = _data()
    real = paired_gain_interval(y, weak, strong, resamples=100)
    assert real["roc_auc"][0] > 0 and real["pr_auc"][0] > 0
    none = paired_gain_interval(y, weak, weak.copy(), resamples=50)
    assert none["roc_auc"] == [0.0, 0.0]
