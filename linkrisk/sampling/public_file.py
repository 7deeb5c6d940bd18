"""Writing the public verification file (``<plan>.verify.json``) and the announcement
(``<plan>.announce.json``) of a plan; ``public.py`` checks them.

Neither file holds a tier, the frame, the frame key, a name or a 回避 reason: the selection is
``[rank, sid, how, category]`` in sid order, each random pick comes with its inclusion proof.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from linkrisk.sampling import announce
from linkrisk.sampling.announce import mandatory_category
from linkrisk.sampling.commitment import inclusions
from linkrisk.sampling.draw import RANDOM
from linkrisk.sampling.frame import parse_frame_text
from linkrisk.sampling.inspectors import pool_rows
from linkrisk.sampling.plans import PlanBook, PlanStatus
from linkrisk.sampling.public import PUBLIC_FORMAT, drawn_per_tier
from linkrisk.sampling.reassign import public_rows, reassignments


def announcement(book: PlanBook, plan_id: str) -> dict[str, Any]:
    """The plan's announcement with its ``public_digest``."""
    record = book.get(plan_id)
    return announce.with_digest(announce.from_record(record, book.mandatory(plan_id)))


def public_file(
    book: PlanBook, plan_id: str, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The public verification file of a drawn plan."""
    record = book.get(plan_id)
    notice = announcement(book, plan_id)
    data: dict[str, Any] = {"format": PUBLIC_FORMAT, "plan_id": plan_id, "announcement": notice}
    if record.status is PlanStatus.CREATED:
        return {**data, "seed": None, **(extra or {})}
    assert record.frame_key is not None
    picks = book.selection(plan_id)
    frame = parse_frame_text(book.frame_text(plan_id))
    random = [p.sid for p in picks if p.how == RANDOM]
    return {
        **data,
        "seed": record.seed,
        "selection": [
            [p.rank, p.sid, p.how, "" if p.how == RANDOM else mandatory_category(p.reason)]
            for p in picks
        ],
        "drawn": drawn_per_tier(record.params, notice["strata"]),
        "result_digest": record.result_digest,
        "inclusions": [i.to_list() for i in inclusions(frame, record.frame_key, random)],
        "pool": pool_rows(book.pool(plan_id)),
        "teams": [
            [t.rank, t.sid, t.status, list(t.inspectors), t.public_skips()]
            for t in book.first_teams(plan_id)
        ],
        "assignment_digest": record.assignment_digest,
        "reassignments": public_rows(reassignments(book, plan_id)),
        **(extra or {}),
    }


def write_json(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def write_announcement(book: PlanBook, plan_id: str, out_dir: Path) -> Path:
    """``<out_dir>/<plan>.announce.json``: publish it before the draw."""
    return write_json(out_dir / f"{plan_id}.announce.json", announcement(book, plan_id))
