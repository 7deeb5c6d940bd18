"""Score files: layout, atomic publication, memory-mapped loading, write-back."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from linkrisk.config import Settings
from linkrisk.errors import InputError, NotReady
from linkrisk.models.reasons import Reason
from linkrisk.models.scores import TIER_LABELS, TIERS, load_scores, save_scores
from tests.factories import org
from tests.models.graphs import build


def test_save_and_load(tmp_path: Path, settings: Settings) -> None:
    snap = build(tmp_path, subjects=[org("A"), org("B"), org("C")])
    reasons = np.array(
        [0, Reason.OWN_EVENTS | Reason.RED_LIST, Reason.RELATED_PARTY_RISK], np.uint8
    )
    path = save_scores(
        settings,
        snap,
        score=np.array([0.01, 0.2, 0.9], np.float32),
        tier=np.array([0, 1, 3], np.int8),
        reasons=reasons,
        model_version="m1",
        as_of=date(2026, 10, 31),
    )
    assert path == settings.data_dir / "scores" / snap.version
    assert (settings.data_dir / "scores" / "CURRENT").read_text() == snap.version
    scores = load_scores(settings)
    assert isinstance(scores.tier, np.memmap)
    assert (scores.snapshot_version, scores.model_version, scores.as_of) == (
        snap.version,
        "m1",
        date(2026, 10, 31),
    )
    assert [scores.tier_letter(i) for i in range(3)] == ["A", "B", "D"]
    assert scores.reason_codes(1) == ["own_events", "red_list"] and scores.reason_codes(0) == []
    meta = json.loads((path / "meta.json").read_text())
    assert meta["tier_counts"] == {"A": 1, "B": 1, "C": 0, "D": 1}
    assert {r["code"] for r in meta["reason_codes"]} >= {
        "own_events",
        "related_party_risk",
        "red_list",
    }
    assert TIERS == ("A", "B", "C", "D") and set(TIER_LABELS) == set(TIERS)


def test_rescoring_the_same_snapshot_replaces_the_files(tmp_path: Path, settings: Settings) -> None:
    snap = build(tmp_path, subjects=[org("A")])
    for version, tier in (("m1", 0), ("m2", 2)):
        save_scores(
            settings,
            snap,
            score=np.array([0.5]),
            tier=np.array([tier]),
            reasons=np.zeros(1),
            model_version=version,
            as_of=date(2026, 10, 31),
        )
    scores = load_scores(settings)
    assert scores.model_version == "m2" and scores.tier_letter(0) == "C"
    leftovers = [p.name for p in (settings.data_dir / "scores").iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_shapes_and_tier_codes_are_checked(tmp_path: Path, settings: Settings) -> None:
    snap = build(tmp_path, subjects=[org("A"), org("B")])
    args = {"model_version": "m", "as_of": date(2026, 1, 1), "reasons": np.zeros(2)}
    with pytest.raises(InputError, match="shape"):
        save_scores(settings, snap, score=np.zeros(3), tier=np.zeros(2), **args)
    with pytest.raises(InputError, match=r"0\.\.3"):
        save_scores(settings, snap, score=np.zeros(2), tier=np.array([0, 4]), **args)


def test_nothing_published_yet(settings: Settings) -> None:
    with pytest.raises(NotReady, match="linkrisk score"):
        load_scores(settings)
