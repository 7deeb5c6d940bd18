"""Embedded-store specifics: migrations, and batches that survive a killed process whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from linkrisk.graph.embedded.schema import MIGRATIONS
from linkrisk.graph.embedded.store import EmbeddedStore


def test_migrate_is_idempotent(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "s.db")
    store.migrate()
    store.migrate()
    assert store.schema_version == MIGRATIONS[-1][0]


def test_every_migration_can_run_again(tmp_path: Path) -> None:
    """As when ``user_version`` was rolled back: columns added once are not added twice."""
    store = EmbeddedStore(tmp_path / "s.db")
    store.migrate()
    store.execute("PRAGMA user_version = 0")
    store.migrate()
    assert store.schema_version == MIGRATIONS[-1][0]
    assert [r[1] for r in store.execute("PRAGMA table_info(audit)")].count("auth") == 1


WRITER = textwrap.dedent(
    """
    import sys, pyarrow as pa
    from linkrisk.graph.embedded.store import EmbeddedStore
    from linkrisk.loaders.records import HOLDINGS
    store = EmbeddedStore(sys.argv[1]); store.migrate()
    n = int(sys.argv[2])
    for b in range(10_000):
        rows = {"src": [f"P{b:08d}{i:08d}" for i in range(n)], "dst": ["91X"] * n,
                "share": [0.1] * n, "subscribed": [None] * n,
                "start_date": pa.nulls(n, pa.date32()), "end_date": pa.nulls(n, pa.date32())}
        store.write_batch({"holdings": pa.table(rows, schema=HOLDINGS.schema)})
        print(b, flush=True)
    """
)


@pytest.mark.slow
def test_killed_load_leaves_only_whole_batches(tmp_path: Path) -> None:
    db, batch = tmp_path / "kill.db", 20_000
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), str(batch)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    for _ in range(3):  # let a few batches commit, then kill mid-way through the next ones
        proc.stdout.readline()
    time.sleep(0.15)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    count = EmbeddedStore(db).counts()["holdings"]
    assert count >= 3 * batch
    assert count % batch == 0, f"{count} rows: a batch was half-written"


def test_reads_and_writes_interleave_in_one_process(tmp_path: Path) -> None:
    """Arrow reads run in a child process: this process's SQLite keeps its locks and WAL."""
    from tests.factories import org, table

    store = EmbeddedStore(tmp_path / "mix.db")
    store.migrate()
    for i in range(3):
        store.write_batch({"subjects": table("subjects", [org(f"91{i}")])})
        rows = [b.num_rows for b in store.read_table("subjects", ["sid"])]
        assert sum(rows) == i + 1
        assert store.counts()["subjects"] == i + 1
        assert (tmp_path / "mix.db-wal").exists()
