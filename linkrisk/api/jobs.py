"""Background jobs for large batch credit checks.

A check list at or above ``settings.check_job_threshold`` entries is not answered in the
request: it becomes a job, run on one worker thread over the state it was submitted against,
with its progress in the ``check_jobs`` table (so any server process can report it) and its
result written as JSON and CSV files under ``data_dir/api/jobs``. Only keys of the organisation
that submitted a job can see it. Raw ID numbers never reach a job: entries hold subject keys.
"""

from __future__ import annotations

import csv
import json
import logging
import secrets
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from linkrisk.api.auth import ApiKey, now_iso
from linkrisk.api.checks import CSV_COLUMNS, Entry, check_entries, csv_row
from linkrisk.api.state import ServingState
from linkrisk.errors import Conflict, NotFound
from linkrisk.graph.embedded.store import EmbeddedStore

log = logging.getLogger("linkrisk.api")
CHUNK = 10_000  # entries between progress updates


@dataclass(frozen=True, slots=True)
class JobInfo:
    job_id: str
    org: str
    key_id: str
    status: str  # queued | running | done | failed
    total: int
    done: int
    snapshot_id: str | None
    created: str
    finished: str | None
    error: str | None


_COLUMNS = "job_id, org, key_id, status, total, done, snapshot_id, created, finished, error"


class CheckJobs:
    """Submits, runs and reports check jobs (one worker thread per server process)."""

    def __init__(
        self, store: EmbeddedStore, directory: Path, tier_labels: Mapping[str, str]
    ) -> None:
        self._store = store
        self.directory = directory
        self._labels = dict(tier_labels)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="linkrisk-check")

    def submit(self, key: ApiKey, state: ServingState, entries: Sequence[Entry]) -> JobInfo:
        job_id = "j_" + secrets.token_hex(8)
        self._store.execute(
            f"INSERT INTO check_jobs ({_COLUMNS})"
            " VALUES (?, ?, ?, 'queued', ?, 0, ?, ?, NULL, NULL)",
            (job_id, key.org, key.key_id, len(entries), state.version, now_iso()),
        )
        self._pool.submit(self._run, job_id, state, list(entries))
        return self.get(job_id, key)

    def _run(self, job_id: str, state: ServingState, entries: list[Entry]) -> None:
        self._store.execute("UPDATE check_jobs SET status = 'running' WHERE job_id = ?", (job_id,))
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            json_tmp, csv_tmp = self._path(job_id, "json.tmp"), self._path(job_id, "csv.tmp")
            with (
                json_tmp.open("w", encoding="utf-8") as js,
                csv_tmp.open("w", newline="", encoding="utf-8") as cs,
            ):
                writer = csv.writer(cs)
                writer.writerow(CSV_COLUMNS)
                js.write(f'{{"job": "{job_id}", "snapshot": "{state.version}", "results": [\n')
                for start in range(0, len(entries), CHUNK):
                    results = check_entries(state, entries[start : start + CHUNK], self._labels)
                    for i, result in enumerate(results):
                        sep = ",\n" if start + i else ""
                        js.write(sep + json.dumps(result, ensure_ascii=False))
                        writer.writerow(csv_row(result))
                    self._store.execute(
                        "UPDATE check_jobs SET done = ? WHERE job_id = ?",
                        (start + len(results), job_id),
                    )
                js.write("\n]}\n")
            json_tmp.replace(self._path(job_id, "json"))
            csv_tmp.replace(self._path(job_id, "csv"))
        except Exception as exc:
            log.exception("check job %s failed", job_id)
            self._store.execute(
                "UPDATE check_jobs SET status = 'failed', finished = ?, error = ? WHERE job_id = ?",
                (now_iso(), f"{type(exc).__name__}: {exc}"[:500], job_id),
            )
        else:
            self._store.execute(
                "UPDATE check_jobs SET status = 'done', finished = ? WHERE job_id = ?",
                (now_iso(), job_id),
            )

    def _path(self, job_id: str, suffix: str) -> Path:
        return self.directory / f"{job_id}.{suffix}"

    def get(self, job_id: str, key: ApiKey) -> JobInfo:
        """A job of the caller's organisation (``NotFound`` for other organisations' jobs too)."""
        rows = self._store.execute(f"SELECT {_COLUMNS} FROM check_jobs WHERE job_id = ?", (job_id,))
        if not rows or rows[0][1] != key.org:
            raise NotFound(f"no check job {job_id} for organisation {key.org}")
        jid, org, kid, status, total, done, snap, created, finished, error = rows[0]
        return JobInfo(
            str(jid),
            str(org),
            str(kid),
            str(status),
            int(total),
            int(done),
            None if snap is None else str(snap),
            str(created),
            None if finished is None else str(finished),
            None if error is None else str(error),
        )

    def result_file(self, job_id: str, key: ApiKey, fmt: str) -> Path:
        """The finished job's result file (``Conflict`` while it is still running)."""
        job = self.get(job_id, key)
        if job.status != "done":
            raise Conflict(
                f"check job {job_id} is {job.status}: its result is not ready",
                status_now=job.status,
            )
        return self._path(job_id, fmt)

    def wait(self) -> None:
        """Block until queued jobs have run (tests, shutdown)."""
        self._pool.submit(lambda: None).result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)
