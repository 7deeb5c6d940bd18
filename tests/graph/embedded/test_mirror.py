"""The columnar mirror returns exactly what SQLite holds, and falls back when incomplete."""

from __future__ import annotations

import math
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkrisk.graph.embedded.arrow_reader import stream_table
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.loaders.records import TABLES, WRITABLE
from tests.factories import new_store, org, table


def from_sqlite(store: EmbeddedStore, name: str) -> list[tuple[Any, ...]]:
    schema = TABLES[name].schema
    rows = pa.Table.from_batches(list(stream_table(store.path, name, schema)), schema=schema)
    return _rows(rows)


def _rows(data: pa.Table) -> list[tuple[Any, ...]]:
    def plain(value: Any) -> Any:
        return None if isinstance(value, float) and math.isnan(value) else value

    rows = [tuple(plain(v) for v in r.values()) for r in data.to_pylist()]
    return sorted(rows, key=repr)


def mirrored(store: EmbeddedStore, name: str) -> list[tuple[Any, ...]]:
    return _rows(store.read_all(name))


SIDS = st.sampled_from(["91A", "91B", "91C", "P1", "P2"])
TEXT = st.one_of(st.none(), st.sampled_from(["", "甲公司", "乙公司", "x"]))
SUBJECT = st.fixed_dictionaries(
    {
        "sid": SIDS,
        "kind": st.sampled_from(["enterprise", "person"]),
        "name": TEXT,
        "capital": st.one_of(st.none(), st.just(math.nan), st.floats(0, 1e6)),
        "weak": st.one_of(st.none(), st.booleans()),
        "reg_date": st.one_of(st.none(), st.just(date(2020, 1, 2))),
    }
)
HOLDING = st.fixed_dictionaries(
    {
        "src": SIDS,
        "dst": st.sampled_from(["91A", "91B"]),
        "share": st.one_of(st.none(), st.floats(0, 1)),
        "start_date": st.one_of(st.none(), st.just(date(2021, 5, 6))),
        "end_date": st.one_of(st.none(), st.just(date(2024, 1, 1))),
    }
)
BATCH = st.fixed_dictionaries(
    {
        "subjects": st.lists(SUBJECT, max_size=6),
        "holdings": st.lists(HOLDING, max_size=6),
        "mentions": st.lists(SUBJECT, max_size=6),  # fill in unknown values only
    }
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=st.lists(BATCH, min_size=1, max_size=5), read_between=st.booleans())
def test_mirror_equals_sqlite(
    tmp_path_factory: pytest.TempPathFactory, batches: list[dict[str, Any]], read_between: bool
) -> None:
    store = new_store(tmp_path_factory.mktemp("m") / "s.db")
    for batch in batches:
        store.write_batch({name: table(name, rows) for name, rows in batch.items()})
        if read_between:  # compaction onto a base, then more segments
            mirrored(store, "subjects")
    for name in ("subjects", "holdings"):
        assert mirrored(store, name) == from_sqlite(store, name)
        assert mirrored(store, name) == from_sqlite(store, name)  # again, from the new base


def _last_per_key(name: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a loader stages for a file's own table: one row per key (the keys distinct)."""
    last = {tuple(row.get(k) for k in WRITABLE[name].key): row for row in rows}
    return list(last.values())


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    batches=st.lists(st.tuples(BATCH, st.booleans()), min_size=1, max_size=4),
    read_between=st.booleans(),
)
def test_mirror_equals_sqlite_after_bulk_loads_of_distinct_keys(
    tmp_path_factory: pytest.TempPathFactory,
    batches: list[tuple[dict[str, Any], bool]],
    read_between: bool,
) -> None:
    store = new_store(tmp_path_factory.mktemp("m") / "s.db")
    for batch, bulk in batches:
        if bulk:  # segments vouched distinct: compaction skips grouping them
            with store.bulk_session() as session:
                tables = {name: table(name, _last_per_key(name, r)) for name, r in batch.items()}
                tables["mentions"] = table("mentions", batch["mentions"])  # never vouched
                session.stage(tables, distinct=("subjects", "holdings"))
                session.commit()
        else:
            store.write_batch({name: table(name, rows) for name, rows in batch.items()})
        if read_between:
            mirrored(store, "holdings")
    for name in ("subjects", "holdings"):
        assert mirrored(store, name) == from_sqlite(store, name)


def test_a_segment_is_distinct_only_when_every_stage_vouched(tmp_path: Path) -> None:
    store = new_store(tmp_path / "s.db")
    rows = [table("subjects", [org("91A")]), table("subjects", [org("91B")])]
    for vouched in [("subjects",), ("subjects",)], [("subjects",), ()]:
        with store.bulk_session() as session:
            for data, distinct in zip(rows, vouched, strict=True):
                session.stage({"subjects": data}, distinct=distinct)
            session.commit()
    names = sorted(p.name for p in store.mirror.files("subjects")[1].values())
    assert names == ["1.distinct.arrow", "2.arrow"]
    assert [r[0] for r in mirrored(store, "subjects")] == ["91A", "91B"]


def test_a_distinct_segment_in_key_order_becomes_the_base_as_it_stands(tmp_path: Path) -> None:
    store = new_store(tmp_path / "s.db")
    with store.bulk_session() as session:
        rows = [org("91B", name="乙"), org("91A", name="甲")]
        session.stage({"subjects": table("subjects", rows)}, distinct=("subjects",))
        session.commit()
    [segment] = store.mirror.files("subjects")[1].values()
    inode = segment.stat().st_ino
    assert [r[0] for r in mirrored(store, "subjects")] == ["91A", "91B"]
    bases, segments = store.mirror.files("subjects")
    assert segments == {} and bases[1].stat().st_ino == inode  # renamed, not rewritten


def test_compaction_keeps_the_tables_in_key_order(tmp_path: Path) -> None:
    store = new_store(tmp_path / "s.db")
    for sids in (["91D", "91B", "91F"], ["91C", "91A"], ["91E", "91B", "91G", "91A0"]):
        store.write_batch({"subjects": table("subjects", [org(sid, name=sid) for sid in sids])})
        read = [r["sid"] for r in store.read_all("subjects").to_pylist()]
        assert read == sorted(read)  # onto no base, then onto a base in key order
    assert mirrored(store, "subjects") == from_sqlite(store, "subjects")
    assert read == ["91A", "91A0", "91B", "91C", "91D", "91E", "91F", "91G"]


def test_a_read_compacts_the_segments_into_one_base(tmp_path: Path) -> None:
    store = new_store(tmp_path / "s.db")
    for i in range(3):
        store.write_batch({"subjects": table("subjects", [org(f"91{i}", name=f"n{i}")])})
    bases, segments = store.mirror.files("subjects")
    assert (sorted(bases), sorted(segments)) == ([], [1, 2, 3])
    assert len(mirrored(store, "subjects")) == 3
    bases, segments = store.mirror.files("subjects")
    assert (sorted(bases), sorted(segments)) == ([3], [])


def test_a_missing_segment_falls_back_to_sqlite(tmp_path: Path) -> None:
    store = new_store(tmp_path / "s.db")
    store.write_batch({"subjects": table("subjects", [org("91A", name="old")])})
    store.write_batch({"subjects": table("subjects", [org("91A", name="new")])})
    _, segments = store.mirror.files("subjects")
    segments[2].unlink()  # as if the process died between the commit and the rename
    assert [r[0:3] for r in mirrored(store, "subjects")] == [("91A", "enterprise", "new")]
    assert sorted(store.mirror.files("subjects")[0]) == [2]  # SQLite's answer is the new base


def test_a_write_that_rolls_back_leaves_no_segment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = new_store(tmp_path / "s.db")

    def fail(*_args: Any) -> dict[str, int]:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr("linkrisk.graph.embedded.store.bump_generations", fail)
    with pytest.raises(sqlite3.OperationalError):
        store.write_batch({"holdings": table("holdings", [{"src": "P1", "dst": "91A"}])})
    assert store.counts()["holdings"] == 0
    assert store.mirror.files("holdings") == ({}, {})
    assert not list(store.mirror.root.glob("*/.pending-*"))


def test_a_store_written_before_migration_5_is_read_from_sqlite(tmp_path: Path) -> None:
    store = new_store(tmp_path / "s.db")
    store.write_batch({"subjects": table("subjects", [org("91A", name="a")])})
    with sqlite3.connect(store.path) as conn:  # generation row gone: no mirror to trust
        conn.execute("DELETE FROM table_generations WHERE name = 'subjects'")
    store.write_batch({"subjects": table("subjects", [org("91B", name="b")])})
    assert len(mirrored(store, "subjects")) == 2 == len(from_sqlite(store, "subjects"))


def test_migration_5_starts_tables_with_rows_at_generation_1(tmp_path: Path) -> None:
    store = new_store(tmp_path / "s.db")
    assert dict(store.execute("SELECT * FROM table_generations")) == dict.fromkeys(TABLES, 0)
    store.write_batch({"subjects": table("subjects", [org("91A", name="a")])})
    store.execute("DROP TABLE table_generations")
    store.execute("ALTER TABLE check_jobs DROP COLUMN persons")  # added by migration 7
    store.execute("PRAGMA user_version = 4")  # as written by a release before the mirror
    store.migrate()
    generations = dict(store.execute("SELECT * FROM table_generations"))
    assert generations == {**dict.fromkeys(TABLES, 0), "subjects": 1}
    assert len(mirrored(store, "subjects")) == 1  # no segment 1: read from SQLite
