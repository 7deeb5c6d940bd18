"""A subject's relations as an investigator reads them (工商信息), on a hand-made graph."""

from __future__ import annotations

import datetime as dt

from linkrisk.graph.queries.dossier import dossier
from tests.factories import org, person
from tests.graph.queries.conftest import Build, holds, officer


def _city(build: Build):  # type: ignore[no-untyped-def]
    return build(
        subjects=[
            person("P1"),
            person("P2"),
            org("H"),
            org("X"),
            org("Y", status="revoked"),
            org("XB"),
        ],
        holdings=[
            holds("P1", "X", 0.6, subscribed=600_000.0, start_date=dt.date(2019, 3, 5)),
            holds("H", "X", None, subscribed=400_000.0),  # a share the source did not give
            holds("X", "Y", 0.3),
            holds("P2", "X", 0.1, end_date=dt.date(2020, 1, 1)),  # left before the as-of date
        ],
        officers=[
            officer("P2", "X", "legal_representative", start_date=dt.date(2018, 1, 1)),
            officer("P2", "X", "manager"),
            officer("P1", "X", "chair"),
            officer("P1", "Y", "director"),
        ],
        branches=[{"parent": "X", "branch": "XB", "start_date": dt.date(2021, 6, 1)}],
    ).snapshot


def test_a_firm_card_lists_holders_officers_investments_and_branches(build: Build) -> None:
    d = dossier(_city(build), "X")
    assert d.legal_representatives == ("P2",)
    assert [(s.sid, s.share, s.subscribed, s.since) for s in d.shareholders] == [
        ("P1", 0.6000000238418579, 600_000.0, dt.date(2019, 3, 5)),  # float32 share
        ("H", None, 400_000.0, None),  # unknown share stays unknown, not 0 %
    ]
    assert [(p.sid, p.role, p.since) for p in d.officers] == [
        ("P2", "legal_representative", dt.date(2018, 1, 1)),
        ("P1", "chair", None),
        ("P2", "manager", None),
    ]
    assert [(s.sid, s.kind) for s in d.investments] == [("Y", "enterprise")]
    assert [(b.sid, b.since) for b in d.branches] == [("XB", dt.date(2021, 6, 1))]
    assert d.head_office is None
    assert dossier(_city(build), "XB").head_office.sid == "X"  # type: ignore[union-attr]


def test_a_person_page_lists_roles_and_holdings(build: Build) -> None:
    d = dossier(_city(build), "P1")
    assert [(p.sid, p.role) for p in d.posts] == [("X", "chair"), ("Y", "director")]
    assert [(s.sid, round(s.share or 0, 3)) for s in d.investments] == [("X", 0.6)]
    assert d.shareholders == () and d.officers == ()
