"""Bulk loads into the embedded store: stage a whole file's batches, then merge them at once.

``BulkSession`` is the parent's end of ``linkrisk.graph.embedded.bulk_writer`` (read its docstring
for why the writing happens in a child process, and the measurements behind it). The parent converts
each batch as ``write_batch`` would (dates as ISO text, booleans as 0/1, NULL keys as '') and hands
it to a sender thread, which writes it down the pipe as Arrow IPC: parsing the next batches goes on
while the child binds rows on the other core, and nobody waits for a reply until ``commit``. Nothing
is visible in the store before ``commit``; an exception, or leaving the ``with`` block without
committing, discards everything staged (and a killed parent closes the pipe, which does the same).

    with store.bulk_session() as session:
        for tables in batches:
            session.stage(tables)
        result = session.commit([(sql, params), …])  # extra statements, same transaction

``commit`` is ``send_commit`` (returns at once) then ``wait_commit``: a directory load reads its
next file in between, in its own session, so that one core merges while the other parses.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from linkrisk.errors import InputError, LinkriskError, StoreUnavailable
from linkrisk.graph.embedded.bulk_writer import frame
from linkrisk.graph.embedded.rows import finish_load_statement, for_sqlite
from linkrisk.graph.store import LoadRecord
from linkrisk.loaders.records import WRITABLE

#: frames waiting for the sender thread (a frame is one batch, ~2 MB at 20,000 rows)
PENDING_FRAMES = 8
_STOP = None
StatementsFor = Callable[[Sequence[str]], Sequence[tuple[str, Sequence[Any]]]]
PIPE_BYTES = 1 << 20  # Linux's default ceiling (/proc/sys/fs/pipe-max-size)


@dataclass(slots=True)
class BulkResult:
    """What a commit did: rows merged per table (staged rows, duplicates included), SQLite's
    count of rows written (``changes()``), the tables whose indexes were rebuilt, the extra
    statements' result rows, the seconds spent per table, and the tables whose rows the child
    wrote to the mirror segment it was given."""

    merged: dict[str, int] = field(default_factory=dict)
    changes: dict[str, int] = field(default_factory=dict)
    rebuilt: list[str] = field(default_factory=list)
    results: list[list[tuple[Any, ...]]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    mirrored: list[str] = field(default_factory=list)


def _ipc(data: pa.Table) -> pa.Buffer:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, data.schema) as writer:
        writer.write_table(data)
    return sink.getvalue()


class BulkSession:
    """One child writer for the store at ``db``, started on entering ``with`` (or when first
    needed)."""

    def __init__(
        self, db: Path | str, *, background: bool = True, on_commit: StatementsFor | None = None
    ) -> None:
        """``on_commit(tables)``: statements to run in every merge transaction, before the
        caller's, given the tables staged since the last commit (the embedded store bumps their
        generations, so that its columnar mirror is not trusted past this write)."""
        self.db = Path(db)
        self.background = background
        self.on_commit = on_commit
        self._tables: set[str] = set()  # staged since the last commit
        self._child: subprocess.Popen[bytes] | None = None
        self._stderr: Any = None
        self._queue: queue.Queue[list[Any] | None] = queue.Queue(PENDING_FRAMES)
        self._sender: threading.Thread | None = None
        self._send_error: BaseException | None = None
        self._dropping = False
        self._dirty = False
        self._awaiting = False  # a commit was sent and its reply not read

    def __enter__(self) -> BulkSession:
        self._started()  # the child imports Arrow and ADBC (~0.4 s) while the first batch parses
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None or self._dirty or self._awaiting:
            self.abort()
        else:
            self.close()

    # -- the parent's side of the protocol ---------------------------------------------------
    def stage(self, tables: Mapping[str, pa.Table], distinct: Collection[str] = ()) -> None:
        """Queue one batch (several tables that belong together) for the child. ``distinct``
        names tables whose keys the caller vouches are distinct across everything it stages
        with them so named in this session (the columnar mirror then skips grouping them)."""
        unknown = set(tables) - set(WRITABLE)
        if unknown:
            raise InputError(f"unknown canonical tables {sorted(unknown)}")
        if self._awaiting:
            raise RuntimeError("wait for the commit under way before staging more rows")
        parts = [
            (name, _ipc(for_sqlite(WRITABLE[name], data, sort=False)))
            for name, data in tables.items()
            if data.num_rows
        ]
        if not parts:
            return
        self._tables.update(name for name, _ in parts)
        header = {"op": "stage", "tables": [[name, buf.size] for name, buf in parts]}
        self._send([frame(header, sum(buf.size for _, buf in parts)), *(b for _, b in parts)])
        self._dirty = True

    def commit(self, statements: Sequence[tuple[str, Sequence[Any]]] = ()) -> BulkResult:
        """Merge everything staged and run ``statements`` in one transaction; their result
        rows come back in ``BulkResult.results`` (values must be JSON: no BLOBs)."""
        self.send_commit(statements)
        return self.wait_commit()

    def send_commit(self, statements: Sequence[tuple[str, Sequence[Any]]] = ()) -> None:
        """``commit`` in two halves: this one returns at once, so the caller can go on (read
        the next file) while the child merges; ``wait_commit`` then waits for the reply."""
        if self._awaiting:
            raise RuntimeError("a commit is already under way")
        if self.on_commit is not None and self._tables:
            statements = [*self.on_commit(sorted(self._tables)), *statements]
        header = {"op": "commit", "statements": [[s, list(p)] for s, p in statements]}
        self._send([frame({**header, **self._commit_header()})])
        self._awaiting = True

    def send_commit_load(self, record: LoadRecord) -> None:
        """``send_commit`` that records ``record`` as finished in the same transaction."""
        self.send_commit([finish_load_statement(record)])

    def _commit_header(self) -> dict[str, Any]:
        """More of the commit frame (the mirrored session's segment paths)."""
        return {}

    def wait_commit(self) -> BulkResult:
        child = self._child
        if not self._awaiting or child is None:
            raise RuntimeError("no commit is under way")
        assert child.stdout is not None
        line = child.stdout.readline()
        self._awaiting = False
        reply = json.loads(line) if line else None
        if not reply or not reply.get("ok"):
            raise self._failure(reply)
        self._dirty = False
        self._tables.clear()
        return BulkResult(
            merged=reply["merged"],
            changes=reply["changes"],
            rebuilt=reply["rebuilt"],
            results=[[tuple(row) for row in rows] for rows in reply["results"]],
            seconds=reply["seconds"],
            mirrored=reply.get("mirrored", []),
        )

    def abort(self) -> None:
        """Discard everything staged and stop the child (killed if it does not stop at once:
        a killed child leaves the store as it was)."""
        self._dropping = True
        self._finish(send_abort=True, wait=2.0)

    def close(self) -> None:
        """Stop the child; anything staged since the last commit is discarded. The child is
        not waited for (it exits at the end of its input, holding no lock: ~0.1 s per file)."""
        self._finish(send_abort=False, wait=None)

    # -- the child -----------------------------------------------------------------------------
    def _started(self) -> subprocess.Popen[bytes]:
        if self._child is None:
            self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed in _finish)
            self._child = subprocess.Popen(
                [sys.executable, "-m", "linkrisk.graph.embedded.bulk_writer", str(self.db)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
            )
            assert self._child.stdin is not None
            with contextlib.suppress(OSError):  # fewer wake-ups per frame than 64 KiB at a time
                fcntl.fcntl(self._child.stdin.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
            if self.background:
                self._sender = threading.Thread(
                    target=self._send_loop, name="linkrisk-bulk-send", daemon=True
                )
                self._sender.start()
        return self._child

    def _send(self, parts: list[Any]) -> None:
        child = self._started()
        if self._send_error is not None or child.poll() is not None:
            raise self._failure(None)
        if self._sender is not None:
            self._queue.put(parts)
        else:
            self._write(parts)

    def _write(self, parts: list[Any]) -> None:
        child = self._started()
        assert child.stdin is not None
        try:
            for part in parts:
                child.stdin.write(part)
            child.stdin.flush()
        except (OSError, ValueError) as exc:  # the child died (its reply and stderr say why)
            self._send_error = exc
            if self._sender is None:
                raise self._failure(None) from None

    def _send_loop(self) -> None:
        while (parts := self._queue.get()) is not _STOP:
            if self._send_error is None and not self._dropping:
                self._write(parts)

    def _finish(self, *, send_abort: bool, wait: float | None) -> None:
        child, self._child = self._child, None
        if child is None:
            return
        if self._sender is not None:
            self._queue.put(_STOP)
            self._sender.join()
            self._sender = None
        assert child.stdin is not None
        with contextlib.suppress(OSError):  # the child may be gone already
            if send_abort and self._send_error is None:
                child.stdin.write(frame({"op": "abort"}))
            child.stdin.close()  # end of input: the child discards its staging and exits
        if child.stdout is not None:
            child.stdout.close()
        self._stderr.close()
        self._dropping, self._dirty, self._awaiting, self._send_error = False, False, False, None
        self._tables.clear()
        if wait is None:
            threading.Thread(target=child.wait, name="linkrisk-bulk-reap", daemon=True).start()
            return
        try:
            child.wait(wait)
        except subprocess.TimeoutExpired:  # e.g. in the middle of a merge: killed, rolled back
            child.kill()
            child.wait()

    def _failure(self, reply: dict[str, Any] | None) -> LinkriskError:
        """The error to raise for a child that failed: its own words, else its stderr."""
        child = self._child
        assert child is not None
        if reply is None:
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
            assert child.stdout is not None
            line = child.stdout.readline()
            try:
                reply = json.loads(line) if line else None
            except json.JSONDecodeError:
                reply = None
        self._stderr.seek(0)
        stderr = self._stderr.read().decode(errors="replace").strip()
        self._dropping = True
        self._finish(send_abort=False, wait=2.0)
        if reply is not None and reply.get("error"):
            detail = f"bulk load into {self.db} failed: {reply['error']}"
            return (InputError if reply.get("kind") == "input" else StoreUnavailable)(detail)
        exit_code = child.returncode
        return StoreUnavailable(
            f"bulk load into {self.db} failed: the writer process stopped (exit code"
            f" {exit_code}){': ' + stderr[-500:] if stderr else ''}"
        )
