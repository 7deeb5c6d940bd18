"""Audit records: what a request contributes (``AuditEntry``), what is stored and chained
(``AuditRecord``), and the one place where they are serialised to rows and read back.

``storable`` makes any entry storable: text UTF-8 cannot encode (a lone surrogate) is written
escaped (``\\ud800``) and every field is bounded; an entry that still cannot be serialised is
recorded by ``failed_entry`` in its place.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from linkrisk.api.audit_chain import AuditConfig
from linkrisk.errors import IntegrityError

_FIELDS = (
    "seq",
    "ts",
    "key_id",
    "org",
    "role",
    "method",
    "endpoint",
    "subjects",
    "purpose",
    "status",
    "auth",
)


_OPTIONAL_TEXT = frozenset({"key_id", "org", "role", "purpose", "auth"})  # NULL when unknown


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """What a request contributes; sequence, time and hashes are added when it is appended."""

    method: str
    endpoint: str
    status: int
    key_id: str | None = None
    org: str | None = None
    role: str | None = None
    subjects: tuple[str, ...] = ()
    purpose: str | None = None
    auth: str | None = None  # what the presented key was (``linkrisk.api.auth.AuthState``)


@dataclass(frozen=True, slots=True)
class AuditRecord:
    seq: int
    ts: str
    key_id: str | None
    org: str | None
    role: str | None
    method: str
    endpoint: str
    subjects: tuple[str, ...]
    purpose: str | None
    status: int
    prev_hash: str
    hash: str
    auth: str | None = None  # NULL in records written before it was recorded

    def body(self) -> dict[str, Any]:
        """The hashed fields (everything but the two hashes; ``auth`` only when recorded, so
        that the records written before it still hash as they did)."""
        body = {
            "seq": self.seq,
            "ts": self.ts,
            "key_id": self.key_id,
            "org": self.org,
            "role": self.role,
            "method": self.method,
            "endpoint": self.endpoint,
            "subjects": list(self.subjects),
            "purpose": self.purpose,
            "status": self.status,
        }
        if self.auth is not None:
            body["auth"] = self.auth
        return body


#: The longest text kept per field: a path, a key or a subject key is bounded, so that no request
#: can make its record arbitrarily large (the subjects of a batch are many, each bounded).
_LIMITS = {
    "method": 16,
    "endpoint": 512,
    "key_id": 64,
    "org": 200,
    "role": 32,
    "purpose": 64,
    "auth": 16,
}
_SUBJECT_LIMIT = 256


def _text(value: object, limit: int) -> str:
    text = value if isinstance(value, str) else str(value)
    if not text.isascii():
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def storable(entry: AuditEntry) -> AuditEntry:
    """``entry`` as it can always be stored and hashed: text escaped where UTF-8 cannot encode
    it, fields bounded, the status an integer."""
    texts = {
        name: None if getattr(entry, name) is None else _text(getattr(entry, name), limit)
        for name, limit in _LIMITS.items()
    }
    return AuditEntry(
        method=texts["method"] or "",
        endpoint=texts["endpoint"] or "",
        status=int(entry.status),
        key_id=texts["key_id"],
        org=texts["org"],
        role=texts["role"],
        subjects=tuple(_text(s, _SUBJECT_LIMIT) for s in entry.subjects),
        purpose=texts["purpose"],
        auth=texts["auth"],
    )


def failed_entry(entry: AuditEntry, error: Exception) -> AuditEntry:
    """What is recorded in place of an entry that cannot be serialised: the request happened."""
    return AuditEntry(
        method=_text(getattr(entry, "method", "?"), _LIMITS["method"]),
        endpoint=_text(f"(audit record failed: {type(error).__name__})", _LIMITS["endpoint"]),
        status=entry.status if isinstance(entry.status, int) else 0,
        auth=entry.auth if isinstance(entry.auth, str) else None,
    )


def _kind(value: object) -> str:
    if value is None:
        return "missing"
    if isinstance(value, bytes):
        return "bytes"
    return "a number" if isinstance(value, int | float) else "text"


def _malformed(seq: object, what: str, field: str) -> IntegrityError:
    where = f"audit record {seq}" if type(seq) is int else "an audit record"
    return IntegrityError(f"{where} is malformed: {what}", seq=seq, field=field)


def record_of(row: Sequence[Any]) -> AuditRecord:
    """The record of an ``audit`` row selected by ``SELECT_RECORDS``; ``IntegrityError`` names
    the record and the field that is not what the log writes (never its value)."""
    values = dict(zip((*_FIELDS, "prev_hash", "hash"), row, strict=True))
    seq = values["seq"]
    for name, value in values.items():
        if name in {"seq", "status"}:
            if type(value) is not int:
                raise _malformed(seq, f"{name} is {_kind(value)}, not an integer", name)
        elif name in _OPTIONAL_TEXT:
            if value is not None and not isinstance(value, str):
                raise _malformed(seq, f"{name} is {_kind(value)}, not text", name)
        elif not isinstance(value, str):
            raise _malformed(seq, f"{name} is {_kind(value)}, not text", name)
    try:
        subjects = json.loads(values["subjects"])
    except ValueError:
        subjects = None
    if not isinstance(subjects, list) or not all(isinstance(s, str) for s in subjects):
        raise _malformed(seq, "subjects is not a JSON list of subject keys", "subjects")
    return AuditRecord(
        seq,
        values["ts"],
        values["key_id"],
        values["org"],
        values["role"],
        values["method"],
        values["endpoint"],
        tuple(subjects),
        values["purpose"],
        values["status"],
        values["prev_hash"],
        values["hash"],
        values["auth"],
    )


SELECT_RECORDS = f"SELECT {', '.join(_FIELDS)}, prev_hash, hash FROM audit"
INSERT_RECORDS = (
    f"INSERT INTO audit ({', '.join(_FIELDS)}, prev_hash, hash)"
    f" VALUES ({', '.join('?' for _ in _FIELDS)}, ?, ?)"
)


def serialised(
    config: AuditConfig, seq: int, ts: str, prev: str, entry: AuditEntry
) -> tuple[AuditRecord, tuple[Any, ...]]:
    """The record of ``entry`` chained (keyed) to ``prev``, and its row."""
    record = AuditRecord(
        seq,
        ts,
        entry.key_id,
        entry.org,
        entry.role,
        entry.method,
        entry.endpoint,
        entry.subjects,
        entry.purpose,
        entry.status,
        prev,
        "",
        entry.auth,
    )
    body = record.body()
    digest = config.key.record_hash(prev, body)
    body["subjects"] = json.dumps(body["subjects"], ensure_ascii=False)
    return replace(record, hash=digest), (*[body.get(f) for f in _FIELDS], prev, digest)
