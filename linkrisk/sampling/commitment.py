"""The public commitment to a frame: a Merkle root over salted leaves, fixed before the draw.

Risk tiers are internal (企业信用风险分类 results steer the regulator's own sampling and are
not published), so the frame cannot be published as it is. Instead each plan gets a secret
*frame key* (32 random bytes, hex) when it is created, and every frame subject a leaf::

    blind = HMAC-SHA256(frame key, "tier|" ‖ sid ‖ "," ‖ tier letter)
    leaf  = SHA-256(0x00 ‖ sid ‖ 0x00 ‖ blind)

in frame (sid) order. The root, the frame size and the number of subjects per tier are
announced at creation; a selected subject's inclusion proof shows its sid, its blind and the
sibling hashes up to the root. The blind binds the tier without showing it (the key is secret,
so neither the blind nor a sibling hash can be matched against guesses), and the auditor, who
is given the frame key with the sealed frame, recomputes every leaf and the root.

The frame key also enters the draw: the HMAC that orders a stratum is keyed by
``seed ‖ "|" ‖ frame key`` (``draw_key``). Were it keyed by the public seed alone, anyone could
compute the keys of the published selection and read the tiers off them (a subject drawn with a
key above tier A's small quota cannot be in tier A). The frame key is fixed by the root before
the seed is revealed, so nobody can choose it after seeing the seed.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from linkrisk.sampling import merkle
from linkrisk.sampling.frame import Frame
from linkrisk.sampling.params import TIERS
from linkrisk.sampling.prf import KeyedHash


def new_frame_key() -> str:
    return secrets.token_hex(32)


def draw_key(seed: str, frame_key: str | None) -> str:
    """The HMAC key of the subject draw: the seed, joined with the frame key when there is one
    (plans made before public verification existed have none)."""
    return f"{seed}|{frame_key}" if frame_key else seed


def blinds(sids: Iterable[bytes], tier_letters: Iterable[str], frame_key: str) -> list[bytes]:
    keyed = KeyedHash(frame_key, b"tier|")
    messages = [s + b"," + t.encode() for s, t in zip(sids, tier_letters, strict=True)]
    raw = keyed.digests(messages)
    return [raw[i : i + 32] for i in range(0, len(raw), 32)]


def leaf_data(sid: bytes, blind: bytes) -> bytes:
    return sid + b"\x00" + blind


def frame_tree(frame: Frame, frame_key: str) -> tuple[list[list[bytes]], list[bytes]]:
    """The tree's levels and the blinds, both in frame order."""
    sids = frame.sids.tolist()
    letters = [TIERS[t] for t in frame.tiers.tolist()]
    blinded = blinds(sids, letters, frame_key)
    leaf = merkle.leaf_hash
    return merkle.levels([leaf(leaf_data(s, b)) for s, b in zip(sids, blinded, strict=True)]), (
        blinded
    )


def frame_root(frame: Frame, frame_key: str) -> str:
    return frame_tree(frame, frame_key)[0][-1][0].hex()


@dataclass(frozen=True, slots=True)
class Inclusion:
    """A selected subject's proof that it is leaf ``index`` of the committed frame."""

    sid: str
    index: int
    blind: str
    path: tuple[str, ...]

    def to_list(self) -> list[object]:
        return [self.sid, self.index, self.blind, list(self.path)]

    @classmethod
    def from_list(cls, row: Sequence[Any]) -> Inclusion:
        sid, index, blind, path = row
        if not isinstance(path, list) or isinstance(index, bool) or not isinstance(index, int):
            raise ValueError(f"inclusion proof of {sid!r} is malformed")
        return cls(str(sid), index, str(blind), tuple(str(p) for p in path))

    def leads_to(self, root: str, size: int) -> bool:
        try:
            blind = bytes.fromhex(self.blind)
            path = [bytes.fromhex(p) for p in self.path]
        except ValueError:
            return False
        if len(blind) != 32 or any(len(p) != 32 for p in path):
            return False
        leaf = merkle.leaf_hash(leaf_data(self.sid.encode(), blind))
        found = merkle.root_from_proof(leaf, self.index, size, path)
        return found is not None and found.hex() == root


def inclusions(frame: Frame, frame_key: str, sids: Iterable[str]) -> list[Inclusion]:
    """Inclusion proofs for the given subjects (each must be in the frame)."""
    tree, blinded = frame_tree(frame, frame_key)
    wanted = [s.encode() for s in sids]
    index = np.searchsorted(frame.sids, np.asarray(wanted, dtype=frame.sids.dtype))
    out = []
    for sid, i in zip(wanted, index.tolist(), strict=True):
        if i >= frame.size or bytes(frame.sids[i]) != sid:
            raise KeyError(sid.decode())
        path = tuple(h.hex() for h in merkle.proof(tree, i))
        out.append(Inclusion(sid.decode(), i, blinded[i].hex(), path))
    return out


def sealed_digest(frame_key: str, plan_digest: str) -> str:
    """The announced digest of everything sealed (frame with tiers, mandatory list, parameters,
    commitment), keyed by the frame key so that it cannot be tested against guessed tiers."""
    return hashlib.sha256(f"sealed|{frame_key}|{plan_digest}".encode()).hexdigest()
