"""API keys: shown once, stored only as a hash under a short public id; roles and scopes."""

from __future__ import annotations

import sqlite3

import pytest

from linkrisk.api.auth import (
    KEY_ID_LENGTH,
    KeyRing,
    Role,
    create_key,
    hash_key,
    list_keys,
    revoke_key,
)
from linkrisk.config import Settings
from linkrisk.errors import InputError, NotFound, Unauthenticated
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.open import open_embedded


@pytest.fixture
def store(settings: Settings) -> EmbeddedStore:
    return open_embedded(settings)


def test_key_format_and_storage(store: EmbeddedStore, settings: Settings) -> None:
    record, secret = create_key(store, "lender", "bank-a", label="loan desk")
    assert secret.startswith("lr_") and len(secret) == 35
    assert record.key_id == secret[:KEY_ID_LENGTH] and record.role is Role.LENDER
    conn = sqlite3.connect(settings.db_path)
    (row,) = conn.execute("SELECT key_id, key_hash FROM api_keys").fetchall()
    dump = "\n".join(conn.iterdump())
    conn.close()
    assert row == (record.key_id, hash_key(secret)) and secret not in dump


def test_keys_are_random(store: EmbeddedStore) -> None:
    secrets = {create_key(store, "admin", "ops")[1] for _ in range(20)}
    assert len(secrets) == 20


def test_roles_and_scopes_are_checked(store: EmbeddedStore) -> None:
    with pytest.raises(InputError, match="unknown role"):
        create_key(store, "superuser", "ops")
    with pytest.raises(InputError, match="unknown scopes"):
        create_key(store, "investigator", "ops", ["everything"])
    with pytest.raises(InputError, match="organisation"):
        create_key(store, "lender", " ")
    record, _ = create_key(store, "investigator", "ops", ["pii"])
    assert record.has_scope("pii") and list_keys(store)[0].scopes == frozenset({"pii"})


def test_authenticate(store: EmbeddedStore) -> None:
    ring = KeyRing(store, cache_seconds=0)
    record, secret = create_key(store, "regulator", "amr")
    assert ring.authenticate(secret) == record
    for bad, why in [
        (None, "X-API-Key"),
        ("lr_short", "malformed"),
        (secret[:-1] + "#", "not known"),
    ]:
        with pytest.raises(Unauthenticated, match=why):
            ring.authenticate(bad)
    revoked = revoke_key(store, record.key_id)
    assert (
        revoked.revoked is not None and revoke_key(store, record.key_id).revoked == revoked.revoked
    )
    with pytest.raises(Unauthenticated, match="revoked"):
        ring.authenticate(secret)
    with pytest.raises(NotFound):
        revoke_key(store, "lr_nothere")


def test_the_cache_keeps_a_key_for_its_lifetime_only(store: EmbeddedStore) -> None:
    ring = KeyRing(store, cache_seconds=3600)
    record, secret = create_key(store, "admin", "ops")
    ring.authenticate(secret)
    revoke_key(store, record.key_id)
    assert ring.authenticate(secret).key_id == record.key_id  # cached
    with pytest.raises(Unauthenticated):  # a ring without the cached record sees the revocation
        KeyRing(store, cache_seconds=0).authenticate(secret)
