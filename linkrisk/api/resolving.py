"""A subject named the way an investigator types it: its key, a unique key prefix or its name.

An ambiguous name is never resolved silently (查关系 with 王伟 must not pick one 王伟): the
problem response lists the candidates with their names, kinds and statuses, so the page can
ask which was meant. Persons are found by name only for keys with the ``pii`` scope.
"""

from __future__ import annotations

from typing import Any

from linkrisk.api.naming import Namer
from linkrisk.api.state import ServingState
from linkrisk.graph.queries.resolve import Ambiguous, resolve_subject
from linkrisk.graph.store import GraphStore


def candidates(
    text: str, state: ServingState, graph: GraphStore, pii: bool
) -> list[dict[str, Any]]:
    """The subjects ``text`` names: one (it is unambiguous) or the candidates, best first,
    each with its name (masked per scope), kind and status; ``NotFound`` for none."""
    namer = Namer(graph, pii)
    try:
        sids = [
            resolve_subject(
                text, state.snapshot, lambda: state.search, lambda sid: sid, person_names=pii
            )
        ]
    except Ambiguous as exc:
        sids = list(exc.extra.get("candidates", []))
    found = []
    for sid in sids:
        subject = namer.subject(sid) or {}
        kind = subject.get("kind")
        found.append(
            {
                "sid": sid,
                "name": namer.name(sid, kind),
                "kind": kind,
                "status": subject.get("status"),
            }
        )
    return found


def resolve_named(text: str, state: ServingState, graph: GraphStore, pii: bool) -> str:
    """The key of the one subject ``text`` names; ``Ambiguous`` (422) lists the candidates.

    The problem body is scrubbed like every problem (a USCC of digits that looks like an ID
    number comes back masked there): ``GET /v1/resolve`` lists the candidates unmasked."""
    found = candidates(text, state, graph, pii)
    if len(found) == 1:
        return str(found[0]["sid"])
    names = "、".join(f"{c['name'] or c['sid']}（{c['sid']}）" for c in found)
    raise Ambiguous(
        f"{len(found)} subjects fit {text!r}; which one was meant? {names}"
        " (GET /v1/resolve lists them)",
        candidates=found,
    )
