"""Bulk sessions of the embedded store: the same rows as ``write_batch``, all or nothing."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from linkrisk.errors import InputError, LinkriskError, StoreUnavailable
from linkrisk.graph.embedded.bulk import BulkSession
from linkrisk.graph.embedded.bulk_writer import write_segment
from linkrisk.graph.embedded.rows import for_sqlite
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.loaders.records import TABLES
from tests.factories import dump_tables, new_store, org, person, table

SIDS = [f"91{i:02d}" for i in range(8)] + [f"P{i:02d}" for i in range(8)]


def _batch(rng: random.Random, rows: int) -> dict[str, pa.Table]:
    """Rows drawn from small key pools, so that keys repeat within and across batches, with
    known and unknown values mixed (a NULL must never overwrite a known subject value)."""

    def maybe(value: Any) -> Any:
        return value if rng.random() < 0.6 else None

    subjects = [
        (org if sid.startswith("9") else person)(
            sid, name=maybe(f"名{rng.randrange(5)}"), region=maybe(rng.choice(["320102", "1101"]))
        )
        for sid in rng.choices(SIDS, k=rows)
    ]
    holdings = [
        {
            "src": rng.choice(SIDS),
            "dst": rng.choice(SIDS[:8]),
            "share": maybe(rng.random()),
            "start_date": maybe(dt.date(2020, 1, rng.randrange(1, 4))),
        }
        for _ in range(rows)
    ]
    events = [
        {
            "event_id": f"e{rng.randrange(6)}",
            "sid": rng.choice(SIDS),
            "type": "penalty",
            "decision_date": dt.date(2024, 5, rng.randrange(1, 28)),
            "objection": maybe(rng.random() < 0.5),
        }
        for _ in range(rows)
    ]
    return {
        "subjects": table("subjects", subjects),
        "holdings": table("holdings", holdings),
        "events": table("events", events),
    }


def _indexes(store: EmbeddedStore) -> set[str]:
    rows = store.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
    return {row[0] for row in rows}


def test_a_bulk_load_gives_the_rows_of_write_batch(tmp_path: Path) -> None:
    rng = random.Random(7)
    first = [_batch(rng, 40) for _ in range(3)]
    second = [_batch(rng, 40) for _ in range(3)]
    one, bulk = new_store(tmp_path / "one.db"), new_store(tmp_path / "bulk.db")
    indexes = _indexes(bulk)
    for batches in (first, second, second):  # an empty store, then one holding rows, a reload
        for batch in batches:
            one.write_batch(batch)
        with bulk.bulk_session() as session:
            for batch in batches:
                session.stage(batch)
            result = session.commit()
        assert result.merged == {name: 120 for name in ("subjects", "holdings", "events")}
        assert dump_tables(bulk) == dump_tables(one)
    assert _indexes(bulk) == indexes  # dropped for the first merge, built again


def test_null_never_overwrites_and_the_last_duplicate_wins(tmp_path: Path) -> None:
    store = new_store(tmp_path / "s.db")
    store.write_batch({"subjects": table("subjects", [org("91A", name="甲", region="320102")])})
    with store.bulk_session() as session:
        session.stage({"subjects": table("subjects", [org("91A", name="乙"), org("91A")])})
        session.stage({"subjects": table("subjects", [org("91A", region=None, phone="123")])})
        session.commit()
    subject = store.get_subject("91A")
    assert subject is not None
    assert (subject["name"], subject["region"], subject["phone"]) == ("乙", "320102", "123")


def test_nothing_is_visible_before_commit_and_exceptions_discard(tmp_path: Path) -> None:
    store = new_store(tmp_path / "s.db")
    with store.bulk_session() as session:
        session.stage({"subjects": table("subjects", [org("91A")])})
        assert store.counts()["subjects"] == 0
    assert store.counts()["subjects"] == 0  # left without committing: discarded
    with pytest.raises(RuntimeError), store.bulk_session() as session:
        session.stage({"subjects": table("subjects", [org("91B")])})
        raise RuntimeError("the loader failed")
    assert store.counts()["subjects"] == 0


def test_statements_run_in_the_merge_transaction(tmp_path: Path) -> None:
    store = new_store(tmp_path / "s.db")
    store.execute("CREATE TABLE counter (name TEXT PRIMARY KEY, n INTEGER)")
    store.execute("INSERT INTO counter VALUES ('subjects', 0)")
    bump = "UPDATE counter SET n = n + 1 WHERE name = ? RETURNING n, name"
    with store.bulk_session() as session:
        session.stage({"subjects": table("subjects", [org("91A"), person("P1")])})
        result = session.commit([(bump, ["subjects"]), ("SELECT count(*) FROM subjects", [])])
    assert result.results[-2:] == [[(1, "subjects")], [(2,)]]  # after the store's own
    assert result.changes == {"subjects": 2} and result.rebuilt == []  # subjects has no index

    with pytest.raises(LinkriskError, match="no such table: nowhere"):  # noqa: SIM117
        with store.bulk_session() as session:
            session.stage({"subjects": table("subjects", [org("91B")])})
            session.commit([(bump, ["subjects"]), ("UPDATE nowhere SET x = 1", [])])
    assert store.counts()["subjects"] == 2  # the failing statement rolled the merge back
    assert store.execute("SELECT n FROM counter") == [(1,)]


def _event(event_id: str) -> dict[str, Any]:
    return {"event_id": event_id, "sid": "91A", "type": "penalty"}


def test_small_loads_into_a_big_table_keep_its_indexes(tmp_path: Path) -> None:
    store = new_store(tmp_path / "s.db")
    with store.bulk_session() as session:
        session.stage({"events": table("events", [_event(f"e{i:03d}") for i in range(100)])})
        assert session.commit().rebuilt == ["events"]
    with store.bulk_session() as session:
        session.stage({"events": table("events", [_event("eX")])})
        assert session.commit().rebuilt == []
    assert "events_sid" in _indexes(store)


def test_migration_6_drops_the_indexes_no_statement_uses(tmp_path: Path) -> None:
    store = new_store(tmp_path / "s.db")
    assert _indexes(store) & {"subjects_name", "officers_org", "holdings_dst"} == set()
    assert "events_sid" in _indexes(store)


def test_bad_input_and_a_failing_writer_raise_linkrisk_errors(tmp_path: Path) -> None:
    store = new_store(tmp_path / "s.db")
    with store.bulk_session() as session:
        with pytest.raises(InputError, match="unknown canonical tables"):
            session.stage({"nodes": table("subjects", [org("91A")])})
        with pytest.raises(InputError, match="lacks columns"):
            session.stage({"subjects": pa.table({"sid": ["91A"]})})
    with pytest.raises(StoreUnavailable, match=r"bulk load into .* failed"):  # noqa: SIM117
        with BulkSession(tmp_path / "missing.db") as session:  # the writer never creates a store
            session.stage({"subjects": table("subjects", [org("91A")])})
            session.commit()
    assert not (tmp_path / "missing.db").exists()


def test_a_dead_writer_is_reported_with_its_exit(tmp_path: Path) -> None:
    store = new_store(tmp_path / "s.db")
    with pytest.raises(StoreUnavailable, match="writer process stopped"):  # noqa: SIM117
        with store.bulk_session() as session:
            session.stage({"subjects": table("subjects", [org("91A")])})
            child = session._child
            assert child is not None
            child.kill()
            child.wait()
            for _ in range(3):
                session.stage({"subjects": table("subjects", [org("91B")])})
            session.commit()
    assert store.counts()["subjects"] == 0


KILLED = textwrap.dedent(
    """
    import sys, pyarrow as pa
    from linkrisk.graph.embedded.store import EmbeddedStore
    from linkrisk.loaders.records import HOLDINGS
    store = EmbeddedStore(sys.argv[1])
    n = 20_000
    with store.bulk_session() as session:
        print(session._child.pid, flush=True)
        for b in range(10_000):
            rows = {"src": [f"P{b:08d}{i:08d}" for i in range(n)], "dst": ["91X"] * n,
                    "share": [0.1] * n, "subscribed": [None] * n,
                    "start_date": pa.nulls(n, pa.date32()), "end_date": pa.nulls(n, pa.date32())}
            session.stage({"holdings": pa.table(rows, schema=HOLDINGS.schema)})
            print(b, flush=True)
    """
)


def _running(pid: int) -> bool:
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False


@pytest.mark.slow
@pytest.mark.parametrize("victims", ["loader", "loader and writer"])
def test_a_killed_bulk_load_leaves_the_store_as_it_was(tmp_path: Path, victims: str) -> None:
    store = new_store(tmp_path / "kill.db")
    before = {"holdings": table("holdings", [{"src": "P1", "dst": "91A", "share": 0.5}])}
    store.write_batch(before)
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(store.path)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert proc.stdout is not None
    writer = int(proc.stdout.readline())
    for _ in range(5):  # a few batches staged, then killed in the middle of the next ones
        proc.stdout.readline()
    time.sleep(0.1)
    if victims == "loader":
        os.kill(proc.pid, signal.SIGKILL)  # the writer reads the end of its input and stops
    else:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 20
    while _running(writer) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(writer)  # an orphaned writer stops at the end of its input
    assert store.counts()["holdings"] == 1
    store.write_batch({"holdings": table("holdings", [{"src": "P2", "dst": "91A"}])})  # no lock
    assert store.counts()["holdings"] == 2


def test_whole_table_reads_see_a_bulk_load(tmp_path: Path) -> None:
    store = new_store(tmp_path / "s.db")
    store.write_batch({"subjects": table("subjects", [org("91A")])})
    assert store.read_all("subjects").num_rows == 1  # now kept in the columnar mirror too
    with store.bulk_session() as session:
        session.stage({"subjects": table("subjects", [org("91B")])})
        session.commit()
    assert sorted(store.read_all("subjects").column("sid").to_pylist()) == ["91A", "91B"]
    bases, segments = store.mirror.files("subjects")
    assert (sorted(bases), sorted(segments)) == ([2], [])  # the bulk segment, compacted


def test_a_bulk_load_leaves_its_rows_in_the_mirror(tmp_path: Path) -> None:
    store = new_store(tmp_path / "s.db")
    with store.bulk_session() as session:
        session.stage({"subjects": table("subjects", [org("91A", name="a"), org("91B")])})
        session.stage({"subjects": table("subjects", [org("91A", name=None, region="110101")])})
        result = session.commit()
    assert result.results == []  # the generation bumps are the session's own
    _, segments = store.mirror.files("subjects")
    assert sorted(segments) == [1]
    stored = {r["sid"]: (r["name"], r["region"]) for r in store.read_all("subjects").to_pylist()}
    assert stored == {"91A": ("a", "110101"), "91B": (None, None)}
    direct = store.execute("SELECT sid, name, region FROM subjects ORDER BY sid")
    assert direct == [("91A", "a", "110101"), ("91B", None, None)]


def test_an_aborted_bulk_load_leaves_no_segment(tmp_path: Path) -> None:
    store = new_store(tmp_path / "s.db")
    with pytest.raises(RuntimeError), store.bulk_session() as session:
        session.stage({"subjects": table("subjects", [org("91A")])})
        raise RuntimeError("stop")
    assert store.mirror.files("subjects") == ({}, {})
    assert not list(store.mirror.root.glob("*/.pending-*"))


def test_the_writer_leaves_each_table_in_key_order_in_the_mirror(tmp_path: Path) -> None:
    store = new_store(tmp_path / "s.db")
    holdings = [
        {"src": src, "dst": "91A", "share": 0.5, "start_date": start}
        for src, start in [("P2", dt.date(2021, 1, 1)), ("P1", None), ("91B", None)]
    ]
    with store.bulk_session() as session:
        session.stage({"holdings": table("holdings", holdings)}, distinct=("holdings",))
        session.commit()
    [segment] = store.mirror.files("holdings")[1].values()
    assert segment.name == "1.distinct.arrow"
    rows = pa.ipc.open_file(pa.memory_map(str(segment))).read_all()
    assert rows.schema == TABLES["holdings"].schema
    assert rows["src"].to_pylist() == ["91B", "P1", "P2"]
    assert rows["start_date"].to_pylist() == [None, None, dt.date(2021, 1, 1)]


def test_a_segment_the_writer_cannot_write_is_left_out(tmp_path: Path) -> None:
    data = for_sqlite(TABLES["subjects"], table("subjects", [org("91A")]), sort=False)
    assert not write_segment(str(tmp_path / "missing" / "s.arrow"), TABLES["subjects"], data)
    assert write_segment(str(tmp_path / "s.arrow"), TABLES["subjects"], data)
