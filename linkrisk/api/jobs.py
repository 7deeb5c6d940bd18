"""Background jobs for large batch credit checks.

A check list at or above ``settings.check_job_threshold`` entries is not answered in the
request: it becomes a job, run on one worker thread over the state it was submitted against,
with its progress in the ``check_jobs`` table (so any server process can report it) and its
result written as JSON and CSV files under ``data_dir/api/jobs``. Raw ID numbers never reach a
job: entries hold subject keys and masked numbers.

Who may read a job follows the organisation *and* the role that may create such a job: a job
that checked persons (regulator keys only) is for regulator keys of its organisation, one of
organisations only for regulator and investigator keys of it; admin keys may read any.
Result files are not kept forever: a finished job expires ``check_job_retention_days`` after it
finished, and an organisation's files are held under ``check_job_quota_bytes`` (its oldest jobs
expire first). Expiry removes the files and keeps the row, so that the job answers 410 Gone
with the reason; it is applied whenever a job is created, finishes, is listed or is looked up.
"""

from __future__ import annotations

import io
import json
import logging
import secrets
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from linkrisk.api.auth import ApiKey, Role, now_iso
from linkrisk.api.checks import CSV_COLUMNS, Entry, check_entries, csv_row
from linkrisk.api.state import ServingState
from linkrisk.errors import Conflict, Forbidden, Gone, NotFound
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.loaders.spreadsheet import SafeCsvWriter

log = logging.getLogger("linkrisk.api")
CHUNK = 10_000  # entries between progress updates


@dataclass(frozen=True, slots=True)
class JobInfo:
    job_id: str
    org: str
    key_id: str
    status: str  # queued | running | done | failed | expired
    total: int
    done: int
    snapshot_id: str | None
    created: str
    finished: str | None
    error: str | None
    persons: bool = False  # checked persons by ID number: for regulator keys only
    kind: str = "credit"  # credit (信用核查) | measures (信易+ window batch, api/measures.py)

    def readable_by(self, key: ApiKey) -> bool:
        """Admin keys, and keys of its organisation whose role may create such a job."""
        if key.role is Role.ADMIN:
            return True
        if self.kind == "measures":
            roles = {Role.WINDOW, Role.REGULATOR}
        else:
            roles = {Role.REGULATOR} if self.persons else {Role.REGULATOR, Role.INVESTIGATOR}
        return key.org == self.org and key.role in roles

    @property
    def age_from(self) -> datetime:
        return datetime.fromisoformat(self.finished or self.created)


_COLUMNS = (
    "job_id, org, key_id, status, total, done, snapshot_id, created, finished, error, persons, kind"
)
FINISHED = ("done", "failed")


def _job(row: tuple[object, ...]) -> JobInfo:
    jid, org, kid, status, total, done, snap, created, finished, error, persons, kind = row
    return JobInfo(
        str(jid),
        str(org),
        str(kid),
        str(status),
        int(str(total)),
        int(str(done)),
        None if snap is None else str(snap),
        str(created),
        None if finished is None else str(finished),
        None if error is None else str(error),
        bool(persons),
        str(kind),
    )


class JobRunner(Protocol):
    """What a kind of job computes for a chunk of entries, rendered: one JSON text per entry
    and the chunk's CSV lines (every cell made safe, ``SafeCsvWriter``)."""

    @property
    def kind(self) -> str: ...

    @property
    def columns(self) -> Sequence[str]: ...

    def render(self, state: ServingState, entries: Sequence[Entry]) -> tuple[list[str], str]: ...


class CreditChecks:
    """The credit check (信用核查) job: ``check_entries`` per chunk."""

    kind = "credit"
    columns = CSV_COLUMNS

    def __init__(self, tier_labels: Mapping[str, str]) -> None:
        self._labels = dict(tier_labels)

    def render(self, state: ServingState, entries: Sequence[Entry]) -> tuple[list[str], str]:
        results = check_entries(state, entries, self._labels)
        buffer = io.StringIO()
        writer = SafeCsvWriter(buffer)  # an input echoed as "=1+2" stays text
        for result in results:
            writer.writerow(csv_row(result))
        return [json.dumps(r, ensure_ascii=False) for r in results], buffer.getvalue()


class CheckJobs:
    """Submits, runs and reports check jobs (one worker thread per server process)."""

    def __init__(
        self,
        store: EmbeddedStore,
        directory: Path,
        tier_labels: Mapping[str, str],
        *,
        retention_days: float = 7,
        quota_bytes: int = 1 << 30,
    ) -> None:
        self._store = store
        self.directory = directory
        self._labels = dict(tier_labels)
        self.retention = timedelta(days=retention_days)
        self.quota_bytes = quota_bytes
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="linkrisk-check")

    def submit(
        self,
        key: ApiKey,
        state: ServingState,
        entries: Sequence[Entry],
        runner: JobRunner | None = None,
    ) -> JobInfo:
        self.clean_up(key.org)
        chosen: JobRunner = runner or CreditChecks(self._labels)
        job_id = "j_" + secrets.token_hex(8)
        persons = any(e.kind == "person" for e in entries)
        self._store.execute(
            f"INSERT INTO check_jobs ({_COLUMNS})"
            " VALUES (?, ?, ?, 'queued', ?, 0, ?, ?, NULL, NULL, ?, ?)",
            (
                job_id,
                key.org,
                key.key_id,
                len(entries),
                state.version,
                now_iso(),
                int(persons),
                chosen.kind,
            ),
        )
        self._pool.submit(self._run, job_id, state, list(entries), chosen)
        return self.get(job_id, key)

    def _run(
        self, job_id: str, state: ServingState, entries: list[Entry], runner: JobRunner
    ) -> None:
        self._store.execute("UPDATE check_jobs SET status = 'running' WHERE job_id = ?", (job_id,))
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            json_tmp, csv_tmp = self._path(job_id, "json.tmp"), self._path(job_id, "csv.tmp")
            with (
                json_tmp.open("w", encoding="utf-8") as js,
                csv_tmp.open("w", newline="", encoding="utf-8") as cs,
            ):
                writer = SafeCsvWriter(cs)  # an input echoed as "=1+2" stays text
                writer.writerow(runner.columns)
                js.write(f'{{"job": "{job_id}", "snapshot": "{state.version}", "results": [\n')
                for start in range(0, len(entries), CHUNK):
                    items, lines = runner.render(state, entries[start : start + CHUNK])
                    js.write((",\n" if start else "") + ",\n".join(items))
                    cs.write(lines)
                    self._store.execute(
                        "UPDATE check_jobs SET done = ? WHERE job_id = ?",
                        (start + len(items), job_id),
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
        rows = self._store.execute("SELECT org FROM check_jobs WHERE job_id = ?", (job_id,))
        self.clean_up(str(rows[0][0]))

    def _path(self, job_id: str, suffix: str) -> Path:
        return self.directory / f"{job_id}.{suffix}"

    def _row(self, job_id: str) -> JobInfo | None:
        rows = self._store.execute(f"SELECT {_COLUMNS} FROM check_jobs WHERE job_id = ?", (job_id,))
        return _job(rows[0]) if rows else None

    def get(self, job_id: str, key: ApiKey) -> JobInfo:
        """A job the caller may read (``NotFound`` for other organisations' jobs too,
        ``Forbidden`` for a role that may not read it, ``Gone`` once it expired)."""
        job = self._row(job_id)
        if job is None or (key.role is not Role.ADMIN and job.org != key.org):
            raise NotFound(f"no check job {job_id} for organisation {key.org}")
        if not job.readable_by(key):
            raise Forbidden(
                f"check job {job_id} checked persons by ID number: its results are for"
                " regulator keys of the organisation"
                if job.persons and job.kind == "credit"
                else f"check job {job_id} is not for {key.role.value} keys",
                role=key.role.value,
            )
        if job.status in FINISHED and self._expired_by_age(job):
            self.clean_up(job.org)
            job = self._row(job_id) or job
        if job.status == "expired":
            raise Gone(f"check job {job_id} expired: {job.error}", finished=job.finished)
        return job

    def visible(self, key: ApiKey) -> list[JobInfo]:
        """The jobs the caller may read, newest first (after expiring old ones)."""
        if key.role is Role.ADMIN:
            orgs = [str(r[0]) for r in self._store.execute("SELECT DISTINCT org FROM check_jobs")]
        else:
            orgs = [key.org]
        jobs: list[JobInfo] = []
        for org in orgs:
            self.clean_up(org)
            rows = self._store.execute(
                f"SELECT {_COLUMNS} FROM check_jobs WHERE org = ? AND status != 'expired'"
                " ORDER BY created DESC, job_id",
                (org,),
            )
            jobs += [j for j in map(_job, rows) if j.readable_by(key)]
        return sorted(jobs, key=lambda j: j.created, reverse=True)

    # -- retention and quota ---------------------------------------------------------------
    def _expired_by_age(self, job: JobInfo) -> bool:
        return datetime.now(UTC) - job.age_from > self.retention

    def _size(self, job_id: str) -> int:
        return sum(
            p.stat().st_size for p in (self._path(job_id, f) for f in ("json", "csv")) if p.exists()
        )

    def clean_up(self, org: str) -> list[str]:
        """Expire the organisation's finished jobs past the retention age, then its oldest
        ones until its files fit in the quota; returns the expired job ids."""
        rows = self._store.execute(
            f"SELECT {_COLUMNS} FROM check_jobs WHERE org = ? AND status IN ('done', 'failed')"
            " ORDER BY created DESC, job_id",
            (org,),
        )
        days = self.retention / timedelta(days=1)
        expired: list[tuple[str, str]] = []
        used = 0
        for job in map(_job, rows):
            if self._expired_by_age(job):
                expired.append((job.job_id, f"results are kept {days:g} days after a job ends"))
                continue
            used += self._size(job.job_id)
            if used > self.quota_bytes:
                expired.append(
                    (
                        job.job_id,
                        f"removed to keep organisation {org}'s check-job files within the"
                        f" quota of {self.quota_bytes:,} bytes (newer jobs are kept first)",
                    )
                )
        for job_id, why in expired:
            for suffix in ("json", "csv"):
                self._path(job_id, suffix).unlink(missing_ok=True)
            self._store.execute(
                "UPDATE check_jobs SET status = 'expired', error = ? WHERE job_id = ?",
                (why, job_id),
            )
            log.info("check job %s expired: %s", job_id, why)
        return [job_id for job_id, _ in expired]

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
