"""Verification re-derives the draw and teams and names what was tampered with."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

from linkrisk.errors import IntegrityError
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.sampling import PlanBook, material_from_book, verify_material, verify_plan
from linkrisk.sampling.sealed import from_sealed, read_sealed, to_sealed, write_sealed
from tests.sampling.conftest import run_to_assigned

World = tuple[EmbeddedStore, Snapshot]


def _what(book: PlanBook, plan_id: str) -> str:
    with pytest.raises(IntegrityError) as caught:
        verify_material(material_from_book(book, plan_id))
    return str(caught.value.extra["what"])


def test_an_untouched_plan_verifies(book: PlanBook, world: World) -> None:
    plan = run_to_assigned(book, world)
    report = verify_plan(book, plan)
    assert report.selected == len(book.selection(plan)) and report.teams == report.selected
    assert "teams replayed" in report.checks[-1]


def test_tampered_frame(book: PlanBook, world: World) -> None:
    plan = run_to_assigned(book, world)
    text = book.frame_text(plan).replace(b"ORG12,B", b"ORG12,D")
    book.store.execute(
        "UPDATE sampling_frames SET frame = ? WHERE plan_id = ?", (zlib.compress(text), plan)
    )
    assert _what(book, plan) == "frame"


def test_tampered_seed(book: PlanBook, world: World) -> None:
    plan = run_to_assigned(book, world)
    book.store.execute(
        "UPDATE sampling_plans SET seed = 'a more convenient seed' WHERE plan_id = ?", (plan,)
    )
    assert _what(book, plan) == "seed"


def test_tampered_parameter(book: PlanBook, world: World) -> None:
    plan = run_to_assigned(book, world)
    params = book.get(plan).params_json.replace('"B":"0.5"', '"B":"0.6"')
    book.store.execute("UPDATE sampling_plans SET params = ? WHERE plan_id = ?", (params, plan))
    assert _what(book, plan) == "parameters"


def test_tampered_parameter_with_a_recomputed_digest(book: PlanBook, world: World) -> None:
    import hashlib

    plan = run_to_assigned(book, world)
    params = book.get(plan).params_json.replace('"B":"0.5"', '"B":"0.6"')
    digest = hashlib.sha256(params.encode()).hexdigest()
    book.store.execute(
        "UPDATE sampling_plans SET params = ?, params_digest = ? WHERE plan_id = ?",
        (params, digest, plan),
    )
    assert _what(book, plan) == "plan"  # the plan digest announced at creation binds the parameters


def test_tampered_result(book: PlanBook, world: World) -> None:
    plan = run_to_assigned(book, world)
    picks = book.selection(plan)
    outsider = next(s for s in ("ORG10", "ORGDEAD") if s not in {p.sid for p in picks})
    book.store.execute(
        "UPDATE sampling_selection SET sid = ? WHERE plan_id = ? AND rank = 2", (outsider, plan)
    )
    with pytest.raises(IntegrityError, match="rank 2") as caught:
        verify_material(material_from_book(book, plan))
    assert caught.value.extra["what"] == "result"


def test_tampered_team(book: PlanBook, world: World) -> None:
    plan = run_to_assigned(book, world)
    team = book.teams(plan)[0]
    other = next(i for i in ("I1", "I2", "I3", "I4", "I5", "I6") if i not in team.inspectors)
    changed = ";".join((other, *team.inspectors[1:]))
    book.store.execute(
        "UPDATE sampling_teams SET inspectors = ? WHERE plan_id = ? AND rank = 1", (changed, plan)
    )
    assert _what(book, plan) == "assignment"


def test_tampered_mandatory_list(book: PlanBook, world: World) -> None:
    plan = run_to_assigned(book, world)
    book.store.execute(
        "DELETE FROM sampling_mandatory WHERE plan_id = ? AND sid = 'ORG09'", (plan,)
    )
    assert _what(book, plan) == "mandatory"


def test_a_sealed_file_alone_verifies_and_detects_changes(
    book: PlanBook, world: World, tmp_path: Path
) -> None:
    plan = run_to_assigned(book, world)
    bundle = to_sealed(material_from_book(book, plan))
    path = write_sealed(material_from_book(book, plan), tmp_path / "p.sealed.json.gz")
    assert verify_material(read_sealed(path)).teams == len(book.teams(plan))
    text = json.dumps(bundle)
    for private in ("of the subject", "previous round", "PINSP", "PHOLD"):  # 回避 reasons, persons
        assert private not in text
    bundle["selection"][0][1], bundle["selection"][1][1] = (
        bundle["selection"][1][1],
        bundle["selection"][0][1],
    )
    with pytest.raises(IntegrityError) as caught:
        verify_material(from_sealed(bundle))
    assert caught.value.extra["what"] == "result"


def test_a_recomputed_frame_digest_still_differs_from_the_announced_root(
    book: PlanBook, world: World
) -> None:
    """Moving a firm to another tier and recomputing every sealed digest is caught by the
    Merkle root announced before the draw."""
    import hashlib

    from linkrisk.sampling.plans import plan_digest

    plan = run_to_assigned(book, world)
    record = book.get(plan)
    text = book.frame_text(plan).replace(b"ORG12,B", b"ORG12,D")
    frame_digest = hashlib.sha256(text).hexdigest()
    digest = plan_digest(
        plan, record.params_digest, frame_digest, record.mandatory_digest, record.seed_commitment
    )
    book.store.execute(
        "UPDATE sampling_frames SET frame = ? WHERE plan_id = ?", (zlib.compress(text), plan)
    )
    book.store.execute(
        "UPDATE sampling_plans SET frame_digest = ?, plan_digest = ? WHERE plan_id = ?",
        (frame_digest, digest, plan),
    )
    with pytest.raises(IntegrityError, match="frame_root") as caught:
        verify_material(material_from_book(book, plan))
    assert caught.value.extra["what"] == "frame"


def test_a_changed_frame_key_is_caught(book: PlanBook, world: World) -> None:
    plan = run_to_assigned(book, world)
    book.store.execute(
        "UPDATE sampling_plans SET frame_key = ? WHERE plan_id = ?", ("ab" * 32, plan)
    )
    material = material_from_book(book, plan)
    assert material.announcement is not None
    material.announcement["frame_root"] = book.get(plan).frame_root  # the announced root
    assert _what_of(material) == "frame"


def _what_of(material: object) -> str:
    with pytest.raises(IntegrityError) as caught:
        verify_material(material)  # type: ignore[arg-type]
    return str(caught.value.extra["what"])


def test_announced_plan_digest_must_match(book: PlanBook, world: World) -> None:
    plan = run_to_assigned(book, world)
    material = material_from_book(book, plan)
    verify_material(material, book.get(plan).plan_digest)
    with pytest.raises(IntegrityError):
        verify_material(material, "0" * 64)
