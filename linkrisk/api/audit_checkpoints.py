"""Signed checkpoints of the audit log, appended to a file outside the database.

A checkpoint says "the log held ``seq`` records, the last one hashed ``head``, the records up to
``legacy_upto`` are unkeyed, at ``ts``", signed with the audit key (HMAC-SHA256) and chained to
the checkpoint before it (``prev`` is that one's signature). Someone who can rewrite the
database but not this file, and does not hold the key, can then neither cut records off the end
(the log ends before a checkpoint's ``seq``), nor replace the log by another chain (the record at
a checkpoint's ``seq`` does not hash to its ``head``), nor pass keyed records off as legacy ones
(``legacy_upto`` moved), nor empty it; and cannot forge a checkpoint.

The file is one JSON object per line, appended under an exclusive ``flock`` (several API workers
share it) and synced; keep it on append-only storage or ship it elsewhere (``docs/security.md``).
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from linkrisk.api.audit_chain import GENESIS, AuditKey, same
from linkrisk.errors import IntegrityError

VERSION = 1
_TAIL_BYTES = 4096  # more than one line: the last checkpoint is read from the end of the file


@dataclass(frozen=True, slots=True)
class Checkpoint:
    v: int
    seq: int
    head: str
    legacy_upto: int
    ts: str
    key: str  # the audit key's fingerprint
    prev: str  # the signature of the checkpoint before (GENESIS for the first)
    sig: str

    def signed_fields(self) -> dict[str, Any]:
        fields = asdict(self)
        del fields["sig"]
        return fields

    def line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":")) + "\n"


def _parse(text: str, number: int) -> Checkpoint:
    try:
        fields = json.loads(text)
        checkpoint = Checkpoint(**fields)
        ints = (checkpoint.v, checkpoint.seq, checkpoint.legacy_upto)
        strs = (checkpoint.head, checkpoint.ts, checkpoint.key, checkpoint.prev, checkpoint.sig)
        if not all(type(i) is int for i in ints) or not all(isinstance(s, str) for s in strs):
            raise TypeError("wrong field types")
    except (ValueError, TypeError) as exc:
        raise IntegrityError(
            f"audit checkpoint {number} is malformed ({type(exc).__name__}): not a checkpoint line",
            checkpoint=number,
        ) from None
    return checkpoint


def read_checkpoints(path: Path | None, key: AuditKey) -> list[Checkpoint]:
    """Every checkpoint in ``path`` (none if it does not exist), each signature and link checked;
    ``IntegrityError`` names the first checkpoint (by line) that does not verify."""
    if path is None or not path.exists():
        return []
    checkpoints: list[Checkpoint] = []
    prev = GENESIS
    with path.open("rb") as file:
        fcntl.flock(file, fcntl.LOCK_SH)  # no line half-appended by a writer
        lines = file.read().decode("utf-8", "replace").splitlines()
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        checkpoint = _parse(text, number)
        if checkpoint.key != key.fingerprint:
            raise IntegrityError(
                f"audit checkpoint {number} was signed with another key (fingerprint"
                f" {checkpoint.key}, LINKRISK_AUDIT_KEY has {key.fingerprint}): forged, or"
                " the key is not the one the log was written with",
                checkpoint=number,
            )
        if not same(key.sign(checkpoint.signed_fields()), checkpoint.sig):
            raise IntegrityError(
                f"audit checkpoint {number} has a bad signature: forged or altered",
                checkpoint=number,
            )
        if checkpoint.prev != prev:
            raise IntegrityError(
                f"audit checkpoint {number} does not follow the one before it: checkpoints"
                " were removed or reordered",
                checkpoint=number,
            )
        if checkpoints and checkpoint.seq < checkpoints[-1].seq:
            raise IntegrityError(
                f"audit checkpoint {number} records fewer records ({checkpoint.seq}) than the"
                f" one before it ({checkpoints[-1].seq})",
                checkpoint=number,
            )
        checkpoints.append(checkpoint)
        prev = checkpoint.sig
    return checkpoints


def _last(file: IO[bytes]) -> Checkpoint | None:
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(max(0, size - _TAIL_BYTES))
    lines = [line for line in file.read().split(b"\n") if line.strip()]
    return _parse(lines[-1].decode("utf-8", "replace"), 0) if lines else None


def append_checkpoint(
    path: Path, key: AuditKey, seq: int, head: str, legacy_upto: int, *, again: bool = False
) -> Checkpoint | None:
    """Sign and append a checkpoint of the head ``(seq, head)``; ``None`` if the file's last
    checkpoint already covers it (a later one, or the same one unless ``again``).
    ``IntegrityError`` if the last checkpoint contradicts it (the log was cut or replaced)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+b") as file:
        fcntl.flock(file, fcntl.LOCK_EX)  # released when the file is closed
        last = _last(file)
        if last is not None and (last.seq > seq or (last.seq == seq and last.head != head)):
            raise IntegrityError(
                f"the audit log's head (record {seq}) is behind or differs from its last"
                f" checkpoint (record {last.seq}, {last.ts}): run `linkrisk audit verify`",
                seq=seq,
            )
        if last is not None and last.seq == seq and not again:
            return None
        unsigned = Checkpoint(
            v=VERSION,
            seq=seq,
            head=head,
            legacy_upto=legacy_upto,
            ts=datetime.now(UTC).isoformat(timespec="milliseconds"),
            key=key.fingerprint,
            prev=last.sig if last is not None else GENESIS,
            sig="",
        )
        checkpoint = replace(unsigned, sig=key.sign(unsigned.signed_fields()))
        file.write(checkpoint.line().encode())
        file.flush()
        os.fsync(file.fileno())
    return checkpoint
