"""``demo_plan``: one complete 双随机 plan on whatever city is loaded, for ``linkrisk demo``.

It creates a plan for the department and matter with the most inspectors, draws, assigns,
records simulated results (reproducible from the plan's seed), publishes and verifies the
publication file, and returns a summary.
"""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path
from typing import Any

from linkrisk.config import Settings
from linkrisk.errors import NotReady
from linkrisk.graph.embedded.store import EmbeddedStore
from linkrisk.graph.open import open_embedded
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.graph.store import GraphStore
from linkrisk.sampling.matters import load_catalogue
from linkrisk.sampling.params import TIERS, PlanParams
from linkrisk.sampling.plans import PlanBook
from linkrisk.sampling.public import read_public, verify_public
from linkrisk.sampling.publication import publish_plan
from linkrisk.sampling.results import ResultEntry, parse_result, record_results
from linkrisk.sampling.sources import ScoresLike, read_inspections, read_inspectors, tiers_of
from linkrisk.sampling.workflow import AssignInputs, assign_plan, create_plan, draw_plan

_SIMULATED = (  # (result text, weight): most inspections find nothing wrong
    ("正常", 80),
    ("发现问题已责令改正", 8),
    ("未发现开展本次抽查涉及的经营活动", 5),
    ("通过登记的住所(经营场所)无法联系", 4),
    ("不配合检查", 1),
    ("发现问题待后续处理", 2),
)


def demo_plan(
    settings: Settings, store: GraphStore, snapshot: Snapshot, scores: ScoresLike
) -> dict[str, Any]:
    """Create, draw, assign, record simulated results, publish and verify one plan.

    The department and matter are the ones with the most eligible inspectors in the registry;
    the inspection period is the 60 days after the snapshot date. Returns a summary.
    """
    ops = store if isinstance(store, EmbeddedStore) else open_embedded(settings)
    book = PlanBook(ops)
    registry = read_inspectors(store)
    if registry.num_rows == 0:
        raise NotReady("no inspectors loaded: the demo plan needs the 执法检查人员名录库")
    counts: dict[tuple[str, str], int] = {}
    for row in registry.to_pylist():
        if row.get("active") is not False:
            for q in (row.get("qualifications") or "").split(";"):
                if q.strip():
                    key = (row["department"], q.strip())
                    counts[key] = counts.get(key, 0) + 1
    (department, matter), _n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    inspections = read_inspections(store)
    earlier = sorted(set(inspections["plan_id"].to_pylist()))
    start = snapshot.as_of + timedelta(days=1)
    base = f"DEMO-{snapshot.as_of:%Y%m%d}"
    existing = {r.plan_id for r in book.all()}
    plan_id = next(f"{base}-{i}" for i in range(1, 10_000) if f"{base}-{i}" not in existing)
    params = PlanParams(
        plan_id=plan_id,
        name=f"{department} {matter} 双随机抽查 (demo)",
        departments=(department,),
        matters=(matter,),
        inspect_start=start,
        inspect_end=start + timedelta(days=60),
        abnormal_from=tuple(earlier[-1:]),
        extended_hops=1,
        recent_days=180,
    )
    record = create_plan(
        book, params, snapshot, tiers_of(scores, snapshot), scores.model_version, inspections
    )
    record, picks = draw_plan(book, plan_id)
    record, _pool, teams = assign_plan(  # the demo shows any subject 回避 leaves unassigned
        book, plan_id, AssignInputs(registry, snapshot, inspections), accept_unassigned=True
    )
    assert record.seed is not None
    rng = random.Random(record.seed)  # simulated outcomes, reproducible from the plan's seed
    texts, weights = zip(*_SIMULATED, strict=True)
    assigned = [t for t in teams if t.status == "assigned"][:200]
    entries = [
        ResultEntry(
            t.sid,
            parse_result(rng.choices(texts, weights)[0]),
            start + timedelta(days=rng.randrange(61)),
        )
        for t in assigned
    ]
    recorded = record_results(book, store, plan_id, entries) if entries else {}
    partial = f"演示: 仅模拟了 {len(entries)} 户的检查结果" if len(entries) < len(picks) else None
    paths = (
        publish_plan(
            book,
            store,
            plan_id,
            settings.publication_dir / plan_id,
            partial=partial,
            catalogue=load_catalogue(settings.sampling_matters),
        )
        if entries
        else {}
    )
    report = verify_public(read_public(Path(paths["verify_json"]))) if paths else None
    return {
        "plan_id": plan_id,
        "department": department,
        "matter": matter,
        "frame": record.frame_size,
        "strata": record.stats.get("strata", {}),
        "selected": len(picks),
        "selected_by_tier": {t: sum(1 for p in picks if p.tier == t) for t in TIERS},
        "mandatory": sum(1 for p in picks if p.how != "random"),
        "assigned": record.stats.get("assigned", 0),
        "unassigned": record.stats.get("unassigned", 0),
        "results": recorded,
        "publication": paths,
        "verified": report.to_dict() if report else None,
    }
