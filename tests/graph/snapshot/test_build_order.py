"""The snapshot does not depend on the order a store returns rows in, matches a plain reference
computation, and its version follows every array."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import numpy as np
import pyarrow as pa
import pytest

import linkrisk.graph.snapshot.build as snapshot_build
from linkrisk.graph.relations import NO_END, NO_START, ROLE_CODES, RelType
from linkrisk.graph.snapshot.arrays import Snapshot, load_snapshot
from linkrisk.graph.snapshot.build import build_in_memory, build_snapshot
from linkrisk.graph.snapshot.publish import Publisher
from linkrisk.graph.store import GraphStore
from tests.factories import table

AS_OF = dt.date(2024, 6, 30)
NAMES = [None, "张三", "张伟", "澜城骏圆金属有限公司", "ＡＢＣ 科技（澜城）", "澜城金属"]


def world(seed: int) -> dict[str, pa.Table]:
    """A random little city: duplicate holdings between one pair, several roles of a person in
    a firm, events of a subject on one day, shared contacts up to supernodes, dangling sids."""
    rng = np.random.default_rng(seed)
    persons = [f"P{i:032x}" for i in rng.choice(10**6, 120, replace=False)]
    firms = [f"9132{i:014d}" for i in rng.choice(10**9, 180, replace=False)]
    sids = persons + firms

    def day(start: int = 15000, span: int = 5000) -> dt.date:
        return dt.date(1970, 1, 1) + dt.timedelta(days=int(rng.integers(start, start + span)))

    def pick(values: Sequence[str], k: int) -> list[str]:
        return [str(v) for v in rng.choice(values, k)]

    def one(*values: Any) -> Any:
        return values[int(rng.integers(len(values)))]

    subjects: list[dict[str, Any]] = [
        {
            "sid": s,
            "kind": "person" if s[0] == "P" else "enterprise",
            "status": None if s[0] == "P" else one("active", "revoked"),
            "region": None if s[0] == "P" else str(rng.integers(320100, 320110)),
            "industry": one("C1810", "F5123", None),
            "reg_date": day(12000, 8000) if rng.random() < 0.9 else dt.date(2030, 1, 1),
            "capital": float(rng.integers(1, 10**6)) if rng.random() < 0.7 else None,
            "weak": bool(rng.random() < 0.1),
            "phone": one(*[f"025-{i}" for i in range(40)], *[None] * 40),
            "email": one("a@x.cn", "b@x.cn", None, None),
            "address": "代理地址1号" if rng.random() < 0.08 else f"路{rng.integers(0, 90)}号",
            "name": NAMES[ord(s[-1]) % len(NAMES)],  # (no draw: the rest of the world stays)
        }
        for s in sids
    ]
    holds: list[dict[str, Any]] = [
        {
            "src": s,
            "dst": d,
            "share": one(0.1, 0.5, float("nan"), None),
            "start_date": day() if rng.random() < 0.6 else None,
            "end_date": day() if rng.random() < 0.3 else None,
        }
        for s, d in zip([*pick(sids, 500), "P-unknown"], pick(firms, 501), strict=True)
    ]
    holds += [{**holds[0], "start_date": day(), "share": 0.3}, {**holds[1], "share": 0.7}]
    officers: list[dict[str, Any]] = [
        {"person": p, "org": o, "role": one(*[r.value for r in ROLE_CODES])}
        for p, o in zip(pick(persons, 400), pick(firms, 400), strict=True)
    ]
    officers += [{**officers[0], "role": ROLE_CODES[-1].value, "start_date": day()}]
    branches = [{"parent": p, "branch": b} for p, b in zip(firms[:30], firms[30:60], strict=True)]
    events: list[dict[str, Any]] = [
        {
            "event_id": f"e{i:03d}",
            "sid": s,
            "type": one("penalty", "abnormal_operation"),
            "decision_date": day(19000, 2000),
            "repair_date": day(19500, 2000) if rng.random() < 0.3 else None,
            "objection": bool(rng.random() < 0.2) if rng.random() < 0.8 else None,
        }
        for i, s in enumerate(pick(firms[:40], 300))
    ]
    events += [{**e, "event_id": e["event_id"] + "b"} for e in events[:20]]  # same node and day
    inspections = [
        {
            "plan_id": "p1",
            "sid": s,
            "inspect_date": day(19500, 800),
            "result": one("normal", "problem"),
        }
        for s in pick(firms, 200) + firms[:5] * 2
    ]
    rows: dict[str, list[dict[str, Any]]] = {
        "subjects": subjects,
        "holdings": holds,
        "officers": officers,
        "branches": branches,
        "events": events,
        "inspections": inspections,
    }
    return {name: table(name, value) for name, value in rows.items()}


def memory_store(tables: dict[str, pa.Table], shuffle: int | None = None) -> GraphStore:
    return cast(GraphStore, TableStore(tables, shuffle))


class TableStore:
    """Serves tables from memory, rows in a shuffled order and in small batches if asked."""

    backend = "memory"

    def __init__(self, tables: dict[str, pa.Table], shuffle: int | None = None) -> None:
        self.tables, self.rng = tables, np.random.default_rng(shuffle)
        self.shuffle = shuffle is not None

    def read_table(
        self, name: str, columns: Sequence[str] | None = None, batch_rows: int = 500_000
    ) -> Iterator[pa.RecordBatch]:
        data = self.tables[name].select(list(columns or self.tables[name].column_names))
        if self.shuffle:
            data = data.take(pa.array(self.rng.permutation(data.num_rows)))
            return iter(data.to_batches(max_chunksize=int(self.rng.integers(7, 50))))
        return iter(data.to_batches(max_chunksize=batch_rows))


def arrays(snap: Snapshot) -> dict[str, np.ndarray]:
    found = {"nodes/sid": np.asarray(snap.sids)}
    found |= {f"nodes/{k}": np.asarray(v) for k, v in snap.nodes.items()}
    for rel, r in snap.relations.items():
        for key in ("indptr", "indices", "rev_indptr", "rev_indices", "rev_edge", *r.attrs):
            found[f"rel/{rel.value}/{key}"] = np.asarray(getattr(r, key, r.attrs.get(key)))
    found |= {f"events/{k}": np.asarray(v) for k, v in snap.events.items()}
    found |= {f"search/{k}": np.asarray(v) for k, v in snap.search.items()}
    return found | {f"inspections/{k}": np.asarray(v) for k, v in snap.inspections.items()}


@pytest.fixture(params=[0, 2], ids=["inline", "threads"])
def threads(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(snapshot_build, "THREADS", request.param)
    return int(request.param)


def test_shuffled_tables_give_the_identical_snapshot(tmp_path: Path, threads: int) -> None:
    tables = world(seed=11)
    path = build_snapshot(memory_store(tables), tmp_path / "a", as_of=AS_OF, supernode_cap=5)
    first = load_snapshot(path)
    for seed in (1, 2, 3):
        store = memory_store(tables, shuffle=seed)
        again = load_snapshot(
            build_snapshot(store, tmp_path / f"s{seed}", as_of=AS_OF, supernode_cap=5)
        )
        assert again.version == first.version
        expected, got = arrays(first), arrays(again)
        assert sorted(got) == sorted(expected)
        for key, value in expected.items():
            assert got[key].dtype == value.dtype, key
            np.testing.assert_array_equal(got[key], value, err_msg=key)
        assert {**again.meta["stats"], "seconds": 0} == {**first.meta["stats"], "seconds": 0}


def test_the_in_memory_build_holds_the_published_arrays(tmp_path: Path) -> None:
    """A Neo4j query region is built in memory: the same arrays, dtypes and stats as the
    published snapshot of the same rows but the name search (a region answers no search), and
    a version that says it was never published."""
    tables = world(seed=13)
    published = load_snapshot(build_snapshot(memory_store(tables), tmp_path, as_of=AS_OF))
    kept = build_in_memory(memory_store(tables, shuffle=4), as_of=AS_OF, supernode_cap=10)
    assert published.search and not kept.search
    expected = {k: v for k, v in arrays(published).items() if not k.startswith("search/")}
    got = arrays(kept)
    assert sorted(got) == sorted(expected)
    for key, value in expected.items():
        assert got[key].dtype == value.dtype, key
        np.testing.assert_array_equal(got[key], value, err_msg=key)
    assert {**kept.meta["stats"], "seconds": 0} == {**published.meta["stats"], "seconds": 0}
    assert kept.version == "20240630-memory" and kept.as_of == AS_OF
    assert not any(tmp_path.glob(".tmp-*"))


def test_edges_and_events_match_a_plain_computation(tmp_path: Path) -> None:
    tables = world(seed=12)
    snap = load_snapshot(build_snapshot(memory_store(tables), tmp_path, as_of=AS_OF))
    day = (AS_OF - dt.date(1970, 1, 1)).days
    node = {sid.decode(): i for i, sid in enumerate(snap.sids.tolist())}
    registered = [r for r in tables["subjects"].to_pylist() if r["reg_date"] <= AS_OF]
    assert sorted(node) == sorted(r["sid"] for r in registered)

    def days(value: dt.date | None, missing: int) -> int:
        return missing if value is None else (value - dt.date(1970, 1, 1)).days

    holds = snap.relations[RelType.HOLDS]
    expected = sorted(
        (node[r["src"]], node[r["dst"]], days(r["start_date"], NO_START))
        for r in tables["holdings"].to_pylist()
        if r["src"] in node and r["dst"] in node
        if days(r["start_date"], NO_START) <= day < days(r["end_date"], NO_END)
    )
    got = list(
        zip(
            holds.sources().tolist(),
            holds.indices.tolist(),
            holds.attrs["start"].tolist(),
            strict=True,
        )
    )
    assert sorted(got) == expected
    keys = list(zip(got, holds.attrs["end"].tolist(), holds.attrs["share"].tolist(), strict=True))
    assert keys == sorted(
        keys, key=lambda k: (k[0][0], k[0][1], k[0][2], k[1], np.nan_to_num(k[2], nan=9))
    )
    owners, positions = holds.into(node[tables["holdings"]["dst"][0].as_py()])
    assert (holds.sources()[positions] == owners).all()

    events = snap.events
    rows = list(
        zip(
            events["node"].tolist(),
            events["decision"].tolist(),
            events["event_id"].tolist(),
            strict=True,
        )
    )
    assert rows == sorted(rows)
    expected_ids = sorted(
        e["event_id"].encode()
        for e in tables["events"].to_pylist()
        if e["sid"] in node and e["decision_date"] <= AS_OF
    )
    assert sorted(events["event_id"].tolist()) == expected_ids


def test_the_version_follows_every_array_and_is_reused(tmp_path: Path) -> None:
    base: dict[str, np.ndarray] = {
        "a/x": np.arange(5, dtype=np.int64),
        "b/y": np.zeros(3, np.float32),
        "c/z": np.array([b"s"]),
    }
    versions = set()
    for key in [None, *base]:
        with Publisher(tmp_path) as out:
            for name, value in base.items():
                value = value.copy()
                if name == key:
                    value.view(np.uint8)[0] ^= 1
                out.put(name, value)
            versions.add(out.version(AS_OF))
    assert len(versions) == 1 + len(base)
    published = []
    for _ in range(2):
        with Publisher(tmp_path) as out:
            for name, value in base.items():
                out.put(name, value)
            published.append(out.publish(AS_OF, {}))
    assert published[0] == published[1] and (published[0] / "a" / "x.npy").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tmp")] == []


def test_a_failed_build_leaves_nothing_behind(tmp_path: Path) -> None:
    tables = world(seed=13)
    tables["events"] = tables["events"].drop_columns(["decision_date"])
    with pytest.raises(KeyError):
        build_snapshot(memory_store(tables), tmp_path, as_of=AS_OF)
    assert list(tmp_path.iterdir()) == []
