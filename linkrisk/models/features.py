"""The feature table: one row per snapshot node, computed from a snapshot *as of* its date.

Snapshots are point-in-time (``linkrisk.graph.snapshot.build``): events decided later, repairs
made later, relations started later and subjects registered later are absent. Every feature here
is a function of the snapshot's arrays only, so a feature table as of T cannot see anything after
T (tested by building two stores, one with extra later events and edges). Caveat: subject
attributes the store keeps without history (status, capital, contacts) are their latest values.

Features are split into *entity-only* (what the subject's own records say) and *graph* (what its
relations say), so that a model card can report how much the graph adds. All columns are
computed for all nodes at once with sparse products and segment reductions — no loop over
subjects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import scipy.sparse as sp

from linkrisk.graph.relations import EVENT_CODES, RESULT_CODES, ROLE_CODES, RelType
from linkrisk.graph.snapshot.arrays import Relation, Snapshot
from linkrisk.loaders.records import ABNORMAL_RESULTS, Role
from linkrisk.models.dates import add_months_days, day_number
from linkrisk.models.intrinsic import IntrinsicRisk
from linkrisk.models.propagation import PropagationResult

WINDOWS = (12, 36)  # months: recent and medium-term record
MAX_DEPTH = 8  # ownership chains longer than this (or cyclic cross-holdings) are capped

ENTITY_FEATURES: tuple[str, ...] = (
    *(f"events_{t.value}_{w}m" for t in EVENT_CODES for w in WINDOWS),
    "active_events",  # adverse events counting today
    "intrinsic_risk",
    "inspections",  # earlier inspections
    "inspections_abnormal",
    "days_since_abnormal",  # nan: never abnormal
    "age_years",
    "log_capital",
    "status",  # code (relations.STATUS_CODES), nan unknown
    "kind",  # code (relations.KIND_CODES)
)
GRAPH_FEATURES: tuple[str, ...] = (
    "related_risk",  # propagated related-party risk
    "sanctioned_owners",  # 1 hop: shareholders with counting adverse events
    "sanctioned_held",  # 1 hop: firms it holds
    "sanctioned_officers",  # 1 hop over OFFICER (either end)
    "sanctioned_branch",  # 1 hop over BRANCH (either end)
    "sanctioned_contacts",  # 1 hop over SAME_CONTACT
    "sanctioned_2hop_holds",  # 2-hop walks within HOLDS
    "sanctioned_2hop_officer",  # 2-hop walks within OFFICER (firm – person – firm)
    "sanctioned_2hop_contact",
    "sanctioned_2hop_any",  # 2-hop walks over all relations
    "ownership_depth",  # longest chain of owners above it
    "owners",
    "owner_max_share",
    "owner_hhi",  # Herfindahl index of recorded owner shares
    "controllers_sanctioned",  # its controllers / legal representatives with adverse events
    "controller_overlap",  # sanctioned firms sharing a controller or legal representative
    "phone_shared",  # subjects sharing its phone (nodes/*_size)
    "email_shared",
    "address_shared",
    "officers",
    "held",
)
FEATURE_NAMES: tuple[str, ...] = ENTITY_FEATURES + GRAPH_FEATURES
CATEGORICAL_FEATURES: tuple[str, ...] = ("status", "kind")


@dataclass(frozen=True, slots=True)
class FeatureTable:
    """Feature columns (float32, nan = unknown) for the nodes ``rows`` of one snapshot."""

    names: tuple[str, ...]
    values: np.ndarray  # (len(rows), n_features) float32
    rows: np.ndarray  # node index of each row
    as_of: date
    snapshot_version: str

    def column(self, name: str) -> np.ndarray:
        return np.asarray(self.values[:, self.names.index(name)])


def _segment_max(values: np.ndarray, indptr: np.ndarray, fill: float) -> np.ndarray:
    """Max of ``values[indptr[i]:indptr[i+1]]`` per segment (``fill`` when empty)."""
    out = np.full(len(indptr) - 1, fill, np.float64)
    starts = np.asarray(indptr[:-1])
    nonempty = starts < np.asarray(indptr[1:])
    if values.size:
        # empty segments have zero length, so reducing from the non-empty starts only is exact
        out[nonempty] = np.maximum.reduceat(values, starts[nonempty])
    return out


@dataclass(frozen=True, slots=True)
class _Undirected:
    """A relation read both ways as matrix–vector products (``A v = B v + Bᵀ v``) without ever
    forming ``B + Bᵀ``: adding million-edge sparse matrices costs more than the products."""

    forward: sp.csr_matrix
    reverse: sp.csr_matrix | None  # None: the relation is stored in both directions already

    @classmethod
    def of(cls, relation: Relation, n: int, symmetric: bool = False) -> _Undirected:
        forward = relation.matrix(dtype=np.float64)
        if symmetric:
            return cls(forward, None)
        ones = np.ones(relation.n_edges, np.float64)
        reverse = sp.csr_matrix((ones, relation.rev_indices, relation.rev_indptr), shape=(n, n))
        return cls(forward, reverse)

    def __matmul__(self, v: np.ndarray) -> np.ndarray:
        out = np.asarray(self.forward @ v)
        return out if self.reverse is None else out + self.reverse @ v

    def degree(self) -> np.ndarray:
        out: np.ndarray = np.diff(self.forward.indptr).astype(np.float64)
        if self.reverse is not None:
            out += np.diff(self.reverse.indptr)
        return out


def _event_features(
    snapshot: Snapshot, intrinsic: IntrinsicRisk, day: int
) -> dict[str, np.ndarray]:
    ev, n = snapshot.events, snapshot.n
    node, code = ev["node"], ev["type"]
    known = ev["decision"] <= day
    out = {}
    for w in WINDOWS:
        recent = known & (ev["decision"] > add_months_days(np.array([day]), -w)[0])
        for t, event_type in enumerate(EVENT_CODES):
            rows = recent & (code == t)
            out[f"events_{event_type.value}_{w}m"] = np.bincount(node[rows], minlength=n)
    adverse = intrinsic.event_active & (intrinsic.event_contribution > 0)
    out["active_events"] = np.bincount(node[adverse], minlength=n)
    insp = snapshot.inspections
    seen = insp["date"] <= day
    abnormal_codes = [i for i, r in enumerate(RESULT_CODES) if r in ABNORMAL_RESULTS]
    abnormal = seen & np.isin(insp["result"], abnormal_codes)
    out["inspections"] = np.bincount(insp["node"][seen], minlength=n)
    out["inspections_abnormal"] = np.bincount(insp["node"][abnormal], minlength=n)
    last = np.full(n, -np.inf)
    np.maximum.at(last, insp["node"][abnormal], insp["date"][abnormal].astype(np.float64))
    out["days_since_abnormal"] = np.where(np.isfinite(last), day - last, np.nan)
    return out


def _attribute_features(snapshot: Snapshot, day: int) -> dict[str, np.ndarray]:
    nodes = snapshot.nodes
    reg = nodes["reg_date"].astype(np.float64)
    known_reg = nodes["reg_date"] > np.iinfo(np.int32).min
    capital = nodes["capital"].astype(np.float64)
    status = nodes["status"].astype(np.float64)
    kind = nodes["kind"].astype(np.float64)
    return {
        "age_years": np.where(known_reg, (day - reg) / 365.25, np.nan),
        "log_capital": np.log1p(np.where(capital >= 0, capital, np.nan)),
        "status": np.where(status >= 0, status, np.nan),
        "kind": np.where(kind >= 0, kind, np.nan),
    }


def _neighbourhood_features(snapshot: Snapshot, sanctioned: np.ndarray) -> dict[str, np.ndarray]:
    n, z = snapshot.n, sanctioned.astype(np.float64)
    rel = snapshot.relations
    holds = _Undirected.of(rel[RelType.HOLDS], n)
    officer = _Undirected.of(rel[RelType.OFFICER], n)
    branch = _Undirected.of(rel[RelType.BRANCH], n)
    contact = _Undirected.of(rel[RelType.SAME_CONTACT], n, symmetric=True)
    assert holds.reverse is not None
    out = {
        "sanctioned_owners": holds.reverse @ z,
        "sanctioned_held": holds.forward @ z,
        "sanctioned_officers": officer @ z,
        "sanctioned_branch": branch @ z,
        "sanctioned_contacts": contact @ z,
    }
    hop1 = {
        "holds": out["sanctioned_owners"] + out["sanctioned_held"],
        "officer": out["sanctioned_officers"],
        "contact": out["sanctioned_contacts"],
    }
    for name, adj in (("holds", holds), ("officer", officer), ("contact", contact)):
        # walks v → u → w with w sanctioned, less the walks straight back to v itself
        out[f"sanctioned_2hop_{name}"] = adj @ hop1[name] - adj.degree() * z
    every = (holds, officer, branch, contact)
    hop1_all, degree, two = np.zeros(n), np.zeros(n), np.zeros(n)
    for adj in every:
        hop1_all += adj @ z
        degree += adj.degree()
    for adj in every:
        two += adj @ hop1_all
    out["sanctioned_2hop_any"] = two - degree * z
    return out


def _ownership_features(
    snapshot: Snapshot, sanctioned: np.ndarray, control: float
) -> dict[str, np.ndarray]:
    n = snapshot.n
    holds, officers = snapshot.relations[RelType.HOLDS], snapshot.relations[RelType.OFFICER]
    share = np.asarray(holds.attrs.get("share", np.full(holds.n_edges, np.nan)), np.float64)
    in_share = share[holds.rev_edge]  # ordered like the reverse CSR (grouped by held firm)
    in_owner = np.asarray(holds.rev_indices)
    known = np.nan_to_num(np.clip(in_share, 0, 1))
    depth = np.zeros(n)
    for _ in range(MAX_DEPTH):
        depth = _segment_max(depth[in_owner] + 1, holds.rev_indptr, 0.0)
    held_of = np.repeat(np.arange(n), np.diff(holds.rev_indptr))
    # controllers: owners at or above the control threshold, legal representatives and chairs
    controlling = in_share >= control
    roles = np.asarray(officers.attrs.get("role", np.zeros(0, np.int8)))
    leading = np.isin(
        roles, [ROLE_CODES.index(Role.LEGAL_REPRESENTATIVE), ROLE_CODES.index(Role.CHAIR)]
    )
    firm = np.concatenate([held_of[controlling], np.asarray(officers.indices)[leading]])
    boss = np.concatenate([in_owner[controlling], officers.sources()[leading]])
    c = sp.csr_matrix((np.ones(len(firm)), (firm, boss)), shape=(n, n))
    c.data[:] = 1.0  # a controller that is both owner and legal representative counts once
    z = sanctioned.astype(np.float64)
    max_share = _segment_max(np.where(np.isnan(in_share), -1.0, in_share), holds.rev_indptr, np.nan)
    return {
        "ownership_depth": depth,
        "owners": np.diff(holds.rev_indptr).astype(np.float64),
        "owner_max_share": np.where(max_share < 0, np.nan, max_share),
        "owner_hhi": np.bincount(held_of, weights=known**2, minlength=n),
        "controllers_sanctioned": c @ z,
        "controller_overlap": c @ (c.T @ z) - (c @ np.ones(n)) * z,
        "officers": np.diff(officers.rev_indptr).astype(np.float64),
        "held": np.diff(holds.indptr).astype(np.float64),
    }


def feature_table(
    snapshot: Snapshot,
    intrinsic: IntrinsicRisk,
    propagated: PropagationResult,
    *,
    control_threshold: float = 0.5,
    rows: np.ndarray | None = None,
) -> FeatureTable:
    """All features (``FEATURE_NAMES``) of the nodes of ``snapshot`` as of ``intrinsic.as_of``.

    Parameters
    ----------
    snapshot : Snapshot
    intrinsic : IntrinsicRisk
        ``intrinsic_risk(snapshot)``; its as-of date is the feature date.
    propagated : PropagationResult
        ``propagate(build_operator(snapshot), intrinsic.risk)``.
    control_threshold : float
        Share at which an owner controls a firm (settings.control_threshold).
    rows : ndarray of int, optional
        The nodes to return rows for (default: all). Columns are still computed city-wide
        (neighbourhoods need every node); only the returned table is smaller.

    Returns
    -------
    FeatureTable
    """
    day = day_number(intrinsic.as_of)
    sanctioned = intrinsic.events > 0
    rows = np.arange(snapshot.n) if rows is None else np.asarray(rows)
    # column-major: the table is filled a column at a time
    values = np.empty((len(rows), len(FEATURE_NAMES)), np.float32, order="F")
    position = {name: j for j, name in enumerate(FEATURE_NAMES)}

    def fill(columns: dict[str, np.ndarray]) -> None:
        for name, column in columns.items():
            values[:, position[name]] = column[rows]

    # one group at a time: at millions of nodes, all columns at once would not fit comfortably
    fill(_event_features(snapshot, intrinsic, day))
    fill(_attribute_features(snapshot, day))
    fill(_neighbourhood_features(snapshot, sanctioned))
    fill(_ownership_features(snapshot, sanctioned, control_threshold))
    fill({"intrinsic_risk": intrinsic.risk, "related_risk": propagated.related})
    fill(
        {
            f"{kind}_shared": np.maximum(snapshot.nodes[f"{kind}_size"].astype(np.float64) - 1, 0)
            for kind in ("phone", "email", "address")
        }
    )
    return FeatureTable(FEATURE_NAMES, values, rows, intrinsic.as_of, snapshot.version)
