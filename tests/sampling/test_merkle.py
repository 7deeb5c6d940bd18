"""The frame's Merkle tree: every leaf's proof leads to the root, nothing else does."""

from __future__ import annotations

import hashlib

import pytest

from linkrisk.sampling import merkle


def _leaves(n: int) -> list[bytes]:
    return [merkle.leaf_hash(str(i).encode()) for i in range(n)]


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33])
def test_every_proof_leads_to_the_root(n: int) -> None:
    leaves = _leaves(n)
    tree = merkle.levels(leaves)
    root = tree[-1][0]
    for i, leaf in enumerate(leaves):
        path = merkle.proof(tree, i)
        assert merkle.root_from_proof(leaf, i, n, path) == root
        if n > 1:
            assert merkle.root_from_proof(leaf, (i + 1) % n, n, path) != root
            assert merkle.root_from_proof(merkle.leaf_hash(b"x"), i, n, path) != root
        assert merkle.root_from_proof(leaf, i, n, [*path, root]) is None  # too long
    assert merkle.root_from_proof(leaves[0], n, n, []) is None  # out of range


def test_a_leaf_is_not_an_inner_node() -> None:
    """Domain separation: two leaves' hashes concatenated are not a leaf of the parent level."""
    a, b = _leaves(2)
    assert merkle.root([a, b]) == hashlib.sha256(merkle.NODE + a + b).digest()
    assert merkle.leaf_hash(a + b) != merkle.root([a, b])
