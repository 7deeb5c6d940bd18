"""Build a snapshot from a store: read the canonical tables as Arrow, map sids to integers,
build CSR adjacency per relation, derive shared-contact links, and publish atomically.

The version id is derived from the content (``YYYYMMDD-<digest>``), so rebuilding an unchanged
store as of the same date gives the same version, whatever order the store returns rows in:
nodes are in sid order, contact groups numbered by first appearance in that order, the edges of
a node ordered by (target, attributes), and events by (node, decision date, event id).

Speed (2M-subject city: 6.5M nodes, 9M edges, tables already in memory): the processing took
35.6 s, 24 s of it in ``pc.index_in`` rebuilding a hash table of all sids for each sid column.
Now the sids are read once into fixed-width words and hashed (``sid_index``), orderings are
packed ``np.sort`` passes (``sorting``), no column becomes Python objects, and the work runs as
independent jobs on two threads (numpy and Arrow release the GIL) while the arrays are digested
and written in the background (``snapshot_publish``). ``THREADS = 0`` runs the jobs in line, to
time each phase; ``bench/graph.py --phases`` prints the phases.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from linkrisk.arrays.sid_index import SidIndex, Strings
from linkrisk.arrays.string_sort import string_order
from linkrisk.graph.relations import CONTACT_CODES, NO_START, RelType
from linkrisk.graph.snapshot import names, parts
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.graph.snapshot.parts import Arrays, build_csr
from linkrisk.graph.snapshot.publish import InMemory, Publisher
from linkrisk.graph.store import GraphStore
from linkrisk.heap import kept_heap

__all__ = ["Progress", "build_csr", "build_in_memory", "build_snapshot"]

Progress = Callable[[str], None]
SID_WIDTH = 33  # "P" + 32 hex digits; a USCC is 18
THREADS = 2  # worker threads for the jobs (0: run them in line on the calling thread)
CONTACTS = [kind.value for kind in CONTACT_CODES]
SUBJECT_COLUMNS = ["sid", "kind", "status", "region", "industry", "reg_date", "capital", "weak"]
SUBJECT_COLUMNS += ["name"]  # the search arrays (``names``)
EDGE_SPECS: dict[RelType, tuple[str, str, str, list[str]]] = {
    RelType.HOLDS: ("holdings", "src", "dst", ["share", "subscribed"]),
    RelType.OFFICER: ("officers", "person", "org", ["role"]),
    RelType.BRANCH: ("branches", "parent", "branch", []),
}
EVENT_COLUMNS = ["event_id", "sid", "type", "severity", "decision_date", "disclosure_end"]
EVENT_COLUMNS += ["repair_date", "objection"]
INSPECTION_COLUMNS = ["sid", "inspect_date", "result"]


class _Inline(ThreadPoolExecutor):
    """``THREADS = 0``: each job runs at once on the calling thread."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        done: Future[Any] = Future()
        done.set_result(fn(*args, **kwargs))
        return done


def _table(store: GraphStore, name: str, columns: list[str]) -> pa.Table:
    batches = list(store.read_table(name, columns))
    if not batches:
        from linkrisk.loaders.records import TABLES

        schema = pa.schema([TABLES[name].schema.field(c) for c in columns])
        return schema.empty_table()
    return pa.Table.from_batches(batches)


#: the steps ``progress`` is told about, in order (for a caller's progress bar)
STEPS = (
    "subjects",
    "relations",
    "events",
    "inspections",
    "index",
    "shared contacts",
    "collect",
    "publish",
)


def build_snapshot(
    store: GraphStore,
    root: Path,
    *,
    as_of: date | None = None,
    supernode_cap: int = 10,
    progress: Progress | None = None,
) -> Path:
    """Build, write and publish a snapshot of ``store`` as of ``as_of`` (default: today).

    The store is read on the calling thread, one table after another (a store need not be
    thread-safe), while the workers build the sid index, the node arrays and the contact groups
    from the subjects; then the workers look the sid columns up, the largest first, and the
    calling thread turns each relation into CSR as soon as both its columns are known (the
    officers, looked up first and sorted last, are the longest chain of work)."""
    pool = ThreadPoolExecutor(THREADS, "snapshot") if THREADS else _Inline(1)
    with kept_heap():  # many large arrays made and dropped
        path: Path = _build(store, Publisher(root), pool, as_of, supernode_cap, progress)
        return path


def build_in_memory(store: GraphStore, *, as_of: date, supernode_cap: int = 10) -> Snapshot:
    """The snapshot of a small store (a Neo4j query's region), built exactly as
    ``build_snapshot`` builds it but kept in memory: no digests, files or threads, whose fixed
    cost dominated a region of a few dozen subjects (≈ 56 arrays written and read back)."""
    snapshot: Snapshot = _build(
        store, InMemory(), _Inline(1), as_of, supernode_cap, None, search=False
    )
    return snapshot


def _build(
    store: GraphStore,
    out: Publisher | InMemory,
    pool: ThreadPoolExecutor,
    as_of: date | None,
    supernode_cap: int,
    progress: Progress | None,
    *,
    search: bool = True,
) -> Any:
    """The build itself: ``out`` receives each array as it is final, then publishes them."""
    started = time.perf_counter()
    say = progress or (lambda _msg: None)
    as_of = as_of or date.today()
    day = (as_of - date(1970, 1, 1)).days
    with out, pool:
        say("subjects")
        subjects = _table(store, "subjects", SUBJECT_COLUMNS + CONTACTS)
        registered = np.flatnonzero(parts.days(subjects["reg_date"], NO_START) <= day)
        sids = Strings(subjects["sid"]).words(registered)
        order = string_order(sids)
        in_order = bool((order[1:] > order[:-1]).all())  # e.g. SQLite reads subjects by sid
        rows = None if in_order and len(registered) == len(subjects) else registered[order]
        building = pool.submit(SidIndex, sids if in_order else sids.take(order))
        nodes = pool.submit(parts.node_arrays, subjects, rows)
        contacts = [
            pool.submit(parts.contact_groups, subjects[k], rows, supernode_cap) for k in CONTACTS
        ]
        named = subjects.select(["name", "kind"])
        del sids, subjects

        say("relations")
        tables = {}
        for rel in (RelType.OFFICER, RelType.HOLDS, RelType.BRANCH):  # the largest first
            name, a, b, extra = EDGE_SPECS[rel]
            tables[rel] = _table(store, name, [a, b, *extra, "start_date", "end_date"])
        say("events")
        events = _table(store, "events", EVENT_COLUMNS)
        say("inspections")
        inspections = _table(store, "inspections", INSPECTION_COLUMNS)

        say("index")
        index = building.result()
        out.put("nodes/sid", index.words.fixed(SID_WIDTH))
        found: dict[RelType, list[Future[Arrays]]] = {}
        for rel, edges in tables.items():
            _, a, b, _ = EDGE_SPECS[rel]
            found[rel] = [
                pool.submit(parts.lookup, "src", index, edges[a]),
                pool.submit(parts.lookup, "dst", index, edges[b]),
                pool.submit(parts.edge_attrs, rel, edges, day),
            ]
        jobs = {
            "events": pool.submit(parts.events, events, index, day),
            "inspections": pool.submit(parts.inspections, inspections, index, day),
        }
        if search:  # a query region needs no name search (nor pinyin for each region)
            jobs["search"] = pool.submit(names.node_search_arrays, named, rows)
        del tables, events, inspections, named

        say("shared contacts")
        for key, value in nodes.result().items():
            out.put(f"nodes/{key}", value)
        stats: dict[str, Any] = {}
        pairs, kinds = [], []
        for code, (kind, job) in enumerate(zip(CONTACTS, contacts, strict=True)):
            groups = job.result()
            out.put(f"nodes/{kind}_group", groups["group"])
            out.put(f"nodes/{kind}_size", groups["size"])
            pairs.append(np.stack([groups["a"], groups["b"]]))
            kinds.append(np.full(len(groups["a"]), code, np.int8))
            stats[f"supernodes_{kind}"] = int(groups["supernodes"])
        same_contact = f"rel/{RelType.SAME_CONTACT.value}"
        jobs[same_contact] = pool.submit(parts.contact_edges, pairs, kinds, index.n)

        say("collect")  # the calling thread builds the CSR of each relation once looked up
        for rel, part in found.items():
            columns = {key: value for job in part for key, value in job.result().items()}
            _put(out, stats, f"rel/{rel.value}", parts.relation(rel, columns, index.n))
        del found
        for prefix, job in jobs.items():
            _put(out, stats, prefix, job.result())
        csrs = [
            (out.arrays[f"rel/{r.value}/indptr"], out.arrays[f"rel/{r.value}/indices"])
            for r in RelType
        ]
        out.put("nodes/locality", parts.locality_order(csrs, index.n))
        stats = dict(sorted(stats.items(), key=_stat_order))
        stats.update(nodes=index.n, seconds=round(time.perf_counter() - started, 3))
        say("publish")
        return out.publish(as_of, stats)


def _put(out: Publisher | InMemory, stats: dict[str, Any], prefix: str, arrays: Arrays) -> None:
    """Hand a job's arrays to the publisher (digested and written at once), its counts to stats."""
    for key, value in arrays.items():
        if key.startswith("stats:"):
            stats[key[6:]] = int(value)
        else:
            out.put(f"{prefix}/{key}", value)


def _stat_order(item: tuple[str, Any]) -> int:
    """Stats in the order the single-threaded build reported them (supernodes, relations)."""
    names = [f"supernodes_{kind}" for kind in CONTACTS]
    for rel in [*EDGE_SPECS, RelType.SAME_CONTACT]:
        names += [f"dangling_{rel.value}", f"edges_{rel.value}"]
    return names.index(item[0])
