"""GraphStore contract: idempotent upserts, atomic batches, streaming reads, load history."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from linkrisk.errors import InputError
from linkrisk.graph.store import GraphStore, LoadRecord
from tests.factories import org, person, table


def _city() -> dict[str, pa.Table]:
    return {
        "subjects": table(
            "subjects", [org("91A", name="甲公司"), org("91B"), person("P1", name="张某")]
        ),
        "holdings": table(
            "holdings",
            [
                {"src": "P1", "dst": "91A", "share": 0.6, "start_date": dt.date(2020, 1, 1)},
                {"src": "91A", "dst": "91B", "share": 0.5},
            ],
        ),
        "officers": table(
            "officers", [{"person": "P1", "org": "91B", "role": "legal_representative"}]
        ),
        "events": table(
            "events",
            [
                {
                    "event_id": "e1",
                    "sid": "91B",
                    "type": "penalty",
                    "decision_date": dt.date(2024, 5, 1),
                }
            ],
        ),
    }


def test_store_is_a_graph_store(store: GraphStore) -> None:
    assert isinstance(store, GraphStore)


def test_write_is_idempotent(store: GraphStore) -> None:
    store.write_batch(_city())
    first = store.counts()
    store.write_batch(_city())
    assert store.counts() == first
    assert first["holdings"] == 2 and first["subjects"] == 3


def test_null_never_overwrites_a_known_subject_value(store: GraphStore) -> None:
    store.write_batch({"subjects": table("subjects", [org("91A", name="甲公司", region="320102")])})
    store.write_batch({"subjects": table("subjects", [org("91A")])})
    subject = store.get_subject("91A")
    assert subject is not None
    assert subject["name"] == "甲公司" and subject["region"] == "320102"


def test_read_table_round_trips_types_and_nulls(store: GraphStore) -> None:
    store.write_batch(_city())
    rows = sorted(
        pa.Table.from_batches(list(store.read_table("holdings"))).to_pylist(),
        key=lambda r: r["src"],
    )
    assert rows[0]["src"] == "91A" and rows[0]["start_date"] is None and rows[0]["share"] == 0.5
    assert rows[1]["start_date"] == dt.date(2020, 1, 1)


def test_a_failing_batch_writes_nothing(store: GraphStore) -> None:
    good = _city()
    bad = dict(good, officers=pa.table({"person": ["P1"]}))  # lacks required columns
    with pytest.raises(InputError):
        store.write_batch(bad)
    assert sum(store.counts().values()) == 0


def test_events_of_returns_the_subjects_events(store: GraphStore) -> None:
    store.write_batch(_city())
    events = store.events_of(["91B", "91A"])
    assert events.column("event_id").to_pylist() == ["e1"]
    assert events.column("decision_date").to_pylist() == [dt.date(2024, 5, 1)]


def test_load_history_records_a_load(store: GraphStore) -> None:
    record = LoadRecord(
        file="x.csv", sha256="ab", source_kind="orgs", started="2026-01-01T00:00:00"
    )
    store.start_load(record)
    record.status, record.rows_ok, record.counts = "done", 3, {"subjects": 3}
    store.finish_load(record)
    [latest] = store.load_history(1)
    assert (latest.file, latest.status, latest.rows_ok, latest.counts) == (
        "x.csv",
        "done",
        3,
        {"subjects": 3},
    )


def test_event_flags_round_trip(store: GraphStore) -> None:
    event = {
        "event_id": "e2",
        "sid": "91A",
        "type": "penalty",
        "decision_date": dt.date(2024, 1, 2),
    }
    store.write_batch({"events": table("events", [{**event, "objection": True}])})
    assert store.events_of(["91A"]).column("objection").to_pylist() == [True]


def test_a_new_known_value_replaces_the_old(store: GraphStore) -> None:
    store.write_batch({"subjects": table("subjects", [org("91A", name="甲公司", status="active")])})
    store.write_batch({"subjects": table("subjects", [org("91A", status="revoked")])})
    subject = store.get_subject("91A")
    assert subject is not None
    assert (subject["name"], subject["status"]) == ("甲公司", "revoked")


def _subject(store: GraphStore, sid: str) -> dict[str, object]:
    subject = store.get_subject(sid)
    assert subject is not None
    return subject


def test_a_mention_never_overwrites_the_registration(store: GraphStore) -> None:
    registered = org("91A", kind="individual_business", name="甲商行", region="320102")
    store.write_batch({"subjects": table("subjects", [registered])})
    # a holdings file naming the firm by an older name, its kind guessed from the USCC
    mention = org("91A", kind="enterprise", name="甲公司", phone="13800000000")
    store.write_batch({"mentions": table("mentions", [mention])})
    subject = _subject(store, "91A")
    assert (subject["kind"], subject["name"]) == ("individual_business", "甲商行")
    assert subject["phone"] == "13800000000"  # unknown until the mention: filled in


def test_the_registration_wins_over_an_earlier_mention(store: GraphStore) -> None:
    store.write_batch({"mentions": table("mentions", [org("91A", name="甲公司")])})
    store.write_batch({"mentions": table("mentions", [org("91A", name="乙公司", region="1")])})
    subject = _subject(store, "91A")
    assert (subject["name"], subject["region"]) == ("甲公司", "1")  # the first mention stays
    registered = org("91A", kind="individual_business", name="甲商行")
    store.write_batch({"subjects": table("subjects", [registered])})
    subject = _subject(store, "91A")
    assert (subject["kind"], subject["name"], subject["region"]) == (
        "individual_business",
        "甲商行",
        "1",
    )


def test_a_mention_gives_a_placeholder_its_kind(store: GraphStore) -> None:
    holding = {"src": "P1", "dst": "91A", "share": 0.5}
    store.write_batch(
        {
            "holdings": table("holdings", [holding]),
            "mentions": table("mentions", [person("P1", name="张某"), org("91A")]),
        }
    )
    assert _subject(store, "P1")["kind"] == "person"
    assert _subject(store, "91A")["kind"] == "enterprise"
