"""Which recorded loads still have a living writer: one advisory lock file per running load.

A load is recorded as ``running`` before anything is written and as ``done`` or ``failed`` at
its end; a loader (or its bulk writer) killed in between left it ``running`` for ever, and
``linkrisk status`` said so. The process that records a load now holds an exclusive
``flock`` on ``<store>.loads/<load_id>.lock`` until it records the end. The kernel drops the
lock with the process, however it dies (``kill -9``, out of memory, a lost container), and,
unlike a recorded pid, a lock cannot be confused with an unrelated process that got the same pid
later or runs in another pid namespace. When a store is opened, a ``running`` load whose lock
can be taken has no writer any more and is marked ``failed``.

The lock file is created and locked inside the transaction that inserts the load row, and the
check runs in a write transaction too, so a load is never seen ``running`` without its lock.
(Advisory locks need a local file system — as SQLite's WAL mode already does.)
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class LoadLocks:
    """The lock files of a store's running loads, and the ones this process holds."""

    def __init__(self, db_path: Path) -> None:
        self.directory = db_path.with_name(db_path.name + ".loads")
        self._held: dict[int, int] = {}  # load id → file descriptor holding its lock

    def _path(self, load_id: int) -> Path:
        return self.directory / f"{load_id}.lock"

    def hold(self, load_id: int) -> None:
        """Create and lock the load's file (the caller is inside the inserting transaction)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._path(load_id), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.write(fd, f"{os.getpid()}\n".encode())  # for people; the lock is what counts
        except BaseException:
            os.close(fd)
            raise
        self._held[load_id] = fd

    def release(self, load_id: int | None) -> None:
        """Drop the lock after the end of the load is recorded, and its file."""
        fd = self._held.pop(load_id, None) if load_id is not None else None
        if fd is None:
            return
        self._path(load_id).unlink(missing_ok=True)  # type: ignore[arg-type]
        os.close(fd)

    def writer_alive(self, load_id: int) -> bool:
        """Whether some process still holds the load's lock (this one included)."""
        if load_id in self._held:
            return True
        try:
            fd = os.open(self._path(load_id), os.O_RDWR)
        except FileNotFoundError:
            return False  # recorded before locks existed, or its writer is long gone
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)  # closing drops a lock taken here
        return False

    def forget(self, load_id: int) -> None:
        """Remove the lock file of a load found without a writer."""
        self._path(load_id).unlink(missing_ok=True)
