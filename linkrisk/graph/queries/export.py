"""networkx at the edge: any query result as a small ``MultiDiGraph``, JSON or GraphML.

networkx only ever sees a result's subgraph (tens to hundreds of nodes), never the snapshot.
Edges keep their stored direction (holder → held, officer → organisation); node attributes are
``sid``, ``kind``, ``hop`` and, when given, ``name``; edge attributes ``rel``, ``share``, ``role``,
``contact``. Unknown values are left out rather than written as empty strings.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: 1.4 s of the API's start-up for a rarely used export
    import networkx as nx

from linkrisk.graph.queries.results import (
    Connections,
    Controller,
    Edge,
    Group,
    Neighbourhood,
    Node,
    Ownership,
    Path,
    PathSet,
    SurroundingRisk,
    edge_of_hop,
    sort_edges,
)
from linkrisk.vocabulary import label

Exportable = (
    Neighbourhood
    | Connections
    | Group
    | PathSet
    | Ownership
    | SurroundingRisk
    | Sequence[Controller]
)


def _paths_of(result: Any) -> tuple[str | None, list[Path]]:
    if isinstance(result, PathSet):
        return result.a, list(result.paths)
    if isinstance(result, Ownership):
        return result.sid, [p for e in result.entries for p in e.paths]
    if isinstance(result, SurroundingRisk):
        return result.sid, [r.path for r in result.neighbours]
    if isinstance(result, Sequence) and all(isinstance(c, Controller) for c in result):
        return None, [p for c in result for p in c.paths]
    raise TypeError(f"cannot export a {type(result).__name__}")


def subgraph_of(
    result: Exportable, *, kinds: Mapping[str, str | None] | None = None
) -> Neighbourhood:
    """The nodes and edges a result shows (path results: every hop of every path)."""
    if isinstance(result, Neighbourhood):
        return result
    if isinstance(result, Connections):
        return result.subgraph
    if isinstance(result, Group):
        return Neighbourhood(None, result.members, result.edges, truncated=result.truncated)
    centre, paths = _paths_of(result)
    kinds = kinds or {}
    sids = {sid for p in paths for sid in p.sids}
    if centre is not None:
        sids.add(centre)
    edges = {edge_of_hop(h) for p in paths for h in p.hops}
    return Neighbourhood(
        centre=centre,
        nodes=tuple(Node(s, kinds.get(s), 0 if s == centre else None) for s in sorted(sids)),
        edges=tuple(sort_edges(edges)),
    )


def _drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


def _edge_key(edge: Edge) -> str:
    return ":".join(x for x in (edge.rel.value, edge.role, edge.contact) if x)


def to_networkx(
    result: Exportable, *, names: Mapping[str, str | None] | None = None
) -> nx.MultiDiGraph:
    """A ``MultiDiGraph`` of the result (node ids are sids; edge keys ``REL[:role|:contact]``)."""
    sub = subgraph_of(result)
    names = names or {}
    import networkx as nx

    graph = nx.MultiDiGraph(centre=sub.centre or "")
    for node in sub.nodes:
        graph.add_node(
            node.sid,
            **_drop_none(
                {"sid": node.sid, "kind": node.kind, "hop": node.hop, "name": names.get(node.sid)}
            ),
        )
    for edge in sub.edges:
        graph.add_edge(
            edge.src_sid,
            edge.dst_sid,
            key=_edge_key(edge),
            **_drop_none(
                {
                    "rel": edge.rel.value,
                    "share": edge.share,
                    "role": edge.role,
                    "contact": edge.contact,
                }
            ),
        )
    return graph


def to_json(result: Exportable, *, names: Mapping[str, str | None] | None = None) -> dict[str, Any]:
    """``{"centre", "nodes": [...], "edges": [...]}`` ready for a web page's graph view."""
    sub = subgraph_of(result)
    names = names or {}
    return {
        "centre": sub.centre,
        "nodes": [
            {"sid": n.sid, "kind": n.kind, "hop": n.hop, "name": names.get(n.sid)}
            for n in sub.nodes
        ],
        "edges": [
            {
                "src": e.src_sid,
                "dst": e.dst_sid,
                "rel": e.rel.value,
                "share": e.share,
                "role": e.role,
                "contact": e.contact,
            }
            for e in sub.edges
        ],
        "skipped_supernodes": list(sub.skipped_supernodes),
        "truncated": sub.truncated,
    }


def to_graphml(result: Exportable, *, names: Mapping[str, str | None] | None = None) -> str:
    """GraphML text (opens in Gephi, yEd, Cytoscape).

    Every edge has its own id (``e0``, ``e1`` …: the multigraph's keys such as ``HOLDS`` repeat
    across node pairs, and Gephi merges or drops edges sharing an id); every node and edge has a
    ``label`` (the subject's name, else its key; the relation in words), which Gephi and yEd show.
    """
    graph = to_networkx(result, names=names)
    for sid, attrs in graph.nodes(data=True):
        attrs["label"] = attrs.get("name") or sid
    for i, (_src, _dst, attrs) in enumerate(graph.edges(data=True)):
        attrs["id"] = f"e{i}"
        attrs["label"] = _edge_label(attrs)
    out = io.BytesIO()  # written as UTF-8 bytes: names stay readable, not character references
    import networkx as nx

    nx.write_graphml(graph, out, encoding="utf-8", edge_id_from_attribute="id")
    return out.getvalue().decode("utf-8")


def _edge_label(attrs: Mapping[str, Any]) -> str:
    """``持股 60%``, ``任职 法定代表人``, ``疑似关联 同电话``."""
    words = [label("relation", attrs["rel"])]
    if attrs.get("role"):
        words.append(label("role", attrs["role"]))
    elif attrs.get("contact"):
        words.append(label("contact", attrs["contact"]))
    elif attrs.get("share") is not None:
        words.append(f"{attrs['share']:.0%}")
    return " ".join(words)
