"""Related-party risk: decayed contagion over weighted, directed relations.

Model
-----
Risk spreads from subjects with intrinsic risk ``s`` along relations, losing a factor ``α``
(``damping``) per hop::

    x = s + α W x            (iterated from x = s: after k iterations, all walks of ≤ k hops)

``W[v, u]`` is the influence of ``u`` on ``v``: the relation's weight in that direction (control
share for HOLDS, the role for OFFICER, the contact kind for SAME_CONTACT, BRANCH), divided by
``max(1, Σ_u w(u → v))``. Dividing by at least one keeps a lone 30 % shareholder at 0.3 rather
than promoting it to the whole of the firm's influence, and bounds every row sum of ``W`` by one,
so ``x ≤ max(s) / (1 − α)`` and the iteration converges geometrically (error ≤ α^k). The
related-party part of a subject's risk is ``x − s``; a path's share of it is exactly
``s_source × α^hops × Π W`` along the path, which is what the explanations report
(``linkrisk.models.explain``).

Why contagion rather than personalised PageRank. Both are the same sparse iteration (one
mat-vec and one axpy per step, the restart vector ∝ intrinsic risk), but PageRank normalises by
the *source's* out-degree: a sanctioned holding company with fifty subsidiaries would pass each
of them a fiftieth of its taint, and the result is a probability mass that must be rescaled
before it means anything. Normalising by the *target's* incoming weight keeps each controlled
firm fully exposed to its controller, keeps the output in units of intrinsic risk, and makes
per-path contributions exact.

Direction matters: an owner's sanction taints what it controls more than a subsidiary's
sanction taints its owner, so each relation has a forward and a (smaller) reverse weight.

The whole operator is built once as one CSR matrix (float32: the answer is unchanged at the
precision scores are reported with — tested) and applied ``iterations`` times. A tiny
pure-Python version (``propagate_reference``) is kept for the tests.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from linkrisk.errors import ConvergenceError, InputError
from linkrisk.graph.relations import CONTACT_CODES, ROLE_CODES, RelType
from linkrisk.graph.snapshot.arrays import Relation, Snapshot


def _default_roles() -> dict[str, float]:
    # the legal representative and chair answer for the firm; supervisors least
    return {
        "legal_representative": 0.9,
        "chair": 0.8,
        "manager": 0.5,
        "director": 0.4,
        "supervisor": 0.3,
    }


def _default_contacts() -> dict[str, float]:
    # a shared phone or e-mail is stronger evidence of a link than a shared address
    return {"phone": 0.3, "email": 0.3, "address": 0.15}


@dataclass(frozen=True, slots=True)
class PropagationConfig:
    """Edge weights per relation and direction, damping and iteration budget (all data)."""

    damping: float = 0.5
    iterations: int = 20
    holds_forward: float = 1.0  # × share: owner → held
    holds_reverse: float = 0.3  # × share: held → owner
    unknown_share: float = 0.1  # a holding whose share is not recorded
    officer_roles: dict[str, float] = field(default_factory=_default_roles)  # person → org
    officer_reverse: float = 0.5  # × role weight: org → person
    branch_forward: float = 0.8  # parent → branch
    branch_reverse: float = 0.5  # branch → parent
    contact_kinds: dict[str, float] = field(default_factory=_default_contacts)  # symmetric

    def __post_init__(self) -> None:
        if not 0 < self.damping < 1:
            raise InputError("propagation damping must be in (0, 1)")
        if self.iterations < 1:
            raise InputError("propagation needs at least one iteration")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def load_propagation_config(path: Path) -> PropagationConfig:
    """Read a ``PropagationConfig`` from TOML (keys as the dataclass fields; missing: defaults)."""
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    unknown = set(raw) - set(PropagationConfig.__dataclass_fields__)
    if unknown:
        raise InputError(f"{path}: unknown propagation settings {sorted(unknown)}")
    return PropagationConfig(**raw)


def edge_weights(
    rel: RelType, attrs: dict[str, Any], config: PropagationConfig
) -> tuple[float, float]:
    """Raw (forward, reverse) weight of one edge from its attributes (scalar version)."""
    if rel is RelType.HOLDS:
        share = float(attrs.get("share", np.nan))
        share = config.unknown_share if np.isnan(share) else min(max(share, 0.0), 1.0)
        return config.holds_forward * share, config.holds_reverse * share
    if rel is RelType.OFFICER:
        code = int(attrs.get("role", -1))
        role = config.officer_roles.get(ROLE_CODES[code].value, 0.0) if code >= 0 else 0.0
        return role, config.officer_reverse * role
    if rel is RelType.BRANCH:
        return config.branch_forward, config.branch_reverse
    code = int(attrs.get("contact", -1))
    weight = config.contact_kinds.get(CONTACT_CODES[code].value, 0.0) if code >= 0 else 0.0
    return weight, 0.0  # the snapshot already holds both directions of a shared contact


def relation_weights(
    relation: Relation, config: PropagationConfig, edges: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised ``edge_weights`` over the out-edges ``edges`` of ``relation`` (default: all)."""
    pick = slice(None) if edges is None else edges
    m = relation.n_edges if edges is None else len(edges)

    def attr(name: str, missing: float) -> np.ndarray:
        values = relation.attrs.get(name)
        return np.full(m, missing) if values is None else np.asarray(values[pick])

    if relation.type is RelType.HOLDS:
        share = attr("share", np.nan).astype(np.float64)
        share = np.where(np.isnan(share), config.unknown_share, np.clip(share, 0.0, 1.0))
        return config.holds_forward * share, config.holds_reverse * share
    if relation.type is RelType.OFFICER:
        table = np.array([config.officer_roles.get(r.value, 0.0) for r in ROLE_CODES] + [0.0])
        role = table[attr("role", -1).astype(np.intp)]
        return role, config.officer_reverse * role
    if relation.type is RelType.BRANCH:
        return np.full(m, config.branch_forward), np.full(m, config.branch_reverse)
    table = np.array([config.contact_kinds.get(c.value, 0.0) for c in CONTACT_CODES] + [0.0])
    return table[attr("contact", -1).astype(np.intp)], np.zeros(m)


@dataclass(frozen=True, slots=True)
class PropagationOperator:
    """``matrix[v, u]``: normalised influence of u on v; ``norm[v]``: the divisor used for row v.

    With ``order`` (the snapshot's ``nodes/locality``), the matrix's rows and columns are the
    nodes in that order (row i is node ``order[i]``): neighbours near each other in memory, the
    product ~2× faster on the 2M-subject city (bench/locality.py). ``propagate`` takes and
    returns vectors in node order either way; ``norm`` is always in node order.
    """

    matrix: sp.csr_matrix
    norm: np.ndarray
    config: PropagationConfig
    order: np.ndarray | None = None

    def in_node_order(self) -> sp.csr_matrix:
        """The matrix with rows and columns in node order (a copy when ``order`` is set)."""
        if self.order is None:
            return self.matrix
        rank = np.empty(len(self.order), np.int64)
        rank[self.order] = np.arange(len(self.order))
        return self.matrix[rank][:, rank].tocsr()


@dataclass(frozen=True, slots=True)
class PropagationResult:
    total: np.ndarray  # x: intrinsic plus related-party risk
    related: np.ndarray  # x − s
    iterations: int
    converged: bool | None  # None when a fixed number of iterations was asked for


def build_operator(
    snapshot: Snapshot, config: PropagationConfig | None = None, *, dtype: Any = np.float32
) -> PropagationOperator:
    """The combined, normalised influence matrix of all relations of ``snapshot``, built once."""
    config = config or PropagationConfig()
    rows, cols, weights = [], [], []
    for relation in snapshot.relations.values():
        src, dst = relation.sources(), np.asarray(relation.indices, np.int32)
        forward, reverse = relation_weights(relation, config)
        rows += [dst, src]  # forward: src's risk reaches dst; reverse: dst's reaches src
        cols += [src, dst]
        weights += [forward, reverse]
    return operator_from_edges(
        np.concatenate(rows),
        np.concatenate(cols),
        np.concatenate(weights),
        snapshot.n,
        config,
        dtype,
        order=snapshot.nodes.get("locality"),
    )


def operator_from_edges(
    target: np.ndarray,
    source: np.ndarray,
    weight: np.ndarray,
    n: int,
    config: PropagationConfig,
    dtype: Any = np.float32,
    *,
    order: np.ndarray | None = None,
) -> PropagationOperator:
    """Normalise raw influences ``source → target`` and pack them as CSR (duplicates summed),
    with rows and columns in ``order`` if given (see ``PropagationOperator``)."""
    keep = weight > 0
    target, source, weight = target[keep], source[keep], weight[keep].astype(np.float64)
    norm = np.maximum(1.0, np.bincount(target, weights=weight, minlength=n))
    data = (weight / norm[target]).astype(dtype)
    if order is not None:
        order = np.asarray(order, np.int64)
        rank = np.empty(n, np.int64)
        rank[order] = np.arange(n)
        target, source = rank[target], rank[source]
    matrix = sp.csr_matrix((data, (target, source)), shape=(n, n), dtype=dtype)
    matrix.sum_duplicates()
    return PropagationOperator(matrix, norm, config, order)


def propagate(
    operator: PropagationOperator,
    intrinsic: np.ndarray,
    *,
    converge: bool = False,
    tol: float = 1e-6,
    max_iter: int = 100,
) -> PropagationResult:
    """Iterate ``x ← s + α W x`` from ``x = s``.

    Parameters
    ----------
    operator : PropagationOperator
        From ``build_operator`` (built once, reused).
    intrinsic : ndarray
        The restart vector ``s`` (intrinsic risk per node, ≥ 0).
    converge : bool
        False (default): exactly ``config.iterations`` steps. True: iterate until the L1 change
        per node is below ``tol``, raising ``ConvergenceError`` after ``max_iter`` steps.

    Returns
    -------
    PropagationResult

    Examples
    --------
    A 100 % owner with intrinsic risk 1 passes ``α × 1 = 0.5`` to the firm it holds:

    >>> import numpy as np
    >>> one = np.array([1.0])
    >>> op = operator_from_edges(np.array([1]), np.array([0]), one, 2, PropagationConfig())
    >>> propagate(op, np.array([1.0, 0.0])).total.round(3).tolist()
    [1.0, 0.5]
    """
    config = operator.config
    w = operator.matrix
    s = np.maximum(np.asarray(intrinsic, w.dtype), 0)
    if operator.order is not None:  # iterate in the operator's order, answer in node order
        local = propagate(
            replace(operator, order=None),
            s[operator.order],
            converge=converge,
            tol=tol,
            max_iter=max_iter,
        )
        total, related = np.empty_like(local.total), np.empty_like(local.related)
        total[operator.order], related[operator.order] = local.total, local.related
        return replace(local, total=total, related=related)
    x = s.copy()
    steps = max_iter if converge else config.iterations
    for k in range(1, steps + 1):
        nxt = w @ x
        nxt *= w.dtype.type(config.damping)
        nxt += s
        if converge and float(np.abs(nxt - x).sum()) < tol * max(len(x), 1):
            return PropagationResult(nxt, nxt - s, k, True)
        x = nxt
    if converge:
        raise ConvergenceError(
            f"risk propagation did not converge to {tol} within {max_iter} iterations",
            iterations=max_iter,
        )
    return PropagationResult(x, x - s, steps, None)


def propagate_reference(
    snapshot: Snapshot,
    intrinsic: list[float],
    config: PropagationConfig | None = None,
    *,
    converge: bool = False,
    tol: float = 1e-6,
    max_iter: int = 100,
) -> list[float]:
    """The same iteration in plain Python (dict of lists, loops) for tests on tiny graphs."""
    config = config or PropagationConfig()
    n = snapshot.n
    incoming: dict[int, list[tuple[int, float]]] = {v: [] for v in range(n)}
    for rel, relation in snapshot.relations.items():
        for u in range(n):
            targets, edges = relation.out(u)
            for v, e in zip(targets.tolist(), edges.tolist(), strict=True):
                attrs = {name: values[e] for name, values in relation.attrs.items()}
                forward, reverse = edge_weights(rel, attrs, config)
                if forward > 0:
                    incoming[v].append((u, forward))
                if reverse > 0:
                    incoming[u].append((v, reverse))
    norm = {v: max(1.0, sum(w for _, w in edges)) for v, edges in incoming.items()}
    s = [max(float(r), 0.0) for r in intrinsic]
    x = list(s)
    for _ in range(max_iter if converge else config.iterations):
        nxt = [
            s[v] + config.damping * sum(w / norm[v] * x[u] for u, w in incoming[v])
            for v in range(n)
        ]
        change = sum(abs(a - b) for a, b in zip(nxt, x, strict=True))
        x = nxt
        if converge and change < tol * max(n, 1):
            return x
    if converge:
        raise ConvergenceError(
            f"reference propagation did not converge within {max_iter} iterations"
        )
    return x
