"""What renumbering the nodes for memory locality would gain the propagation product.

    python bench/locality.py                  # the 2,000,000-subject city (bench/common.py)
    python bench/locality.py --subjects 200000

The propagation operator of the snapshot (``models.propagation.build_operator``) in the
snapshot's node order (sid order: a person's key is a hash, so its neighbours are scattered over
the whole vector), and the same operator with its nodes renumbered (``P W Pᵀ``) by
- connected component (largest first), by descending degree within each (``component``),
- reverse Cuthill–McKee on the symmetrised pattern (``rcm``, scipy.sparse.csgraph),
- descending degree (``degree``),
- and the order the snapshot stores (``nodes/locality``: by component and degree).
For each: the time to compute the order, and the best of five runs of 20 propagation
iterations (``propagate``), all in the same run; the product's result is checked to be the same
vector, permuted. Writes bench/results/locality.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, reverse_cuthill_mckee

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ensure_snapshot, timed, write_result
from linkrisk.graph.snapshot.arrays import load_snapshot
from linkrisk.models.intrinsic import intrinsic_risk
from linkrisk.models.propagation import (
    PropagationConfig,
    PropagationOperator,
    build_operator,
    propagate,
)

RUNS = 5


def component_order(pattern: sp.csr_matrix) -> np.ndarray:
    """Nodes component by component (largest first), by descending degree within each."""
    count, label = connected_components(pattern, directed=False)
    sizes = np.bincount(label, minlength=count)
    degree = np.diff(pattern.indptr)
    return np.lexsort((-degree, label, -sizes[label])).astype(np.int64)


def permuted(operator: PropagationOperator, order: np.ndarray) -> PropagationOperator:
    """The operator on nodes renumbered so that new node i is old node ``order[i]``."""
    matrix = operator.matrix[order][:, order].tocsr()
    matrix.sort_indices()
    return PropagationOperator(matrix, operator.norm[order], operator.config)


def best(operator: PropagationOperator, restart: np.ndarray) -> tuple[float, np.ndarray]:
    runs, total = [], np.zeros(0)
    for _ in range(RUNS):
        with timed() as t:
            total = propagate(operator, restart).total
        runs.append(t.seconds)
    return min(runs), total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subjects", type=int, default=2_000_000)
    args = parser.parse_args()
    snapshot = load_snapshot(ensure_snapshot(args.subjects))
    config = PropagationConfig(iterations=20)
    stored = snapshot.nodes.get("locality")  # the order a snapshot build stores
    unordered = {k: v for k, v in snapshot.nodes.items() if k != "locality"}  # as before 2026-12
    sid_order = dataclasses.replace(snapshot, nodes=unordered)
    operator = build_operator(sid_order, config)
    restart = intrinsic_risk(snapshot).risk.astype(np.float32)
    pattern = (operator.matrix + operator.matrix.T).tocsr()
    base_s, base = best(operator, restart)
    result: dict[str, Any] = {
        "subjects": args.subjects,
        "nodes": snapshot.n,
        "operator_nnz": int(operator.matrix.nnz),
        "sid_order_20_iterations_s": round(base_s, 3),
        "orders": {},
        "note": "shared 2-core machine: compare within the run",
    }
    orders: dict[str, Callable[[], np.ndarray]] = {
        "component": lambda: component_order(pattern),
        "rcm": lambda: reverse_cuthill_mckee(pattern, symmetric_mode=True).astype(np.int64),
        "degree": lambda: np.argsort(-np.diff(pattern.indptr), kind="stable"),
    }
    if stored is not None:
        orders["snapshot_locality"] = lambda: np.asarray(stored, np.int64)
    for name, make in orders.items():
        with timed() as t_order:
            order = make()
        assert np.array_equal(np.sort(order), np.arange(snapshot.n))
        with timed() as t_perm:
            renumbered = permuted(operator, order)
        seconds, total = best(renumbered, restart[order])
        np.testing.assert_allclose(total, base[order], rtol=1e-4, atol=1e-6)
        result["orders"][name] = {
            "order_s": round(t_order.seconds, 2),
            "permute_s": round(t_perm.seconds, 2),
            "propagation_20_iterations_s": round(seconds, 3),
            "vs_sid_order": round(seconds / base_s, 3),
        }
        print(
            f"{name:7s} order {t_order.seconds:5.2f} s  propagation {seconds:.3f} s"
            f" = {seconds / base_s:.2f} × sid order ({base_s:.3f} s)",
            flush=True,
        )
    write_result("locality", result)


if __name__ == "__main__":
    main()
