"""The registration view of a subject (工商信息), its history and a person's page, as API data.

Plain functions over the serving state, so other parts of the API (the PDF report) can call
them as the routes do: each returns JSON-ready data with display names added (persons masked
without ``pii``), the firms' status and tier, and every subject key it reveals in ``seen``.
"""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path
from typing import Any

from linkrisk.api.naming import Namer, is_person
from linkrisk.api.state import ServingState
from linkrisk.classifications import industry, region
from linkrisk.errors import InputError
from linkrisk.graph.queries import history
from linkrisk.graph.queries.dossier import dossier, status_of
from linkrisk.graph.queries.results import as_dict
from linkrisk.graph.store import GraphStore

#: 变更记录 compares at most this many of the latest snapshot dates (each one is opened)
HISTORY_DEPTH = 24
#: card fields investigators expect that no source file kind carries yet
NOT_LOADED = ("business_scope", "paid_in")


class Annotator:
    """Adds names (masked per scope), status and tier to every party in a result."""

    def __init__(self, state: ServingState, graph: GraphStore, pii: bool) -> None:
        self.state = state
        self.namer = Namer(graph, pii)

    @property
    def seen(self) -> list[str]:
        return list(self.namer.seen)

    def party(self, data: dict[str, Any]) -> dict[str, Any]:
        sid = data.get("sid")
        if not isinstance(sid, str):
            return data
        self.namer.seen[sid] = None
        out = {**data, "name": self.namer.name(sid, data.get("kind"))}
        node = self.state.snapshot.try_index(sid)
        if node is not None:
            out.setdefault("status", status_of(self.state.snapshot, node))
            if not is_person(None, out.get("kind")):
                out["tier"] = self.state.scores.tier_letter(node)
        return out

    def parties(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [self.party(r) for r in rows]

    def state_of(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            **data,
            "shareholders": self.parties(data["shareholders"]),
            "officers": self.parties(data["officers"]),
        }

    def diff(self, data: dict[str, Any]) -> dict[str, Any]:
        changes = [self.party(c) if c.get("sid") else c for c in data["changes"]]
        return {
            **data,
            "before": self.state_of(data["before"]),
            "after": self.state_of(data["after"]),
            "changes": changes,
        }


def _named(found: Any) -> dict[str, Any] | None:
    if found is None:
        return None
    return {"code": found.code, "name": found.name, "path": list(found.path)}


def registry_view(
    state: ServingState, graph: GraphStore, root: Path, sid: str, pii: bool
) -> tuple[dict[str, Any], list[str]]:
    """工商信息 of ``sid``: names of its codes, relations in force, 变更记录; and the keys seen."""
    facts = as_dict(dossier(state.snapshot, sid))
    subject = graph.get_subject(sid) or {}
    notes = Annotator(state, graph, pii)
    _, diffs = _timeline(root, sid)
    data = {
        "industry": _named(industry(subject.get("industry"))),
        "region": _named(region(subject.get("region"))),
        "legal_representatives": notes.parties(
            [{"sid": s, "kind": "person"} for s in facts["legal_representatives"]]
        ),
        "shareholders": notes.parties(facts["shareholders"]),
        "officers": notes.parties(facts["officers"]),
        "investments": notes.parties(facts["investments"]),
        "branches": notes.parties(facts["branches"]),
        "head_office": notes.party(facts["head_office"]) if facts["head_office"] else None,
        "changes": [notes.diff(d) for d in as_dict(list(reversed(diffs)))],  # newest first
        "not_loaded": list(NOT_LOADED),
    }
    return data, notes.seen


def _timeline(root: Path, sid: str) -> tuple[Any, Any]:
    versions = history.dated(root)[-HISTORY_DEPTH:]
    states = tuple(history.state_at(history.open_version(root, v.version), sid) for v in versions)
    diffs = tuple(
        history.Diff(sid, a, b, found)
        for a, b in itertools.pairwise(states)
        if (found := history.changes(a, b))
    )
    return states, diffs


def history_view(
    state: ServingState, graph: GraphStore, root: Path, sid: str, pii: bool
) -> tuple[dict[str, Any], list[str]]:
    """Every snapshot date (the latest ``HISTORY_DEPTH``) with ``sid``'s state, and the diffs."""
    state.snapshot.index(sid)  # a bad key is refused, an unknown one is 404
    states, diffs = _timeline(root, sid)
    notes = Annotator(state, graph, pii)
    versions = history.dated(root)[-HISTORY_DEPTH:]
    data = {
        "sid": sid,
        "versions": as_dict(versions),
        "states": [notes.state_of(s) for s in as_dict(list(states))],
        "changes": [notes.diff(d) for d in as_dict(list(diffs))],
    }
    return data, notes.seen


def diff_view(
    state: ServingState,
    graph: GraphStore,
    root: Path,
    sid: str,
    first: date,
    second: date,
    pii: bool,
) -> tuple[dict[str, Any], list[str]]:
    """``sid`` on the snapshot dates in force on ``first`` and ``second``, and what changed."""
    if second < first:
        raise InputError("the second date must not be before the first", field="to")
    notes = Annotator(state, graph, pii)
    return notes.diff(as_dict(history.diff(root, sid, first, second))), notes.seen


def person_view(
    state: ServingState, graph: GraphStore, sid: str, pii: bool
) -> tuple[dict[str, Any], list[str]]:
    """A person's page: roles and holdings by firm, each firm's status and tier."""
    facts = dossier(state.snapshot, sid)
    if facts.kind != "person":
        raise InputError(f"{sid} is not a person: open its card instead", field="sid")
    subject = graph.get_subject(sid) or {}
    notes = Annotator(state, graph, pii)
    data = as_dict(facts)
    posts, holdings = notes.parties(data["posts"]), notes.parties(data["investments"])
    return {
        "sid": sid,
        "name": notes.namer.name(sid, "person"),
        "id_masked": subject.get("id_masked"),
        "weak": None if subject.get("weak") is None else bool(subject["weak"]),
        "posts": posts,
        "holdings": holdings,
        "firms": len({p["sid"] for p in posts} | {h["sid"] for h in holdings}),
        "snapshot": facts.snapshot,
        "as_of": facts.as_of.isoformat(),
    }, notes.seen
