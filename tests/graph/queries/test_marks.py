"""Borrowed mark arrays come back cleared, even when the borrower fails."""

from __future__ import annotations

import numpy as np
import pytest

from linkrisk.graph.queries.marks import marks


def test_cleared_after_an_error_and_distinct_when_nested() -> None:
    with pytest.raises(RuntimeError), marks(10, np.int8) as level:
        level[np.array([2, 7])] = 5
        level[4] = 1
        raise RuntimeError("the query failed half-way")
    with marks(10, np.int8) as first, marks(10, np.int8) as second:
        assert first.values is not second.values
        assert not first[np.arange(10)].any() and not second[np.arange(10)].any()
