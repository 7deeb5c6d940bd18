"""Alerts from changes: walk from each changed subject to the watches within their depth.

``evaluate`` takes the changes between two snapshots, walks from the subjects they happened to
(``reach.walk``, as deep as the deepest watch) and, for every watched subject reached at a
distance its watch covers, records one alert per change the watch asked for, with the path from
the watched subject to the changed one. The walk starts only from the changed subjects: ten
thousand changes cost the same whether one or a hundred thousand subjects are watched.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.monitor.changes import KIND_CODES, Changes
from linkrisk.monitor.reach import WALKED, Level, path_back, walk
from linkrisk.monitor.watches import Watch, list_watches, now_iso


@dataclass(slots=True)
class Evaluation:
    """What one evaluation found (``skipped`` when that pair of versions was done before)."""

    previous: str
    snapshot: str
    part: str
    changes: int = 0
    alerts: int = 0
    alert_ids: list[int] = field(default_factory=list)
    seconds: float = 0.0
    skipped: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "previous": self.previous,
            "snapshot": self.snapshot,
            "part": self.part,
            "changes": self.changes,
            "alerts": self.alerts,
            "seconds": round(self.seconds, 3),
            "skipped": self.skipped,
        }


def done_before(store: EmbeddedStore, previous: str, snapshot: str, part: str) -> bool:
    return bool(
        store.execute(
            "SELECT 1 FROM monitor_runs WHERE previous = ? AND snapshot = ? AND part = ?",
            (previous, snapshot, part),
        )
    )


def _path(new: Snapshot, levels: list[Level], level: int, pos: int) -> dict[str, object]:
    """From the watched subject (first) to where the change happened (last)."""
    nodes, links = path_back(levels, level, pos)
    sids = new.sid_list(nodes)
    steps = []
    for i, (code, forward) in enumerate(links):
        # ``forward``: the link runs from the node nearer the change (i + 1) to node i
        a, b = (sids[i + 1], sids[i]) if forward else (sids[i], sids[i + 1])
        steps.append({"type": WALKED[code].value, "from": a, "to": b})
    return {"nodes": sids, "links": steps}


def _by_node(watches: list[Watch], new: Snapshot) -> tuple[dict[int, list[Watch]], np.ndarray]:
    nodes = new.indices([w.sid for w in watches]) if watches else np.zeros(0, np.int64)
    depth = np.full(max(new.n, 1), -1, np.int8)
    found: dict[int, list[Watch]] = defaultdict(list)
    for watch, node in zip(watches, nodes.tolist(), strict=True):
        if node >= 0:
            found[node].append(watch)
            depth[node] = max(int(depth[node]), watch.depth)
    return found, depth


def evaluate(
    store: EmbeddedStore,
    previous: str,
    new: Snapshot,
    changes: Changes,
    part: str,
) -> Evaluation:
    """Record the alerts that ``changes`` (from ``previous`` to ``new``) raise for the watches."""
    started = time.perf_counter()
    report = Evaluation(previous, new.version, part, changes=len(changes))
    if done_before(store, previous, new.version, part):
        report.skipped = True
        return report
    watches, depth = _by_node(list_watches(store), new)
    rows = []
    if len(changes) and watches:
        order = np.argsort(changes.node, kind="stable")
        origins, first = np.unique(changes.node[order], return_index=True)
        ends = np.r_[first[1:], len(order)]
        levels = walk(new, origins, int(depth.max()))
        created = now_iso()
        for level, entry in enumerate(levels):
            for pos in np.flatnonzero(depth[entry.node] >= level).tolist():
                node, origin = int(entry.node[pos]), int(entry.origin[pos])
                wanted = [w for w in watches[node] if w.depth >= level]
                path = None
                for i in order[first[origin] : ends[origin]].tolist():
                    change = changes.describe(i, new)
                    event_type = change.get("event_type")
                    for watch in wanted:
                        if not watch.wants(str(change["kind"]), str(event_type)):
                            continue
                        path = path or _path(new, levels, level, pos)
                        rows.append(
                            (
                                watch.org,
                                watch.sid,
                                new.sid(int(changes.node[i])),
                                str(change["kind"]),
                                json.dumps(change, sort_keys=True),
                                json.dumps(path),
                                level,
                                new.version,
                                previous,
                                created,
                            )
                        )
    with store.transaction() as conn:
        before = conn.execute("SELECT coalesce(max(alert_id), 0) FROM alerts").fetchone()[0]
        conn.executemany(
            "INSERT OR IGNORE INTO alerts (org, watch_sid, sid, kind, change, path, distance,"
            " snapshot, previous, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        report.alert_ids = [
            int(r[0])
            for r in conn.execute("SELECT alert_id FROM alerts WHERE alert_id > ?", (before,))
        ]
        report.alerts = len(report.alert_ids)
        report.seconds = time.perf_counter() - started
        conn.execute(
            "INSERT OR REPLACE INTO monitor_runs VALUES (?, ?, ?, ?, ?, ?, ?)",
            (previous, new.version, part, now_iso(), len(changes), report.alerts, report.seconds),
        )
    return report


def kinds_in(changes: Changes) -> dict[str, int]:
    """How many changes of each kind (for reports)."""
    counts = np.bincount(changes.kind.astype(np.int64), minlength=len(KIND_CODES))
    return {k.value: int(c) for k, c in zip(KIND_CODES, counts, strict=True) if c}
