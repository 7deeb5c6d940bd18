"""Snapshot build: point-in-time filtering, CSR in both directions, contacts, versions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.relations import NO_END, RelType
from linkrisk.graph.snapshot.arrays import Snapshot, load_current
from linkrisk.graph.snapshot.build import build_csr, build_snapshot
from tests.factories import org, person, table


@pytest.fixture
def small_store(tmp_path: Path) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path / "s.db")
    store.migrate()
    store.write_batch(
        {
            "subjects": table(
                "subjects",
                [
                    org("A", phone="025-1", reg_date=dt.date(2000, 1, 1)),
                    org("B", phone="025-1"),
                    org("C", phone="025-1"),
                    org("LATE", reg_date=dt.date(2030, 1, 1)),
                    person("P"),
                ]
                + [org(f"S{i:02d}", address="代理地址1号") for i in range(12)],
            ),
            "holdings": table(
                "holdings",
                [
                    {"src": "P", "dst": "A", "share": 0.6},
                    {"src": "A", "dst": "B", "share": 0.5, "start_date": dt.date(2021, 1, 1)},
                    {"src": "A", "dst": "C", "share": 0.3, "end_date": dt.date(2022, 6, 1)},
                    {"src": "P", "dst": "LATE", "share": 1.0},
                ],
            ),
            "events": table(
                "events",
                [
                    {
                        "event_id": "e1",
                        "sid": "B",
                        "type": "penalty",
                        "decision_date": dt.date(2021, 3, 1),
                        "repair_date": dt.date(2023, 1, 1),
                    },
                    {
                        "event_id": "e2",
                        "sid": "B",
                        "type": "abnormal_operation",
                        "decision_date": dt.date(2024, 3, 1),
                    },
                ],
            ),
        }
    )
    return store


def _snap(store: EmbeddedStore, tmp_path: Path, when: dt.date) -> Snapshot:
    build_snapshot(store, tmp_path / "snaps", as_of=when, supernode_cap=10)
    return load_current(tmp_path / "snaps")


def test_edges_in_force_on_the_as_of_date(small_store: EmbeddedStore, tmp_path: Path) -> None:
    holds = _snap(small_store, tmp_path, dt.date(2022, 1, 1)).relations[RelType.HOLDS]
    assert holds.n_edges == 3  # P→A, A→B (started 2021), A→C (ends 2022-06)
    holds = _snap(small_store, tmp_path, dt.date(2020, 1, 1)).relations[RelType.HOLDS]
    assert holds.n_edges == 2  # A→B not yet started


def test_subjects_registered_later_are_absent(small_store: EmbeddedStore, tmp_path: Path) -> None:
    snap = _snap(small_store, tmp_path, dt.date(2025, 1, 1))
    assert snap.try_index("LATE") is None and snap.meta["stats"]["dangling_HOLDS"] == 1


def test_forward_and_reverse_csr_agree(small_store: EmbeddedStore, tmp_path: Path) -> None:
    snap = _snap(small_store, tmp_path, dt.date(2022, 1, 1))
    holds = snap.relations[RelType.HOLDS]
    a = snap.index("A")
    assert sorted(snap.sid_list(holds.out(a)[0])) == ["B", "C"]
    owners, edges = holds.into(a)
    assert snap.sid_list(owners) == ["P"]
    assert holds.attrs["share"][edges].tolist() == pytest.approx([0.6])


def test_future_events_and_repairs_are_unknown(small_store: EmbeddedStore, tmp_path: Path) -> None:
    snap = _snap(small_store, tmp_path, dt.date(2022, 1, 1))
    events = snap.events_of(snap.index("B"))
    assert events["event_id"].tolist() == [b"e1"]
    assert events["repair"].tolist() == [NO_END]  # the 2023 repair is not yet known in 2022


def test_contacts_link_small_groups_and_report_supernodes(
    small_store: EmbeddedStore, tmp_path: Path
) -> None:
    snap = _snap(small_store, tmp_path, dt.date(2025, 1, 1))
    contact = snap.relations[RelType.SAME_CONTACT]
    assert sorted(snap.sid_list(contact.out(snap.index("A"))[0])) == ["B", "C"]
    s0 = snap.index("S00")
    assert contact.out(s0)[0].size == 0 and snap.nodes["address_size"][s0] == 12
    assert snap.meta["stats"]["supernodes_address"] == 1


def test_version_depends_only_on_content(small_store: EmbeddedStore, tmp_path: Path) -> None:
    first = _snap(small_store, tmp_path, dt.date(2025, 1, 1)).version
    assert _snap(small_store, tmp_path, dt.date(2025, 1, 1)).version == first
    assert _snap(small_store, tmp_path, dt.date(2022, 1, 1)).version != first


def test_build_csr_matches_scipy() -> None:
    import scipy.sparse as sp

    rng = np.random.default_rng(0)
    src, dst = rng.integers(0, 50, 300), rng.integers(0, 50, 300)
    csr = build_csr(src, dst, 50)
    expected = sp.coo_matrix((np.ones(300), (src, dst)), shape=(50, 50)).tocsr()
    ours = sp.csr_matrix((np.ones(300), csr["indices"], csr["indptr"]), shape=(50, 50))
    assert (ours != expected).nnz == 0
    rev = sp.csr_matrix((np.ones(300), csr["rev_indices"], csr["rev_indptr"]), shape=(50, 50))
    assert (rev != expected.T.tocsr()).nnz == 0
