"""The 执法人员名录库: add, import, update and retire inspectors — never delete them.

Inspectors are rows of the canonical ``inspectors`` table (key ``inspector_id``), written through
the graph store like any load, so both stores hold them. A retired inspector stays, inactive:
past plans keep their pool and teams (``sampling_pool`` records name and department as they
were), and the inspector simply leaves every later pool. An ID number is never stored: it
becomes the keyed person key (which links the inspector to the graph for 回避) and its masked
form, as in a loaded file. Importing a file goes through the ordinary loader
(``loaders.pipeline.load_file`` with kind ``inspectors``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from linkrisk.config import Settings
from linkrisk.errors import Conflict, InputError, NotFound
from linkrisk.graph.store import GraphStore
from linkrisk.loaders.identifiers import check_resident_id, compact_code, mask_id, person_sid
from linkrisk.loaders.records import INSPECTORS
from linkrisk.sampling.sources import read_inspectors


@dataclass(frozen=True, slots=True)
class InspectorChange:
    """What to set (None: leave as it is)."""

    name: str | None = None
    department: str | None = None
    region: str | None = None
    qualifications: Sequence[str] | None = None


def _rows(graph: GraphStore) -> dict[str, dict[str, Any]]:
    return {r["inspector_id"]: r for r in read_inspectors(graph).to_pylist()}


def get_inspector(graph: GraphStore, inspector_id: str) -> dict[str, Any]:
    found = _rows(graph).get(inspector_id.strip().upper())
    if found is None:
        raise NotFound(f"no inspector {inspector_id!r} in the 执法人员名录库")
    return found


def _write(graph: GraphStore, row: dict[str, Any]) -> dict[str, Any]:
    table = pa.Table.from_pylist(
        [{f.name: row.get(f.name) for f in INSPECTORS.schema}], schema=INSPECTORS.schema
    )
    graph.write_batch({"inspectors": table})
    return get_inspector(graph, row["inspector_id"])


def _qualifications(codes: Sequence[str]) -> str:
    cleaned = sorted({c.strip().upper() for c in codes if c.strip()})
    return ";".join(cleaned)


def _check_region(region: str | None) -> None:
    """A region is a six-digit GB/T 2260 code."""
    if region is not None and not (len(region) == 6 and region.isascii() and region.isdigit()):
        raise InputError(f"a region is a six-digit code (e.g. 320102): {region!r}", field="region")


def add_inspector(
    graph: GraphStore,
    settings: Settings,
    inspector_id: str,
    name: str,
    department: str,
    qualifications: Sequence[str],
    *,
    region: str | None = None,
    id_number: str | None = None,
) -> dict[str, Any]:
    """A new, active inspector; refused if the id exists (retired ones included)."""
    key = inspector_id.strip().upper()
    if not key or not department.strip():
        raise InputError("an inspector needs an id (执法证号) and a department")
    if not all(ch.isalnum() or ch in "-_./" for ch in key) or len(key) > 64:
        raise InputError(
            f"an inspector id (执法证号) is letters, digits and - _ . / (at most 64): {key!r}",
            field="inspector_id",
        )
    _check_region(region)
    if key in _rows(graph):
        raise Conflict(f"inspector {key} is already in the 执法人员名录库: update it instead")
    sid = masked = None
    if id_number:
        number = compact_code(id_number)
        problem = check_resident_id(number)
        if problem is not None:
            raise InputError(f"the inspector's ID number is not valid ({problem.value})")
        sid = person_sid(number, settings.id_hash_key.get_secret_value().encode())
        masked = mask_id(number)
    return _write(
        graph,
        {
            "inspector_id": key,
            "name": name.strip() or None,
            "person_sid": sid,
            "id_masked": masked,
            "department": department.strip(),
            "region": region,
            "qualifications": _qualifications(qualifications),
            "active": True,
        },
    )


def update_inspector(
    graph: GraphStore, inspector_id: str, change: InspectorChange
) -> dict[str, Any]:
    """Change name, department, region or qualifications (an active or retired inspector)."""
    row = dict(get_inspector(graph, inspector_id))
    if change.department is not None:
        if not change.department.strip():
            raise InputError("an inspector's department cannot be empty")
        row["department"] = change.department.strip()
    if change.name is not None:
        row["name"] = change.name.strip() or None
    if change.region is not None:
        _check_region(change.region or None)
        row["region"] = change.region or None
    if change.qualifications is not None:
        row["qualifications"] = _qualifications(change.qualifications)
    return _write(graph, row)


def retire_inspector(graph: GraphStore, inspector_id: str) -> dict[str, Any]:
    """Mark an inspector inactive (there is no delete: past plans keep their record)."""
    row = dict(get_inspector(graph, inspector_id))
    if row.get("active") is False:
        raise Conflict(f"inspector {row['inspector_id']} is already retired")
    row["active"] = False
    return _write(graph, row)


def import_inspectors(path: Path, graph: GraphStore, settings: Settings) -> dict[str, Any]:
    """Load an inspector file (CSV/XLSX, the loader's column names) into the registry."""
    from linkrisk.loaders.pipeline import load_file

    return load_file(path, graph, kind="inspectors", settings=settings).to_dict()
