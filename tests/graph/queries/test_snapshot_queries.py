"""SnapshotQueries: it is a GraphQueries, validates its arguments, and reads its settings."""

from __future__ import annotations

import pytest

from linkrisk.errors import InputError, NotFound
from linkrisk.graph.queries import GraphQueries
from tests.factories import org, person
from tests.graph.queries.conftest import Build, holds


def test_protocol_and_argument_checks(build: Build, monkeypatch: pytest.MonkeyPatch) -> None:
    q = build(subjects=[person("P"), org("A")], holdings=[holds("P", "A", 0.3)])
    assert isinstance(q, GraphQueries)
    for call in (
        lambda: q.owners("A", max_depth=0),
        lambda: q.owners("A", min_share=1.5),
        lambda: q.controllers("A", threshold=0.0),
        lambda: q.group("A", threshold=2.0),
        lambda: q.neighbourhood("A", max_nodes=0),
        lambda: q.surrounding_risk("A", hops=0),
    ):
        with pytest.raises(InputError):
            call()
    with pytest.raises(NotFound):
        q.neighbourhood("missing")


def test_thresholds_come_from_settings(build: Build, monkeypatch: pytest.MonkeyPatch) -> None:
    from linkrisk.config import get_settings

    monkeypatch.setenv("LINKRISK_BENEFICIAL_OWNER_THRESHOLD", "0.35")
    monkeypatch.setenv("LINKRISK_CONTROL_THRESHOLD", "0.25")
    get_settings.cache_clear()
    q = build(subjects=[person("P"), org("A")], holdings=[holds("P", "A", 0.3)])
    assert q.controllers("A")[0].reason == "largest shareholder"  # 30% < 35%
    assert q.group("A").size == 2  # 30% ≥ 25% is control here


def test_warm_prepares_the_caches(build: Build) -> None:
    q = build(subjects=[person("P"), org("A")], holdings=[holds("P", "A", 0.6)])
    assert q.warm() is q
    assert q._views and q._groups  # built once, reused by every later query
    assert q.group("A").group_id == "GA"
