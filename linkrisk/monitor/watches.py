"""Watchlists: per organisation, the subjects it watches, how far around them, and for what.

A watch is (organisation, subject, depth 0–3, kinds of change). Depth 0 watches the subject
itself; depth 2 also its shareholders' other holdings, its officers' other firms and so on, two
links away. The kinds are ``ChangeKind`` values; ``event`` may be narrowed to event types as
``event:penalty``. Who may watch what (a lender: consented subjects at depth 0) is the API's rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from linkrisk.errors import InputError, NotFound
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.relations import EVENT_CODES
from linkrisk.loaders.keys import key_problem, normalise_key
from linkrisk.monitor.changes import ChangeKind
from linkrisk.monitor.reach import MAX_DEPTH

ALL_KINDS: tuple[str, ...] = tuple(k.value for k in ChangeKind)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class Watch:
    org: str
    sid: str
    depth: int
    kinds: tuple[str, ...]
    label: str | None
    created: str
    created_by: str | None

    def wants(self, kind: str, event_type: str | None = None) -> bool:
        """True when a change of ``kind`` (and event type) is one this watch asked for."""
        if kind in self.kinds:
            return True
        return kind == ChangeKind.EVENT.value and f"event:{event_type}" in self.kinds

    def to_dict(self) -> dict[str, object]:
        return {
            "org": self.org,
            "sid": self.sid,
            "depth": self.depth,
            "kinds": list(self.kinds),
            "label": self.label,
            "created": self.created,
            "created_by": self.created_by,
        }


def check_kinds(kinds: Iterable[str] | None) -> tuple[str, ...]:
    """The kinds a watch asks for (all when none are given), refused when unknown."""
    chosen = [k.strip() for k in (kinds or ()) if k.strip()]
    if not chosen:
        return ALL_KINDS
    events = {e.value for e in EVENT_CODES}
    for kind in chosen:
        if kind in ALL_KINDS:
            continue
        if kind.startswith("event:") and kind[6:] in events:
            continue
        raise InputError(
            f"unknown change kind {kind[:40]!r}: one of {', '.join(ALL_KINDS)}"
            f" or event:<type> ({', '.join(sorted(events))})",
            field="kinds",
        )
    return tuple(dict.fromkeys(chosen))


def check_sid(raw: str) -> str:
    sid = normalise_key(raw)
    problem = key_problem(sid)
    if problem is not None:
        raise InputError(problem, field="sid")
    return sid


def check_depth(depth: int) -> int:
    if not 0 <= int(depth) <= MAX_DEPTH:
        raise InputError(f"depth must be 0 to {MAX_DEPTH} hops, not {depth}", field="depth")
    return int(depth)


_COLUMNS = "org, sid, depth, kinds, label, created, created_by"


def _row(row: Sequence[object]) -> Watch:
    org, sid, depth, kinds, label, created, created_by = row
    return Watch(
        str(org),
        str(sid),
        int(str(depth)),
        tuple(str(kinds).split(",")),
        None if label is None else str(label),
        str(created),
        None if created_by is None else str(created_by),
    )


def add_watch(
    store: EmbeddedStore,
    org: str,
    sid: str,
    *,
    depth: int = 1,
    kinds: Iterable[str] | None = None,
    label: str | None = None,
    created_by: str | None = None,
) -> Watch:
    """Watch ``sid`` for ``org`` (replacing that organisation's earlier watch of it)."""
    if not org.strip():
        raise InputError("a watch needs an organisation", field="org")
    watch = Watch(
        org.strip(),
        check_sid(sid),
        check_depth(depth),
        check_kinds(kinds),
        (label or "").strip()[:200] or None,
        now_iso(),
        created_by,
    )
    store.execute(
        f"INSERT OR REPLACE INTO watches ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            watch.org,
            watch.sid,
            watch.depth,
            ",".join(watch.kinds),
            watch.label,
            watch.created,
            watch.created_by,
        ),
    )
    return watch


def add_watches(store: EmbeddedStore, rows: Sequence[tuple[str, str, int, str]]) -> None:
    """Many watches at once, (org, sid, depth, kinds joined by commas), already checked."""
    created = now_iso()
    with store.transaction() as conn:
        conn.executemany(
            f"INSERT OR REPLACE INTO watches ({_COLUMNS}) VALUES (?, ?, ?, ?, NULL, ?, NULL)",
            [(org, sid, depth, kinds, created) for org, sid, depth, kinds in rows],
        )


def remove_watch(store: EmbeddedStore, org: str, sid: str) -> Watch:
    watch = get_watch(store, org, sid)
    store.execute("DELETE FROM watches WHERE org = ? AND sid = ?", (org, watch.sid))
    return watch


def get_watch(store: EmbeddedStore, org: str, sid: str) -> Watch:
    rows = store.execute(
        f"SELECT {_COLUMNS} FROM watches WHERE org = ? AND sid = ?", (org, normalise_key(sid))
    )
    if not rows:
        raise NotFound(f"organisation {org} does not watch {normalise_key(sid)}")
    return _row(rows[0])


def list_watches(store: EmbeddedStore, org: str | None = None) -> list[Watch]:
    """The watches of ``org`` (every organisation's when None), by organisation and subject."""
    if org is None:
        rows = store.execute(f"SELECT {_COLUMNS} FROM watches ORDER BY org, sid")
    else:
        rows = store.execute(f"SELECT {_COLUMNS} FROM watches WHERE org = ? ORDER BY sid", (org,))
    return [_row(r) for r in rows]
