"""The search arrays a snapshot carries: the same index the store's subjects give, covered by
the version, refused when damaged, and built from the store for a snapshot without them."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from linkrisk.errors import IntegrityError
from linkrisk.graph.queries.search import SearchIndex
from linkrisk.graph.snapshot.arrays import Snapshot, load_snapshot
from linkrisk.graph.snapshot.build import build_snapshot
from linkrisk.graph.store import GraphStore
from tests.graph.snapshot.test_build_order import AS_OF, memory_store, world

COLUMNS = ["sid", "name", "kind"]


def snapshot_of(tables: dict[str, pa.Table], root: Path) -> Snapshot:
    return load_snapshot(build_snapshot(memory_store(tables), root, as_of=AS_OF))


def renamed(tables: dict[str, pa.Table], row: int, name: str) -> dict[str, pa.Table]:
    subjects = tables["subjects"].to_pylist()
    subjects[row]["name"] = name
    return {**tables, "subjects": pa.Table.from_pylist(subjects, tables["subjects"].schema)}


def same_index(a: SearchIndex, b: SearchIndex) -> None:
    assert a.nodes.tolist() == b.nodes.tolist() and a.persons.tolist() == b.persons.tolist()
    for column in ("names", "pinyin", "initials"):
        assert getattr(a, column).to_pylist() == getattr(b, column).to_pylist(), column


def test_the_stored_index_is_the_one_the_subjects_give(tmp_path: Path) -> None:
    tables = renamed(world(seed=21), 0, "张 三（Ａ）")
    snap = snapshot_of(tables, tmp_path)
    stored = SearchIndex.of(snap)
    assert stored is not None
    store: GraphStore = memory_store(tables, shuffle=3)
    same_index(stored, SearchIndex.build(snap, store.read_table("subjects", COLUMNS)))
    rows = {r["sid"]: r for r in tables["subjects"].to_pylist()}
    named = [i for i, s in enumerate(snap.sid_list(range(snap.n))) if rows[s]["name"]]
    assert stored.nodes.tolist() == named  # every named node, in node order
    first = stored.nodes.tolist().index(snap.index(tables["subjects"]["sid"][0].as_py()))
    assert stored.names[first].as_py() == "张三a"
    assert (stored.pinyin[first].as_py(), stored.initials[first].as_py()) == ("zhangsana", "zsa")
    kinds = [rows[s]["kind"] == "person" for s in snap.sid_list(stored.nodes)]
    assert stored.persons.tolist() == kinds
    with_pii = {h.node for h in stored.search("zhangsan", 200, person_names=True)}
    without = {h.node for h in stored.search("zhangsan", 200, person_names=False)}
    assert any(snap.sid(n)[0] == "P" for n in with_pii)
    assert without and all(snap.sid(n)[0] != "P" for n in without)


def test_the_version_follows_the_names(tmp_path: Path) -> None:
    tables = world(seed=22)
    first = snapshot_of(tables, tmp_path / "a")
    again = snapshot_of(renamed(tables, 5, "另一个名字有限公司"), tmp_path / "b")
    assert first.version != again.version
    np.testing.assert_array_equal(
        first.relations[next(iter(first.relations))].indices,
        again.relations[next(iter(again.relations))].indices,
    )


@pytest.mark.parametrize(
    "damage",
    ["offsets", "utf8", "node_range", "node_order", "person_rows"],
)
def test_damaged_search_arrays_are_refused(tmp_path: Path, damage: str) -> None:
    path = build_snapshot(memory_store(world(seed=23)), tmp_path, as_of=AS_OF)
    search = path / "search"
    snap = load_snapshot(path, mmap=False)

    def rewrite(key: str, value: np.ndarray) -> None:
        np.save(search / f"{key}.npy", value)

    if damage == "offsets":  # an offset past the data: Arrow would read outside the buffer
        offsets = snap.search["pinyin_offsets"].copy()
        offsets[1] = offsets[-1] + 1000
        rewrite("pinyin_offsets", offsets)
    elif damage == "utf8":
        data = snap.search["name_data"].copy()
        data[0] = 0xFF
        rewrite("name_data", data)
    elif damage == "node_range":
        node = snap.search["node"].copy()
        node[-1] = snap.n
        rewrite("node", node)
    elif damage == "node_order":
        rewrite("node", snap.search["node"][::-1].copy())
    else:
        rewrite("person", snap.search["person"][:-1].copy())
    with pytest.raises(IntegrityError, match="search arrays"):
        SearchIndex.of(load_snapshot(path))


def test_a_snapshot_without_search_arrays_builds_the_index_from_the_store(tmp_path: Path) -> None:
    tables = world(seed=24)
    path = build_snapshot(memory_store(tables), tmp_path, as_of=AS_OF)
    stored = SearchIndex.of(load_snapshot(path))
    shutil.rmtree(path / "search")  # as an older release wrote it
    old = load_snapshot(path)
    assert old.search == {} and SearchIndex.of(old) is None
    reads: list[str] = []

    def batches():  # type: ignore[no-untyped-def]
        reads.append("subjects")
        return memory_store(tables).read_table("subjects", COLUMNS)

    built = SearchIndex.of_snapshot_or(old, batches)
    assert reads == ["subjects"] and stored is not None
    same_index(built, stored)
    assert SearchIndex.of_snapshot_or(load_snapshot(path.parent / path.name), batches) is not None
