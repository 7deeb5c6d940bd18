"""Neighbour aggregates: the module docstring's definitions on a graph small enough to check by hand
(the Spark engine mirrors these numbers)."""

from __future__ import annotations

import numpy as np
import pytest

from linkrisk.models.neighbours import informative, neighbour_features

NAN = float("nan")


def _graph() -> dict[str, np.ndarray]:
    # 0 owns 1 and 2; 1 owns 2 twice (two records); 3 is an officer of 1; 4 and 5 are alone
    # together (one edge); 6 has a self-loop; 7 is isolated
    src = np.array([0, 0, 1, 1, 3, 4, 6])
    dst = np.array([1, 2, 2, 2, 1, 5, 6])
    rel = np.array([0, 0, 0, 0, 1, 0, 1])
    capital = np.array([10.0, NAN, 4.0, 1.0, 7.0, 3.0, 2.0, 9.0])
    return neighbour_features(src, dst, rel, ["owns", "officer"], 8, {"capital": capital})


def test_per_relation_and_direction_counts_sums_means_maxima() -> None:
    f = _graph()
    assert f["nb_owns_out_count"].tolist() == [2, 2, 0, 0, 1, 0, 0, 0]
    assert f["nb_owns_in_count"].tolist() == [0, 1, 3, 0, 0, 1, 0, 0]
    # 0's held firms: 1 (unknown) and 2 (4): the unknown one does not count
    assert f["nb_owns_out_capital_sum"][0] == 4 and f["nb_owns_out_capital_mean"][0] == 4
    # 2's owners: 0 (10) and 1 (unknown) twice
    assert f["nb_owns_in_capital_sum"][2] == 10 and f["nb_owns_in_capital_max"][2] == 10
    assert f["nb_owns_out_capital_sum"][1] == 8 and f["nb_owns_out_capital_mean"][1] == 4
    assert np.isnan(f["nb_owns_in_capital_mean"][0]) and f["nb_owns_in_capital_sum"][0] == 0
    assert f["nb_owns_in_capital_max"][1] == 10 and f["nb_owns_out_capital_max"][0] == 4
    assert f["nb_officer_in_capital_max"][1] == 1 and f["nb_officer_out_count"][3] == 1
    assert f["nb_officer_out_capital_max"][6] == 2  # a self-loop is its own neighbour


def test_degree_two_hop_walks_and_components() -> None:
    f = _graph()
    assert f["degree"].tolist() == [2, 4, 3, 1, 1, 1, 2, 0]
    # 0 → 1 (degree 4) and 0 → 2 (degree 3): 7 walks, less 2 straight back
    assert f["hop2_walks"][0] == 5
    assert f["hop2_walks"][6] == 2 * 2 - 2  # the loop both ways, less itself
    assert f["component_size"].tolist() == [4, 4, 4, 4, 2, 2, 1, 1]


def test_no_edges_at_all() -> None:
    f = neighbour_features(
        np.zeros(0, int), np.zeros(0, int), np.zeros(0, int), [], 3, {"x": np.ones(3)}
    )
    assert f["degree"].tolist() == [0, 0, 0] and f["component_size"].tolist() == [1, 1, 1]


@pytest.mark.parametrize(
    ("column", "kept"),
    [
        ([1.0, 1.0, 1.0], False),
        ([NAN, NAN, NAN], False),
        ([1.0, NAN, 1.0], True),  # known or not is information
        ([1.0, 2.0, 1.0], True),
    ],
)
def test_columns_the_same_everywhere_are_dropped(column: list[float], kept: bool) -> None:
    out, dropped = informative({"c": np.array(column)})
    assert ("c" in out) is kept and ("c" in dropped) is not kept
