"""The classifier's settings are chosen on validation rows, within a scoring budget."""

from __future__ import annotations

import numpy as np
import pytest

from linkrisk.errors import InputError
from linkrisk.models.classifier import RiskClassifier
from linkrisk.models.metrics import evaluate_scores
from linkrisk.models.search import DEFAULT_SETTING, SearchBudget, candidates, search
from linkrisk.models.training import Design, fit_model, holdout


def _data(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    # an interaction a 15-leaf tree needs several rounds for
    logit = -3 + 1.5 * X[:, 0] * X[:, 1] + X[:, 2]
    return X, (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)


def test_candidates_are_distinct_seeded_and_start_with_the_default() -> None:
    budget = SearchBudget(candidates=6)
    first = candidates(budget, 1)
    assert first[0] == DEFAULT_SETTING and len(first) == 6
    assert len({tuple(c.items()) for c in first}) == 6
    assert first == candidates(budget, 1) and first != candidates(budget, 2)


def test_successive_halving_records_every_rung() -> None:
    X, y = _data(3000, 0)
    Xv, yv = _data(1500, 1)
    result = search(X, y, Xv, yv, budget=SearchBudget(candidates=6, max_iter=80), seed=0)
    rungs = [t["rung"] for t in result.trials]
    assert rungs == [0] * 6 + [1] * 2  # 6 candidates, the best third goes on
    assert result.trials[-1]["rows"] == 3000 and result.trials[0]["rows"] == 1000
    last = [t for t in result.trials if t["rung"] == 1]
    best = max(last, key=lambda t: t["valid_objective"])
    assert result.params == {**best["setting"], "max_iter": best["iterations"]}
    assert 1 <= result.params["max_iter"] <= 80


def test_the_scoring_budget_caps_iterations_by_tree_depth() -> None:
    budget = SearchBudget(max_iter=300, max_tree_levels=240)
    assert budget.iteration_cap(15) == 60 and budget.iteration_cap(63) == 40
    X, y = _data(2000, 0)
    result = search(
        *(X, y),
        *_data(1000, 1),
        budget=SearchBudget(candidates=4, max_iter=300, max_tree_levels=24),
        seed=0,
    )
    assert all(t["iterations"] <= 24 // 4 for t in result.trials)


def test_validation_rows_of_one_class_are_refused() -> None:
    X, y = _data(500, 0)
    with pytest.raises(ValueError, match="both outcomes"):
        search(X, y, X[:50], np.zeros(50, int))


def test_the_classifier_stops_early_and_calibrates_on_valid_rows() -> None:
    X, y = _data(4000, 0)
    Xv, yv = _data(2000, 1)
    Xt, yt = _data(4000, 2)
    model = RiskClassifier(max_iter=500, learning_rate=0.3, random_state=0)
    model.fit(X, y, X_valid=Xv, y_valid=yv)
    assert model.n_iter_ < 500  # the validation loss stopped improving
    metrics = evaluate_scores(yt, model.predict_proba(Xt)[:, 1])
    assert metrics["roc_auc"] > 0.75 and metrics["ece"] < 0.03


def test_without_valid_rows_a_stratified_holdout_searches() -> None:
    X, y = _data(3000, 0)
    design = Design(X, y.astype(bool), ("a", "b", "c", "d"))
    rest, held = holdout(design, seed=0)
    assert len(rest.y) + len(held.y) == 3000
    assert len(held.y) == pytest.approx(600, abs=2)
    assert held.y.mean() == pytest.approx(design.y.mean(), abs=0.01)
    fitted = fit_model(design, None, design.names, budget=SearchBudget(candidates=3, max_iter=60))
    assert fitted.search["valid"] == "20 % hold-out of train"
    assert fitted.model.n_features_in_ == 4


def test_too_few_positives_are_refused_and_few_are_warned_about() -> None:
    X, y = _data(3000, 0)
    y[:] = 0
    y[:5] = 1
    with pytest.raises(InputError, match="at least 10"):
        fit_model(Design(X, y.astype(bool), ("a", "b", "c", "d")), None, ("a", "b", "c", "d"))
    y[:30] = 1
    fitted = fit_model(
        Design(X, y.astype(bool), ("a", "b", "c", "d")), None, ("a", "b"), params={"max_iter": 5}
    )
    assert "only 30 positives" in fitted.warnings[0]


def test_too_few_validation_positives_fall_back_to_a_holdout_with_a_warning() -> None:
    """A small deployment's validation window may hold a handful of positives: the settings are
    then chosen on a hold-out of train, and the model card says so; too few *training*
    positives are still refused."""
    X, y = _data(3000, 0)
    train = Design(X, y.astype(bool), ("a", "b", "c", "d"))
    Xv = X[:400]
    yv = np.zeros(400, bool)
    yv[:5] = True  # five positives: below the minimum to choose settings on
    budget = SearchBudget(candidates=2, max_iter=20)
    fitted = fit_model(train, Design(Xv, yv, train.names), train.names, budget=budget)
    assert any("hold-out of train instead" in w for w in fitted.warnings)
    assert fitted.search["valid"] == "20 % hold-out of train"
    few = Design(X[:400], yv, train.names)
    with pytest.raises(InputError, match="training rows"):
        fit_model(few, None, train.names, budget=budget)
