"""Saved models and their model cards.

A trained model is two files in ``settings.model_dir``: ``<version>.joblib`` (the fitted
classifier, tier policy, rule score and propagation settings) and ``<version>.card.json`` beside
it — model version, data window, snapshot ids, the feature list, metrics (ROC-AUC, PR-AUC, recall
at the inspection budget, expected calibration error; entity-only vs entity+graph) and the tier
cut-offs. ``CURRENT`` names the model in use.

Loading refuses a model whose feature list differs from the features the code computes now
(``FeatureMismatch``): a model silently fed columns in another order scores garbage. joblib files
are pickles: load only models this installation wrote.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib

from linkrisk.errors import Conflict, NotReady
from linkrisk.models.classifier import RiskClassifier
from linkrisk.models.fallback import RuleScore
from linkrisk.models.propagation import PropagationConfig
from linkrisk.models.tiers import TierPolicy

CURRENT = "CURRENT"


class FeatureMismatch(Conflict):
    """A saved model was trained on other features than the ones it would be given."""

    title, type_slug = "Model feature mismatch", "feature-mismatch"


@dataclass(slots=True)
class ModelCard:
    model_version: str
    kind: str  # "city" | "byog"
    created_at: str
    data_window: dict[str, Any]  # train/test as-of dates, label horizon, deployed rows
    snapshot_ids: dict[str, str]  # as-of date → snapshot version
    features: list[str]
    entity_features: list[str]
    metrics: dict[str, dict[str, float]]  # "entity_only", "entity_graph", "rule_baseline"
    tiers: dict[str, Any]
    params: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ModelCard:
        return cls(**{k: raw[k] for k in cls.__dataclass_fields__ if k in raw})


@dataclass(slots=True)
class TrainedModel:
    card: ModelCard
    classifier: RiskClassifier
    policy: TierPolicy
    rule_score: RuleScore
    propagation: PropagationConfig

    @property
    def version(self) -> str:
        return self.card.model_version


def new_version(kind: str, as_of: str, snapshot_ids: dict[str, str]) -> str:
    """``<kind>-<as of>-<8 hex>``: unique per training run."""
    stamp = datetime.now(UTC).isoformat()
    digest = hashlib.blake2b(json.dumps([stamp, snapshot_ids]).encode(), digest_size=4).hexdigest()
    return f"{kind}-{as_of.replace('-', '')}-{digest}"


def save_model(model_dir: Path, model: TrainedModel, *, publish: bool = True) -> Path:
    """Write ``<version>.joblib`` and ``<version>.card.json``; make it CURRENT if ``publish``."""
    model_dir.mkdir(parents=True, exist_ok=True)
    version = model.card.model_version
    bundle = model_dir / f"{version}.joblib"
    tmp = model_dir / f".{version}.joblib.tmp"
    joblib.dump(
        {
            "features": model.card.features,
            "classifier": model.classifier,
            "policy": model.policy,
            "rule_score": model.rule_score,
            "propagation": model.propagation,
        },
        tmp,
    )
    os.replace(tmp, bundle)
    card = model_dir / f"{version}.card.json"
    card.write_text(json.dumps(model.card.to_dict(), ensure_ascii=False, indent=2))
    if publish:
        pointer = model_dir / f".{CURRENT}.tmp"
        pointer.write_text(version)
        os.replace(pointer, model_dir / CURRENT)
    return card


def current_version(model_dir: Path) -> str | None:
    pointer = model_dir / CURRENT
    return pointer.read_text().strip() if pointer.exists() else None


def read_card(model_dir: Path, version: str | None = None) -> ModelCard:
    version = version or current_version(model_dir)
    if version is None:
        raise NotReady(f"no model in {model_dir}: run `linkrisk train` first")
    path = model_dir / f"{version}.card.json"
    if not path.exists():
        raise NotReady(f"model card {path} is missing")
    return ModelCard.from_dict(json.loads(path.read_text()))


def check_features(card: ModelCard, expected: list[str] | tuple[str, ...]) -> None:
    """Raise ``FeatureMismatch`` unless the card's feature list is exactly ``expected``."""
    if list(card.features) == list(expected):
        return
    missing = [f for f in expected if f not in card.features]
    extra = [f for f in card.features if f not in expected]
    order = "" if missing or extra else " (same features, different order)"
    raise FeatureMismatch(
        f"model {card.model_version} was trained on other features{order}: the code now computes"
        f" {missing or 'no'} new ones and no longer computes {extra or 'none'}; retrain with"
        " `linkrisk train`",
        missing=missing,
        extra=extra,
    )


def load_model(
    model_dir: Path, expected_features: list[str] | tuple[str, ...], version: str | None = None
) -> TrainedModel:
    """Load a model after checking its card's feature list against ``expected_features``."""
    card = read_card(model_dir, version)
    check_features(card, expected_features)
    bundle = joblib.load(model_dir / f"{card.model_version}.joblib")
    if list(bundle["features"]) != list(card.features):
        raise FeatureMismatch(
            f"model {card.model_version}: its card and its bundle disagree on features"
        )
    return TrainedModel(
        card=card,
        classifier=bundle["classifier"],
        policy=bundle["policy"],
        rule_score=bundle["rule_score"],
        propagation=bundle["propagation"],
    )
