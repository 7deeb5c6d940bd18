"""Benchmark of alert evaluation: 100,000 watched subjects at depth 2, a day's 10,000 changes.

    flock /tmp/linkrisk-bench.lock python bench/alerts.py            # the 2,000,000-subject city
    python bench/alerts.py --subjects 20000 --watches 2000 --delta 1000   # a small city

The cached city's published snapshot is the day before. The day after is built from it in memory
(not timed): 4,000 new events, 2,000 status changes (吊销/注销), 1,000 changed and 1,000 new
shareholdings, 1,000 officers gone and 1,000 appointed — 10,000 changed records. Watches are
written to a fresh store. Then, timed:

- evaluation: ``snapshot_changes`` (the diff of the two snapshots, matched by sid) and
  ``evaluate`` (watches read, the walk from the changed subjects, alerts written);
- reference 1, same run: the snapshot diff alone;
- reference 2, same run: the naive evaluation, which walks each watch's own neighbourhood and
  looks for changed subjects in it, on a sample of watches, scaled to all of them. The sample's
  (watch, changed subject, distance) triples must equal what the evaluation found for those
  watches, or the benchmark fails.

Target: evaluation ≤ 10 s on the 2M city. Writes bench/results/alerts.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ensure_snapshot, peak_rss_mb, timed, write_result
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.relations import EVENT_CODES, KIND_CODES, STATUS_CODES, RelType
from linkrisk.graph.snapshot.arrays import Relation, Snapshot, load_snapshot
from linkrisk.graph.snapshot.parts import build_csr
from linkrisk.loaders.records import SubjectKind
from linkrisk.monitor.changes import snapshot_changes
from linkrisk.monitor.evaluate import evaluate
from linkrisk.monitor.reach import walk
from linkrisk.monitor.watches import ALL_KINDS, add_watches

TARGET_SECONDS = 10.0


def _relation(
    rel: Relation, src: np.ndarray, dst: np.ndarray, attrs: dict[str, np.ndarray], n: int
) -> Relation:
    csr = build_csr(src, dst, n, ties=tuple(attrs.values()))
    order = csr.pop("order")
    return Relation(rel.type, **csr, attrs={k: v[order] for k, v in attrs.items()})


def _edit_edges(
    rel: Relation,
    n: int,
    rng: np.random.Generator,
    *,
    drop: int,
    add: int,
    reweigh: int,
    add_from: np.ndarray,
    add_to: np.ndarray,
) -> Relation:
    src, dst = rel.sources(), np.asarray(rel.indices)
    attrs = {k: np.array(v) for k, v in rel.attrs.items()}
    if reweigh:
        picked = rng.choice(len(dst), reweigh, replace=False)
        attrs["share"][picked] = np.round(rng.uniform(0.01, 1.0, reweigh), 4)
    kept = np.ones(len(dst), bool)
    kept[rng.choice(len(dst), drop, replace=False)] = False
    new_src = rng.choice(add_from, add)
    new_dst = rng.choice(add_to, add)
    src = np.concatenate([src[kept], new_src]).astype(np.int64)
    dst = np.concatenate([dst[kept], new_dst]).astype(np.int64)
    for key, value in attrs.items():
        extra = value[rng.integers(0, len(value), add)]  # plausible values for the new edges
        attrs[key] = np.concatenate([value[kept], extra])
    return _relation(rel, src, dst, attrs, n)


def next_day(old: Snapshot, delta: int, seed: int) -> Snapshot:
    """``old`` with ``delta`` changed records (see the module's docstring for the mix)."""
    rng = np.random.default_rng(seed)
    n = old.n
    kind = np.asarray(old.nodes["kind"])
    person = KIND_CODES.index(SubjectKind.PERSON)
    orgs = np.flatnonzero(kind != person)
    persons = np.flatnonzero(kind == person)
    share = delta // 10
    nodes = dict(old.nodes)
    status = np.array(nodes["status"])
    moved = rng.choice(orgs, 2 * share, replace=False)
    status[moved] = rng.choice([STATUS_CODES.index(s) for s in STATUS_CODES[1:3]], len(moved))
    nodes["status"] = status

    events = {k: np.asarray(v) for k, v in old.events.items() if k != "indptr"}
    fresh = 4 * share
    new_nodes = rng.choice(orgs, fresh).astype(np.int32)
    ids = np.char.add(b"bench-", np.char.zfill(np.arange(fresh).astype("S12"), 12))
    extra = {
        "node": new_nodes,
        "type": rng.integers(0, len(EVENT_CODES) - 1, fresh).astype(events["type"].dtype),
        "event_id": ids.astype(events["event_id"].dtype),
    }
    for key, value in events.items():
        add = extra.get(key, value[rng.integers(0, len(value), fresh)] if len(value) else None)
        events[key] = np.concatenate([value, add])
    order = np.argsort(events["node"], kind="stable")
    events = {k: v[order] for k, v in events.items()}
    events["indptr"] = np.concatenate(
        [[0], np.cumsum(np.bincount(events["node"], minlength=n))]
    ).astype(np.int64)

    relations = dict(old.relations)
    holders = np.concatenate([orgs, persons])
    relations[RelType.HOLDS] = _edit_edges(
        old.relations[RelType.HOLDS],
        n,
        rng,
        drop=0,
        add=share,
        reweigh=share,
        add_from=holders,
        add_to=orgs,
    )
    relations[RelType.OFFICER] = _edit_edges(
        old.relations[RelType.OFFICER],
        n,
        rng,
        drop=share,
        add=share,
        reweigh=0,
        add_from=persons,
        add_to=orgs,
    )
    meta = {**old.meta, "version": f"{old.version}-next"}
    return dataclasses.replace(old, meta=meta, nodes=nodes, relations=relations, events=events)


def naive(
    new: Snapshot, watched: np.ndarray, changed: np.ndarray, depth: int
) -> set[tuple[int, int, int]]:
    """Per watch: walk its own neighbourhood, keep the changed subjects found in it."""
    is_changed = np.zeros(new.n, bool)
    is_changed[changed] = True
    found = set()
    for node in watched.tolist():
        for distance, level in enumerate(walk(new, np.asarray([node]), depth)):
            for hit in level.node[is_changed[level.node]].tolist():
                found.add((node, hit, distance))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subjects", type=int, default=2_000_000)
    parser.add_argument("--watches", type=int, default=100_000)
    parser.add_argument("--delta", type=int, default=10_000)
    parser.add_argument("--depth", type=int, default=2)
    parser.add_argument("--sample", type=int, default=1_000, help="watches walked naively")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()

    old = load_snapshot(ensure_snapshot(args.subjects))
    with timed() as t_setup:
        new = next_day(old, args.delta, args.seed)
    rng = np.random.default_rng(args.seed + 1)
    orgs = np.flatnonzero(np.asarray(new.nodes["kind"]) != KIND_CODES.index(SubjectKind.PERSON))
    watched = rng.choice(orgs, args.watches, replace=False)
    kinds = ",".join(ALL_KINDS)
    with tempfile.TemporaryDirectory(prefix="linkrisk-bench-alerts-") as tmp:
        store = EmbeddedStore(Path(tmp) / "ops.db", mirror=False)
        store.migrate()
        sids = new.sid_list(watched)
        add_watches(
            store, [(f"org{i % 100:02d}", s, args.depth, kinds) for i, s in enumerate(sids)]
        )

        with timed() as t_warm:  # first reads of the memory-mapped arrays: not timed below
            snapshot_changes(old, new)
        with timed() as t_diff:
            diff_only = snapshot_changes(old, new)
        with timed() as t_eval:
            changes = snapshot_changes(old, new)
            run = evaluate(store, old.version, new, changes, "graph")
        rows = store.execute("SELECT watch_sid, sid, distance FROM alerts")
        store.close()

    sample = rng.choice(watched, min(args.sample, len(watched)), replace=False)
    changed = np.unique(changes.node)
    with timed() as t_naive:
        expected = naive(new, sample, changed, args.depth)
    index = {s: i for i, s in enumerate(new.sid_list(sample))}
    got = {(int(sample[index[w]]), int(new.index(s)), int(d)) for w, s, d in rows if w in index}
    if got != expected:
        raise SystemExit(
            f"the evaluation and the naive walk disagree on the sample:"
            f" {len(got ^ expected)} triples differ"
        )
    naive_all = t_naive.seconds * len(watched) / len(sample)
    result: dict[str, Any] = {
        "subjects": args.subjects,
        "nodes": new.n,
        "watches": args.watches,
        "depth": args.depth,
        "changed_records": len(changes),
        "changed_subjects": len(changed),
        "alerts": run.alerts,
        "evaluation_s": round(t_eval.seconds, 3),
        "target_s": TARGET_SECONDS,
        "meets_target": t_eval.seconds <= TARGET_SECONDS,
        "reference_snapshot_diff_s": round(t_diff.seconds, 3),
        "reference_naive_sample": len(sample),
        "reference_naive_sample_s": round(t_naive.seconds, 3),
        "reference_naive_all_watches_s": round(naive_all, 1),
        "evaluation_over_diff": round(t_eval.seconds / max(t_diff.seconds, 1e-9), 2),
        "naive_over_evaluation": round(naive_all / max(t_eval.seconds, 1e-9), 1),
        "sample_agrees": True,
        "setup_s": round(t_setup.seconds, 1),
        "first_diff_cold_s": round(t_warm.seconds, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "diff_records": len(diff_only),
    }
    write_result("alerts", result)


if __name__ == "__main__":
    main()
