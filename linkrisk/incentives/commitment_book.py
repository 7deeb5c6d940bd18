"""Where commitments live: the operational tables (``commitments``), behind a small protocol so
that this package needs no store internals (the embedded store's ``execute`` fits it).

``scan`` is breach detection after a load: the commitments not yet broken are compared with the
store's penalties; new breaches are recorded on the commitments and written as
``commitment_breach`` events through the graph store (which both stores take).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol

import numpy as np

from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.graph.store import GraphStore
from linkrisk.incentives.commitments import STATES, Commitment, breach_events, find_breaches
from linkrisk.incentives.facts import EPOCH, Commitments

_COLUMNS = (
    "commitment_id, subject, shown, matter, content, committed, deadline, authority,"
    " requires_fulfilment, fulfilled, breach_date, breach_reason"
)


class Records(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...


def _day(value: object) -> date | None:
    return None if value is None else date.fromisoformat(str(value))


def _row(r: tuple[Any, ...]) -> Commitment:
    return Commitment(
        commitment_id=str(r[0]),
        subject=str(r[1]),
        shown=str(r[2]),
        matter=str(r[3]),
        content=str(r[4] or ""),
        committed=date.fromisoformat(str(r[5])),
        deadline=date.fromisoformat(str(r[6])),
        authority=str(r[7]),
        requires_fulfilment=bool(r[8]),
        fulfilled=_day(r[9]),
        breach_date=_day(r[10]),
        breach_reason=None if r[11] is None else str(r[11]),
    )


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


class CommitmentBook:
    def __init__(self, records: Records) -> None:
        self.records = records

    def save(self, commitments: Sequence[Commitment]) -> int:
        """Insert or update (by commitment id) what a file says; a recorded breach is kept."""
        for c in commitments:
            self.records.execute(
                f"INSERT INTO commitments ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,NULL,NULL)"
                " ON CONFLICT (commitment_id) DO UPDATE SET subject = excluded.subject,"
                " shown = excluded.shown, matter = excluded.matter, content = excluded.content,"
                " committed = excluded.committed, deadline = excluded.deadline,"
                " authority = excluded.authority, fulfilled = excluded.fulfilled,"
                " requires_fulfilment = excluded.requires_fulfilment",
                (
                    c.commitment_id, c.subject, c.shown, c.matter, c.content,
                    c.committed.isoformat(), c.deadline.isoformat(), c.authority,
                    int(c.requires_fulfilment), _iso(c.fulfilled),
                ),
            )  # fmt: skip
        return len(commitments)

    def all(self) -> list[Commitment]:
        rows = self.records.execute(
            f"SELECT {_COLUMNS} FROM commitments ORDER BY committed, commitment_id"
        )
        return [_row(r) for r in rows]

    def listed(
        self, day: date, state: str | None = None, subject: str | None = None
    ) -> list[Commitment]:
        """Commitments (of one subject, or all) in ``state`` on ``day`` (all states if None)."""
        found = [c for c in self.all() if subject is None or c.subject == subject]
        return [c for c in found if state is None or c.state(day) == state]

    def scan(self, graph: GraphStore, day: date) -> list[Commitment]:
        """Breach detection: record new breaches and write their events; the new breaches."""
        open_ = [c for c in self.all() if c.breach_date is None]
        if not open_:
            return []
        subjects = {c.subject for c in open_}
        penalties = [
            row
            for batch in graph.read_table(
                "events", ["sid", "type", "authority", "decision_no", "decision_date", "reason"]
            )
            for row in batch.to_pylist()
            if row["type"] == "penalty" and row["sid"] in subjects
        ]
        breaches = find_breaches(open_, penalties, day)
        for c in breaches:
            self.records.execute(
                "UPDATE commitments SET breach_date = ?, breach_reason = ? WHERE commitment_id = ?",
                (_iso(c.breach_date), c.breach_reason, c.commitment_id),
            )
        if breaches:
            graph.write_batch({"events": breach_events(breaches)})
        return breaches

    def facts(self, snapshot: Snapshot) -> Commitments:
        """The commitments as the rules read them, on the snapshot's date."""
        day = snapshot.as_of
        known = [c for c in self.all() if c.committed <= day]
        if not known:
            return Commitments.empty()
        nodes = snapshot.indices([c.subject for c in known])
        keep = nodes >= 0
        days = np.array([(c.committed - EPOCH).days for c in known], np.int32)
        states = np.array([STATES.index(c.state(day)) for c in known], np.int8)
        return Commitments(nodes[keep], days[keep], states[keep])
