"""The verifiable subject draw: stratified by tier, ordered by HMAC-SHA256(seed, plan ‖ "|" ‖ sid).

Within each tier's stratum of N subjects the draw takes the ``k = min(N, max(minimum,
⌈ratio × N⌉))`` subjects with the smallest HMAC digests (compared as 32-byte big-endian
numbers), in that order. The selection lists tier A's picks, then B, C, D, then the mandatory
inclusions that the random draw did not already pick (sorted by sid), each flagged with its
reason. ``draw_reference`` is the same rule in a few lines of plain Python: the tests run both,
and a third party can use it as the specification.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np

from linkrisk.sampling.commitment import draw_key
from linkrisk.sampling.frame import Frame
from linkrisk.sampling.params import TIERS, PlanParams
from linkrisk.sampling.prf import KeyedHash

RANDOM = "random"
MANDATORY = "mandatory"


@dataclass(frozen=True, slots=True)
class Pick:
    """One selected subject: its rank in the published order, tier letter, how and why."""

    rank: int
    sid: str
    tier: str
    how: str  # "random" | "mandatory"
    reason: str = ""

    def line(self) -> str:
        return f"{self.rank},{self.sid},{self.tier},{self.how}\n"


def stratum_size(n: int, ratio: Decimal, minimum: int) -> int:
    """``min(n, max(minimum, ⌈ratio × n⌉))``, computed exactly."""
    return min(n, max(minimum, math.ceil(Fraction(ratio) * n)))


def message_prefix(plan_id: str) -> bytes:
    return plan_id.encode() + b"|"


def order_keys(frame: Frame, plan_id: str, seed: str, frame_key: str | None = None) -> np.ndarray:
    """The HMAC digest of every frame subject as rows of four big-endian uint64 words."""
    keyed = KeyedHash(draw_key(seed, frame_key), message_prefix(plan_id))
    raw = keyed.digests(frame.sids.tolist())
    return np.frombuffer(raw, dtype=">u8").reshape(-1, 4)


def smallest(keys: np.ndarray, positions: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` positions with the smallest 256-bit keys, smallest first.

    ``argpartition`` on the leading word narrows a million keys to ``k`` (plus any that tie with
    the k-th on that word); only those are ordered on all four words.
    """
    if k <= 0:
        return positions[:0]
    lead = keys[positions, 0]
    if k < positions.shape[0]:
        kth = np.partition(lead, k - 1)[k - 1]
        positions = positions[lead <= kth]
    sub = keys[positions]
    order = np.lexsort((sub[:, 3], sub[:, 2], sub[:, 1], sub[:, 0]))
    return positions[order[:k]]


def draw_sample(
    frame: Frame,
    params: PlanParams,
    seed: str,
    mandatory: Mapping[str, tuple[str, str]] | None = None,
    frame_key: str | None = None,
) -> list[Pick]:
    """The plan's selection: random picks per tier, then mandatory additions.

    Parameters
    ----------
    frame
        The frame recorded when the plan was created.
    params
        Supplies plan id, ratios and minimums.
    seed
        The revealed seed (its commitment is checked by the caller).
    mandatory
        ``sid → (tier letter, reason)`` of the mandatory inclusions.
    frame_key
        The plan's sealed frame key (``commitment``): it keys the order with the seed, and the
        selection is then ranked by sid, so that neither the keys nor the ranks show a tier.
        Without it (plans made before public verification) ranks follow tier A, B, C, D.
    """
    mandatory = mandatory or {}
    keys = order_keys(frame, params.plan_id, seed, frame_key)
    rows: list[tuple[str, str, str, str]] = []  # sid, tier, how, reason: one Pick each at the end
    taken: set[str] = set()
    for code, letter in enumerate(TIERS):
        stratum = frame.stratum(code)
        k = stratum_size(len(stratum), params.ratios[code], params.minimums[code])
        for raw in frame.sids[smallest(keys, stratum, k)].tolist():
            sid = raw.decode()
            reason = f"also mandatory: {mandatory[sid][1]}" if sid in mandatory else ""
            rows.append((sid, letter, RANDOM, reason))
            taken.add(sid)
    for sid in sorted(mandatory, key=str.encode):
        if sid not in taken:
            tier, reason = mandatory[sid]
            rows.append((sid, tier, MANDATORY, reason))
    if frame_key:
        rows.sort(key=lambda row: row[0].encode())
    return [Pick(rank, *row) for rank, row in enumerate(rows, start=1)]


def public_line(pick: Pick) -> str:
    """A pick's line without its tier: ``rank,sid,how``."""
    return f"{pick.rank},{pick.sid},{pick.how}\n"


def public_selection_digest(picks: Sequence[Pick]) -> str:
    """SHA-256 of the ``rank,sid,how\n`` lines (the digest published for tier-free plans)."""
    return hashlib.sha256("".join(public_line(p) for p in picks).encode()).hexdigest()


def selection_digest(picks: Sequence[Pick]) -> str:
    """SHA-256 of the ``rank,sid,tier,how\\n`` lines of the selection."""
    return hashlib.sha256("".join(p.line() for p in picks).encode()).hexdigest()


def draw_reference(
    frame_lines: Sequence[str],
    plan_id: str,
    seed: str,
    ratios: Sequence[Decimal],
    minimums: Sequence[int],
    frame_key: str | None = None,
) -> list[tuple[str, str]]:
    """The random part of the draw in plain Python: ``[(sid, tier letter), …]`` in tier order
    (with a frame key the HMAC key is ``seed|frame key``)."""
    hmac_key = (f"{seed}|{frame_key}" if frame_key else seed).encode()
    strata: dict[str, list[str]] = {t: [] for t in TIERS}
    for line in frame_lines:
        sid, tier = line.rsplit(",", 1)
        strata[tier].append(sid)
    result = []
    for i, tier in enumerate(TIERS):
        members = strata[tier]
        k = min(len(members), max(minimums[i], math.ceil(Fraction(ratios[i]) * len(members))))

        def key(sid: str) -> bytes:
            return hmac.new(hmac_key, f"{plan_id}|{sid}".encode(), hashlib.sha256).digest()

        result += [(sid, tier) for sid in sorted(members, key=key)[:k]]
    return result
