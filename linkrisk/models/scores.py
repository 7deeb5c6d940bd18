"""Scores for downstream users (sampling, the API): score, tier and reason flags per node.

Layout under ``settings.data_dir / "scores"``::

    CURRENT                       names the published snapshot version (replaced atomically)
    <snapshot version>/score.npy  float32 per snapshot node (probability of a serious event)
    <snapshot version>/tier.npy   int8 0..3 = A..D
    <snapshot version>/reasons.npy uint8 bit flags (``linkrisk.models.reasons``)
    <snapshot version>/meta.json  model version, snapshot version, as-of, tier counts, reason table

Arrays are aligned with the snapshot's node order and loaded memory-mapped, so a consumer looks
a subject up with ``snapshot.index(sid)`` and reads ``scores.tier[i]``.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np

from linkrisk.config import Settings
from linkrisk.errors import InputError, NotReady
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.models.reasons import reason_codes, reason_table
from linkrisk.models.tiers import TIER_LABELS, TIERS

__all__ = ["TIERS", "TIER_LABELS", "Scores", "load_scores", "save_scores", "scores_root"]

CURRENT = "CURRENT"


def scores_root(settings: Settings) -> Path:
    return settings.data_dir / "scores"


@dataclass(frozen=True, slots=True)
class Scores:
    """Published scores of one snapshot (arrays memory-mapped, read-only)."""

    snapshot_version: str
    model_version: str
    as_of: date
    score: np.ndarray
    tier: np.ndarray
    reasons: np.ndarray
    path: Path
    meta: dict[str, Any] = field(default_factory=dict)

    def tier_letter(self, node: int) -> str:
        return TIERS[int(self.tier[node])]

    def reason_codes(self, node: int) -> list[str]:
        return reason_codes(int(self.reasons[node]))


def save_scores(
    settings: Settings,
    snapshot: Snapshot,
    *,
    score: np.ndarray,
    tier: np.ndarray,
    reasons: np.ndarray,
    model_version: str,
    as_of: date,
) -> Path:
    """Write the score files of ``snapshot`` and publish them as current.

    Parameters
    ----------
    settings : Settings
    snapshot : Snapshot
        The arrays are aligned with its nodes.
    score : ndarray of float32
    tier : ndarray of int8, 0..3 = A..D
    reasons : ndarray of uint8 bit flags
    model_version : str
    as_of : date

    Returns
    -------
    Path
        The directory written (``scores/<snapshot version>``).
    """
    arrays: dict[str, np.ndarray] = {
        "score": np.asarray(score, np.float32),
        "tier": np.asarray(tier, np.int8),
        "reasons": np.asarray(reasons, np.uint8),
    }
    for name, values in arrays.items():
        if values.shape != (snapshot.n,):
            raise InputError(
                f"{name} has shape {values.shape}; the snapshot has {snapshot.n} nodes"
            )
    if snapshot.n and (arrays["tier"].min() < 0 or arrays["tier"].max() > 3):
        raise InputError("tier codes must be 0..3 (A..D)")
    counts = np.bincount(arrays["tier"], minlength=4)
    meta = {
        "model_version": model_version,
        "snapshot_version": snapshot.version,
        "as_of": as_of.isoformat(),
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "nodes": snapshot.n,
        "tier_counts": {letter: int(c) for letter, c in zip(TIERS, counts, strict=True)},
        "tier_labels": TIER_LABELS,
        "reason_codes": reason_table(),
    }
    root = scores_root(settings)
    root.mkdir(parents=True, exist_ok=True)
    final = root / snapshot.version
    tmp = root / f".tmp-{snapshot.version}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    for name, values in arrays.items():
        np.save(tmp / f"{name}.npy", values)
    (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2))
    if final.exists():  # re-scoring the same snapshot (e.g. a new model): swap the directories
        old = root / f".old-{snapshot.version}-{os.getpid()}"
        os.replace(final, old)
        os.replace(tmp, final)
        shutil.rmtree(old, ignore_errors=True)  # open memory maps stay valid until closed
    else:
        os.replace(tmp, final)
    pointer = root / f".{CURRENT}.tmp-{os.getpid()}"
    pointer.write_text(snapshot.version)
    os.replace(pointer, root / CURRENT)
    return final


def load_scores(settings: Settings) -> Scores:
    """The published scores (memory-mapped); ``NotReady`` if none are published."""
    root = scores_root(settings)
    pointer = root / CURRENT
    if not pointer.exists():
        raise NotReady(f"no scores published under {root}: run `linkrisk score` first")
    path = root / pointer.read_text().strip()
    meta = json.loads((path / "meta.json").read_text())
    return Scores(
        snapshot_version=meta["snapshot_version"],
        model_version=meta["model_version"],
        as_of=date.fromisoformat(meta["as_of"]),
        score=np.load(path / "score.npy", mmap_mode="r"),
        tier=np.load(path / "tier.npy", mmap_mode="r"),
        reasons=np.load(path / "reasons.npy", mmap_mode="r"),
        path=path,
        meta=meta,
    )
