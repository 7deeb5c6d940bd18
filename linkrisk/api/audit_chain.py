"""The audit log's chain: how a record's hash is computed, with which key, and the settings of
the checkpoints that anchor it outside the database.

A record's hash is ``HMAC-SHA256(chain key, prev_hash + canonical JSON of its fields)``: without
``LINKRISK_AUDIT_KEY`` nobody can compute one, so whoever can write the database but does not
hold the key cannot alter, insert or renumber a record and re-chain the rest. Records written
before the chain was keyed (up to the store's ``audit_legacy.upto``) keep their public
``SHA-256(prev_hash + …)``. The secret is never stored in the database; two keys are derived
from it (one per use), so that a record's hash can never pass for a checkpoint's signature.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from linkrisk.config import Settings

GENESIS = "0" * 64  # the "previous hash" of the first record and of the first checkpoint


def canonical_json(fields: dict[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def legacy_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """The public chain of the records written before the key (anyone can recompute it)."""
    return hashlib.sha256((prev_hash + canonical_json(fields)).encode()).hexdigest()


def same(computed: str, stored: str) -> bool:
    """Constant-time comparison of a computed hash with a stored one (whatever text it holds)."""
    return hmac.compare_digest(computed.encode(), stored.encode("utf-8", "backslashreplace"))


def _derive(secret: bytes, purpose: str) -> bytes:
    return hmac.new(secret, f"linkrisk audit {purpose} v1".encode(), hashlib.sha256).digest()


@dataclass(frozen=True, slots=True, repr=False)
class AuditKey:
    """The keys derived from ``LINKRISK_AUDIT_KEY``: records, checkpoints, and a fingerprint
    (printed, and written into each checkpoint, so that a wrong key is told from a forgery)."""

    chain: bytes
    checkpoint: bytes
    fingerprint: str

    @classmethod
    def derive(cls, secret: str) -> AuditKey:
        raw = secret.encode()
        return cls(
            chain=_derive(raw, "chain"),
            checkpoint=_derive(raw, "checkpoint"),
            fingerprint=_derive(raw, "fingerprint").hex()[:16],
        )

    def record_hash(self, prev_hash: str, fields: dict[str, Any]) -> str:
        message = (prev_hash + canonical_json(fields)).encode()
        return hmac.new(self.chain, message, hashlib.sha256).hexdigest()

    def sign(self, fields: dict[str, Any]) -> str:
        message = canonical_json(fields).encode()
        return hmac.new(self.checkpoint, message, hashlib.sha256).hexdigest()

    def __repr__(self) -> str:
        return f"AuditKey(fingerprint={self.fingerprint!r})"


@dataclass(frozen=True, slots=True)
class AuditConfig:
    """What the audit log's writer and verifier need: the key and where checkpoints go."""

    key: AuditKey
    checkpoints: Path | None  # None: no checkpoints (a unit test's log)
    every: int = 1000  # records between automatic checkpoints
    seconds: float = 300.0  # at most this long between a record and its checkpoint

    @classmethod
    def from_settings(cls, settings: Settings) -> AuditConfig:
        return cls(
            key=AuditKey.derive(settings.audit_key.get_secret_value()),
            checkpoints=settings.audit_checkpoint_path,
            every=settings.audit_checkpoint_every,
            seconds=settings.audit_checkpoint_seconds,
        )
