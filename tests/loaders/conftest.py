"""Fixtures for the loader tests: synthetic identifiers, a recording store, file writers."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from linkrisk.graph.store import LoadRecord
from tests.loaders.synth import make_resident_id, make_uscc


class RecordingStore:
    """Keeps every ``write_batch`` call and the load history (for unit tests of the pipeline)."""

    backend = "recording"

    def __init__(self) -> None:
        self.batches: list[dict[str, pa.Table]] = []
        self.loads: list[LoadRecord] = []
        self.finished: list[LoadRecord] = []

    def write_batch(self, tables: Mapping[str, pa.Table]) -> None:
        self.batches.append(dict(tables))

    def start_load(self, record: LoadRecord) -> int:
        self.loads.append(record)
        return len(self.loads)

    def finish_load(self, record: LoadRecord) -> None:
        self.finished.append(record)

    def table(self, name: str) -> pa.Table:
        parts = [b[name] for b in self.batches if name in b]
        return pa.concat_tables(parts) if parts else pa.table({})

    def rows(self, name: str) -> list[dict[str, Any]]:
        return self.table(name).to_pylist()


@pytest.fixture
def rng() -> random.Random:
    return random.Random(20240601)


@pytest.fixture
def recording() -> RecordingStore:
    return RecordingStore()


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[Any]:
    embedded_module = pytest.importorskip("linkrisk.graph.embedded.store")
    store = embedded_module.EmbeddedStore(tmp_path / "store" / "linkrisk.db")
    store.migrate()
    yield store
    store.close()


@pytest.fixture
def ids(rng: random.Random) -> dict[str, str]:
    """A few valid synthetic identifiers."""
    return {
        "org1": make_uscc(rng),
        "org2": make_uscc(rng),
        "org3": make_uscc(rng),
        "person1": make_resident_id(rng, region="320102"),
        "person2": make_resident_id(rng, region="110105"),
    }


def write_csv(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]], encoding: str = "utf-8"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        out.writerows(rows)
    return path
