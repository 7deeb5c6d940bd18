"""Benchmark: the 双随机 draw and the inspector draw with 回避 at city scale.

Workload: a frame of ``--subjects`` active organisations with risk tiers (A 55%, B 33%, C 10%,
D 2%: about 10% sampled at the default ratios), a registry of ``--inspectors`` inspectors, three
quarters of them persons of the graph (shareholders or officers of some firms, so 回避 bites),
and earlier inspections naming inspectors (previous-round conflicts). The graph is built from
random arrays through the real embedded store and ``build_snapshot`` and cached under /tmp
(``--city`` uses ``bench/common.ensure_city`` instead, with random tiers).

Reported, with references measured in the same run: the raw HMAC loop over the frame
(``KeyedHash.digests``) and the naive ``hmac.digest`` loop, a numpy random permutation of the
frame, the pure draw (``draw_sample``), the pure inspector draw (conflicts + teams), and the
recorded steps ``create_plan`` / ``draw_plan`` / ``assign_plan`` through the store.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import CACHE, peak_rss_mb, timed, write_result
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.snapshot.arrays import Snapshot, load_current
from linkrisk.graph.snapshot.build import build_snapshot
from linkrisk.loaders.records import TABLES
from linkrisk.sampling import (
    AssignInputs,
    PlanBook,
    PlanParams,
    assign_plan,
    assign_teams,
    build_frame,
    build_pool,
    create_plan,
    draw_plan,
    draw_sample,
    scope_mask,
)
from linkrisk.sampling.commitment import frame_root, new_frame_key
from linkrisk.sampling.draw import message_prefix
from linkrisk.sampling.prf import KeyedHash
from linkrisk.sampling.sources import read_inspections, read_inspectors
from linkrisk.sampling.workflow import conflict_map

AS_OF = date(2026, 10, 31)
TIER_SHARES = (0.55, 0.33, 0.10, 0.02)
DEPARTMENTS = ("SCJG", "SW", "JT")


def _uscc(i: np.ndarray) -> list[str]:
    return [f"91320100{v:010d}" for v in i.tolist()]


def _person(i: np.ndarray) -> list[str]:
    return ["P" + hashlib.sha256(f"bench-person-{v}".encode()).hexdigest()[:32] for v in i.tolist()]


def _batch(store: EmbeddedStore, name: str, columns: dict[str, list[object] | pa.Array]) -> None:
    schema = TABLES[name].schema
    n = len(next(iter(columns.values())))
    arrays = [
        pa.array(columns[f.name], f.type) if f.name in columns else pa.nulls(n, f.type)
        for f in schema
    ]
    store.write_batch({name: pa.Table.from_arrays(arrays, schema=schema)})


def build_synthetic(root: Path, subjects: int, inspectors: int, seed: int = 7) -> Snapshot:
    """A random city through the real store and snapshot build (cached by size)."""
    snapshots = root / "snapshots"
    if (root / "READY").exists():
        return load_current(snapshots)
    root.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    store = EmbeddedStore(root / "bench.db")
    store.migrate()
    persons = subjects // 3
    step = 200_000
    with timed() as t:
        for lo in range(0, subjects, step):
            ids = np.arange(lo, min(subjects, lo + step))
            n = len(ids)
            _batch(
                store,
                "subjects",
                {
                    "sid": _uscc(ids),
                    "kind": ["enterprise"] * n,
                    "status": ["active"] * n,
                    "region": [f"3201{v:02d}" for v in rng.integers(1, 20, n).tolist()],
                    "industry": [
                        ["C1810", "F5211", "G5430", "I6510"][v]
                        for v in rng.integers(0, 4, n).tolist()
                    ],
                    "name": [f"基准测试企业{v}有限公司" for v in ids.tolist()],
                    "phone": [f"025{v:08d}" for v in rng.integers(0, subjects, n).tolist()],
                },
            )
            holder = rng.integers(0, persons, n)
            _batch(
                store,
                "holdings",
                {"src": _person(holder), "dst": _uscc(ids), "share": rng.random(n).tolist()},
            )
            parent = rng.integers(0, subjects, n // 4)
            _batch(
                store,
                "holdings",
                {
                    "src": _uscc(parent),
                    "dst": _uscc(ids[: n // 4]),
                    "share": rng.random(n // 4).tolist(),
                },
            )
            _batch(
                store,
                "officers",
                {
                    "person": _person(rng.integers(0, persons, n)),
                    "org": _uscc(ids),
                    "role": ["legal_representative"] * n,
                },
            )
        for lo in range(0, persons, step):
            ids = np.arange(lo, min(persons, lo + step))
            _batch(
                store,
                "subjects",
                {"sid": _person(ids), "kind": ["person"] * len(ids), "name": ["张三丰"] * len(ids)},
            )
        linked = rng.choice(persons, inspectors * 3 // 4, replace=False)
        person_sid = _person(linked) + [None] * (inspectors - len(linked))
        inspector_ids = [f"INS{i:05d}" for i in range(inspectors)]
        _batch(
            store,
            "inspectors",
            {
                "inspector_id": inspector_ids,
                "name": ["李检查"] * inspectors,
                "person_sid": person_sid,
                "department": [DEPARTMENTS[i % 3] for i in range(inspectors)],
                "qualifications": ["M01;M02" if i % 3 == 0 else "M06" for i in range(inspectors)],
                "active": [i % 50 != 0 for i in range(inspectors)],
            },
        )
        earlier = rng.choice(subjects, subjects // 20, replace=False)
        n = len(earlier)
        team = rng.integers(0, inspectors, (n, 2))
        _batch(
            store,
            "inspections",
            {
                "plan_id": ["BENCH-2026-01"] * n,
                "sid": _uscc(earlier),
                "inspect_date": [
                    date(2026, 3, 1) + timedelta(days=int(d)) for d in rng.integers(0, 150, n)
                ],
                "matter": ["M02"] * n,
                "result": ["normal"] * n,
                "inspectors": [f"INS{a:05d};INS{b:05d}" for a, b in team.tolist()],
                "department": ["SCJG"] * n,
            },
        )
    print(f"built a {subjects:,}-subject store in {t.seconds:.1f} s", file=sys.stderr)
    with timed() as t:
        build_snapshot(store, snapshots, as_of=AS_OF)
    print(f"snapshot in {t.seconds:.1f} s", file=sys.stderr)
    store.close()
    (root / "READY").write_text("ok")
    return load_current(snapshots)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--inspectors", type=int, default=2000)
    parser.add_argument("--city", action="store_true", help="use bench/common.ensure_city instead")
    args = parser.parse_args()

    if args.city:
        from bench.common import ensure_city

        settings = ensure_city(args.subjects)
        snapshot = load_current(settings.snapshot_dir)
        store = EmbeddedStore(settings.db_path)
    else:
        root = CACHE / f"sampling-{args.subjects}-{args.inspectors}"
        snapshot = build_synthetic(root, args.subjects, args.inspectors)
        store = EmbeddedStore(root / "bench.db")
    store.migrate()
    rng = np.random.default_rng(11)
    tiers = rng.choice(4, snapshot.n, p=TIER_SHARES).astype(np.int8)
    params = PlanParams(
        plan_id=f"BENCH-{int(time.time())}",
        name="benchmark plan",
        departments=("SCJG",),
        matters=("M01",),
        inspect_start=AS_OF + timedelta(days=1),
        inspect_end=AS_OF + timedelta(days=60),
        team_size=2,
    )
    in_scope = scope_mask(snapshot, params.scope)
    frame = build_frame(snapshot, tiers, "bench", in_scope, np.zeros(snapshot.n, bool))
    seed = "bench-seed-" + params.plan_id
    sids = frame.sids.tolist()
    result: dict[str, object] = {
        "load_average_at_start": round(os.getloadavg()[0], 2),  # the machine is shared
        "subjects": frame.size,
        "inspectors": args.inspectors,
        "snapshot": snapshot.version,
    }

    with timed() as t:
        np.random.default_rng(1).permutation(frame.size)
    result["reference_numpy_permutation_s"] = round(t.seconds, 3)
    with timed() as t:
        KeyedHash(seed, message_prefix(params.plan_id)).digests(sids)
    result["reference_hmac_loop_s"] = round(t.seconds, 3)
    key, prefix = seed.encode(), message_prefix(params.plan_id)
    with timed() as t:
        [hmac.digest(key, prefix + s, "sha256") for s in sids]
    result["reference_naive_hmac_digest_loop_s"] = round(t.seconds, 3)

    frame_key = new_frame_key()  # plans key their draw with the sealed frame key too
    with timed() as t:
        picks = draw_sample(frame, params, seed, frame_key=frame_key)
    draw_s = t.seconds
    result["draw_s"] = round(draw_s, 3)
    result["selected"] = len(picks)

    registry = read_inspectors(store)
    inspections = read_inspections(store)
    with timed() as t:
        pool = build_pool(registry, params)
        conflicts = conflict_map(
            picks, pool, AssignInputs(registry, snapshot, inspections), params.plan_id
        )
    conflicts_s = t.seconds
    result["conflicts_s"] = round(conflicts_s, 3)
    with timed() as t:
        teams = assign_teams(
            [p.sid for p in picks], pool, conflicts, plan_id=params.plan_id, seed=seed, team_size=2
        )
    result["teams_s"] = round(t.seconds, 3)
    result["draw_plus_assign_s"] = round(draw_s + conflicts_s + t.seconds, 3)
    result["eligible_inspectors"] = sum(1 for m in pool if m.eligible)
    result["conflict_skips"] = sum(len(c) for c in conflicts.values())
    result["unassigned"] = sum(1 for t in teams if t.inspectors == ())

    book = PlanBook(store)
    with timed() as t:
        create_plan(book, params, snapshot, tiers, "bench", inspections)
    result["recorded_create_s"] = round(t.seconds, 3)
    with timed() as t:
        draw_plan(book, params.plan_id)
    result["recorded_draw_s"] = round(t.seconds, 3)
    with timed() as t:
        assign_plan(book, params.plan_id, AssignInputs(registry, snapshot, inspections))
    result["recorded_assign_s"] = round(t.seconds, 3)
    with timed() as t:
        frame_root(frame, frame_key)  # the public commitment, made once at creation
    result["frame_commitment_s"] = round(t.seconds, 3)
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    result["load_average_at_end"] = round(os.getloadavg()[0], 2)  # the machine is shared
    result["targets"] = {"draw_s": 2.0, "draw_plus_assign_s": 10.0}
    write_result("sampling", result)


if __name__ == "__main__":
    main()
