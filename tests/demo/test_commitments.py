"""The city's commitments file: deterministic per seed, readable by the commitments reader, and
holding breaches that detection finds once the city is loaded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from linkrisk.config import Settings
from linkrisk.demo import generate_city
from linkrisk.demo.commitments import FILE
from linkrisk.graph.open import open_embedded, open_store
from linkrisk.incentives.commitment_book import CommitmentBook
from linkrisk.incentives.commitments import read_commitments
from linkrisk.loaders.pipeline import data_files, load_directory


def test_same_seed_same_commitments(tmp_path: Path) -> None:
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        generate_city(tmp_path / name, subjects=1000, seed=seed)
    a, b, c = ((tmp_path / n / FILE).read_bytes() for n in "abc")
    assert a == b and a != c
    assert all(p.suffix != ".csv" or p.parent == tmp_path / "a" for p in data_files(tmp_path / "a"))


def test_commitments_load_and_some_are_broken(city_dir: Path, settings: Settings) -> None:
    found, rejected = read_commitments(city_dir / FILE, b"test-key")
    assert len(found) >= 20 and rejected == []
    graph = open_store(settings)
    load_directory(city_dir, graph, settings=settings)
    book = CommitmentBook(open_embedded(settings))
    book.save(found)
    breaches = book.scan(graph, dt.date(2026, 10, 31))
    reasons = " ".join(b.breach_reason or "" for b in breaches)
    assert len(breaches) >= 3 and "承诺期内受到行政处罚" in reasons
    assert book.scan(graph, dt.date(2026, 10, 31)) == []  # found once
    events = [r for batch in graph.read_table("events") for r in batch.to_pylist()]
    assert sum(e["type"] == "commitment_breach" for e in events) == len(breaches)
    graph.close()
