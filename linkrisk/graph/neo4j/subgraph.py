"""The part of the Neo4j graph an investigator query needs, fetched by Cypher, as a snapshot.

The Neo4j side answers ``GraphQueries`` with the *same* algorithms as the embedded side: it
fetches the bounded subgraph a query can touch (one ``UNWIND $sids`` statement per BFS layer),
builds a small snapshot of it with the real ``build_snapshot`` (same as-of rules, same codes,
same shared-contact groups) and runs :class:`~linkrisk.graph.queries.SnapshotQueries` on it.

What makes the small snapshot answer exactly like the whole one is the *complete-or-hub* rule:
every node a search can expand is fetched with all its relations in force (and, when
``SAME_CONTACT`` is selected, all members of its contact groups), and every node a search can
meet is fetched at least far enough to know whether it is a supernode — its relations up to
``degree_cap + 1``, which is enough to block it. A node only seen at the edge keeps no contact
values, so partial contact groups never invent ``SAME_CONTACT`` links.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any, NamedTuple, Protocol

import pyarrow as pa

from linkrisk.errors import NotFound
from linkrisk.graph.relations import ContactKind, RelType
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.graph.snapshot.build import build_in_memory
from linkrisk.loaders.records import TABLES

#: a per-subject relation limit that never binds (searches expand their ends in full)
UNLIMITED = 2**62
#: relation type → canonical table and the names of its two ends
EDGE_TABLES: dict[RelType, tuple[str, str, str]] = {
    RelType.HOLDS: ("holdings", "src", "dst"),
    RelType.OFFICER: ("officers", "person", "org"),
    RelType.BRANCH: ("branches", "parent", "branch"),
}
STORED = tuple(EDGE_TABLES)  # the relation types Neo4j stores (SAME_CONTACT is derived)


class ContactGroup(NamedTuple):
    """The subjects sharing ``sid``'s value of one contact kind on the source's date."""

    kind: ContactKind
    sid: str
    value: str
    size: int  # registered subjects holding the value
    members: list[dict[str, Any]]  # the first of them by sid (the cap + 1), as subject rows


class SubgraphSource(Protocol):
    """Where a region's rows come from (Neo4j in production): the graph in force on ``as_of``."""

    as_of: date

    def subjects(self, sids: Sequence[str]) -> list[dict[str, Any]]:
        """Canonical rows of the subjects among ``sids`` registered on ``as_of``."""
        ...

    def edges(
        self,
        sids: Sequence[str],
        types: Sequence[RelType],
        *,
        outgoing: bool,
        incoming: bool,
        limit: int,
    ) -> list[dict[str, Any]]:
        """Relations in force of each subject, ``limit`` each: rows ``anchor`` (the subject
        asked about), ``rel, src, dst, share, subscribed, role, start_date, end_date`` and, where
        the source has it, ``other``: the subject row of the end that is not the anchor."""
        ...

    def control_edges(self, sids: Sequence[str], min_share: float) -> list[dict[str, Any]]:
        """HOLDS with share ≥ ``min_share`` and legal-representative OFFICER edges of each."""
        ...

    def contact_groups(self, sids: Sequence[str], limit: int) -> list[ContactGroup]:
        """Each subject's group of every contact kind it has a value of (members: the first
        ``limit`` registered holders by sid, as subject rows)."""
        ...

    def events(self, sids: Sequence[str]) -> list[dict[str, Any]]:
        """Canonical event rows of the subjects."""
        ...


class TableStore:
    """Canonical tables in memory, read the way ``build_snapshot`` reads a store."""

    backend = "memory"

    def __init__(self, tables: dict[str, pa.Table]) -> None:
        self.tables = tables

    def read_table(
        self, name: str, columns: Sequence[str] | None = None, batch_rows: int = 500_000
    ) -> Iterator[pa.RecordBatch]:
        data = self.tables.get(name)
        if data is None:  # a table the region does not need (inspections): empty
            return iter(())
        return iter(data.select(list(columns or data.column_names)).to_batches(batch_rows))


def edge_key(rel: RelType, row: dict[str, Any]) -> tuple[Any, ...]:
    """The canonical key of a relation row (its identity in the store)."""
    if rel is RelType.HOLDS:
        return (rel, row["src"], row["dst"], row["start_date"])
    if rel is RelType.OFFICER:
        return (rel, row["src"], row["dst"], row["role"], row["start_date"])
    return (rel, row["src"], row["dst"])


class Region:
    """Rows fetched for one query, the completeness of each node, and its snapshot.

    Parameters
    ----------
    source
        Where rows come from.
    rels
        The relation types the query walks (``SAME_CONTACT`` adds contact groups).
    degree_cap
        A node of higher degree over ``rels`` is a supernode: fetched only far enough to tell.
    supernode_cap
        Contact groups of more subjects link nobody (``settings.supernode_cap``).
    """

    def __init__(
        self,
        source: SubgraphSource,
        *,
        rels: Sequence[RelType] = STORED,
        degree_cap: int = 500,
        supernode_cap: int = 10,
    ) -> None:
        self.source = source
        self.rels = tuple(rels)
        self.degree_cap = degree_cap
        self.supernode_cap = supernode_cap
        self.subjects: dict[str, dict[str, Any]] = {}
        self.edges: dict[tuple[Any, ...], dict[str, Any]] = {}
        self.event_rows: dict[str, dict[str, Any]] = {}
        self.contacts: dict[tuple[str, ContactKind], str] = {}
        self.adjacent: dict[str, set[str]] = {}
        self.degree: dict[str, int] = {}
        self.complete: set[str] = set()
        self._events_known: set[str] = set()

    # -- fetching ----------------------------------------------------------------------------
    def require(self, sid: str) -> None:
        """Fetch a query's subject; ``NotFound`` if the graph does not hold it on ``as_of``."""
        self.add_subjects([sid])
        if sid not in self.subjects:
            raise NotFound(f"subject {sid} is not in the Neo4j graph as of {self.source.as_of}")

    def add_subjects(self, sids: Iterable[str]) -> None:
        missing = sorted(set(sids) - set(self.subjects))
        if missing:
            for row in self.source.subjects(missing):
                self.subjects[row["sid"]] = row

    def add_edges(self, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Record relation rows (deduplicated on their keys) and fetch their ends' subjects."""
        fresh = []
        for row in rows:
            other = row.pop("other", None)
            if other is not None:  # the far end's row came with the relation
                self.subjects.setdefault(other["sid"], other)
            rel = RelType(row["rel"])
            key = edge_key(rel, row)
            if key not in self.edges:
                self.edges[key] = row
                fresh.append(row)
        self.add_subjects({r["src"] for r in fresh} | {r["dst"] for r in fresh})
        return fresh

    def expand(self, sids: Iterable[str], *, full: bool = False) -> None:
        """Fetch nodes for a walk: complete, or (capped, ``full=False``) enough to block a hub."""
        todo = sorted(s for s in set(sids) if s not in self.complete and s in self.subjects)
        if not todo or (not full and all(s in self.degree for s in todo)):
            return
        if not full:
            todo = [s for s in todo if s not in self.degree]
        limit = UNLIMITED if full else self.degree_cap + 1
        stored = [r for r in self.rels if r in EDGE_TABLES]
        incident: dict[str, list[dict[str, Any]]] = {s: [] for s in todo}
        if stored:
            for row in self.source.edges(todo, stored, outgoing=True, incoming=True, limit=limit):
                incident[row["anchor"]].append(row)  # the subject whose relations these are
            self.add_edges(r for rows in incident.values() for r in rows)
        for sid in todo:
            rows = {edge_key(RelType(r["rel"]), r): r for r in incident[sid]}.values()
            self.degree[sid] = sum((r["src"] == sid) + (r["dst"] == sid) for r in rows)
            self.adjacent[sid] = {r["dst"] if r["src"] == sid else r["src"] for r in rows}
        if RelType.SAME_CONTACT in self.rels:
            self._expand_contacts(todo)
        for sid in todo:
            # a capped fetch that did not reach its limit saw every relation
            if full or len(incident[sid]) < limit:
                self.complete.add(sid)

    def _expand_contacts(self, sids: list[str]) -> None:
        """Contact groups of 2..cap members link them all; larger ones link nobody."""
        for group in self.source.contact_groups(sids, self.supernode_cap):
            if not 2 <= group.size <= self.supernode_cap:
                continue
            for row in group.members:
                self.subjects.setdefault(row["sid"], row)
            members = {row["sid"] for row in group.members}
            for member in members | {group.sid}:
                self.contacts[member, group.kind] = group.value
            others = members - {group.sid}
            self.adjacent[group.sid] |= others
            self.degree[group.sid] += len(others)

    def is_hub(self, sid: str) -> bool:
        """Degree over the walked relations above the cap (the node is never expanded)."""
        return self.degree.get(sid, 0) > self.degree_cap

    def neighbours(self, sids: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for sid in sids:
            found |= self.adjacent.get(sid, set())
        return found

    def add_events(self, sids: Iterable[str]) -> None:
        todo = sorted(set(sids) - self._events_known)
        if todo:
            for row in self.source.events(todo):
                self.event_rows[row["event_id"]] = row
            self._events_known.update(todo)

    # -- the small snapshot --------------------------------------------------------------------
    def tables(self) -> dict[str, pa.Table]:
        """The fetched rows as canonical tables (contact values only where groups are known)."""
        subjects = []
        for sid, row in sorted(self.subjects.items()):
            contacts = {k.value: self.contacts.get((sid, k)) for k in ContactKind}
            subjects.append({**row, **contacts})
        rows: dict[str, list[dict[str, Any]]] = {name: [] for name, _, _ in EDGE_TABLES.values()}
        for row in self.edges.values():
            name, a, b = EDGE_TABLES[RelType(row["rel"])]
            rows[name].append({**row, a: row["src"], b: row["dst"]})
        out = {"subjects": subjects, **rows, "events": list(self.event_rows.values())}
        return {
            name: pa.Table.from_pylist(
                [{c: r.get(c) for c in TABLES[name].column_names} for r in data],
                schema=TABLES[name].schema,
            )
            for name, data in out.items()
        }

    def snapshot(self) -> Snapshot:
        """A snapshot of the fetched rows as of the source's date (built by the same code as a
        published snapshot, in memory)."""
        return build_in_memory(
            TableStore(self.tables()),  # type: ignore[arg-type]
            as_of=self.source.as_of,
            supernode_cap=self.supernode_cap,
        )
