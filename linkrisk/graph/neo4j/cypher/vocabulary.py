"""What the statements of :mod:`linkrisk.graph.neo4j.cypher` are written in: the node labels and
relationship types (:class:`Label`, :class:`LinkType`), the property keys beyond the canonical
tables, and the private short names and ``SET``/``RETURN`` item builders the other modules of
the package format their f-strings with. It holds no statement itself."""

from __future__ import annotations

from enum import StrEnum

from linkrisk.graph.relations import RelType
from linkrisk.loaders.records import TABLES, Table


class Label(StrEnum):
    """Node labels."""

    SUBJECT = "Subject"  # every subject, and placeholders for not-yet-loaded endpoints
    ORGANISATION = "Organisation"  # subjects of every organisation kind
    PERSON = "Person"
    EVENT = "Event"
    INSPECTION = "Inspection"
    INSPECTOR = "Inspector"
    LOAD = "Load"  # one load of one source file
    SEQUENCE = "Sequence"  # a named counter (load ids)


class LinkType(StrEnum):
    """Relationship types that attach records to subjects (not graph edges for the models)."""

    HAS_EVENT = "HAS_EVENT"
    INSPECTED_IN = "INSPECTED_IN"
    IS_PERSON = "IS_PERSON"


#: risk properties written back on subjects by ``write_scores`` (score column → property)
SCORE_PROPERTIES: dict[str, str] = {
    "score": "risk_score",
    "tier": "risk_tier",
    "model_version": "risk_model_version",
    "snapshot_id": "risk_snapshot_id",
    "as_of": "risk_as_of",
}
#: properties of (:Load) nodes (counts is a JSON text: maps cannot be property values)
LOAD_PROPERTIES = (
    "load_id", "file", "sha256", "source_kind", "started", "finished", "rows_ok",
    "rows_rejected", "status", "counts",
)  # fmt: skip
#: properties that exist only in Neo4j (keys for nullable key columns, bookkeeping)
EXTRA_PROPERTIES = ("start_key", "matter_key", "risk_run", "name", "value")

# short names for the package's f-strings (private: only upper-case public names are statements)
_S, _ORG, _PER = Label.SUBJECT, Label.ORGANISATION, Label.PERSON
_HOLDS, _OFFICER, _BRANCH = RelType.HOLDS, RelType.OFFICER, RelType.BRANCH

_REGISTERED = f"(s:{_ORG} OR s:{_PER})"  # a subject, not a placeholder


def _keep_known(var: str, table: Table, skip: tuple[str, ...]) -> str:
    """``SET`` items where a null in the row never overwrites a known value."""
    return ",\n    ".join(
        f"{var}.{c} = coalesce(row.{c}, {var}.{c})" for c in table.column_names if c not in skip
    )


def _fill_unknown(var: str, table: Table, skip: tuple[str, ...]) -> str:
    """``SET`` items where the row's value is taken only where none is known."""
    return ",\n    ".join(
        f"{var}.{c} = coalesce({var}.{c}, row.{c})" for c in table.column_names if c not in skip
    )


def _replace(var: str, table: Table, skip: tuple[str, ...]) -> str:
    """``SET`` items that take the row's value (a null removes the property)."""
    return ",\n    ".join(f"{var}.{c} = row.{c}" for c in table.column_names if c not in skip)


def _project(var: str, table: Table, skip: tuple[str, ...] = ()) -> str:
    """``RETURN`` items naming each canonical column after itself."""
    return ", ".join(f"{var}.{c} AS {c}" for c in table.column_names if c not in skip)


def _map(var: str, table: Table) -> str:
    """A map projection of each canonical column (``o {.sid, .name, …}``)."""
    return f"{var} {{{', '.join(f'.{c}' for c in table.column_names)}}}"


def property_keys() -> list[str]:
    """Every property key any statement reads or writes (the linter's schema)."""
    keys = {c for t in TABLES.values() for c in t.column_names}
    keys |= set(SCORE_PROPERTIES.values()) | set(LOAD_PROPERTIES) | set(EXTRA_PROPERTIES)
    return sorted(keys)
