"""The pipeline's hook: the first snapshot is a baseline, later ones alert, tiers once scored."""

from __future__ import annotations

import numpy as np

from linkrisk.models.scores import save_scores
from linkrisk.monitor.inbox import list_alerts
from linkrisk.monitor.runs import after_publish, evaluate_current
from linkrisk.monitor.watches import add_watch
from tests.monitor.conftest import AS_OF, A, B, World


def _scores(world: World, snapshot, tiers: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    tier = np.zeros(snapshot.n, np.int8)
    for sid, value in tiers.items():
        tier[snapshot.index(sid)] = value
    save_scores(
        world.settings,
        snapshot,
        score=np.zeros(snapshot.n),
        tier=tier,
        reasons=np.zeros(snapshot.n, np.uint8),
        model_version="t",
        as_of=AS_OF,
    )


def test_the_first_snapshot_seen_is_a_baseline(world: World) -> None:
    add_watch(world.store, "bank1", A, depth=3)
    runs = evaluate_current(world.settings, world.store)
    assert [(r.part, r.previous, r.alerts) for r in runs] == [("graph", "", 0)]
    assert evaluate_current(world.settings, world.store) == []  # nothing new since
    assert list_alerts(world.store, "bank1").alerts == []


def test_graph_then_tier_changes_since_the_last_evaluated_snapshot(world: World) -> None:
    add_watch(world.store, "bank1", A, depth=2, kinds=["tier", "status"])
    for part in ("graph", "tier"):  # as if the old snapshot had been evaluated and scored
        world.store.execute(
            "INSERT INTO monitor_runs VALUES ('', ?, ?, '2025-06-29T00:00:00+00:00', 0, 0, 0)",
            (world.old.version, part),
        )
    _scores(world, world.old, {})
    runs = after_publish(world.settings, world.store)  # after `linkrisk snapshot`: not scored yet
    assert [(r.part, r.previous, r.alerts) for r in runs] == [("graph", world.old.version, 0)]
    _scores(world, world.new, {B: 2})  # `linkrisk score`
    runs = after_publish(world.settings, world.store)
    assert [(r.part, r.changes, r.alerts) for r in runs] == [("tier", 1, 1)]
    (alert,) = list_alerts(world.store, "bank1").alerts
    assert (alert.sid, alert.change, alert.distance) == (
        B,
        {"kind": "tier", "before": "A", "after": "C"},
        2,
    )
