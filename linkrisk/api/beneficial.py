"""受益所有人 and 备案核验 as API data: names added (persons masked without ``pii``), the rule
that fired in words, every subject key audited. Plain functions the PDF report can call."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from linkrisk.api.naming import Namer
from linkrisk.api.state import ServingState
from linkrisk.graph.queries.beneficial import FiledOwner, beneficial_owners, verify_filing
from linkrisk.graph.queries.results import as_dict
from linkrisk.graph.store import GraphStore
from linkrisk.vocabulary import label


def _owners(state: ServingState, sid: str, threshold: float | None, default: float) -> Any:
    return beneficial_owners(
        state.queries, sid, threshold=default if threshold is None else threshold
    )


def owners_view(
    state: ServingState,
    graph: GraphStore,
    sid: str,
    pii: bool,
    default_threshold: float,
    threshold: float | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The beneficial owners of ``sid`` with the rules in words and the paths."""
    state.snapshot.index(sid)
    namer = Namer(graph, pii)
    data = as_dict(_owners(state, sid, threshold, default_threshold))
    for owner in data["owners"]:
        owner["kind"] = "person"
        owner["name"] = namer.name(owner["sid"], "person")
        owner["rule_labels"] = [label("bo_rule", r) for r in owner["rules"]]
        namer.annotate(owner["paths"])
    namer.seen[sid] = None
    for owner in data["owners"]:
        namer.seen[owner["sid"]] = None
    return data, list(namer.seen)


def verification_view(
    state: ServingState,
    graph: GraphStore,
    sid: str,
    filed: Sequence[FiledOwner],
    pii: bool,
    default_threshold: float,
) -> tuple[dict[str, Any], list[str]]:
    """备案核验 of ``sid``: the filed owners against the computed ones, discrepancies listed."""
    state.snapshot.index(sid)
    computed = _owners(state, sid, None, default_threshold)
    namer = Namer(graph, pii)
    found = as_dict(verify_filing(computed, filed))
    filed_names = {f.sid: f.name for f in filed}
    for item in found:
        known = namer.name(item["sid"], "person")
        item["name"] = known if known is not None else filed_names.get(item["sid"])
        namer.seen[item["sid"]] = None
    namer.seen[sid] = None
    return {
        "sid": sid,
        "filed": len(filed),
        "computed": len(computed.owners),
        "consistent": not found,
        "discrepancies": found,
    }, list(namer.seen)
