"""A killed load (issue 17, item 13): it no longer stays ``running`` in ``linkrisk status``.

The process recording a load holds a lock for it; when a store is opened, a running load whose
lock nobody holds (its writer was killed) is marked failed, and one whose writer lives is not.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import linkrisk.cli.data  # noqa: F401  (registers the commands)
from linkrisk.cli import app
from linkrisk.config import Settings
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.store import LoadRecord
from tests.loaders.synth import make_uscc as synth_uscc

WRITER = textwrap.dedent(
    """
    import sys, time
    from linkrisk.graph.embedded.store import EmbeddedStore
    from linkrisk.graph.store import LoadRecord
    store = EmbeddedStore(sys.argv[1])
    store.migrate()
    store.start_load(LoadRecord("orgs.csv", "0" * 64, "orgs", "2026-01-01T00:00:00+00:00"))
    print("started", flush=True)
    if sys.stdin.readline().strip() == "finish":
        record = store.load_history(1)[0]
        record.status, record.finished = "done", "2026-01-01T00:01:00+00:00"
        store.finish_load(record)
        print("finished", flush=True)
    """
)


def writer(db: Path) -> subprocess.Popen[str]:
    """A process that records a load and then waits (to be killed, or told to finish)."""
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "started"
    return process


def statuses(db: Path) -> list[str]:
    store = EmbeddedStore(db)
    try:
        store.migrate()  # a store starting
        return [r.status for r in store.load_history()]
    finally:
        store.close()


def test_a_killed_writer_leaves_its_load_failed(settings: Settings) -> None:
    db = settings.db_path
    process = writer(db)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert statuses(db) == ["failed"]
    result = CliRunner().invoke(app, ["status", "--json"])
    assert result.exit_code == 0 and '"status": "failed"' in result.output
    assert not any(db.with_name(db.name + ".loads").glob("*.lock"))


def test_a_living_writer_keeps_its_load_running(settings: Settings) -> None:
    db = settings.db_path
    process = writer(db)
    try:
        assert statuses(db) == ["running"]  # another process opening the store
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write("finish\n")
        process.stdin.flush()
        assert process.stdout.readline().strip() == "finished"
    finally:
        process.stdin.close() if process.stdin else None
        process.wait(timeout=30)
    assert statuses(db) == ["done"]


def test_loads_of_this_process_are_not_stale(settings: Settings) -> None:
    store = EmbeddedStore(settings.db_path)
    try:
        store.migrate()
        record = LoadRecord("orgs.csv", "0" * 64, "orgs", "2026-01-01T00:00:00+00:00")
        store.start_load(record)
        assert store.fail_stale_loads() == []
        record.status = "done"
        store.finish_load(record)
        assert [r.status for r in store.load_history()] == ["done"]
    finally:
        store.close()


@pytest.mark.slow
def test_a_load_killed_during_its_merge_is_failed_on_the_next_start(
    settings: Settings, tmp_path: Path
) -> None:
    """The real thing: ``linkrisk load`` (loader and bulk writer) killed while it merges."""

    rng = random.Random(7)
    path = tmp_path / "orgs.csv"
    rows = "".join(f"{synth_uscc(rng)},测试{i}有限公司,2020-01-01\n" for i in range(150_000))
    path.write_text("统一社会信用代码,企业名称,成立日期\n" + rows, encoding="utf-8")
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("linkrisk")), "load", str(path), "--tolerate"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: loader and writer are killed together
    )
    deadline = time.monotonic() + 120
    running = False
    while not running and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
        if settings.db_path.exists():
            try:
                with sqlite3.connect(settings.db_path, timeout=0.1) as conn:
                    found = conn.execute("SELECT status FROM loads").fetchall()
            except sqlite3.Error:
                continue
            running = ("running",) in found
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert running, "the load ended before it could be killed"
    assert statuses(settings.db_path) == ["failed"]
