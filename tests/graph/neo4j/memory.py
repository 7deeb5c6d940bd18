"""A ``SubgraphSource`` over canonical tables in memory, for testing the region logic.

It answers each fetch the way the Cypher statements of ``linkrisk.graph.neo4j.cypher`` are written
to (relations in force on the date, registered ends only, at most ``limit`` per subject, contact
group sizes and first members), in a shuffled order because the server promises none. It is the
stand-in that lets ``Neo4jQueries``' *choice of what to fetch* be compared with the embedded answers
on many random graphs; that the Cypher itself does this is checked by Neo4j's linter and, on a live
server, by the contract suite."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from typing import Any

import pyarrow as pa

from linkrisk.graph.neo4j.subgraph import EDGE_TABLES, ContactGroup
from linkrisk.graph.relations import ContactKind, RelType
from linkrisk.loaders.records import Role


class MemorySource:
    def __init__(self, tables: dict[str, pa.Table], as_of: date, seed: int = 0) -> None:
        self.as_of = as_of
        self.random = random.Random(seed)
        self.calls: list[tuple[str, int]] = []  # (fetch, number of subjects asked about)
        rows = {name: t.to_pylist() for name, t in tables.items()}
        self.subject_rows = {r["sid"]: r for r in rows.get("subjects", [])}
        self.edge_rows: list[dict[str, Any]] = []
        for rel, (name, a, b) in EDGE_TABLES.items():
            for r in rows.get(name, []):
                self.edge_rows.append({**r, "rel": rel.value, "src": r[a], "dst": r[b]})
        self.event_rows = rows.get("events", [])

    def _registered(self, sid: str) -> bool:
        row = self.subject_rows.get(sid)
        return row is not None and (row["reg_date"] is None or row["reg_date"] <= self.as_of)

    def _valid(self, row: dict[str, Any]) -> bool:
        start, end = row.get("start_date"), row.get("end_date")
        return (start is None or start <= self.as_of) and (end is None or end > self.as_of)

    def _shuffled(self, rows: list[Any]) -> list[Any]:
        self.random.shuffle(rows)
        return rows

    def subjects(self, sids: Sequence[str]) -> list[dict[str, Any]]:
        self.calls.append(("subjects", len(sids)))
        return self._shuffled([dict(self.subject_rows[s]) for s in sids if self._registered(s)])

    def edges(
        self,
        sids: Sequence[str],
        types: Sequence[RelType],
        *,
        outgoing: bool,
        incoming: bool,
        limit: int,
    ) -> list[dict[str, Any]]:
        self.calls.append(("edges", len(sids)))
        wanted = {t.value for t in types}
        out = []
        for sid in sids:
            mine = [
                {**r, "anchor": sid, "other": self._other(r, sid)}
                for r in self.edge_rows
                if r["rel"] in wanted
                and ((r["src"] == sid and outgoing) or (r["dst"] == sid and incoming))
                and self._valid(r)
                and self._registered(r["dst"] if r["src"] == sid else r["src"])
            ]
            out += self._shuffled(mine)[:limit]
        return self._shuffled(out)

    def _other(self, row: dict[str, Any], sid: str) -> dict[str, Any]:
        """The row of the far end, as the Cypher map projection returns it with the relation."""
        return dict(self.subject_rows[row["dst"] if row["src"] == sid else row["src"]])

    def control_edges(self, sids: Sequence[str], min_share: float) -> list[dict[str, Any]]:
        self.calls.append(("control", len(sids)))
        out = []
        for r in self.edge_rows:
            control = (r["rel"] == "HOLDS" and (r.get("share") or 0.0) >= min_share) or (
                r["rel"] == "OFFICER" and r.get("role") == Role.LEGAL_REPRESENTATIVE.value
            )
            for sid in sids:
                other = r["dst"] if r["src"] == sid else r["src"]
                ends = sid in (r["src"], r["dst"]) and self._registered(other)
                if control and ends and self._valid(r):
                    out.append(dict(r))
        return self._shuffled(out)

    def contact_groups(self, sids: Sequence[str], limit: int) -> list[ContactGroup]:
        self.calls.append(("contacts", len(sids)))
        out = []
        for sid in sids:
            for kind in ContactKind:
                value = self.subject_rows.get(sid, {}).get(kind.value)
                if value is None:
                    continue
                holders = sorted(
                    s
                    for s, r in self.subject_rows.items()
                    if r[kind.value] == value and self._registered(s)
                )
                members = [dict(self.subject_rows[s]) for s in holders[:limit]]
                out.append(ContactGroup(kind, sid, value, len(holders), members))
        return self._shuffled(out)

    def events(self, sids: Sequence[str]) -> list[dict[str, Any]]:
        self.calls.append(("events", len(sids)))
        wanted = set(sids)
        return self._shuffled([dict(r) for r in self.event_rows if r["sid"] in wanted])
