"""Tiers: cut-offs, ties, target shares, overrides as data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from linkrisk.errors import InputError
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.models.intrinsic import IntrinsicRisk, intrinsic_risk
from linkrisk.models.tiers import (
    DEFAULT_TARGETS,
    TierPolicy,
    apply_overrides,
    assign_tiers,
    choose_cutoffs,
    load_overrides,
)
from tests.factories import org
from tests.models.graphs import build, event


def test_scores_between_cutoffs() -> None:
    tiers = assign_tiers(np.array([0.0, 0.1, 0.10001, 0.3, 0.5, 0.99]), (0.1, 0.3, 0.5))
    assert tiers.tolist() == [0, 0, 1, 1, 2, 3]  # a score equal to a cut-off takes the lower tier
    assert tiers.dtype == np.int8


def test_default_cutoffs_hit_the_target_shares() -> None:
    score = np.random.default_rng(0).beta(0.5, 8, 100_000)
    cutoffs = choose_cutoffs(score)
    shares = np.bincount(assign_tiers(score, cutoffs), minlength=4) / len(score)
    assert shares == pytest.approx(DEFAULT_TARGETS, abs=0.002)


def test_ties_stay_together_in_the_lower_tier() -> None:
    score = np.concatenate([np.full(800, 0.01), np.linspace(0.02, 1, 200)])
    tiers = assign_tiers(score, choose_cutoffs(score))
    assert (tiers[:800] == 0).all()  # 80 % share one score: all A, rather than split arbitrarily


def test_bad_targets_are_refused() -> None:
    with pytest.raises(InputError):
        choose_cutoffs(np.arange(10.0), (0.5, 0.5, 0.5, 0.5))


def _city(tmp_path: Path) -> tuple[Snapshot, IntrinsicRisk]:
    snap = build(
        tmp_path,
        subjects=[org("A"), org("B", status="revoked"), org("C"), org("D")],
        events=[
            event("e1", "A", "serious_dishonest", date(2026, 5, 1)),
            event("e2", "C", "serious_dishonest", date(2026, 5, 1), objection=True),
            event("e3", "D", "red_list", date(2026, 5, 1)),
        ],
    )
    return snap, intrinsic_risk(snap)


def test_default_overrides(tmp_path: Path) -> None:
    snap, intrinsic = _city(tmp_path)
    policy = TierPolicy((0.5, 0.6, 0.7), overrides=load_overrides())
    tiers, changed = apply_overrides(np.zeros(4, np.int8), policy, snap, intrinsic)
    # A: active serious-dishonest listing → D; B: revoked → C; C's listing is under objection
    assert tiers.tolist() == [3, 2, 0, 0]
    assert changed["serious_dishonest"] == 1 and changed["licence_revoked"] == 1


def test_floors_win_over_ceilings(tmp_path: Path) -> None:
    snap, intrinsic = _city(tmp_path)
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[override]]\nname = "floor"\nactive_event = "serious_dishonest"\nmin_tier = "D"\n'
        '[[override]]\nname = "cap"\nstatus = "active"\nmax_tier = "B"\n'
        '[[override]]\nname = "red"\nactive_event = "red_list"\nmax_tier = "A"\n'
    )
    policy = TierPolicy((0.5, 0.6, 0.7), overrides=load_overrides(rules))
    tiers, _ = apply_overrides(np.full(4, 3, np.int8), policy, snap, intrinsic)
    assert tiers.tolist() == [3, 3, 1, 0]  # A floored at D despite the cap; B revoked: uncapped


@pytest.mark.parametrize(
    "text, message",
    [
        ('[[override]]\nmin_tier = "D"\n', "exactly one"),
        ('[[override]]\nstatus = "active"\nmin_tier = "E"\n', "tier must be"),
        ('[[override]]\nstatus = "sleeping"\nmin_tier = "D"\n', "sleeping"),
        ('[[override]]\nstatus = "active"\n', "min_tier or max_tier"),
    ],
)
def test_bad_override_files_name_the_problem(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "o.toml"
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        load_overrides(path)
