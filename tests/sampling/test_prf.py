"""The keyed hash is standard HMAC-SHA256 (RFC 2104), and the commitment is SHA-256 of the seed."""

from __future__ import annotations

import hashlib
import hmac

from hypothesis import given, settings
from hypothesis import strategies as st

from linkrisk.sampling.prf import KeyedHash, commitment, new_seed


def test_rfc4231_test_case_2() -> None:
    # RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?"
    expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert KeyedHash("Jefe").digest(b"what do ya want for nothing?").hex() == expected


@settings(deadline=None)  # the machine is shared: no timing in tests
@given(
    st.text(min_size=1, max_size=150),
    st.binary(max_size=20),
    st.lists(st.binary(max_size=90), max_size=5),
)
def test_equals_the_standard_library(seed: str, prefix: bytes, messages: list[bytes]) -> None:
    keyed = KeyedHash(seed, prefix)
    expected = [hmac.new(seed.encode(), prefix + m, hashlib.sha256).digest() for m in messages]
    assert [keyed.digest(m) for m in messages] == expected
    assert keyed.digests(messages) == b"".join(expected)


def test_commitment_is_sha256_of_the_seed_text() -> None:
    assert commitment("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_new_seeds_are_64_hex_digits_and_differ() -> None:
    a, b = new_seed(), new_seed()
    assert len(a) == 64 and int(a, 16) >= 0 and a != b
