"""Investigators: the 50 % rule of sanctions compliance over the serving snapshot.

Every subject the answer names (hits, listed owners, the firms along the paths) is recorded in
the audit log, as for the other graph routes; persons are named only with the ``pii`` scope.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from linkrisk.api.deps import AppState, Context, Graph, Investigator
from linkrisk.api.naming import Namer
from linkrisk.api.schemas.exposure import ExposurePublic
from linkrisk.graph.queries.exposure import find_exposure, listed_mask
from linkrisk.graph.queries.results import as_dict
from linkrisk.loaders.records import EventType

router = APIRouter(prefix="/v1", tags=["investigators"])


@router.get(
    "/exposure",
    summary="50 % rule: subjects owned ≥ the threshold in aggregate by listed subjects",
)
def exposure(
    key: Investigator,
    state: AppState,
    graph: Graph,
    ctx: Context,
    lists: Annotated[
        list[EventType] | None,
        Query(alias="list", description="which listings count (default: sanction)"),
    ] = None,
    threshold: Annotated[
        float, Query(gt=0, le=1, description="aggregate ownership as a fraction")
    ] = 0.5,
) -> ExposurePublic:
    snapshot = state.snapshot
    types = tuple(lists or [EventType.SANCTION])
    result = find_exposure(snapshot, listed_mask(snapshot, types, snapshot.as_of), threshold)
    namer = Namer(graph, key.has_scope("pii"))
    data = namer.annotate(as_dict(result))
    ctx.touch(*namer.seen)
    ctx.touch(*(h.sid for h in result.hits))
    return ExposurePublic.model_validate(data)
