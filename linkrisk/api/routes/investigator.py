"""Investigators (稽查 / 信用办): the subject card, search, and the graph around a subject.

The graph questions are answered by ``linkrisk.graph.queries`` over the serving snapshot;
these routes validate bounds, add display names (persons masked without ``pii``) and record
every subject key the answer reveals in the audit log.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from linkrisk.api.contact_values import annotate_contacts
from linkrisk.api.deps import AppServices, AppState, Context, Graph, Investigator
from linkrisk.api.explanations import explain_node
from linkrisk.api.labels import reason_label
from linkrisk.api.naming import Namer, is_person
from linkrisk.api.privacy import mask_name
from linkrisk.api.resolving import resolve_named
from linkrisk.api.routes import may_answer
from linkrisk.api.schemas import (
    ConnectionsCreate,
    ConnectionsPublic,
    ControllerPublic,
    EventPublic,
    Explanation,
    GraphExport,
    GroupPublic,
    NeighbourhoodPublic,
    OwnershipPublic,
    PathSetPublic,
    ReasonPublic,
    Rel,
    SearchHitPublic,
    SearchResults,
    SharedContactsPublic,
    SubjectCard,
    SurroundingRiskPublic,
)
from linkrisk.api.state import ServingState
from linkrisk.graph.queries.export import subgraph_of, to_graphml, to_json
from linkrisk.graph.queries.protocol import MAX_PATH_DEPTH, MAX_RISK_HOPS
from linkrisk.graph.queries.results import as_dict
from linkrisk.graph.store import GraphStore

router = APIRouter(prefix="/v1", tags=["investigators"])

Rels = Annotated[list[Rel] | None, Query(description="relation types to walk (default: all)")]
Depth = Annotated[int, Query(ge=1, le=20, description="deepest look-through")]
MinShare = Annotated[float, Query(ge=0, le=1, description="drop owners below this share")]
DegreeCap = Annotated[
    int, Query(ge=2, le=100_000, description="nodes of higher degree are not expanded")
]
_CONTACT_FIELDS = ("address", "phone", "email")


def _event_rows(graph: GraphStore, sid: str, as_of: date) -> list[EventPublic]:
    table = graph.events_of([sid])
    events = []
    for row in table.to_pylist():
        decided, repaired, ends = (
            row.get("decision_date"),
            row.get("repair_date"),
            row.get("disclosure_end"),
        )
        active = bool(
            decided is not None
            and decided <= as_of
            and (repaired is None or repaired > as_of)
            and (ends is None or ends > as_of)
        )
        events.append(
            EventPublic(
                **{k: row.get(k) for k in EventPublic.model_fields if k != "active"}, active=active
            )
        )
    return sorted(events, key=lambda e: (e.decision_date or date.min, e.event_id), reverse=True)


@router.get(
    "/subjects/{sid}", summary="Subject card: attributes, events, tier, score and explanation"
)
def subject_card(
    sid: str,
    key: Investigator,
    state: AppState,
    graph: Graph,
    services: AppServices,
    ctx: Context,
    explain: Annotated[bool, Query(description="include the explanation paths")] = True,
) -> SubjectCard:
    ctx.touch(sid)
    node = state.snapshot.index(sid)
    subject = graph.get_subject(sid) or {}
    person = is_person(subject)
    pii = key.has_scope("pii")
    attrs: dict[str, Any] = {
        k: subject.get(k)
        for k in (
            "kind",
            "name",
            "status",
            "reg_date",
            "industry",
            "region",
            "capital",
            "id_masked",
            "weak",
        )
    }
    attrs.update({k: subject.get(k) for k in _CONTACT_FIELDS if pii or not person})
    if person and not pii:
        attrs["name"] = mask_name(attrs["name"])
    if attrs.get("weak") is not None:
        attrs["weak"] = bool(attrs["weak"])
    if attrs.get("region") is not None:
        attrs["region"] = str(attrs["region"])
    scores = state.scores
    letter = scores.tier_letter(node)
    explanation = None
    if explain:
        raw = explain_node(state, services.settings, node)
        explanation = Explanation(**raw)
        ctx.touch(*(p.source for p in explanation.paths))
    return SubjectCard(
        sid=sid,
        **attrs,
        tier=letter,
        tier_label=services.tier_labels.get(letter, letter),
        score=round(float(scores.score[node]), 4),
        reasons=[ReasonPublic(code=c, label=reason_label(c)) for c in scores.reason_codes(node)],
        events=_event_rows(graph, sid, state.as_of),
        explanation=explanation,
        snapshot=state.version,
        as_of=state.as_of,
    )


@router.get("/search", summary="Find subjects by USCC, name, pinyin or initials (zhangsan, zs)")
def search(
    key: Investigator,
    state: AppState,
    graph: Graph,
    ctx: Context,
    q: Annotated[str, Query(min_length=1, max_length=100, description="USCC prefix, name, pinyin")],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchResults:
    pii = key.has_scope("pii")
    namer = Namer(graph, pii)
    items = []
    for hit in state.search.search(q, limit, person_names=pii):
        sid = state.snapshot.sid(hit.node)
        subject = namer.subject(sid) or {}
        kind = subject.get("kind")
        items.append(
            SearchHitPublic(
                sid=sid,
                kind=kind,
                name=namer.name(sid, kind),
                status=subject.get("status"),
                score=hit.score,
                matched=hit.matched,
            )
        )
    ctx.touch(*(i.sid for i in items))
    return SearchResults(items=items, limit=limit)


def _answer(model: type[BaseModel], result: Any, graph: GraphStore, pii: bool, ctx: Any) -> Any:
    namer = Namer(graph, pii)
    data = namer.annotate(as_dict(result))
    ctx.touch(*namer.seen)
    return model.model_validate(data)


def _queries(state: ServingState) -> Any:
    return state.queries


@router.get(
    "/subjects/{sid}/neighbourhood", summary="Subjects within a few hops and the edges among them"
)
def neighbourhood(
    sid: str,
    key: Investigator,
    state: AppState,
    graph: Graph,
    ctx: Context,
    rels: Rels = None,
    hops: Annotated[int, Query(ge=1, le=3)] = 1,
    max_nodes: Annotated[int, Query(ge=1, le=2000)] = 500,
    degree_cap: DegreeCap = 500,
) -> NeighbourhoodPublic:
    ctx.touch(sid)
    result = _queries(state).neighbourhood(
        sid, hops=hops, rels=rels, max_nodes=max_nodes, degree_cap=degree_cap
    )
    return _answer(NeighbourhoodPublic, result, graph, key.has_scope("pii"), ctx)  # type: ignore[no-any-return]


@router.get(
    "/subjects/{sid}/owners", summary="股权穿透: who owns the subject, directly or indirectly"
)
def owners(
    sid: str,
    key: Investigator,
    state: AppState,
    graph: Graph,
    ctx: Context,
    max_depth: Depth = 10,
    min_share: MinShare = 0.0,
) -> OwnershipPublic:
    ctx.touch(sid)
    result = _queries(state).owners(sid, max_depth=max_depth, min_share=min_share)
    return _answer(OwnershipPublic, result, graph, key.has_scope("pii"), ctx)  # type: ignore[no-any-return]


@router.get("/subjects/{sid}/holdings", summary="What the subject owns, directly or indirectly")
def holdings(
    sid: str,
    key: Investigator,
    state: AppState,
    graph: Graph,
    ctx: Context,
    max_depth: Depth = 10,
    min_share: MinShare = 0.0,
) -> OwnershipPublic:
    ctx.touch(sid)
    result = _queries(state).holdings(sid, max_depth=max_depth, min_share=min_share)
    return _answer(OwnershipPublic, result, graph, key.has_scope("pii"), ctx)  # type: ignore[no-any-return]


@router.get(
    "/subjects/{sid}/controllers", summary="Ultimate controllers / beneficial owners, with paths"
)
def controllers(
    sid: str,
    key: Investigator,
    state: AppState,
    graph: Graph,
    ctx: Context,
    max_depth: Depth = 10,
    threshold: Annotated[float | None, Query(gt=0, le=1, description="default: settings")] = None,
) -> list[ControllerPublic]:
    ctx.touch(sid)
    result = _queries(state).controllers(sid, max_depth=max_depth, threshold=threshold)
    return [_answer(ControllerPublic, c, graph, key.has_scope("pii"), ctx) for c in result]


@router.get(
    "/paths",
    summary="查关系: the shortest paths between two subjects (keys, key prefixes or names)",
    responses=may_answer(404),
)
def paths(
    key: Investigator,
    state: AppState,
    graph: Graph,
    ctx: Context,
    a: Annotated[str, Query(min_length=1, max_length=64)],
    b: Annotated[str, Query(min_length=1, max_length=64)],
    k: Annotated[int, Query(ge=1, le=50)] = 5,
    max_depth: Annotated[int, Query(ge=1, le=MAX_PATH_DEPTH)] = 6,
    rels: Rels = None,
    degree_cap: DegreeCap = 500,
) -> PathSetPublic:
    pii = key.has_scope("pii")
    a, b = (resolve_named(text, state, graph, pii) for text in (a, b))
    ctx.touch(a, b)
    result = _queries(state).paths(a, b, k=k, max_depth=max_depth, rels=rels, degree_cap=degree_cap)
    return _answer(PathSetPublic, result, graph, key.has_scope("pii"), ctx)  # type: ignore[no-any-return]


@router.post(
    "/connections",
    summary="How 2–50 subjects are connected, as one subgraph",
    responses=may_answer(404),
)
def connections(
    body: ConnectionsCreate, key: Investigator, state: AppState, graph: Graph, ctx: Context
) -> ConnectionsPublic:
    ctx.touch(*body.sids)
    result = _queries(state).connections(body.sids, max_depth=body.max_depth, rels=body.rels)
    return _answer(ConnectionsPublic, result, graph, key.has_scope("pii"), ctx)  # type: ignore[no-any-return]


@router.get(
    "/subjects/{sid}/risk", summary="周边风险: sanctioned or listed subjects nearby, with paths"
)
def surrounding_risk(
    sid: str,
    key: Investigator,
    state: AppState,
    graph: Graph,
    ctx: Context,
    rels: Rels = None,
    hops: Annotated[int, Query(ge=1, le=MAX_RISK_HOPS)] = 2,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> SurroundingRiskPublic:
    ctx.touch(sid)
    result = _queries(state).surrounding_risk(sid, hops=hops, rels=rels, limit=limit)
    return _answer(SurroundingRiskPublic, result, graph, key.has_scope("pii"), ctx)  # type: ignore[no-any-return]


@router.get(
    "/subjects/{sid}/contacts",
    summary="疑似关联: subjects sharing a phone, email or address, the value, supernode members",
)
def shared_contacts(
    sid: str, key: Investigator, state: AppState, graph: Graph, ctx: Context
) -> SharedContactsPublic:
    ctx.touch(sid)
    result = _queries(state).shared_contacts(sid)
    pii = key.has_scope("pii")
    namer = Namer(graph, pii)
    data = annotate_contacts(namer.annotate(as_dict(result)), state, namer, pii)
    ctx.touch(*namer.seen)
    return SharedContactsPublic.model_validate(data)


@router.get("/subjects/{sid}/group", summary="企业集团: the group of firms under common control")
def group(
    sid: str,
    key: Investigator,
    state: AppState,
    graph: Graph,
    ctx: Context,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> GroupPublic:
    ctx.touch(sid)
    result = _queries(state).group(sid, limit=limit)
    return _answer(GroupPublic, result, graph, key.has_scope("pii"), ctx)  # type: ignore[no-any-return]


ExportView = Literal["neighbourhood", "owners", "holdings", "risk", "group"]


@router.get(
    "/subjects/{sid}/export",
    summary="A subject's subgraph as JSON or GraphML (Gephi, yEd, Cytoscape)",
    response_model=GraphExport,
    responses={200: {"content": {"application/graphml+xml": {"schema": {"type": "string"}}}}},
)
def export(
    sid: str,
    key: Investigator,
    state: AppState,
    graph: Graph,
    ctx: Context,
    view: Annotated[ExportView, Query(description="which result to export")] = "neighbourhood",
    format: Annotated[Literal["json", "graphml"], Query(description="file format")] = "json",
    hops: Annotated[int, Query(ge=1, le=3, description="neighbourhood and risk hops")] = 1,
) -> Response:
    ctx.touch(sid)
    queries = _queries(state)
    result = {
        "neighbourhood": lambda: queries.neighbourhood(sid, hops=hops),
        "owners": lambda: queries.owners(sid),
        "holdings": lambda: queries.holdings(sid),
        "risk": lambda: queries.surrounding_risk(sid, hops=hops),
        "group": lambda: queries.group(sid),
    }[view]()
    namer = Namer(graph, key.has_scope("pii"))
    nodes = subgraph_of(result).nodes
    names = {n.sid: namer.name(n.sid, n.kind) for n in nodes}
    ctx.touch(*names)
    if format == "graphml":
        return Response(
            to_graphml(result, names=names),
            media_type="application/graphml+xml",
            headers={"Content-Disposition": f'attachment; filename="{view}.graphml"'},
        )
    return JSONResponse(
        GraphExport.model_validate(to_json(result, names=names)).model_dump(mode="json")
    )
