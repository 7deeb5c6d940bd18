"""Results: Chinese texts accepted, rows written to inspections, abnormal ones become events."""

from __future__ import annotations

import datetime as dt

import pytest

from linkrisk.errors import Conflict, InputError
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.loaders.records import InspectionResult
from linkrisk.sampling import PlanBook, PlanStatus, ResultEntry, parse_result, record_results
from linkrisk.sampling.results import event_id
from tests.sampling.conftest import plan_params, run_to_assigned

World = tuple[EmbeddedStore, Snapshot]
R = InspectionResult


@pytest.mark.parametrize(
    ("text", "result"),
    [
        ("正常", R.NORMAL),
        ("发现问题已责令改正", R.CORRECTED),
        ("未发现开展本次抽查涉及的经营活动", R.NO_ACTIVITY),
        ("通过登记的住所(经营场所)无法联系", R.UNREACHABLE),
        ("通过登记的住所（经营场所）无法联系", R.UNREACHABLE),
        ("不配合检查", R.UNCOOPERATIVE),
        ("发现问题待后续处理", R.VIOLATION),
        ("unreachable", R.UNREACHABLE),
    ],
)
def test_result_texts(text: str, result: InspectionResult) -> None:
    assert parse_result(text) is result


def test_unknown_result_lists_the_accepted_texts() -> None:
    with pytest.raises(InputError, match="不配合检查"):
        parse_result("还行")


def _rows(store: EmbeddedStore, sql: str, *args: object) -> list[tuple[object, ...]]:
    return store.execute(sql, args)


def test_results_feed_inspections_and_events(book: PlanBook, world: World) -> None:
    store, _snap = world
    plan = run_to_assigned(book, world, plan_params(matters=("M01", "M02")))
    teams = {t.sid: t.inspectors for t in book.teams(plan)}
    when = dt.date(2025, 8, 1)
    entries = [
        ResultEntry("ORG01", R.NORMAL, when),
        ResultEntry("ORG02", parse_result("不配合检查"), when, "M02"),
    ]
    summary = record_results(book, store, plan, entries)
    assert summary == {"results": 2, "inspection_rows": 3, "abnormal": 1}  # ORG01 on both matters
    rows = _rows(
        store,
        "SELECT sid, matter, result, inspectors FROM inspections WHERE plan_id = ?"
        " ORDER BY sid, matter",
        plan,
    )
    assert rows == [
        ("ORG01", "M01", "normal", ";".join(teams["ORG01"])),
        ("ORG01", "M02", "normal", ";".join(teams["ORG01"])),
        ("ORG02", "M02", "uncooperative", ";".join(teams["ORG02"])),
    ]
    events = _rows(
        store,
        "SELECT event_id, sid, type, decision_no, decision_date, reason FROM events"
        " WHERE sid = 'ORG02'",
    )
    assert events == [
        (
            event_id("ORG02", plan, when),
            "ORG02",
            "inspection_abnormal",
            plan,
            "2025-08-01",
            "不配合检查",
        )
    ]
    assert book.get(plan).status is PlanStatus.RESULTS
    record_results(book, store, plan, entries)  # recording again changes nothing
    assert len(_rows(store, "SELECT 1 FROM inspections WHERE plan_id = ?", plan)) == 3
    assert len(_rows(store, "SELECT 1 FROM events WHERE type = 'inspection_abnormal'")) == 1


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (ResultEntry("ORGDEAD", R.NORMAL, dt.date(2025, 8, 1)), "not an assigned subject"),
        (ResultEntry("ORG01", R.NORMAL, dt.date(2025, 10, 8)), "outside the plan's period"),
        (ResultEntry("ORG01", R.NORMAL, dt.date(2025, 8, 1), "M09"), "not one of the plan's"),
    ],
)
def test_bad_results_are_refused(
    book: PlanBook, world: World, entry: ResultEntry, message: str
) -> None:
    store, _snap = world
    plan = run_to_assigned(book, world, plan_params())
    with pytest.raises(InputError, match=message):
        record_results(book, store, plan, [entry])
    assert (
        _rows(store, "SELECT 1 FROM inspections WHERE plan_id = ?", plan) == []
    )  # nothing half-written


def test_results_need_teams(book: PlanBook, world: World) -> None:
    from linkrisk.sampling import create_plan
    from linkrisk.sampling.sources import read_inspections
    from tests.sampling.world import tiers_for

    store, snap = world
    create_plan(book, plan_params(), snap, tiers_for(snap, {}), "m", read_inspections(store))
    with pytest.raises(Conflict):
        record_results(book, store, "T-1", [ResultEntry("ORG01", R.NORMAL, dt.date(2025, 8, 1))])
