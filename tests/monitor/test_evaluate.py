"""Changes between two snapshots, and the alerts they raise for watches at each depth."""

from __future__ import annotations

import numpy as np
import pytest

from linkrisk.errors import InputError, NotFound
from linkrisk.monitor.changes import KIND_CODES, old_to_new, snapshot_changes, tier_changes
from linkrisk.monitor.evaluate import evaluate
from linkrisk.monitor.inbox import acknowledge, list_alerts, open_alert_count
from linkrisk.monitor.watches import add_watch, list_watches, remove_watch
from tests.monitor.conftest import FIRST, A, B, C, D, F, World, pid


def _what(described: dict[str, object]) -> str:
    return str(described.get("event_type") or described.get("after"))


def _changes(world: World) -> set[tuple[str, str, str]]:
    found = snapshot_changes(world.old, world.new)
    return {
        (world.new.sid(int(found.node[i])), KIND_CODES[int(found.kind[i])].value, _what(d))
        for i in range(len(found))
        for d in [found.describe(i, world.new)]
    }


def test_the_changes_are_found_by_sid_whatever_the_node_order(world: World) -> None:
    assert world.new.index(A) != world.old.index(A)  # FIRST shifted every node
    assert _changes(world) == {
        (B, "event", "penalty"),
        (F, "event", "penalty"),
        (A, "event", "abnormal_operation"),
        (D, "status", "revoked"),
        (A, "ownership", "0.8"),
        (C, "officer", "director"),
    }


def test_an_unchanged_snapshot_has_no_changes(world: World) -> None:
    assert len(snapshot_changes(world.new, world.new)) == 0


def test_a_holder_that_leaves_is_a_change_with_no_share_after(world: World) -> None:
    found = snapshot_changes(world.new, world.old)  # backwards: P2 leaves C, C's share falls
    described = [found.describe(i, world.old) for i in range(len(found))]
    assert {"kind": "officer", "person": pid(2), "before": "director", "after": None} in described
    assert {"kind": "ownership", "holder": C, "before": 0.8, "after": 0.6} in described


def test_tier_changes_align_by_sid(world: World) -> None:
    old_tier = np.zeros(world.old.n, np.int8)
    new_tier = np.zeros(world.new.n, np.int8)
    new_tier[world.new.index(B)] = 3
    new_tier[world.new.index(FIRST)] = 2  # a new subject: nothing to compare with
    found = tier_changes(old_tier, new_tier, old_to_new(world.old, world.new))
    assert [world.new.sid(int(n)) for n in found.node] == [B]
    assert found.describe(0, world.new) == {"kind": "tier", "before": "A", "after": "D"}


def test_alerts_reach_the_watches_within_their_depth_with_the_path(world: World) -> None:
    add_watch(world.store, "bank1", A, depth=2)
    add_watch(world.store, "bureau", A, depth=0, kinds=["event:abnormal_operation"])
    add_watch(world.store, "bureau", D, depth=0, kinds=["status"])
    report = evaluate(
        world.store, world.old.version, world.new, snapshot_changes(world.old, world.new), "graph"
    )
    bank = list_alerts(world.store, "bank1").alerts
    got = {(a.sid, a.kind, a.distance) for a in bank}
    # F's penalty is three links away and D's status change is not connected
    assert got == {(B, "event", 2), (A, "event", 0), (A, "ownership", 0), (C, "officer", 1)}
    penalty = next(a for a in bank if a.sid == B)
    assert penalty.path["nodes"] == [A, pid(1), B]
    assert penalty.path["links"] == [
        {"type": "OFFICER", "from": pid(1), "to": A},
        {"type": "OFFICER", "from": pid(1), "to": B},
    ]
    officer = next(a for a in bank if a.kind == "officer")
    assert officer.path["links"] == [{"type": "HOLDS", "from": C, "to": A}]
    assert officer.change == {
        "kind": "officer",
        "person": pid(2),
        "before": None,
        "after": "director",
    }
    bureau = list_alerts(world.store, "bureau").alerts
    assert {(a.sid, a.kind) for a in bureau} == {(A, "event"), (D, "status")}
    assert report.alerts == len(bank) + len(bureau)


def test_an_evaluation_is_done_once(world: World) -> None:
    add_watch(world.store, "bank1", A, depth=2)
    changes = snapshot_changes(world.old, world.new)
    first = evaluate(world.store, world.old.version, world.new, changes, "graph")
    again = evaluate(world.store, world.old.version, world.new, changes, "graph")
    assert first.alerts == 4 and again.skipped and again.alerts == 0
    assert len(list_alerts(world.store, "bank1").alerts) == 4


def test_pages_acknowledgement_and_open_counts(world: World) -> None:
    add_watch(world.store, "bank1", A, depth=2)
    evaluate(
        world.store, world.old.version, world.new, snapshot_changes(world.old, world.new), "graph"
    )
    first = list_alerts(world.store, "bank1", limit=3)
    assert len(first.alerts) == 3 and first.next_cursor is not None
    rest = list_alerts(world.store, "bank1", limit=3, after=first.next_cursor)
    assert len(rest.alerts) == 1 and rest.next_cursor is None
    ids = [a.alert_id for a in first.alerts + rest.alerts]
    assert ids == sorted(ids, reverse=True)
    assert open_alert_count(world.store, "bank1") == 4
    assert open_alert_count(world.store, "bank1", B) == 1  # about B
    assert open_alert_count(world.store, "bank1", A) == 4  # all watched through A
    assert acknowledge(world.store, "bank1", ids[:2], "key1") == 2
    assert open_alert_count(world.store, "bank1") == 2
    assert len(list_alerts(world.store, "bank1", open_only=True).alerts) == 2
    with pytest.raises(NotFound):  # another organisation's alert is as good as absent
        acknowledge(world.store, "other", ids[2:3], "key2")
    assert open_alert_count(world.store, "bank1") == 2


def test_watches_are_checked(world: World) -> None:
    with pytest.raises(InputError, match="depth"):
        add_watch(world.store, "bank1", A, depth=4)
    with pytest.raises(InputError, match="change kind"):
        add_watch(world.store, "bank1", A, kinds=["rumour"])
    with pytest.raises(InputError, match="not a valid USCC"):
        add_watch(world.store, "bank1", A[:-1] + ("0" if A[-1] != "0" else "1"))
    add_watch(world.store, "bank1", A.lower(), depth=1)
    assert [w.sid for w in list_watches(world.store, "bank1")] == [A]
    remove_watch(world.store, "bank1", A)
    with pytest.raises(NotFound):
        remove_watch(world.store, "bank1", A)


def test_subjects_are_matched_by_sid_in_any_node_order(world: World) -> None:
    import dataclasses

    from linkrisk.monitor.changes import old_to_new

    shuffled = np.random.default_rng(3).permutation(world.new.n)
    reordered = dataclasses.replace(world.new, sids=np.asarray(world.new.sids)[shuffled])
    mapped = old_to_new(world.old, reordered)
    for node in range(world.old.n):
        assert reordered.sid(int(mapped[node])) == world.old.sid(node)
    gone = dataclasses.replace(world.old, sids=np.asarray(world.old.sids)[:1])
    assert old_to_new(world.new, gone).tolist().count(-1) == world.new.n - 1
    assert old_to_new(world.new, world.new).tolist() == list(range(world.new.n))
