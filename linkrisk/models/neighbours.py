"""Features that look at the neighbours: aggregates of their attributes, events and degrees.

Label-free, vectorised over the edge list (``np.bincount`` / ``np.fmax.at`` / one sparse
product, no loop over nodes), the same definitions wherever they are used. This docstring is the
specification: another engine (Spark) must reproduce these numbers exactly.

Input: ``n`` nodes; edges ``(src[e], dst[e], rel[e])`` with relation names ``relations``
(multi-edges and self-loops are kept as given); per-node value columns ``values[name]`` (float,
``nan`` = unknown).

Per relation ``r`` and direction ``d`` — ``out``: the neighbours of node ``v`` are ``dst[e]``
for the edges ``e`` with ``src[e] == v`` and ``rel[e] == r``; ``in``: ``src[e]`` for the edges
with ``dst[e] == v`` — with ``N`` that multiset of neighbours (one entry per edge):

- ``nb_<r>_<d>_count`` = ``|N|`` (0 when none);
- for every value column ``x``, over the members ``u`` of ``N`` whose ``x[u]`` is known:

  - ``nb_<r>_<d>_<x>_sum`` = ``Σ x[u]`` (0 when none is known),
  - ``nb_<r>_<d>_<x>_mean`` = that sum / the number of known members (``nan`` when none),
  - ``nb_<r>_<d>_<x>_max`` = ``max x[u]`` (``nan`` when none).

Over all relations, both directions (the undirected multigraph ``A`` with ``A[v, u]`` = the
number of edges between ``v`` and ``u`` either way, self-loops counted twice):

- ``degree`` = ``Σ_u A[v, u]``;
- ``hop2_walks`` = ``Σ_u A[v, u] · degree[u] − degree[v]``: walks of two edges from ``v``, less
  the walks straight back to ``v`` over the same edge;
- ``component_size`` = the number of nodes in ``v``'s connected component (``v`` included).

``degree`` is also offered to callers as a value column, so that ``nb_<r>_<d>_degree_*`` are the
neighbours' own degrees.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

STATS = ("sum", "mean", "max")
DIRECTIONS = ("out", "in")


def degree(src: np.ndarray, dst: np.ndarray, n: int) -> np.ndarray:
    """Edges at each node, either direction (a self-loop counts twice)."""
    return (np.bincount(src, minlength=n) + np.bincount(dst, minlength=n)).astype(np.float64)


def _aggregate(
    owner: np.ndarray, other: np.ndarray, x: np.ndarray, n: int
) -> dict[str, np.ndarray]:
    value = x[other]
    known = ~np.isnan(value)
    total = np.bincount(owner[known], weights=value[known], minlength=n)
    count = np.bincount(owner[known], minlength=n)
    top = np.full(n, np.nan)
    np.fmax.at(top, owner[known], value[known])
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return {"sum": total, "mean": mean, "max": top}


def neighbour_features(
    src: np.ndarray,
    dst: np.ndarray,
    rel: np.ndarray,
    relations: list[str],
    n: int,
    values: dict[str, np.ndarray],
) -> dict[str, np.ndarray]:
    """The columns of the module docstring, for all ``n`` nodes (float64 each)."""
    src, dst, rel = np.asarray(src, np.int64), np.asarray(dst, np.int64), np.asarray(rel)
    out: dict[str, np.ndarray] = {}
    for r, name in enumerate(relations):
        chosen = rel == r
        s, d = src[chosen], dst[chosen]
        for direction, owner, other in (("out", s, d), ("in", d, s)):
            prefix = f"nb_{name}_{direction}"
            out[f"{prefix}_count"] = np.bincount(owner, minlength=n).astype(np.float64)
            for column, x in values.items():
                stats = _aggregate(owner, other, np.asarray(x, np.float64), n)
                out.update({f"{prefix}_{column}_{k}": stats[k] for k in STATS})
    deg = degree(src, dst, n)
    a = sp.csr_matrix(
        (np.ones(2 * len(src)), (np.concatenate([src, dst]), np.concatenate([dst, src]))),
        shape=(n, n),
    )
    out["degree"] = deg
    out["hop2_walks"] = np.asarray(a @ deg) - deg
    _, component = connected_components(a, directed=False)
    out["component_size"] = np.bincount(component)[component].astype(np.float64)
    return out


def informative(columns: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], list[str]]:
    """(the columns that vary, the names of those dropped: constant or unknown everywhere)."""
    kept, dropped = {}, []
    for name, column in columns.items():
        missing = np.isnan(column) if column.dtype.kind == "f" else np.zeros(len(column), bool)
        known = column[~missing]
        # known-or-not is information in itself: only a column the same everywhere goes
        if known.size == 0 or (known.min() == known.max() and not missing.any()):
            dropped.append(name)
        else:
            kept[name] = column
    return kept, dropped
