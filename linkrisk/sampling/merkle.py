"""A Merkle tree over the frame, so that anyone can check a selected subject belongs to it
without seeing the rest of the frame.

Hashing follows RFC 6962 (Certificate Transparency) domain separation: a leaf is
``SHA-256(0x00 ‖ data)``, an inner node ``SHA-256(0x01 ‖ left ‖ right)``. A level of odd length
carries its last node up unchanged, so the tree of ``n`` leaves has one shape that the leaf
index and ``n`` determine: a proof is the list of sibling hashes from the leaf up, and the
verifier knows at each level from the index and the level's length whether a sibling is on the
left, on the right, or absent (carried).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

LEAF = b"\x00"
NODE = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(LEAF + data).digest()


def levels(leaves: Sequence[bytes]) -> list[list[bytes]]:
    """Every level of the tree, leaves first, the root's one-element level last."""
    if not leaves:
        return [[hashlib.sha256(b"").digest()]]
    out = [list(leaves)]
    sha = hashlib.sha256
    while len(out[-1]) > 1:
        below = out[-1]
        pairs = len(below) // 2
        up = [sha(NODE + below[2 * i] + below[2 * i + 1]).digest() for i in range(pairs)]
        if len(below) % 2:
            up.append(below[-1])
        out.append(up)
    return out


def root(leaves: Sequence[bytes]) -> bytes:
    return levels(leaves)[-1][0]


def proof(tree: list[list[bytes]], index: int) -> list[bytes]:
    """The sibling hashes that lead leaf ``index`` to the root."""
    path = []
    for level in tree[:-1]:
        sibling = index ^ 1
        if sibling < len(level):
            path.append(level[sibling])
        index //= 2
    return path


def root_from_proof(leaf: bytes, index: int, size: int, path: Sequence[bytes]) -> bytes | None:
    """The root that ``path`` leads leaf ``index`` of a tree of ``size`` leaves to, or None
    when the path does not fit that position (wrong length, index out of range)."""
    if not 0 <= index < size:
        return None
    node, width, steps = leaf, size, list(path)
    while width > 1:
        if index % 2:
            if not steps:
                return None
            node = hashlib.sha256(NODE + steps.pop(0) + node).digest()
        elif index + 1 < width:
            if not steps:
                return None
            node = hashlib.sha256(NODE + node + steps.pop(0)).digest()
        index //= 2
        width = (width + 1) // 2
    return node if not steps else None
