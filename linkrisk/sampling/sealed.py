"""The sealed frame file (``<plan>.sealed.json``): everything the auditor needs to re-derive a
plan's whole draw, tiers and frame key included. It is handed to a supervising body, never
published: ``publish`` writes the public files, ``linkrisk sampling sealed`` this one.

Files of the earlier single-level format (``linkrisk-sampling-publication/1``, which carried
the tiers in public) still read as sealed material of plans without a frame key.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

from linkrisk.errors import InputError
from linkrisk.sampling.draw import Pick
from linkrisk.sampling.inspectors import Team, pool_from_rows, pool_rows
from linkrisk.sampling.reassign import from_public_rows, public_rows
from linkrisk.sampling.verify import Material

SEALED_FORMAT = "linkrisk-sampling-sealed/1"
LEGACY_FORMAT = "linkrisk-sampling-publication/1"


def to_sealed(m: Material, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The sealed file's JSON: no names, no ID numbers, skips by category only, but the
    tiers and the frame key (for the auditor, never for publication)."""
    return {
        "format": SEALED_FORMAT,
        "plan_id": m.plan_id,
        "params": m.params_json,
        "params_digest": m.params_digest,
        "frame": m.frame_text.decode().splitlines(),
        "frame_digest": m.frame_digest,
        "mandatory": [list(r) for r in m.mandatory],
        "mandatory_digest": m.mandatory_digest,
        "seed_commitment": m.seed_commitment,
        "plan_digest": m.plan_digest,
        "seed": m.seed,
        "selection": [[p.rank, p.sid, p.tier, p.how] for p in m.selection],
        "result_digest": m.result_digest,
        "pool": pool_rows(m.pool),
        "teams": [[t.rank, t.sid, t.status, list(t.inspectors), t.public_skips()] for t in m.teams],
        "assignment_digest": m.assignment_digest,
        "reassignments": public_rows(m.reassignments),
        "frame_key": m.frame_key,
        "announcement": m.announcement,
        **(extra or {}),
    }


def from_sealed(data: dict[str, Any]) -> Material:
    """The material from a publication file's JSON."""
    if data.get("format") not in (SEALED_FORMAT, LEGACY_FORMAT):
        raise InputError(
            f"not a linkrisk sampling sealed frame file (format {data.get('format')!r})"
        )
    try:
        frame_lines = data["frame"]
        return Material(
            plan_id=data["plan_id"],
            params_json=data["params"],
            params_digest=data["params_digest"],
            frame_text="".join(f"{line}\n" for line in frame_lines).encode(),
            frame_digest=data["frame_digest"],
            mandatory=[(str(a), str(b), str(c)) for a, b, c in data["mandatory"]],
            mandatory_digest=data["mandatory_digest"],
            seed_commitment=data["seed_commitment"],
            plan_digest=data["plan_digest"],
            seed=data.get("seed"),
            selection=[Pick(int(r), s, t, h) for r, s, t, h in data["selection"]],
            result_digest=data.get("result_digest"),
            pool=pool_from_rows(data["pool"]),
            teams=[
                Team(int(r), s, st, tuple(ins), tuple((a, b) for a, b in skips))
                for r, s, st, ins, skips in data["teams"]
            ],
            assignment_digest=data.get("assignment_digest"),
            reassignments=from_public_rows(data.get("reassignments") or []),
            frame_key=data.get("frame_key"),
            announcement=data.get("announcement"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"sealed frame file is incomplete: {exc}") from exc


def read_sealed(path: Path) -> Material:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    try:
        return from_sealed(json.loads(raw))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON ({exc})") from exc


def write_sealed(m: Material, path: Path) -> Path:
    """The sealed file, gzip-compressed (a million-subject frame is tens of megabytes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(to_sealed(m), ensure_ascii=False).encode()
    path.write_bytes(gzip.compress(data, 6, mtime=0))
    return path
