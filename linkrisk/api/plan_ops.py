"""双随机 plan steps for the API, run in a helper process.

Creating, drawing, assigning, recording and publishing a plan read the published scores and
snapshot, build frames over every subject and write the canonical tables through the store's
ADBC writer. They run in one spawned helper process per API process: the heavy work stays off
the server's event loop and GIL, and ADBC never opens the database inside the server process
(see ``linkrisk.api.reads``). Each step opens the stores itself, as the CLI does, and returns
plain data. Reads (lists, selection, teams, verification) stay in the server.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from typing import Any, TypeVar

from linkrisk.config import Settings
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.open import open_embedded, open_store
from linkrisk.graph.store import GraphStore

T = TypeVar("T")


def _stores(settings: Settings) -> tuple[EmbeddedStore, GraphStore]:
    ops = open_embedded(settings)
    return ops, ops if settings.store == "embedded" else open_store(settings)


def _close(ops: EmbeddedStore, graph: GraphStore) -> None:
    if graph is not ops:
        graph.close()
    ops.close()


def create(settings: Settings, params: dict[str, Any], seed: dict[str, Any]) -> dict[str, Any]:
    """``create_plan`` over the published scores' snapshot; the plan's public summary."""
    from linkrisk.models.scores import load_scores
    from linkrisk.sampling import (
        PlanBook,
        PlanParams,
        create_plan,
        load_catalogue,
        write_announcement,
    )
    from linkrisk.sampling.sources import (
        read_inspections,
        read_inspectors,
        snapshot_by_id,
        tiers_of,
    )

    plan_params = PlanParams.from_dict(params)
    load_catalogue(settings.sampling_matters).check(plan_params.matters)
    scores = load_scores(settings)
    snapshot = snapshot_by_id(settings.snapshot_dir, scores.snapshot_version)
    ops, graph = _stores(settings)
    try:
        record = create_plan(
            PlanBook(ops),
            plan_params,
            snapshot,
            tiers_of(scores, snapshot),
            scores.model_version,
            read_inspections(graph),
            seed=seed.get("seed"),
            public_seed=bool(seed.get("public_seed")),
            seed_commitment=seed.get("seed_commitment"),
            registry=read_inspectors(graph),
        )
        write_announcement(PlanBook(ops), record.plan_id, settings.publication_dir / record.plan_id)
        return record.summary()
    finally:
        _close(ops, graph)


def draw(settings: Settings, plan_id: str, seed: str | None) -> dict[str, Any]:
    from linkrisk.sampling import PlanBook, draw_plan

    ops, graph = _stores(settings)
    try:
        record, _picks = draw_plan(PlanBook(ops), plan_id, seed)
        return record.summary()
    finally:
        _close(ops, graph)


def assign(settings: Settings, plan_id: str, accept_unassigned: bool = False) -> dict[str, Any]:
    from linkrisk.sampling import AssignInputs, PlanBook, assign_plan
    from linkrisk.sampling.sources import read_inspections, read_inspectors, snapshot_by_id

    ops, graph = _stores(settings)
    try:
        book = PlanBook(ops)
        snapshot = snapshot_by_id(settings.snapshot_dir, book.get(plan_id).snapshot_id)
        inputs = AssignInputs(read_inspectors(graph), snapshot, read_inspections(graph))
        record, _pool, _teams = assign_plan(
            book, plan_id, inputs, accept_unassigned=accept_unassigned
        )
        return record.summary()
    finally:
        _close(ops, graph)


def reassign(
    settings: Settings, plan_id: str, reason: str, sid: str | None, accept_unassigned: bool
) -> dict[str, Any]:
    """``reassign_plan``: new teams with a reason, the first draw's kept."""
    from linkrisk.sampling import AssignInputs, PlanBook
    from linkrisk.sampling.reassign import reassign_plan
    from linkrisk.sampling.sources import read_inspections, read_inspectors, snapshot_by_id

    ops, graph = _stores(settings)
    try:
        book = PlanBook(ops)
        snapshot = snapshot_by_id(settings.snapshot_dir, book.get(plan_id).snapshot_id)
        inputs = AssignInputs(read_inspectors(graph), snapshot, read_inspections(graph))
        done = reassign_plan(book, graph, plan_id, inputs, reason, sid, accept_unassigned)
        return {
            "plan_id": plan_id,
            "seq": done.seq,
            "at": done.at,
            "reason": done.reason,
            "scope": done.scope,
            "teams": [
                {
                    "rank": t.rank,
                    "sid": t.sid,
                    "status": t.status,
                    "inspectors": list(t.inspectors),
                    "skips": [list(s) for s in t.skips],
                }
                for t in done.teams
            ],
        }
    finally:
        _close(ops, graph)


def record(settings: Settings, plan_id: str, entries: list[dict[str, Any]]) -> dict[str, int]:
    from linkrisk.sampling import PlanBook, ResultEntry, parse_result, record_results

    parsed = [
        ResultEntry(
            e["sid"],
            parse_result(e["result"]),
            date.fromisoformat(e["inspect_date"]),
            e.get("matter"),
        )
        for e in entries
    ]
    ops, graph = _stores(settings)
    try:
        return record_results(PlanBook(ops), graph, plan_id, parsed)
    finally:
        _close(ops, graph)


def publish(settings: Settings, plan_id: str, partial: str | None) -> dict[str, str]:
    """``publish_plan`` into the one place of publications (``settings.publication_dir``)."""
    from linkrisk.sampling import PlanBook, load_catalogue, publish_plan

    ops, graph = _stores(settings)
    try:
        return publish_plan(
            PlanBook(ops),
            graph,
            plan_id,
            settings.publication_dir / plan_id,
            partial=partial,
            catalogue=load_catalogue(settings.sampling_matters),
        )
    finally:
        _close(ops, graph)


def inspector(
    settings: Settings, action: str, inspector_id: str, fields: dict[str, Any]
) -> dict[str, Any]:
    """Add, update or retire an inspector of the 执法人员名录库 (``sampling.registry``)."""
    from linkrisk.sampling.registry import (
        InspectorChange,
        add_inspector,
        retire_inspector,
        update_inspector,
    )

    ops, graph = _stores(settings)
    try:
        if action == "add":
            return add_inspector(
                graph,
                settings,
                inspector_id,
                fields.get("name") or "",
                fields.get("department") or "",
                fields.get("qualifications") or [],
                region=fields.get("region"),
                id_number=fields.get("id_number"),
            )
        if action == "update":
            change = InspectorChange(
                fields.get("name"),
                fields.get("department"),
                fields.get("region"),
                fields.get("qualifications"),
            )
            return update_inspector(graph, inspector_id, change)
        assert action == "retire"
        return retire_inspector(graph, inspector_id)
    finally:
        _close(ops, graph)


def dashboard(settings: Settings, by: str) -> dict[str, Any]:
    """The 分类 dashboard over the published scores' snapshot (``sampling.dashboard``)."""
    from linkrisk.models.scores import load_scores
    from linkrisk.sampling import PlanBook
    from linkrisk.sampling.dashboard import tier_dashboard
    from linkrisk.sampling.sources import snapshot_by_id, tiers_of

    scores = load_scores(settings)
    snapshot = snapshot_by_id(settings.snapshot_dir, scores.snapshot_version)
    ops = open_embedded(settings)
    try:
        book = PlanBook(ops)
        plans = [
            (r, [(p.sid, p.tier) for p in book.selection(r.plan_id)])
            for r in book.all()
            if r.status.value != "created"
        ]
        return tier_dashboard(snapshot, tiers_of(scores, snapshot), by, plans)
    finally:
        ops.close()


class PlanWorker:
    """One spawned helper process, started on first use."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    async def run(self, step: Callable[..., T], *args: Any) -> T:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, step, *args)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
