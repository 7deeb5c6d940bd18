"""Ultimate controllers: ownership ≥ 25% (edge cases), largest shareholder, then roles."""

from __future__ import annotations

import pytest

from tests.factories import org, person
from tests.graph.queries.conftest import Build, holds, officer


def test_persons_at_or_above_25_percent_through_chains(build: Build) -> None:
    q = build(
        subjects=[person("P1"), person("P2"), person("P3"), org("H"), org("X")],
        holdings=[
            holds("P1", "H", 0.5),
            holds("H", "X", 0.5),  # 25% exactly: qualifies
            holds("P2", "X", 0.3),
            holds("P3", "X", 0.2),
        ],
    )
    found = q.controllers("X")
    assert [(c.sid, c.reason) for c in found] == [
        ("P2", "ownership ≥ 25%"),
        ("P1", "ownership ≥ 25%"),
    ]
    assert found[1].integrated_share == pytest.approx(0.25)
    assert found[1].paths[0].sids == ("P1", "H", "X")


def test_two_paths_adding_up_to_the_threshold(build: Build) -> None:
    q = build(
        subjects=[person("P"), org("H1"), org("H2"), org("X")],
        holdings=[
            holds("P", "H1", 1.0),
            holds("P", "H2", 1.0),
            holds("H1", "X", 0.1),
            holds("H2", "X", 0.15),
        ],
    )
    [controller] = q.controllers("X")
    assert controller.sid == "P" and controller.integrated_share == pytest.approx(0.25)
    assert len(controller.paths) == 2


def test_top_entity_qualifies_but_an_owned_entity_does_not(build: Build) -> None:
    q = build(
        subjects=[org("STATE", kind="institution"), org("H"), person("P"), org("X")],
        holdings=[holds("STATE", "X", 0.4), holds("P", "H", 0.1), holds("H", "X", 0.6)],
    )
    found = q.controllers("X")
    assert [(c.sid, c.kind) for c in found] == [("STATE", "institution")]


def test_largest_shareholder_when_nobody_reaches_the_threshold(build: Build) -> None:
    q = build(
        subjects=[person("P1"), person("P2"), org("X")],
        holdings=[holds("P1", "X", 0.2), holds("P2", "X", 0.1)],
        officers=[officer("P2", "X", "legal_representative")],
    )
    [controller] = q.controllers("X")
    assert (controller.sid, controller.reason) == ("P1", "largest shareholder")
    assert q.controllers("X", threshold=0.2)[0].reason == "ownership ≥ 20%"


def test_roles_when_shareholding_gives_no_answer(build: Build) -> None:
    q = build(
        subjects=[person("P1"), person("P2"), person("L"), person("C"), org("X"), org("Y")],
        holdings=[holds("P1", "X", 0.1), holds("P2", "X", 0.1)],  # a tie: nobody controls
        officers=[
            officer("L", "X", "legal_representative"),
            officer("C", "X", "chair"),
            officer("C", "Y", "chair"),
        ],
    )
    [controller] = q.controllers("X")
    assert (controller.sid, controller.reason, controller.integrated_share) == (
        "L",
        "legal representative",
        None,
    )
    assert controller.paths[0].hops[0].role == "legal_representative"
    assert [(c.sid, c.reason) for c in q.controllers("Y")] == [("C", "chair")]
    assert q.controllers("P1") == []  # persons are not controlled
