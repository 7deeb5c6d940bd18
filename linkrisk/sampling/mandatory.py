"""Mandatory inclusions: subjects a plan inspects whatever the draw says.

- Abnormal results in a named earlier plan go on the next plan's list ("将检查结果异常主体纳入
  下次'双随机'检查名录").
- 延伸检查: firms related to blacklisted firms' shareholders ("对于'黑名单'企业股东的关联企业开展
  延伸检查"): take the organisations with an active serious-dishonest (严重违法失信) or
  dishonest-debtor (失信被执行人) listing, their shareholders (HOLDS in-edges), then the firms
  those shareholders hold or serve as officers, following HOLDS/OFFICER out-edges up to k hops.
  The listed firms themselves are not added here (tier D samples them anyway); firms reached
  through them (their subsidiaries) are.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from linkrisk.graph.relations import EVENT_CODES, KIND_CODES, RelType, code_of
from linkrisk.graph.snapshot.arrays import Snapshot
from linkrisk.loaders.records import ABNORMAL_RESULTS, EventType, SubjectKind
from linkrisk.models.dates import day_number

#: the Chinese texts used in reasons and publications
RESULT_LABELS = {
    "normal": "正常",
    "corrected": "发现问题已责令改正",
    "no_activity": "未发现开展本次抽查涉及的经营活动",
    "unreachable": "通过登记的住所(经营场所)无法联系",
    "uncooperative": "不配合检查",
    "violation": "发现问题待后续处理",
}
BLACKLISTS = (EventType.SERIOUS_DISHONEST, EventType.DISHONEST_DEBTOR)


def abnormal_in_plans(inspections: pa.Table, plan_ids: Iterable[str]) -> dict[str, str]:
    """``sid → reason`` for subjects with an abnormal result in one of ``plan_ids``."""
    plans = list(plan_ids)
    if not plans or inspections.num_rows == 0:
        return {}
    abnormal = pa.array(sorted(r.value for r in ABNORMAL_RESULTS), pa.string())
    keep = pc.and_(
        pc.is_in(inspections["plan_id"], value_set=pa.array(plans, pa.string())),
        pc.is_in(inspections["result"], value_set=abnormal),
    )
    rows = inspections.filter(pc.fill_null(keep, False)).select(["plan_id", "sid", "result"])
    found: dict[str, str] = {}
    for plan in plans:  # the first named plan gives the reason
        for sid, plan_id, result in sorted(
            zip(
                rows["sid"].to_pylist(),
                rows["plan_id"].to_pylist(),
                rows["result"].to_pylist(),
                strict=True,
            )
        ):
            if plan_id == plan and sid not in found:
                found[sid] = f"上次抽查结果异常: plan {plan}, {RESULT_LABELS.get(result, result)}"
    return found


def listed_firms(snapshot: Snapshot) -> np.ndarray:
    """Organisations with a blacklist listing in force on the snapshot date (sorted nodes)."""
    ev = snapshot.events
    day = day_number(snapshot.as_of)
    codes = [code_of(EVENT_CODES, t.value) for t in BLACKLISTS]
    active = (
        np.isin(ev["type"], codes)
        & (ev["disclosure_end"] > day)
        & (ev["repair"] > day)
        & ~np.asarray(ev["objection"], bool)
    )
    nodes = np.unique(ev["node"][active]).astype(np.int64)
    person = code_of(KIND_CODES, SubjectKind.PERSON.value)
    return np.asarray(nodes[snapshot.nodes["kind"][nodes] != person], np.int64)


def gather(
    indptr: np.ndarray, indices: np.ndarray, nodes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """CSR rows of many nodes at once: (position in ``nodes``, neighbour) pairs."""
    nodes = np.asarray(nodes, np.int64)
    starts = indptr[nodes]
    counts = (indptr[nodes + 1] - starts).astype(np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    owner = np.repeat(np.arange(len(nodes), dtype=np.int64), counts)
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    return owner, indices[starts[owner] + offsets].astype(np.int64)


def extended_inclusions(snapshot: Snapshot, hops: int) -> dict[int, str]:
    """``node → reason``: 延伸检查 firms within ``hops`` of blacklisted firms' shareholders.

    The reason names the listed firm (lists are public) but not the shareholder, who may be a
    person: the mandatory list is published with the plan.
    """
    if hops <= 0:
        return {}
    listed = listed_firms(snapshot)
    holds = snapshot.relations[RelType.HOLDS]
    officer = snapshot.relations[RelType.OFFICER]
    pos, holders = gather(holds.rev_indptr, holds.rev_indices, listed)
    origin = listed[pos]  # the listed firm each frontier node descends from
    visited = np.zeros(snapshot.n, bool)
    visited[holders] = True
    frontier = holders
    found: dict[int, str] = {}
    listed_set = set(listed.tolist())
    person = code_of(KIND_CODES, SubjectKind.PERSON.value)
    for hop in range(1, hops + 1):
        parts = [gather(rel.indptr, rel.indices, frontier) for rel in (holds, officer)]
        owner = np.concatenate([p[0] for p in parts])
        reached = np.concatenate([p[1] for p in parts])
        came_from = origin[owner]
        fresh = ~visited[reached]
        reached, came_from = reached[fresh], came_from[fresh]
        # one deterministic reason per node: the smallest listed firm reaching it
        order = np.lexsort((came_from, reached))
        reached, came_from = reached[order], came_from[order]
        first = np.r_[True, reached[1:] != reached[:-1]] if reached.size else np.zeros(0, bool)
        reached, came_from = reached[first], came_from[first]
        visited[reached] = True
        kinds = snapshot.nodes["kind"][reached]
        for node, lst, kind in zip(
            reached.tolist(), came_from.tolist(), kinds.tolist(), strict=True
        ):
            if node not in listed_set and kind != person:
                found[node] = (
                    f"延伸检查: {hop} hop(s) from a shareholder of listed {snapshot.sid(lst)}"
                )
        frontier, origin = reached, came_from
    return found
