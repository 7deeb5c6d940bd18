"""API keys: random secrets shown once, stored as SHA-256 hashes under a short public key id.

A key looks like ``lr_`` + 32 URL-safe characters. Its first 11 characters (``lr_`` + 8) are the
key id, printed in listings and written to the audit log; the rest never leaves the caller.
Looking a key up by id and comparing hashes in constant time means a leaked database gives no
usable key, and a typo can be told apart from a revoked key in the logs: ``KeyRing.identify``
says what a presented key is (``AuthState``), and the audit log records it with the key id of a
revoked key, or of a known id presented with a wrong secret.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from linkrisk.errors import InputError, NotFound, Unauthenticated
from linkrisk.graph.embedded.store import EmbeddedStore

KEY_PREFIX = "lr_"
KEY_ID_LENGTH = 11  # "lr_" + 8 characters: ~48 bits, plenty to tell keys apart, useless alone
KEY_LENGTH = 35  # "lr_" + 32 URL-safe characters (24 random bytes)
KNOWN_SCOPES = frozenset({"pii"})  # pii: persons' names unmasked for investigators
CACHE_SECONDS = 1.0  # a revocation made by the CLI reaches running servers within a second


class Role(StrEnum):
    LENDER = "lender"  # 信易贷 bank: consented scores only
    INVESTIGATOR = "investigator"  # 稽查 / 信用办 analyst: the graph around firms
    REGULATOR = "regulator"  # 执法部门: 双随机 plans, batch credit checks
    ADMIN = "admin"  # keys, consents, audit
    WINDOW = "window"  # 信易+ service window: measure checks and feedback, nothing of the graph


class AuthState(StrEnum):
    """What the presented key turned out to be (recorded in the audit log as ``auth``)."""

    VALID = "valid"  # an active key
    REVOKED = "revoked"  # a known key, revoked: its id, role and organisation are recorded
    WRONG_SECRET = "wrong-secret"  # a known key id with another secret: the id is recorded
    UNKNOWN = "unknown"  # well-formed, but no such key id
    MALFORMED = "malformed"  # not an lr_… key
    MISSING = "missing"  # no key presented
    UNCHECKED = "unchecked"  # refused before any key was looked at (rate limit, bad request)


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A key's record (never the secret itself)."""

    key_id: str
    role: Role
    org: str
    scopes: frozenset[str]
    label: str | None
    created: str
    revoked: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked is None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


@dataclass(frozen=True, slots=True)
class Identity:
    """Who presented what: the state, the key's record (active or revoked) and the key id."""

    state: AuthState
    key: ApiKey | None = None
    key_id: str | None = None

    def require(self) -> ApiKey:
        """The active key, else ``Unauthenticated`` saying why."""
        if self.state is AuthState.VALID and self.key is not None:
            return self.key
        if self.state is AuthState.REVOKED and self.key is not None:
            raise Unauthenticated(
                f"the API key {self.key.key_id} was revoked on {self.key.revoked}"
            )
        if self.state is AuthState.MALFORMED:
            raise Unauthenticated("the API key is malformed")
        if self.state is AuthState.MISSING:
            raise Unauthenticated(
                "send an API key in the X-API-Key header (or Authorization: Bearer)"
            )
        raise Unauthenticated("the API key is not known")


def presented_secret(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """The key in ``X-API-Key``, else in ``Authorization: Bearer`` (raw ASGI headers)."""
    bearer = None
    for name, value in headers:
        if name == b"x-api-key" and value:
            return value.decode("latin-1")
        if name == b"authorization" and bearer is None:
            scheme, _, credentials = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer":
                bearer = credentials.strip()
    return bearer


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def generate_key() -> str:
    """A new random key: ``lr_`` + 32 URL-safe characters."""
    return KEY_PREFIX + secrets.token_urlsafe(24)


def _check_scopes(scopes: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(s.strip() for s in scopes if s.strip())
    unknown = chosen - KNOWN_SCOPES
    if unknown:
        raise InputError(
            f"unknown scopes {sorted(unknown)}: known scopes are {sorted(KNOWN_SCOPES)}"
        )
    return chosen


def _row_to_key(row: tuple[object, ...]) -> ApiKey:
    key_id, role, org, scopes, label, created, revoked = row
    return ApiKey(
        key_id=str(key_id),
        role=Role(str(role)),
        org=str(org),
        scopes=frozenset(str(scopes).split()),
        label=None if label is None else str(label),
        created=str(created),
        revoked=None if revoked is None else str(revoked),
    )


_COLUMNS = "key_id, role, org, scopes, label, created, revoked"


def create_key(
    store: EmbeddedStore,
    role: Role | str,
    org: str,
    scopes: Iterable[str] = (),
    label: str | None = None,
) -> tuple[ApiKey, str]:
    """Create a key; returns its record and the secret (not stored: it cannot be shown again)."""
    if not org.strip():
        raise InputError("a key needs an organisation (--org)")
    try:
        role = Role(role)
    except ValueError:
        raise InputError(f"unknown role {role!r}: use one of {[r.value for r in Role]}") from None
    chosen = _check_scopes(scopes)
    secret = generate_key()
    record = ApiKey(secret[:KEY_ID_LENGTH], role, org.strip(), chosen, label, now_iso())
    store.execute(
        "INSERT INTO api_keys (key_id, key_hash, role, org, scopes, label, created)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            record.key_id,
            hash_key(secret),
            role.value,
            record.org,
            " ".join(sorted(chosen)),
            label,
            record.created,
        ),
    )
    return record, secret


def list_keys(store: EmbeddedStore, *, include_revoked: bool = True) -> list[ApiKey]:
    where = "" if include_revoked else " WHERE revoked IS NULL"
    rows = store.execute(f"SELECT {_COLUMNS} FROM api_keys{where} ORDER BY created, key_id")
    return [_row_to_key(r) for r in rows]


def get_key(store: EmbeddedStore, key_id: str) -> ApiKey:
    rows = store.execute(f"SELECT {_COLUMNS} FROM api_keys WHERE key_id = ?", (key_id,))
    if not rows:
        raise NotFound(f"no API key with id {key_id}")
    return _row_to_key(rows[0])


def revoke_key(store: EmbeddedStore, key_id: str) -> ApiKey:
    """Revoke a key (idempotent: a revoked key keeps its first revocation time)."""
    get_key(store, key_id)
    store.execute(
        "UPDATE api_keys SET revoked = ? WHERE key_id = ? AND revoked IS NULL", (now_iso(), key_id)
    )
    return get_key(store, key_id)


class KeyRing:
    """Authenticates presented secrets against the store, caching records for ``CACHE_SECONDS``."""

    def __init__(self, store: EmbeddedStore, cache_seconds: float = CACHE_SECONDS) -> None:
        self._store = store
        self._ttl = cache_seconds
        self._cache: dict[str, tuple[float, str, ApiKey] | tuple[float, None, None]] = {}
        self._lock = threading.Lock()

    def _lookup(self, key_id: str) -> tuple[str, ApiKey] | None:
        now = time.monotonic()
        cached = self._cache.get(key_id)
        if cached is None or cached[0] < now:
            rows = self._store.execute(
                f"SELECT key_hash, {_COLUMNS} FROM api_keys WHERE key_id = ?", (key_id,)
            )
            entry: tuple[float, str, ApiKey] | tuple[float, None, None]
            entry = (
                (now + self._ttl, str(rows[0][0]), _row_to_key(rows[0][1:]))
                if rows
                else (now + self._ttl, None, None)
            )
            with self._lock:
                if len(self._cache) > 10_000:  # bounded: garbage key ids cannot grow it forever
                    self._cache.clear()
                self._cache[key_id] = entry
            cached = entry
        _, key_hash, record = cached
        return None if key_hash is None or record is None else (key_hash, record)

    def identify(self, secret: str | None) -> Identity:
        """What ``secret`` is: an active key, a revoked one, a wrong secret for a known id …"""
        if not secret:
            return Identity(AuthState.MISSING)
        if len(secret) != KEY_LENGTH or not secret.startswith(KEY_PREFIX):
            return Identity(AuthState.MALFORMED)
        key_id = secret[:KEY_ID_LENGTH]
        found = self._lookup(key_id)
        if found is None:
            return Identity(AuthState.UNKNOWN)
        if not hmac.compare_digest(found[0], hash_key(secret)):
            return Identity(AuthState.WRONG_SECRET, key_id=key_id)
        state = AuthState.VALID if found[1].active else AuthState.REVOKED
        return Identity(state, found[1], key_id)

    def authenticate(self, secret: str | None) -> ApiKey:
        """The active key for ``secret``; ``Unauthenticated`` if missing, unknown or revoked."""
        return self.identify(secret).require()
