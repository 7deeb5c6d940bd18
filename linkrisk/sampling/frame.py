"""The sampling frame: the eligible subjects of a plan with their risk tiers, and its digest.

The frame is fixed when the plan is created, before the seed is revealed, so nobody can shape
it around the draw. Its canonical serialisation is one ``sid,tier`` line per subject (tier as
the letter A–D), sorted by sid (byte order of the UTF-8 key), each ending in ``\\n``; the frame
digest is the SHA-256 of those bytes. A third party who holds the published lines recomputes the
digest with ``sha256sum``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from linkrisk.errors import InputError
from linkrisk.graph.relations import KIND_CODES, STATUS_CODES, code_of
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.sampling.params import TIERS, Scope

_TIER_BYTES = tuple(t.encode() for t in TIERS)


@dataclass(frozen=True, slots=True)
class Frame:
    """Eligible subjects (sorted keys) and their tier codes 0..3, with provenance.

    Parameters
    ----------
    sids
        Subject keys, ascending (``bytes`` in a numpy ``S`` array, as in the snapshot).
    tiers
        int8 tier codes aligned with ``sids`` (0 = A … 3 = D).
    snapshot_id, model_version
        The snapshot the subjects come from and the version of the scores giving the tiers.
    """

    sids: np.ndarray
    tiers: np.ndarray
    snapshot_id: str
    model_version: str
    stats: dict[str, int] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return int(self.sids.shape[0])

    def text(self) -> bytes:
        """The canonical serialisation (``sid,tier\\n`` lines, sorted by sid)."""
        return frame_text(self.sids.tolist(), self.tiers.tolist())

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text()).hexdigest()

    def stratum(self, tier: int) -> np.ndarray:
        """Positions (into ``sids``) of the subjects of one tier, in sid order."""
        return np.flatnonzero(self.tiers == tier)


def frame_text(sids: list[bytes], tiers: list[int]) -> bytes:
    """``sid,tier\\n`` lines; ``sids`` must already be sorted and unique."""
    letters = _TIER_BYTES
    return b"".join([s + b"," + letters[t] + b"\n" for s, t in zip(sids, tiers, strict=True)])


def parse_frame_text(text: bytes, *, snapshot_id: str = "", model_version: str = "") -> Frame:
    """The inverse of ``Frame.text`` (for verification from a published file).

    Raises ``InputError`` naming the first line that is not ``sid,tier`` or out of order.
    """
    lines = text.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    letters = np.frombuffer(bytes(line[-1] if line else 0 for line in lines), np.uint8)
    commas = np.frombuffer(bytes(line[-2] if len(line) > 2 else 0 for line in lines), np.uint8)
    tiers = letters.astype(np.int16) - ord("A")
    bad = np.flatnonzero((tiers < 0) | (tiers >= len(TIERS)) | (commas != ord(",")))
    if bad.size:
        line = lines[int(bad[0])]
        raise InputError(f"frame line {int(bad[0]) + 1} is not 'sid,tier': {line[:60]!r}")
    sids = [line[:-2] for line in lines]
    array = np.asarray(sids, dtype=f"S{max((len(s) for s in sids), default=1)}")
    unordered = np.flatnonzero(array[1:] <= array[:-1])
    if unordered.size:
        raise InputError(
            f"frame line {int(unordered[0]) + 2} is out of sid order (or repeats a sid)"
        )
    return Frame(
        sids=array,
        tiers=tiers.astype(np.int8),
        snapshot_id=snapshot_id,
        model_version=model_version,
    )


def scope_mask(snapshot: Snapshot, scope: Scope) -> np.ndarray:
    """Which snapshot nodes a plan's scope covers (kind, status, region and industry prefixes)."""
    nodes = snapshot.nodes
    mask = np.ones(snapshot.n, bool)
    if scope.kinds:
        mask &= np.isin(nodes["kind"], [code_of(KIND_CODES, k) for k in scope.kinds])
    if scope.statuses:
        mask &= np.isin(nodes["status"], [code_of(STATUS_CODES, s) for s in scope.statuses])
    if scope.region_prefix:
        # regions are 6-digit codes stored as int32: "3201" covers 320100..320199
        scale = 10 ** (6 - len(scope.region_prefix))
        mask &= (nodes["region"] >= 0) & (nodes["region"] // scale == int(scope.region_prefix))
    if scope.industry_prefixes:
        industry = np.asarray(nodes["industry"])
        hit = np.zeros(snapshot.n, bool)
        for prefix in scope.industry_prefixes:
            hit |= np.char.startswith(industry, prefix.encode())
        mask &= hit
    return np.asarray(mask, dtype=bool)


def build_frame(
    snapshot: Snapshot,
    tiers: np.ndarray,
    model_version: str,
    in_scope: np.ndarray,
    excluded: np.ndarray,
) -> Frame:
    """The frame: subjects in scope, not excluded, with a tier.

    Parameters
    ----------
    snapshot
        The snapshot whose node order ``tiers`` and the masks follow.
    tiers
        int8 tier code per node (0..3; anything else means "no tier" and keeps the node out).
    in_scope, excluded
        Boolean masks per node (``scope_mask``; exclusions such as 无事不扰).
    """
    tiers = np.asarray(tiers)
    if tiers.shape != (snapshot.n,):
        raise InputError(
            f"tiers cover {tiers.shape[0]} nodes but snapshot {snapshot.version} has {snapshot.n}"
        )
    tiered = (tiers >= 0) & (tiers < len(TIERS))
    eligible = in_scope & ~excluded & tiered
    positions = np.flatnonzero(eligible)
    stats = {
        "in_scope": int(in_scope.sum()),
        "excluded": int((in_scope & excluded).sum()),
        "untiered": int((in_scope & ~excluded & ~tiered).sum()),
        "eligible": int(positions.shape[0]),
    }
    return Frame(
        sids=np.asarray(snapshot.sids[positions]),
        tiers=tiers[positions].astype(np.int8),
        snapshot_id=snapshot.version,
        model_version=model_version,
        stats=stats,
    )
