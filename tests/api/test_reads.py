"""Process-safe reads give exactly what the store's own (ADBC) reads give."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from linkrisk.api.reads import SqliteReads
from linkrisk.config import Settings
from linkrisk.graph.open import open_embedded
from linkrisk.loaders.records import TABLES
from tests.factories import org, person, table


def test_every_type_and_null_round_trips(settings: Settings) -> None:
    store = open_embedded(settings)
    store.write_batch(
        {
            "subjects": table(
                "subjects",
                [
                    org("S1", name="甲", capital=1.5e6, reg_date=dt.date(2001, 2, 3), weak=False),
                    person("P1", name=None, weak=True),
                ],
            ),
            "holdings": table("holdings", [{"src": "P1", "dst": "S1", "share": None}]),
            "inspectors": table(
                "inspectors", [{"inspector_id": "I1", "department": "d", "active": True}]
            ),
        }
    )
    safe = SqliteReads(store)
    for name in ("subjects", "holdings", "inspectors", "events"):
        expected = store.read_all(name).sort_by(TABLES[name].key[0])
        got = pa.Table.from_batches(list(safe.read_table(name)), schema=TABLES[name].schema)
        assert got.sort_by(TABLES[name].key[0]).equals(expected), name
    (batch,) = safe.read_table("subjects", ["sid", "capital"], batch_rows=10)
    assert batch.schema.names == ["sid", "capital"]
    assert safe.counts() == store.counts()  # everything else is the store's own
    store.close()


def test_a_mirror_base_holding_every_write_is_read_instead_of_sqlite(settings: Settings) -> None:
    store = open_embedded(settings)
    safe = SqliteReads(store)
    schema = TABLES["subjects"].schema

    def read() -> pa.Table:
        return pa.Table.from_batches(list(safe.read_table("subjects")), schema=schema)

    store.write_batch({"subjects": table("subjects", [org("S1", name="甲"), person("P1")])})
    assert store.mirrored_base("subjects") is None  # a pending segment: read from SQLite
    from_sqlite = read()
    store.read_all("subjects")  # the store's own read makes the segment the base
    base = store.mirrored_base("subjects")
    assert base is not None and base.num_rows == 2
    assert read().equals(from_sqlite)  # the same rows, now from the base
    store.write_batch({"subjects": table("subjects", [org("S2", name="乙")])})
    assert store.mirrored_base("subjects") is None  # a newer write: the base is stale
    assert read().column("sid").to_pylist() == ["P1", "S1", "S2"]
    store.close()
