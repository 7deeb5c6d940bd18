"""Bring your own graph: evaluate the method on another registry's data (docs/byog.md).

The four tables are read by ``linkrisk.models.byog_tables``; features are computed by
``linkrisk.models.byog_features`` (entity-only: the node's own attributes and events; graph:
contagion, flagged neighbours and the neighbours' aggregated attributes). Both feature sets
are fitted with the same ``RiskClassifier`` on the ``train`` rows — settings searched, boosting
stopped and calibration fitted on the ``valid`` rows (or a hold-out of ``train`` when there are
none, see ``linkrisk.models.training.fit_model``) — and reported side by side on the ``test`` rows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from linkrisk.errors import InputError
from linkrisk.models.byog_features import byog_features
from linkrisk.models.byog_tables import SPLITS, ByogData, read_byog
from linkrisk.models.card import ModelCard, TrainedModel, new_version, save_model
from linkrisk.models.fallback import RuleScore
from linkrisk.models.metrics import INSPECTION_BUDGET
from linkrisk.models.propagation import PropagationConfig
from linkrisk.models.tiers import TierPolicy, choose_cutoffs
from linkrisk.models.training import Design, compare, predict

__all__ = ["byog_features", "evaluate_byog", "read_byog", "train_byog"]


def _designs(data: ByogData) -> tuple[Design, Design | None, Design, tuple[str, ...], list[str]]:
    features = byog_features(data)
    names, entity = features.names, features.entity
    rows = features.values[data.label_node]
    parts = []
    for code in range(len(SPLITS)):
        chosen = data.label_split == code
        parts.append(Design(rows[chosen], data.label_y[chosen], names) if chosen.any() else None)
    train, valid, test = parts
    if train is None or test is None:
        raise InputError("the label table needs both train and test rows")
    warnings = []
    if features.dropped:
        warnings.append(
            f"{len(features.dropped)} feature columns are the same for every node and were"
            f" dropped: {', '.join(features.dropped[:12])}"
            + (" …" if len(features.dropped) > 12 else "")
        )
    return train, valid, test, entity, warnings


def _window(data: ByogData, train: Design, valid: Design | None, test: Design) -> dict[str, Any]:
    return {
        "train_rows": len(train.y),
        "valid_rows": 0 if valid is None else len(valid.y),
        "test_rows": len(test.y),
        "dropped_future_events": data.dropped_future_events,
    }


def evaluate_byog(
    data: ByogData,
    params: dict[str, Any] | None = None,
    *,
    seed: int = 0,
    budget: float = INSPECTION_BUDGET,
) -> dict[str, Any]:
    """Entity-only vs entity+graph on the label table's split (recall at ``budget``)."""
    train, valid, test, entity, warnings = _designs(data)
    result = compare(train, valid, test, entity, params=params, seed=seed, inspect_share=budget)
    result["warnings"] = warnings + result["warnings"]
    result.pop("models")
    result["window"] = _window(data, train, valid, test)
    return result


def train_byog(
    data: ByogData, out_dir: Path, params: dict[str, Any] | None = None, *, seed: int = 0
) -> ModelCard:
    """Fit on the train rows, report on the test rows, save model and card in ``out_dir``."""
    train, valid, test, entity, warnings = _designs(data)
    result = compare(train, valid, test, entity, params=params, seed=seed)
    result["warnings"] = warnings + result["warnings"]
    classifier = result.pop("models")["entity_graph"]
    policy = TierPolicy(choose_cutoffs(predict(classifier, train, train.names)))
    card = ModelCard(
        model_version=new_version("byog", datetime.now(UTC).date().isoformat(), {}),
        kind="byog",
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        data_window=_window(data, train, valid, test),
        snapshot_ids={},
        features=list(train.names),
        entity_features=list(entity),
        metrics=result["metrics"],
        tiers={**policy.to_dict(), "test_shares": result["test_tier_shares"]},
        params={
            "classifier": classifier.get_params(),
            "search": result["search"]["entity_graph"],
            "seed": seed,
            "train_metrics": result["train_metrics"],
            "graph_gain": result["graph_gain"],
            "graph_gain_ci95": result["graph_gain_ci95"],
        },
        notes=[
            "bring-your-own-graph model: features from the four input tables (docs/byog.md)",
            *result["warnings"],
        ],
    )
    save_model(out_dir, TrainedModel(card, classifier, policy, RuleScore(), PropagationConfig()))
    return card
