"""Arrow ⇄ driver rows for the Neo4j store: pure conversions, checked without a server."""

from __future__ import annotations

import datetime as dt
from typing import Any

import neo4j.time
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkrisk.errors import InputError
from linkrisk.graph.neo4j import cypher
from linkrisk.graph.neo4j.rows import (
    check_batch,
    row_chunks,
    subject_dict,
    to_batch,
    with_merge_keys,
    write_plan,
)
from linkrisk.loaders.records import TABLES, SubjectKind
from tests.factories import org, person, table

dates = st.none() | st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31))
texts = st.none() | st.text(min_size=1, max_size=8)


def _driver_value(value: Any) -> Any:
    """What the driver hands back for a value it was sent (dates come back as neo4j Dates)."""
    if isinstance(value, dt.date):
        return neo4j.time.Date(value.year, value.month, value.day)
    return value


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "src": st.text(min_size=1, max_size=5),
                "dst": st.text(min_size=1, max_size=5),
                "share": st.none() | st.floats(0, 1),
                "subscribed": st.none() | st.floats(0, 1e9),
                "start_date": dates,
                "end_date": dates,
            }
        ),
        max_size=20,
    )
)
def test_rows_sent_and_read_back_give_the_same_table(rows: list[dict[str, Any]]) -> None:
    original = table("holdings", rows)
    sent = [r for chunk in row_chunks(original, 7) for r in chunk]
    keys = TABLES["holdings"].column_names
    back = to_batch(keys, [[_driver_value(r[k]) for k in keys] for r in sent], original.schema)
    assert pa.Table.from_batches([back], schema=original.schema).equals(original)


@given(st.lists(st.fixed_dictionaries({"start_date": dates}), max_size=10))
def test_merge_key_is_the_iso_date_or_empty(rows: list[dict[str, Any]]) -> None:
    data = table("holdings", [{"src": "a", "dst": "b", **r} for r in rows])
    keyed = with_merge_keys("holdings", data).column("start_key").to_pylist()
    assert keyed == [r["start_date"].isoformat() if r["start_date"] else "" for r in rows]


@given(st.lists(st.sampled_from(list(SubjectKind)), max_size=12))
def test_every_subject_goes_to_exactly_one_label_statement(kinds: list[SubjectKind]) -> None:
    subjects = table("subjects", [{"sid": f"s{i}", "kind": k.value} for i, k in enumerate(kinds)])
    plan = dict(write_plan({"subjects": subjects}))
    persons = plan.get(cypher.MERGE_PERSONS, subjects.slice(0, 0)).column("sid").to_pylist()
    orgs = plan.get(cypher.MERGE_ORGANISATIONS, subjects.slice(0, 0)).column("sid").to_pylist()
    assert sorted(persons + orgs) == sorted(f"s{i}" for i in range(len(kinds)))
    assert persons == [f"s{i}" for i, k in enumerate(kinds) if k is SubjectKind.PERSON]


def test_plan_writes_subjects_first_and_skips_empty_tables() -> None:
    plan = write_plan(
        check_batch(
            {
                "inspections": table(
                    "inspections",
                    [
                        {
                            "plan_id": "p",
                            "sid": "91A",
                            "inspect_date": dt.date(2025, 1, 1),
                            "result": "normal",
                        }
                    ],
                ),
                "officers": table("officers", []),
                "subjects": table("subjects", [org("91A"), person("P1")]),
            }
        )
    )
    assert [cypher.name_of(s) for s, _ in plan] == [
        "MERGE_ORGANISATIONS",
        "MERGE_PERSONS",
        "MERGE_INSPECTIONS",
    ]
    assert plan[2][1].column("matter_key").to_pylist() == [""]


def test_check_batch_names_the_row_and_field_of_an_empty_required_value() -> None:
    bad = table("events", [{"event_id": "e1", "sid": "91A", "type": "penalty"}])
    with pytest.raises(InputError, match="events row 0: required field 'decision_date'") as err:
        check_batch({"events": bad})
    assert err.value.extra == {"table": "events", "row": 0, "field": "decision_date"}


def test_check_batch_puts_columns_in_canonical_order() -> None:
    data = table("branches", [{"parent": "91A", "branch": "91B"}])
    shuffled = data.select(list(reversed(data.column_names)))
    assert check_batch({"branches": shuffled})["branches"].column_names == data.column_names


def test_subject_dict_gives_dates_as_iso_text() -> None:
    keys = ["sid", "reg_date", "capital", "weak"]
    subject = subject_dict(keys, ["91A", neo4j.time.Date(2001, 2, 3), 5.0, None])
    assert subject == {"sid": "91A", "reg_date": "2001-02-03", "capital": 5.0, "weak": None}
