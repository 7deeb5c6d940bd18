"""The announcement made when a plan is created, before its seed is revealed (``announce.json``).

It fixes, publicly and without a single tier: the parameters (and their digest), the frame's
Merkle root, size and number of subjects per tier, the mandatory inclusions by category, the
seed commitment and how the seed is produced, and the sealed digest that binds the frame with
its tiers for the auditor. Its own digest (``public_digest``, SHA-256 of the canonical JSON
without that field) is what the regulator announces at creation; the publication carries the
same announcement, and ``verify --file`` checks it against a digest given with ``--announced``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from linkrisk.errors import Conflict, InputError
from linkrisk.sampling.commitment import sealed_digest
from linkrisk.sampling.params import TIERS, canonical_json, sha256_hex
from linkrisk.sampling.plans import PlanRecord

ANNOUNCE_FORMAT = "linkrisk-sampling-announcement/1"
EXTENDED = "延伸检查"
ABNORMAL = "上次抽查结果异常"
#: the announcement's fields, in the order of the canonical form (which sorts them anyway)
FIELDS = (
    "format",
    "plan_id",
    "name",
    "created_at",
    "params",
    "params_digest",
    "frame_root",
    "frame_size",
    "strata",
    "mandatory",
    "seed_commitment",
    "seed_source",
    "sealed_digest",
)


def mandatory_category(reason: str) -> str:
    """The public category of a mandatory inclusion (its full reason stays internal)."""
    return EXTENDED if reason.startswith(EXTENDED) else ABNORMAL


def public_mandatory(rows: Sequence[tuple[str, str, str]]) -> list[list[str]]:
    """``[[sid, category], …]`` sorted by sid: the mandatory list without tiers."""
    return [
        [sid, mandatory_category(reason)]
        for sid, _tier, reason in sorted(rows, key=lambda r: r[0].encode())
    ]


def build(
    *,
    plan_id: str,
    name: str,
    created_at: str,
    params_json: str,
    params_digest: str,
    frame_root: str,
    frame_size: int,
    strata: dict[str, int],
    mandatory: Sequence[tuple[str, str, str]],
    seed_commitment: str,
    seed_source: str,
    sealed_digest: str,
) -> dict[str, Any]:
    return {
        "format": ANNOUNCE_FORMAT,
        "plan_id": plan_id,
        "name": name,
        "created_at": created_at,
        "params": params_json,
        "params_digest": params_digest,
        "frame_root": frame_root,
        "frame_size": frame_size,
        "strata": {t: int(strata.get(t, 0)) for t in TIERS},
        "mandatory": public_mandatory(mandatory),
        "seed_commitment": seed_commitment,
        "seed_source": seed_source,
        "sealed_digest": sealed_digest,
    }


def digest(announcement: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the announcement's fields."""
    return sha256_hex(canonical_json({k: announcement.get(k) for k in FIELDS}).encode())


def with_digest(announcement: dict[str, Any]) -> dict[str, Any]:
    return {**announcement, "public_digest": digest(announcement)}


def parse(data: Any) -> dict[str, Any]:
    """An announcement read from a file: the fields present and of the right kinds."""
    if not isinstance(data, dict) or data.get("format") != ANNOUNCE_FORMAT:
        raise InputError("not a linkrisk sampling announcement")
    missing = [k for k in FIELDS if k not in data]
    if missing:
        raise InputError(f"the announcement lacks {missing}")
    strata = data["strata"]
    if not isinstance(strata, dict) or any(
        not isinstance(strata.get(t), int) or strata[t] < 0 for t in TIERS
    ):
        raise InputError("the announcement's strata are not a count per tier")
    if not isinstance(data["frame_size"], int) or not isinstance(data["mandatory"], list):
        raise InputError("the announcement's frame size or mandatory list is malformed")
    return data


def read(text: str) -> dict[str, Any]:
    try:
        return parse(json.loads(text))
    except json.JSONDecodeError as exc:
        raise InputError(f"announcement is not JSON ({exc})") from exc


def from_record(record: PlanRecord, mandatory: Sequence[tuple[str, str, str]]) -> dict[str, Any]:
    """The announcement of a recorded plan (one made with a frame key)."""
    if not record.frame_key or not record.frame_root:
        raise Conflict(
            f"plan {record.plan_id} was created before public verification existed: it has no"
            " frame commitment to announce (its sealed material verifies at the auditor level)"
        )
    return build(
        plan_id=record.plan_id,
        name=record.name,
        created_at=record.created_at,
        params_json=record.params_json,
        params_digest=record.params_digest,
        frame_root=record.frame_root,
        frame_size=record.frame_size,
        strata=record.stats.get("strata", {}),
        mandatory=mandatory,
        seed_commitment=record.seed_commitment,
        seed_source=record.seed_source.value,
        sealed_digest=sealed_digest(record.frame_key, record.plan_digest),
    )
