"""The snapshot's Parquet export (what the Spark engine reads): every array, row for row."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from linkrisk.graph.relations import RelType
from linkrisk.graph.snapshot.parquet import export_parquet, exported_version
from tests.factories import org, person
from tests.models.graphs import build, event, inspection


def test_export_holds_every_snapshot_array_row_for_row(tmp_path: Path) -> None:
    snapshot = build(
        tmp_path,
        subjects=[org("S"), org("M"), person("P")],
        holdings=[{"src": "S", "dst": "M", "share": 0.6}],
        officers=[{"person": "P", "org": "S", "role": "legal_representative"}],
        events=[event("e1", "S", "penalty", date(2026, 3, 1))],
        inspections=[inspection("M", date(2026, 2, 1), "abnormal")],
    )
    out = export_parquet(snapshot, tmp_path / "export")
    assert exported_version(out) == snapshot.version
    nodes = pq.read_table(out / "nodes.parquet").to_pydict()
    assert nodes["node"] == list(range(snapshot.n))
    assert nodes["sid"] == snapshot.sid_list(range(snapshot.n))
    assert "locality" in snapshot.nodes and "locality" not in nodes  # a layout, not a column
    for name, values in snapshot.nodes.items():
        if values.dtype.kind != "S" and name != "locality":
            np.testing.assert_array_equal(np.asarray(nodes[name]), values, err_msg=name)
    for rel, relation in snapshot.relations.items():
        edges = pq.read_table(out / "edges" / f"{rel.value}.parquet").to_pydict()
        np.testing.assert_array_equal(edges["src"], relation.sources())
        np.testing.assert_array_equal(edges["dst"], relation.indices)
        for name, values in relation.attrs.items():
            np.testing.assert_array_equal(np.asarray(edges[name]), values, err_msg=name)
    holds = pq.read_table(out / "edges" / f"{RelType.HOLDS.value}.parquet").to_pydict()
    assert holds["share"] == [np.float32(0.6)]
    events = pq.read_table(out / "events.parquet").to_pydict()
    assert events["node"] == [snapshot.index("S")] and "indptr" not in events
    inspections = pq.read_table(out / "inspections.parquet").to_pydict()
    assert inspections["node"] == [snapshot.index("M")]


def test_an_export_replaces_the_previous_one_whole(tmp_path: Path) -> None:
    snapshot = build(tmp_path, subjects=[org("S")])
    out = tmp_path / "export"
    (out / "edges").mkdir(parents=True)
    (out / "edges" / "STALE.parquet").write_bytes(b"left from another snapshot")
    export_parquet(snapshot, out)
    assert not (out / "edges" / "STALE.parquet").exists()
    assert pq.read_table(out / "events.parquet").num_rows == 0  # empty tables keep their schema
    assert not list(tmp_path.glob(".export.tmp-*"))
