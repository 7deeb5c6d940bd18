"""Frame: canonical serialisation and digest, parsing, scope, exclusions and tiers."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from linkrisk.errors import InputError
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.sampling.frame import Frame, build_frame, parse_frame_text, scope_mask
from linkrisk.sampling.params import Scope
from tests.sampling.world import ORGS, tiers_for

World = tuple[EmbeddedStore, Snapshot]


def frame_of(pairs: list[tuple[str, int]]) -> Frame:
    sids = np.asarray([s.encode() for s, _ in pairs], dtype="S33")
    return Frame(sids, np.asarray([t for _, t in pairs], np.int8), "snap", "model")


def test_text_and_digest_are_sorted_sid_tier_lines() -> None:
    frame = frame_of([("91A", 0), ("91B", 3), ("P0f", 1)])
    assert frame.text() == b"91A,A\n91B,D\nP0f,B\n"
    assert frame.digest == hashlib.sha256(b"91A,A\n91B,D\nP0f,B\n").hexdigest()


def test_parse_is_the_inverse_of_text() -> None:
    frame = frame_of([("91A", 0), ("91B", 3), ("P0f", 1)])
    back = parse_frame_text(frame.text())
    assert back.text() == frame.text() and back.tiers.tolist() == [0, 3, 1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"91A,A\n91B,E\n", "line 2"),
        (b"91A;A\n", "line 1"),
        (b"91B,A\n91A,A\n", "line 2"),
        (b"91A,A\n91A,B\n", "line 2"),
    ],
)
def test_bad_frame_text_names_the_line(text: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_frame_text(text)


def test_default_scope_is_active_organisations(world: World) -> None:
    _store, snap = world
    covered = set(snap.sid_list(np.flatnonzero(scope_mask(snap, Scope()))))
    assert covered == {*ORGS, "ORGFAR", "ORGSHOP"}  # not ORGDEAD (revoked), no persons


def test_region_and_industry_prefixes(world: World) -> None:
    _store, snap = world
    nanjing = set(snap.sid_list(np.flatnonzero(scope_mask(snap, Scope(region_prefix="3201")))))
    assert "ORGFAR" not in nanjing and "ORG01" in nanjing
    retail = set(snap.sid_list(np.flatnonzero(scope_mask(snap, Scope(industry_prefixes=("F52",))))))
    assert retail == {"ORGSHOP"}
    assert set(snap.sid_list(np.flatnonzero(scope_mask(snap, Scope(statuses=("revoked",)))))) == {
        "ORGDEAD"
    }


def test_build_frame_keeps_scope_minus_exclusions_with_tiers(world: World) -> None:
    _store, snap = world
    tiers = tiers_for(snap, {"ORG01": "A", "ORG05": "D"})
    tiers[snap.index("ORG12")] = -1  # not scored: cannot be stratified
    excluded = np.zeros(snap.n, bool)
    excluded[snap.index("ORG02")] = True
    frame = build_frame(snap, tiers, "m1", scope_mask(snap, Scope()), excluded)
    sids = [s.decode() for s in frame.sids.tolist()]
    assert sids == sorted({*ORGS, "ORGFAR", "ORGSHOP"} - {"ORG02", "ORG12"})
    assert frame.stats == {"in_scope": 14, "excluded": 1, "untiered": 1, "eligible": 12}
    assert frame.tiers[sids.index("ORG01")] == 0 and frame.tiers[sids.index("ORG05")] == 3
    assert (frame.snapshot_id, frame.model_version) == (snap.version, "m1")


def test_tiers_must_align_with_the_snapshot(world: World) -> None:
    _store, snap = world
    with pytest.raises(InputError, match="tiers cover"):
        build_frame(snap, np.zeros(3, np.int8), "m", np.ones(snap.n, bool), np.zeros(snap.n, bool))
