"""受益所有人 by the 2024 rules on hand-made graphs, with hand-computed shares, and 备案核验."""

from __future__ import annotations

import pytest

from linkrisk.graph.queries.beneficial import FiledOwner, beneficial_owners, verify_filing
from tests.factories import org, person
from tests.graph.queries.conftest import Build, holds, officer


@pytest.fixture
def queries(build: Build):  # type: ignore[no-untyped-def]
    return build(
        subjects=[
            *(person(p) for p in ("P1", "P2", "P3", "P4", "P5", "M", "L", "D1", "D2")),
            *(org(o) for o in ("X", "H", "H1", "H2", "Z", "W")),
        ],
        holdings=[
            holds("P1", "X", 0.3),
            holds("H", "X", 0.7),
            holds("P2", "H", 0.55),
            holds("P3", "H", 0.45),
            holds("P4", "H1", 0.51),
            holds("H1", "H2", 0.51),
            holds("H2", "Z", 0.51),
            holds("P5", "Z", 0.2),
            holds("D1", "W", 0.2),
            holds("D2", "W", 0.2),
        ],
        officers=[officer("M", "W", "manager"), officer("L", "W", "legal_representative")],
    )


def test_ownership_at_25_percent_and_control_together(queries) -> None:  # type: ignore[no-untyped-def]
    found = beneficial_owners(queries, "X")
    got = [(o.sid, o.rules, round(o.integrated_share or 0, 4)) for o in found.owners]
    assert got == [
        ("P2", ("ownership", "control"), 0.385),  # 55 % of 70 %, both steps a majority
        ("P3", ("ownership",), 0.315),
        ("P1", ("ownership",), 0.3),
    ]
    assert not found.fallback
    assert found.owners[0].paths[0].sids == ("P2", "H", "X")


def test_a_majority_chain_controls_below_the_threshold(queries) -> None:  # type: ignore[no-untyped-def]
    found = beneficial_owners(queries, "Z")
    assert [(o.sid, o.rules) for o in found.owners] == [("P4", ("control",))]
    assert found.owners[0].integrated_share == pytest.approx(0.51**3, abs=1e-6)
    assert found.owners[0].paths[0].sids == ("P4", "H1", "H2", "Z")


def test_nobody_owns_or_controls_so_the_manager_is_named(queries) -> None:  # type: ignore[no-untyped-def]
    found = beneficial_owners(queries, "W")
    assert found.fallback
    assert [(o.sid, o.rules, o.role) for o in found.owners] == [
        ("M", ("senior_manager",), "manager")
    ]


def test_filing_verification_lists_each_discrepancy(queries) -> None:  # type: ignore[no-untyped-def]
    computed = beneficial_owners(queries, "X")
    filed = [FiledOwner("P1", share=0.3), FiledOwner("P3", share=0.2), FiledOwner("P9")]
    found = [(d.sid, d.kind) for d in verify_filing(computed, filed)]
    assert found == [("P2", "not_filed"), ("P9", "not_found"), ("P3", "share_differs")]
    assert (
        verify_filing(
            computed, [FiledOwner(o.sid, share=o.integrated_share) for o in computed.owners]
        )
        == ()
    )


def test_an_unknown_share_names_no_owner_by_ownership(build: Build) -> None:
    """A holding of unknown share (None, not 0) gives an unknown integrated share: no ownership
    rule fires on it, and the answer falls back to the manager instead of failing."""
    queries = build(
        subjects=[person("P1"), person("M"), org("X")],
        holdings=[holds("P1", "X", None)],
        officers=[officer("M", "X", "manager")],
    )
    found = beneficial_owners(queries, "X")
    assert found.fallback
    assert [(o.sid, o.rules) for o in found.owners] == [("M", ("senior_manager",))]
