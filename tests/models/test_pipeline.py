"""City pipelines end to end on a small synthetic city: rule fallback, training, scoring."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from linkrisk.config import Settings
from linkrisk.errors import InputError
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.relations import EVENT_CODES
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.loaders.records import EventType
from linkrisk.models.card import FeatureMismatch, current_version
from linkrisk.models.city_training import evaluate_city, train_city
from linkrisk.models.intrinsic import intrinsic_risk
from linkrisk.models.pipeline import score_city, subject_rows
from linkrisk.models.scores import load_scores
from tests.factories import org
from tests.models.graphs import event, snapshot_of, store_of
from tests.models.synth import synthetic_city

AS_OF = date(2026, 10, 31)


@pytest.fixture
def city(settings: Settings) -> tuple[EmbeddedStore, Snapshot]:
    store = synthetic_city(settings.db_path, orgs=800, seed=1)
    return store, snapshot_of(store, settings.snapshot_dir, AS_OF)


def _listed(snapshot: Snapshot) -> np.ndarray:
    return intrinsic_risk(snapshot).has_active(snapshot, EventType.SERIOUS_DISHONEST)


def test_rule_fallback_scores_and_tiers_the_city(
    city: tuple[EmbeddedStore, Snapshot], settings: Settings
) -> None:
    store, snapshot = city
    report = score_city(store, settings, snapshot)
    assert report.fallback and report.model_version == "rules-2026"
    assert sum(report.tier_counts.values()) == snapshot.n
    scores = load_scores(settings)
    assert scores.snapshot_version == snapshot.version
    listed = _listed(snapshot)
    assert listed.any() and (np.asarray(scores.tier)[listed] == 3).all()  # override: always D
    orgs = subject_rows(snapshot)
    assert 0.5 < float((np.asarray(scores.tier)[orgs] == 0).mean()) < 0.9  # most firms are A
    rows = store.execute("SELECT count(*), min(tier), max(tier), min(model_version) FROM scores")
    assert rows == [(len(orgs), "A", "D", "rules-2026")]  # organisations are written back
    first = snapshot.sid(int(orgs[0]))
    stored = store.execute(
        "SELECT score, tier, snapshot_id, as_of FROM scores WHERE sid = ?", (first,)
    )
    expected = (pytest.approx(float(scores.score[orgs[0]])), scores.tier_letter(int(orgs[0])))
    assert stored[0][:2] == expected and stored[0][2:] == (snapshot.version, "2026-10-31")
    assert report.reason_counts["own_events"] > 0 and report.reason_counts["related_party_risk"] > 0


@pytest.mark.slow
def test_train_then_score_with_the_model(
    city: tuple[EmbeddedStore, Snapshot], settings: Settings
) -> None:
    store, snapshot = city
    card = train_city(store, settings, AS_OF, params={"max_iter": 30})
    assert current_version(settings.model_dir) == card.model_version
    assert card.data_window["train_as_of"] == ["2023-10-31"]
    assert card.data_window["valid_as_of"] == "2024-10-31"
    assert card.params["search"] == {"fixed": {"max_iter": 30}}
    assert 1 <= card.params["deployed_iterations"] <= 30  # stopped early on the latest window
    assert card.data_window["test_as_of"] == "2025-10-31"
    assert sorted(card.snapshot_ids) == ["2023-10-31", "2024-10-31", "2025-10-31", "2026-10-31"]
    assert set(card.metrics) == {"entity_only", "entity_graph", "rule_baseline"}
    low, high = card.params["graph_gain_ci95"]["roc_auc"]
    assert low <= card.params["graph_gain"]["roc_auc"] <= high
    for metrics in card.metrics.values():
        assert {"roc_auc", "pr_auc", "recall_at_5pct", "ece"} <= set(metrics)
    on_disk = json.loads((settings.model_dir / f"{card.model_version}.card.json").read_text())
    assert on_disk["features"] == card.features and len(card.tiers["cutoffs"]) == 3
    # scratch snapshots do not replace the published one, and are removed
    assert (settings.snapshot_dir / "CURRENT").read_text() == snapshot.version
    assert not list(settings.data_dir.glob("train-snapshots-*"))

    report = score_city(store, settings, snapshot)
    assert not report.fallback and report.model_version == card.model_version
    tier = np.asarray(load_scores(settings).tier)
    assert (tier[_listed(snapshot)] == 3).all()

    card_path = settings.model_dir / f"{card.model_version}.card.json"
    on_disk["features"] = [*on_disk["features"][:-1], "renamed"]
    card_path.write_text(json.dumps(on_disk))
    with pytest.raises(FeatureMismatch):
        score_city(store, settings, snapshot)


def test_event_codes_cover_the_labels() -> None:
    assert (
        EventType.SERIOUS_DISHONEST in EVENT_CODES and EventType.INSPECTION_ABNORMAL in EVENT_CODES
    )


def test_synthetic_city_is_deterministic(tmp_path: Path) -> None:
    a = synthetic_city(tmp_path / "a.db", orgs=100, seed=5).counts()
    b = synthetic_city(tmp_path / "b.db", orgs=100, seed=5).counts()
    assert a == b and a["events"] > 0


def test_training_without_any_serious_event_is_refused(settings: Settings) -> None:
    store = store_of(
        settings.db_path,
        subjects=[org("A"), org("B")],
        events=[event("e1", "A", "penalty", date(2024, 1, 1), severity="minor")],
    )
    with pytest.raises(InputError, match="a model needs at least"):
        evaluate_city(store, settings, AS_OF)
    assert not list(settings.data_dir.glob("train-snapshots-*"))  # scratch removed even so
