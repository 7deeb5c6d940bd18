"""City model: train and evaluate it on point-in-time snapshots of the store.

``train_city`` builds the point-in-time snapshots it needs in a scratch directory (removed after
use; the card keeps their content-derived ids, so they can be rebuilt): features as
of T−36m (train), T−24m (valid: the search of the classifier's settings, early stopping and
calibration) and T−12m (held-out test), each labelled from the snapshot twelve months later. It
reports entity-only vs entity+graph on the test window, then fits the deployed model with the
chosen settings on the train and valid windows, stops and calibrates it on the latest (test)
window, and chooses its tier cut-offs there. The search's scoring cost is capped
(``linkrisk.models.search.CITY_BUDGET``) so that scoring a city stays within its time budget.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np

from linkrisk.config import Settings
from linkrisk.graph.snapshot.arrays import load_snapshot
from linkrisk.graph.snapshot.build import build_snapshot
from linkrisk.graph.store import GraphStore
from linkrisk.models.card import ModelCard, TrainedModel, new_version, save_model
from linkrisk.models.dates import add_months
from linkrisk.models.fallback import fit_rule_score
from linkrisk.models.features import ENTITY_FEATURES, FEATURE_NAMES
from linkrisk.models.labels import HORIZON_MONTHS, labels_for
from linkrisk.models.metrics import evaluate_scores
from linkrisk.models.pipeline import analyse
from linkrisk.models.propagation import PropagationConfig
from linkrisk.models.rules import RuleBook, load_rules
from linkrisk.models.search import CITY_BUDGET
from linkrisk.models.tiers import TierPolicy, choose_cutoffs, load_overrides
from linkrisk.models.training import (
    MAX_TRAIN_ROWS,
    Design,
    cap_rows,
    compare,
    fit_model,
    predict,
)

Progress = Callable[[str], None]
TRAIN_OFFSET, VALID_OFFSET = 36, 24  # months before the latest date: fitting feature dates
TRAIN_OFFSETS = (TRAIN_OFFSET, VALID_OFFSET)
TEST_OFFSET = 12  # the held-out window (its labels end on the latest date)


@dataclass(frozen=True, slots=True)
class _Window:
    as_of: date
    design: Design
    intrinsic: np.ndarray
    related: np.ndarray


def _windows(
    store: GraphStore,
    settings: Settings,
    as_of: date,
    scratch: Path,
    rules: RuleBook,
    say: Progress,
) -> tuple[list[_Window], dict[str, str]]:
    """Design matrices for the feature dates T−36m, T−24m, T−12m, each windows from the snapshot
    a year later, and the ids of all snapshots used."""
    dates = [add_months(as_of, -m) for m in (*TRAIN_OFFSETS, TEST_OFFSET, 0)]
    snapshots = []
    for when in dates:
        say(f"snapshot as of {when}")
        path = build_snapshot(store, scratch, as_of=when, supernode_cap=settings.supernode_cap)
        snapshots.append(load_snapshot(path))
    windows = []
    for earlier, later in itertools.pairwise(snapshots):
        say(f"features as of {earlier.as_of}")
        state = analyse(earlier, rules=rules, control_threshold=settings.control_threshold)
        rows = state.features.rows
        y = labels_for(earlier, later, add_months(earlier.as_of, HORIZON_MONTHS))[rows]
        design = Design(state.features.values, y, FEATURE_NAMES)
        intrinsic, related = state.intrinsic.risk[rows], state.propagated.related[rows]
        windows.append(_Window(earlier.as_of, design, intrinsic, related))
    return windows, {s.as_of.isoformat(): s.version for s in snapshots}


def evaluate_city(
    store: GraphStore,
    settings: Settings,
    as_of: date,
    *,
    scratch: Path | None = None,
    params: dict[str, Any] | None = None,
    rules: RuleBook | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Temporal evaluation only: train on T−36m/T−24m, test on T−12m; nothing is saved."""
    result, _ = _evaluate(store, settings, as_of, scratch, params, rules or load_rules(), progress)
    return result


def _evaluate(
    store: GraphStore,
    settings: Settings,
    as_of: date,
    scratch: Path | None,
    params: dict[str, Any] | None,
    rules: RuleBook,
    progress: Progress | None,
) -> tuple[dict[str, Any], list[_Window]]:
    say = progress or (lambda _msg: None)
    if scratch is None:  # our own scratch space: the snapshots are rebuilt from the store on demand
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="train-snapshots-", dir=settings.data_dir) as tmp:
            windows, snapshot_ids = _windows(store, settings, as_of, Path(tmp), rules, say)
    else:
        windows, snapshot_ids = _windows(store, settings, as_of, scratch, rules, say)
    train_w, test_w = windows[: len(TRAIN_OFFSETS)], windows[len(TRAIN_OFFSETS)]
    train = Design.stack([w.design for w in train_w])
    say("searching and fitting entity-only and entity+graph models")
    result = compare(
        train_w[0].design,
        train_w[1].design,
        test_w.design,
        ENTITY_FEATURES,
        params=params,
        budget=CITY_BUDGET,
    )
    result.pop("models")
    baseline = fit_rule_score(
        np.concatenate([w.intrinsic for w in train_w]),
        np.concatenate([w.related for w in train_w]),
        train.y,
    )
    result["metrics"]["rule_baseline"] = evaluate_scores(
        test_w.design.y, baseline(test_w.intrinsic, test_w.related)
    )
    result["window"] = {
        "train_as_of": [train_w[0].as_of.isoformat()],
        "valid_as_of": train_w[1].as_of.isoformat(),
        "test_as_of": test_w.as_of.isoformat(),
        "label_horizon_months": HORIZON_MONTHS,
        "latest": as_of.isoformat(),
        "train_rows": len(train_w[0].design.y),
        "valid_rows": len(train_w[1].design.y),
        "test_rows": len(test_w.design.y),
    }
    result["snapshot_ids"] = snapshot_ids
    return result, windows


def train_city(
    store: GraphStore,
    settings: Settings,
    as_of: date,
    *,
    scratch: Path | None = None,
    params: dict[str, Any] | None = None,
    rules: RuleBook | None = None,
    publish: bool = True,
    progress: Progress | None = None,
) -> ModelCard:
    """Evaluate on the temporal split, refit on all windows, save the model and its card."""
    say = progress or (lambda _msg: None)
    rules = rules or load_rules()
    result, windows = _evaluate(store, settings, as_of, scratch, params, rules, progress)
    say("fitting the deployed model on the train and valid windows, calibrated on the latest")
    latest = windows[-1].design
    fitting = cap_rows(Design.stack([w.design for w in windows[:-1]]), MAX_TRAIN_ROWS)
    chosen = params or result["search"]["entity_graph"]["params"]
    deployed = fit_model(fitting, latest, FEATURE_NAMES, params=chosen, budget=CITY_BUDGET)
    classifier = deployed.model
    cutoffs = choose_cutoffs(predict(classifier, latest, FEATURE_NAMES))
    policy = TierPolicy(cutoffs, overrides=load_overrides())
    rule_score = fit_rule_score(
        np.concatenate([w.intrinsic for w in windows]),
        np.concatenate([w.related for w in windows]),
        np.concatenate([w.design.y for w in windows]),
    )
    card = ModelCard(
        model_version=new_version("city", as_of.isoformat(), result["snapshot_ids"]),
        kind="city",
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        data_window={
            **result["window"],
            "deployed_rows": len(fitting.y),
            "deployed_as_of": [w.as_of.isoformat() for w in windows],
        },
        snapshot_ids=result["snapshot_ids"],
        features=list(FEATURE_NAMES),
        entity_features=list(ENTITY_FEATURES),
        metrics=result["metrics"],
        tiers={**policy.to_dict(), "test_shares": result["test_tier_shares"]},
        params={
            "classifier": classifier.get_params(),
            "deployed_iterations": classifier.n_iter_,
            "search": result["search"]["entity_graph"],
            "train_metrics": result["train_metrics"],
            "propagation": PropagationConfig().to_dict(),
            "rule_versions": sorted({rules.in_force(w.as_of).version for w in windows}),
            "rule_score": rule_score.to_dict(),
            "graph_gain": result["graph_gain"],
            "graph_gain_ci95": result["graph_gain_ci95"],
        },
        notes=[
            "metrics: models fitted on the train windows, scored on the held-out test window",
            "deployed model: the chosen settings fitted on the train and valid windows, boosting"
            " stopped and calibrated on the test window; cut-offs chosen on it",
            *result["warnings"],
            "persons are scored with the calibrated rule score (they are not inspection subjects)",
            "status, capital and contact attributes are the store's latest values (no history)",
        ],
    )
    model = TrainedModel(card, classifier, policy, rule_score, PropagationConfig())
    save_model(settings.model_dir, model, publish=publish)
    return card
