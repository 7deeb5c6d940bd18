"""The risk classifier: calibrated gradient boosting as a scikit-learn estimator.

``RiskClassifier`` predicts the probability of a new serious event within the label horizon
(``linkrisk.models.labels``). It is a ``HistGradientBoostingClassifier`` (native handling of
missing values, fast on millions of rows) wrapped in ``CalibratedClassifierCV`` so that its output
is a probability that tier cut-offs and lenders can read at face value.

Two ways to fit: ``fit(X, y)`` calibrates on cross-validated predictions of the training rows
(``cv`` folds) and runs exactly ``max_iter`` boosting iterations; ``fit(X, y, X_valid=…,
y_valid=…)`` stops boosting early when the loss on the validation rows stops improving (at most
``max_iter``) and fits the calibration on the validation rows' predictions. Hyper-parameters are
chosen by ``linkrisk.models.search``. It follows the
scikit-learn conventions — ``__init__`` only stores parameters, ``fit`` sets trailing-underscore
attributes and returns ``self``, prediction checks that the estimator is fitted — and passes
``sklearn.utils.estimator_checks``.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> X = rng.normal(size=(400, 3)); y = (X[:, 0] + 0.3 * rng.normal(size=400) > 1).astype(int)
>>> model = RiskClassifier(max_iter=30, random_state=0).fit(X, y)
>>> model.predict_proba(X).shape
(400, 2)
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

#: boosting stops after this many iterations without improvement of the validation loss
EARLY_STOPPING_ROUNDS = 20


def scarce_columns(X: np.ndarray, min_known: int) -> np.ndarray:
    """Bool per column: known (not nan) in fewer than ``min_known`` rows (at least 1)."""
    return np.asarray((~np.isnan(X)).sum(axis=0) < max(min_known, 1))


class RiskClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """Calibrated histogram gradient boosting.

    Parameters
    ----------
    max_iter, learning_rate, max_leaf_nodes, min_samples_leaf, l2_regularization
        Passed to ``HistGradientBoostingClassifier``. The defaults (60 trees of 15 leaves) did
        better on the demo cities' held-out windows than 100 trees of 31 leaves, and score two
        million firms in about half the time.
    balanced : bool
        Weigh the classes equally while boosting (the booster's ``class_weight="balanced"``):
        the rare positives count more; the calibration afterwards maps scores back to
        probabilities of the unweighted outcome. (Not named ``class_weight``: calibration undoes
        the weighting of the output by design, which scikit-learn's checks of that name forbid.)
    calibration : {"sigmoid", "isotonic"}
        Calibration method of ``CalibratedClassifierCV``. Sigmoid by default: isotonic
        regression is a step function, and on a city where most firms have no record its
        lowest step can hold 90 % of them, leaving no room between tier cut-offs.
    cv : int
        Folds of the cross-validated predictions the calibrator is fitted on.
    categorical_features : sequence of int or None
        Column indices holding category codes (e.g. status, kind).
    random_state : int or None

    Attributes
    ----------
    classes_ : ndarray
    n_features_in_ : int
    calibrated_ : CalibratedClassifierCV
    n_iter_ : int
        Boosting iterations of the fitted booster.
    empty_columns_ : ndarray of bool
        Columns known in fewer training rows than ``min_samples_leaf`` (fed as zeros).
    """

    def __init__(
        self,
        *,
        max_iter: int = 60,
        learning_rate: float = 0.1,
        max_leaf_nodes: int = 15,
        min_samples_leaf: int = 20,
        l2_regularization: float = 1.0,
        balanced: bool = False,
        calibration: str = "sigmoid",
        cv: int = 3,
        categorical_features: Any = None,
        random_state: int | None = None,
    ) -> None:
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.balanced = balanced
        self.calibration = calibration
        self.cv = cv
        self.categorical_features = categorical_features
        self.random_state = random_state

    def fit(self, X: Any, y: Any, *, X_valid: Any = None, y_valid: Any = None) -> RiskClassifier:
        """Fit the booster and its calibration on ``X`` (n_samples, n_features), ``y`` labels.

        With ``X_valid``/``y_valid``, boosting stops early on the validation loss and the
        calibration is fitted on the validation rows; without, calibration is cross-validated.
        """
        if self.calibration not in ("isotonic", "sigmoid"):
            raise ValueError(
                f"calibration must be 'isotonic' or 'sigmoid', not {self.calibration!r}"
            )
        X, y = validate_data(self, X, y, ensure_all_finite="allow-nan", dtype=np.float64)
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError("RiskClassifier needs samples of at least two classes; got 1 class")
        # a column known in fewer rows than a leaf holds carries nothing a leaf could use, and
        # the booster's binning fails on a column missing in every row of a calibration fold:
        # it is fed as a constant instead (here and at prediction)
        self.empty_columns_ = scarce_columns(X, self.min_samples_leaf)
        X = self._fill_empty(X)
        if X_valid is not None:
            return self._fit_with_valid(X, y, X_valid, y_valid)
        # every calibration fold needs members of every class; tiny data sets get fewer folds
        folds = int(min(self.cv, np.bincount(np.searchsorted(self.classes_, y)).min()))
        # ensemble=False: the calibrator learns from cross-validated predictions and one booster
        # refitted on all rows serves, so scoring a city runs one model rather than one per fold
        self.calibrated_ = CalibratedClassifierCV(
            self._booster(early_stopping=False),
            method=self.calibration,
            # shuffled: rows come in node order, which groups alike nodes (holding firms first…)
            cv=StratifiedKFold(max(folds, 2), shuffle=True, random_state=self.random_state),
            ensemble=False,
        )
        self.calibrated_.fit(X, y)
        self.n_iter_ = max(c.estimator.n_iter_ for c in self.calibrated_.calibrated_classifiers_)
        return self

    def _fit_with_valid(
        self, X: np.ndarray, y: np.ndarray, X_valid: Any, y_valid: Any
    ) -> RiskClassifier:
        X_valid = self._fill_empty(
            validate_data(
                self, X_valid, reset=False, ensure_all_finite="allow-nan", dtype=np.float64
            )
        )
        y_valid = np.asarray(y_valid)
        if not np.isin(self.classes_, y_valid).all():
            raise ValueError("the validation rows need samples of every class")
        booster = self._booster(early_stopping=True)
        booster.fit(X, y, X_val=X_valid, y_val=y_valid)
        self.calibrated_ = CalibratedClassifierCV(FrozenEstimator(booster), method=self.calibration)
        self.calibrated_.fit(X_valid, y_valid)
        self.n_iter_ = booster.n_iter_
        return self

    def _booster(self, *, early_stopping: bool) -> HistGradientBoostingClassifier:
        return HistGradientBoostingClassifier(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization,
            class_weight="balanced" if self.balanced else None,
            categorical_features=self.categorical_features,
            early_stopping=early_stopping,
            scoring="loss",
            n_iter_no_change=EARLY_STOPPING_ROUNDS,
            random_state=self.random_state,
        )

    def predict_proba(self, X: Any) -> np.ndarray:
        """Calibrated class probabilities, columns ordered as ``classes_``."""
        check_is_fitted(self)
        # row-major: each tree walks one row at a time
        X = validate_data(
            self, X, reset=False, ensure_all_finite="allow-nan", dtype=np.float64, order="C"
        )
        return np.asarray(self.calibrated_.predict_proba(self._fill_empty(X)))

    def _fill_empty(self, X: np.ndarray) -> np.ndarray:
        if not self.empty_columns_.any():
            return X
        X = np.array(X, copy=True)
        X[:, self.empty_columns_] = 0.0
        return X

    def predict(self, X: Any) -> np.ndarray:
        proba = self.predict_proba(X)
        return np.asarray(self.classes_[np.argmax(proba, axis=1)])

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
