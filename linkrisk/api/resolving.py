"""A subject named the way an investigator types it: its key, a unique key prefix or its name.

An ambiguous name is never resolved silently (查关系 with 王伟 must not pick one 王伟): the
problem response lists the candidates with their names, kinds and statuses, so the page can
ask which was meant. Persons are found by name only for keys with the ``pii`` scope.
"""

from __future__ import annotations

from linkrisk.api.naming import Namer
from linkrisk.api.state import ServingState
from linkrisk.graph.queries.resolve import Ambiguous, resolve_subject
from linkrisk.graph.store import GraphStore


def resolve_named(text: str, state: ServingState, graph: GraphStore, pii: bool) -> str:
    """The key of the one subject ``text`` names; ``Ambiguous`` (422) lists the candidates."""
    namer = Namer(graph, pii)
    try:
        return resolve_subject(
            text, state.snapshot, lambda: state.search, lambda sid: sid, person_names=pii
        )
    except Ambiguous as exc:
        candidates = []
        for sid in exc.extra.get("candidates", []):
            subject = namer.subject(sid) or {}
            kind = subject.get("kind")
            candidates.append(
                {
                    "sid": sid,
                    "name": namer.name(sid, kind),
                    "kind": kind,
                    "status": subject.get("status"),
                }
            )
        names = "、".join(f"{c['name'] or c['sid']}（{c['sid']}）" for c in candidates)
        raise Ambiguous(
            f"{len(candidates)} subjects fit {text!r}; which one was meant? {names}",
            candidates=candidates,
        ) from exc
