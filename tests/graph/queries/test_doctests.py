"""The examples in the algorithm modules' docstrings run and hold."""

from __future__ import annotations

import doctest

import pytest

from linkrisk.graph.queries import csr, marks, ownership


@pytest.mark.parametrize("module", [csr, marks, ownership])
def test_docstring_examples(module: object) -> None:
    failures, tried = doctest.testmod(module, raise_on_error=False)  # type: ignore[arg-type]
    assert tried > 0 and failures == 0
