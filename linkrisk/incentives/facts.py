"""What the rules read, as arrays aligned with a snapshot's nodes.

``SubjectFacts`` holds the snapshot, the tier of every node (from the published scores) and the
commitments (信用承诺) known on the snapshot's date. ``value(leaf)`` is the per-node array a
leaf compares (a count, or a letter code), computed once over all nodes and cached, so that a
single check is a few array reads and a batch of a million subjects a few gathers.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from linkrisk.graph.relations import (
    EVENT_CODES,
    KIND_CODES,
    ROLE_CODES,
    SEVERITY_CODES,
    STATUS_CODES,
    RelType,
    code_of,
)
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.incentives.rules import COMMITMENT_STATES, TIER_CHOICES, Leaf
from linkrisk.loaders.records import Role

EPOCH = date(1970, 1, 1)
NO_TIER = TIER_CHOICES.index("none")


@dataclass(frozen=True, slots=True)
class Commitments:
    """Commitments per row: node, commitment date (days since 1970) and state code
    (index into ``COMMITMENT_STATES``: open, kept, broken)."""

    node: np.ndarray
    day: np.ndarray
    state: np.ndarray

    @classmethod
    def empty(cls) -> Commitments:
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int32), np.zeros(0, np.int8))


@dataclass(slots=True)
class SubjectFacts:
    snapshot: Snapshot
    tier: np.ndarray  # int8 per node: 0..3 = A..D, anything else: no tier
    commitments: Commitments = field(default_factory=Commitments.empty)
    _cache: dict[tuple[object, ...], np.ndarray] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def as_of(self) -> date:
        return self.snapshot.as_of

    @property
    def day(self) -> int:
        return (self.as_of - EPOCH).days

    @property
    def n(self) -> int:
        return self.snapshot.n

    def kind_codes(self) -> np.ndarray:
        return np.asarray(self.snapshot.nodes["kind"])

    def value(self, leaf: Leaf) -> np.ndarray:
        """The per-node fact ``leaf`` compares (cached by what it depends on)."""
        cached = self._cache.get(leaf.key)
        if cached is None:
            with self._lock:
                cached = self._cache.get(leaf.key)
                if cached is None:
                    cached = self._compute(leaf)
                    self._cache[leaf.key] = cached
        return cached

    def _compute(self, leaf: Leaf) -> np.ndarray:
        if leaf.kind == "tier":
            tier = np.asarray(self.tier, np.int8)
            return np.where((tier >= 0) & (tier < 4), tier, NO_TIER).astype(np.int8)
        if leaf.kind == "status":
            return np.asarray(self.snapshot.nodes["status"], np.int8)
        if leaf.kind in ("listing", "honour"):
            return self._count(self._active() & self._typed(leaf.types))
        if leaf.kind == "events":
            ev = self.snapshot.events
            recent = (ev["decision"] <= self.day) & (
                ev["decision"] > self.day - (leaf.within_days or 0)
            )
            mask = recent & self._typed(leaf.types)
            if leaf.severity:
                codes = [code_of(SEVERITY_CODES, s) for s in leaf.severity]
                mask &= np.isin(ev["severity"], codes)
            return self._count(mask)
        if leaf.kind == "repair":
            repair = self.snapshot.events["repair"]
            recent = (repair <= self.day) & (repair > self.day - (leaf.within_days or 0))
            return self._count(recent & self._typed(leaf.types))
        if leaf.kind == "commitments":
            c = self.commitments
            mask = c.state == COMMITMENT_STATES.index(leaf.status)
            if leaf.within_days is not None:
                mask &= c.day > self.day - leaf.within_days
            return np.bincount(c.node[mask], minlength=self.n).astype(np.int32)
        return self._related(leaf)

    def _active(self) -> np.ndarray:
        ev, day = self.snapshot.events, self.day
        return (ev["decision"] <= day) & (ev["repair"] > day) & (ev["disclosure_end"] > day)

    def _typed(self, types: tuple[str, ...]) -> np.ndarray:
        codes = [code_of(EVENT_CODES, t) for t in types]
        return np.isin(self.snapshot.events["type"], codes)

    def _count(self, mask: np.ndarray) -> np.ndarray:
        nodes = self.snapshot.events["node"][mask]
        return np.bincount(nodes, minlength=self.n).astype(np.int32)

    def flagged(self, types: tuple[str, ...]) -> np.ndarray:
        """Per node: has an active listing of one of ``types`` (cached)."""
        key = ("flagged", types)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._count(self._active() & self._typed(types)) > 0
            self._cache[key] = cached
        return cached

    def _related(self, leaf: Leaf) -> np.ndarray:
        flagged = self.flagged(leaf.types)
        source, target = self.related_edges(leaf)
        hit = flagged[source]
        return np.bincount(target[hit], minlength=self.n).astype(np.int32)

    def related_edges(self, leaf: Leaf) -> tuple[np.ndarray, np.ndarray]:
        """(source, target) node pairs of the relation ``leaf`` names."""
        rel_type = (
            RelType.HOLDS if leaf.relation in ("controller", "shareholder") else RelType.OFFICER
        )
        rel = self.snapshot.relations.get(rel_type)
        if rel is None:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        keep = np.ones(rel.n_edges, bool)
        if leaf.relation == "controller":
            keep = np.nan_to_num(rel.attrs["share"], nan=0.0) >= leaf.min_share - 1e-9
        elif leaf.relation == "legal_representative":
            keep = rel.attrs["role"] == ROLE_CODES.index(Role.LEGAL_REPRESENTATIVE)
        return rel.sources()[keep], np.asarray(rel.indices)[keep]

    def related_parties(self, leaf: Leaf, node: int) -> list[int]:
        """For one node: the related parties (nodes) that make ``leaf``'s count."""
        flagged = self.flagged(leaf.types)
        rel_type = (
            RelType.HOLDS if leaf.relation in ("controller", "shareholder") else RelType.OFFICER
        )
        rel = self.snapshot.relations.get(rel_type)
        if rel is None:
            return []
        sources, edges = rel.into(node)
        out = []
        for src, edge in zip(sources.tolist(), edges.tolist(), strict=True):
            if leaf.relation == "controller" and not (
                float(np.nan_to_num(rel.attrs["share"][edge])) >= leaf.min_share - 1e-9
            ):
                continue
            if leaf.relation == "legal_representative" and int(rel.attrs["role"][edge]) != (
                ROLE_CODES.index(Role.LEGAL_REPRESENTATIVE)
            ):
                continue
            if flagged[src]:
                out.append(int(src))
        return sorted(set(out))

    def kind_name(self, node: int) -> str:
        code = int(self.snapshot.nodes["kind"][node])
        return KIND_CODES[code].value if 0 <= code < len(KIND_CODES) else "unknown"

    def status_name(self, code: int) -> str:
        return STATUS_CODES[code].value if 0 <= code < len(STATUS_CODES) else "unknown"
