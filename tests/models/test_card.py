"""Model files and cards: round trip, and refusal when the feature list differs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from linkrisk.errors import NotReady
from linkrisk.models.card import (
    FeatureMismatch,
    ModelCard,
    TrainedModel,
    load_model,
    read_card,
    save_model,
)
from linkrisk.models.classifier import RiskClassifier
from linkrisk.models.fallback import RuleScore
from linkrisk.models.propagation import PropagationConfig
from linkrisk.models.tiers import TierPolicy

FEATURES = ["a", "b", "c"]


def _model() -> TrainedModel:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = (X[:, 0] > 0.5).astype(int)
    card = ModelCard(
        model_version="city-20261031-abcd",
        kind="city",
        created_at="2026-11-01T00:00:00+00:00",
        data_window={"train_as_of": ["2023-10-31", "2024-10-31"], "test_as_of": "2025-10-31"},
        snapshot_ids={"2025-10-31": "20251031-x"},
        features=FEATURES,
        entity_features=["a"],
        metrics={"entity_graph": {"roc_auc": 0.9}},
        tiers={"cutoffs": [0.1, 0.2, 0.3]},
        params={},
    )
    classifier = RiskClassifier(max_iter=5, random_state=0).fit(X, y)
    return TrainedModel(
        card, classifier, TierPolicy((0.1, 0.2, 0.3)), RuleScore(), PropagationConfig()
    )


def test_round_trip(tmp_path: Path) -> None:
    model = _model()
    card_path = save_model(tmp_path, model)
    assert card_path.name == "city-20261031-abcd.card.json"
    assert (tmp_path / "city-20261031-abcd.joblib").exists()
    assert json.loads(card_path.read_text())["features"] == FEATURES
    loaded = load_model(tmp_path, FEATURES)
    X = np.random.default_rng(1).normal(size=(5, 3))
    assert loaded.classifier.predict_proba(X) == pytest.approx(model.classifier.predict_proba(X))
    assert loaded.policy.cutoffs == (0.1, 0.2, 0.3) and read_card(tmp_path).kind == "city"


@pytest.mark.parametrize(
    "expected, message",
    [
        (["a", "b"], "no longer computes"),
        (["a", "b", "c", "d"], r"\['d'\] new"),
        (["c", "b", "a"], "order"),
    ],
)
def test_refuses_a_different_feature_list(
    tmp_path: Path, expected: list[str], message: str
) -> None:
    save_model(tmp_path, _model())
    with pytest.raises(FeatureMismatch, match=message) as info:
        load_model(tmp_path, expected)
    assert info.value.status == 409


def test_a_tampered_card_is_caught(tmp_path: Path) -> None:
    card_path = save_model(tmp_path, _model())
    raw = json.loads(card_path.read_text())
    raw["features"] = ["a", "b", "z"]
    card_path.write_text(json.dumps(raw))
    with pytest.raises(FeatureMismatch, match="bundle"):
        load_model(tmp_path, ["a", "b", "z"])


def test_no_model_yet(tmp_path: Path) -> None:
    with pytest.raises(NotReady, match="linkrisk train"):
        load_model(tmp_path, FEATURES)
