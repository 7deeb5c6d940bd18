"""The classifier is a well-behaved scikit-learn estimator that ranks and calibrates."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from linkrisk.models.classifier import RiskClassifier
from linkrisk.models.metrics import evaluate_scores


@parametrize_with_checks([RiskClassifier(max_iter=10, random_state=0)])
def test_sklearn_estimator_checks(estimator: Any, check: Any) -> None:
    check(estimator)


def _data(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    X[rng.random((n, 4)) < 0.1] = np.nan  # missing values are allowed
    logit = -3 + 2 * np.nan_to_num(X[:, 0]) + np.nan_to_num(X[:, 1])
    y = rng.random(n) < 1 / (1 + np.exp(-logit))
    return X, y.astype(int)


@pytest.mark.parametrize("method", ["isotonic", "sigmoid"])
def test_ranks_and_calibrates_on_held_out_data(method: str) -> None:
    X, y = _data(5000, 0)
    Xt, yt = _data(4000, 1)
    model = RiskClassifier(max_iter=40, calibration=method, random_state=0).fit(X, y)
    metrics = evaluate_scores(yt, model.predict_proba(Xt)[:, 1])
    assert metrics["roc_auc"] > 0.8
    assert metrics["ece"] < 0.03
    assert model.n_iter_ == 40 and model.n_features_in_ == 4


def test_unknown_calibration_method_is_refused() -> None:
    X, y = _data(200, 0)
    with pytest.raises(ValueError, match="calibration"):
        RiskClassifier(calibration="platt").fit(X, y)


def test_categorical_columns_are_accepted() -> None:
    X, y = _data(2000, 2)
    X[:, 3] = np.random.default_rng(0).integers(0, 4, len(X))
    model = RiskClassifier(max_iter=20, categorical_features=[3], random_state=0).fit(X, y)
    assert model.predict_proba(X).shape == (2000, 2)


def test_a_column_missing_everywhere_is_tolerated() -> None:
    X, y = _data(1000, 3)
    X[:, 2] = np.nan
    model = RiskClassifier(max_iter=10, random_state=0).fit(X, y)
    assert model.empty_columns_.tolist() == [False, False, True, False]
    assert np.isfinite(model.predict_proba(X)).all()


def test_a_column_known_only_in_the_first_rows_is_fitted() -> None:
    # rows in node order: a column known only for the first nodes (holding firms) once fell
    # entirely into one unshuffled calibration fold, and the booster's binning failed on it
    X, y = _data(3000, 4)
    X[300:, 3] = np.nan
    model = RiskClassifier(max_iter=10, random_state=0).fit(X, y)
    assert not model.empty_columns_[3] and np.isfinite(model.predict_proba(X)).all()


def test_a_column_known_in_too_few_rows_is_fed_as_a_constant() -> None:
    X, y = _data(1000, 5)
    X[5:, 1] = np.nan
    model = RiskClassifier(max_iter=10, min_samples_leaf=20, random_state=0).fit(X, y)
    assert model.empty_columns_.tolist() == [False, True, False, False]
