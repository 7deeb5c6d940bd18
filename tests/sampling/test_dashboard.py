"""The 分类 dashboard counts subjects per tier and group, and each plan's sample over them."""

from __future__ import annotations

import numpy as np

from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.sampling import PlanBook
from linkrisk.sampling.dashboard import tier_dashboard
from linkrisk.sampling.frame import scope_mask
from linkrisk.sampling.params import TIERS, Scope
from tests.sampling.conftest import run_to_assigned
from tests.sampling.world import tiers_for

World = tuple[EmbeddedStore, Snapshot]


def test_counts_add_up(book: PlanBook, world: World) -> None:
    _store, snap = world
    plan = run_to_assigned(book, world)
    tiers = tiers_for(snap, {"ORG05": "D", "ORG01": "A"})
    picks = [(p.sid, p.tier) for p in book.selection(plan)]
    for by in ("region", "industry"):
        board = tier_dashboard(snap, tiers, by, [(book.get(plan), picks)])
        total = sum(sum(row[t] for t in (*TIERS, "none")) for row in board["groups"])
        assert total == int(scope_mask(snap, Scope()).sum())
        per_tier = {t: sum(row[t] for row in board["groups"]) for t in TIERS}
        in_scope = scope_mask(snap, Scope())
        assert per_tier == {t: int(((tiers == i) & in_scope).sum()) for i, t in enumerate(TIERS)}
        spread = board["plans"][0]["groups"]
        assert sum(sum(v.values()) for v in spread.values()) == len(picks)
        assert np.all([row["key"] for row in board["groups"]])
