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
