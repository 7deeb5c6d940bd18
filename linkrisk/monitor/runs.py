"""When to evaluate: after a snapshot is published, and after its tiers are scored.

The monitor remembers the last snapshot it evaluated (``monitor_runs``). After a new snapshot,
the graph's changes since that one are evaluated (``graph``); once both snapshots have scores,
the tier changes between them (``tier``). The first snapshot ever seen is only a baseline: with
nothing to compare to, nothing has changed. Each (previous, new, part) is evaluated once.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from linkrisk.config import Settings
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.snapshot.arrays import Snapshot, load_current, load_snapshot
from linkrisk.models.scores import scores_root
from linkrisk.monitor.changes import Changes, old_to_new, snapshot_changes, tier_changes
from linkrisk.monitor.evaluate import Evaluation, evaluate
from linkrisk.monitor.watches import now_iso

log = logging.getLogger("linkrisk.monitor")
BASELINE = ""  # the ``previous`` of the first snapshot evaluated


def last_evaluated(store: EmbeddedStore, part: str = "graph") -> str | None:
    """The newest snapshot version evaluated for ``part`` (None before the first)."""
    rows = store.execute(
        "SELECT snapshot FROM monitor_runs WHERE part = ? ORDER BY rowid DESC LIMIT 1",
        (part,),
    )
    return str(rows[0][0]) if rows else None


def _tiers(settings: Settings, version: str) -> np.ndarray | None:
    path = scores_root(settings) / version / "tier.npy"
    return np.load(path) if path.exists() else None


def _previous_snapshot(settings: Settings, version: str | None) -> Snapshot | None:
    if not version:
        return None
    path: Path = settings.snapshot_dir / version
    return load_snapshot(path) if (path / "meta.json").exists() else None


def evaluate_current(settings: Settings, store: EmbeddedStore) -> list[Evaluation]:
    """Evaluate what changed up to the published snapshot (and its tiers, when scored)."""
    new = load_current(settings.snapshot_dir)
    done: list[Evaluation] = []
    previous = last_evaluated(store, "graph")
    if previous != new.version:
        old = _previous_snapshot(settings, previous)
        if old is None:
            if previous is not None:
                log.warning("snapshot %s is gone: %s becomes the baseline", previous, new.version)
            done.append(_baseline(store, new.version, "graph"))
        else:
            done.append(evaluate(store, old.version, new, snapshot_changes(old, new), "graph"))
    done += _evaluate_tiers(settings, store, new)
    return done


def _evaluate_tiers(settings: Settings, store: EmbeddedStore, new: Snapshot) -> list[Evaluation]:
    new_tier = _tiers(settings, new.version)
    previous = last_evaluated(store, "tier")
    if new_tier is None or previous == new.version:
        return []
    old = _previous_snapshot(settings, previous)
    old_tier = None if old is None else _tiers(settings, old.version)
    if old is None or old_tier is None or len(new_tier) != new.n or len(old_tier) != old.n:
        return [_baseline(store, new.version, "tier")]
    changes = tier_changes(old_tier, new_tier, old_to_new(old, new))
    return [evaluate(store, old.version, new, changes, "tier")]


def _baseline(store: EmbeddedStore, version: str, part: str) -> Evaluation:
    store.execute(
        "INSERT OR REPLACE INTO monitor_runs VALUES (?, ?, ?, ?, 0, 0, 0)",
        (BASELINE, version, part, now_iso()),
    )
    return Evaluation(BASELINE, version, part)


def after_publish(settings: Settings, store: EmbeddedStore) -> list[Evaluation]:
    """The pipeline's hook (``linkrisk snapshot``, ``linkrisk score``, the demo): evaluate, then
    deliver to webhooks. A failure is logged, never fails the snapshot that was published."""
    from linkrisk.monitor.webhooks import deliver_due, queue_deliveries

    try:
        done = evaluate_current(settings, store)
        queue_deliveries(store, [i for run in done for i in run.alert_ids])
        deliver_due(store)
        return done
    except Exception:  # the snapshot is published either way; `linkrisk alerts --evaluate` retries
        log.exception("alert evaluation failed")
        return []


__all__ = ["Changes", "after_publish", "evaluate_current", "last_evaluated"]
