"""First loads with Neo4j's bulk importer: canonical tables → the importer's CSV files.

Loading millions of rows through ``UNWIND … MERGE`` is the slow path for a first load; the
importer (``neo4j-admin database import full``, also run by ``tools/neo4j-server/run --import``)
writes a new database directly. The source files still go through the same loaders and
validation as ``linkrisk load``: into a staging embedded store, which settles upserts and
mentions exactly as a load does. Its canonical tables are written here as one header file and
one data file per node label and relationship type, typed (``:date``, ``:float``,
``:boolean``), in the shape the ``MERGE`` statements of ``cypher`` give the graph:

- ``(:Subject:Organisation | :Subject:Person {sid, kind, name, …})``; a sid that only a
  relation names is a bare ``(:Subject {sid})``, as ``MERGE`` leaves it;
- ``HOLDS`` / ``OFFICER`` with their ``start_key`` (the start date as text, "" when unknown),
  ``BRANCH``; ``(:Event)`` with ``HAS_EVENT``, ``(:Inspection {…, matter_key})`` with
  ``INSPECTED_IN``, ``(:Inspector)`` with ``IS_PERSON``.

Constraints and indexes are created afterwards (``Neo4jStore.migrate``): the community
record format cannot build them during an import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from linkrisk.graph.neo4j.cypher import Label, LinkType
from linkrisk.graph.relations import RelType
from linkrisk.graph.store import GraphStore
from linkrisk.loaders.records import TABLES, SubjectKind

#: Arrow type → the importer's header type (strings need none)
_TYPES = {pa.date32(): "date", pa.float64(): "float", pa.bool_(): "boolean"}
SUBJECTS = "Subject"  # the importer's id space of subjects (sids are unique in it)


@dataclass(slots=True)
class ImportFiles:
    """What ``write_import_files`` wrote: importer arguments and record counts."""

    directory: Path
    arguments: list[str] = field(default_factory=list)
    nodes: int = 0
    relationships: int = 0

    def neo4j_admin(self, database: str = "neo4j") -> str:
        """The equivalent ``neo4j-admin`` command line, for a server installed elsewhere."""
        args = " ".join(self.arguments)
        return f"neo4j-admin database import full {args} --multiline-fields=true {database}"


def _header(table: pa.Table, rename: dict[str, str]) -> str:
    names = []
    for f in table.schema:
        name = rename.get(f.name, f.name)
        kind = _TYPES.get(f.type)
        names.append(f"{name}:{kind}" if kind and ":" not in name else name)
    return ",".join(names) + "\n"


def _write(
    files: ImportFiles, option: str, name: str, table: pa.Table, rename: dict[str, str]
) -> None:
    """One header file and one data file for the label or type ``name`` (a file of subjects
    carries its labels in a ``:LABEL`` column instead); ``rename`` maps columns to fields."""
    if not table.num_rows:
        return
    header = files.directory / f"{name}.header.csv"
    data = files.directory / f"{name}.csv"
    header.write_text(_header(table, rename), encoding="utf-8")
    pacsv.write_csv(table, data, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    typed = "" if ":LABEL" in table.column_names else f"{name}="
    files.arguments.append(f"--{option}={typed}{header},{data}")
    if option == "nodes":
        files.nodes += table.num_rows
    else:
        files.relationships += table.num_rows


def _table(store: GraphStore, name: str) -> pa.Table:
    return pa.Table.from_batches(
        list(store.read_table(name)), schema=TABLES[name].schema
    ).combine_chunks()


def _text_key(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """The MERGE stand-in for a nullable key column: its text, "" when unknown."""
    return pc.fill_null(pc.cast(column, pa.string()), "")


def write_import_files(store: GraphStore, directory: Path) -> ImportFiles:
    """Write every canonical table of ``store`` as the importer's CSV files into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    files = ImportFiles(directory)
    subjects = _table(store, "subjects")
    holdings, officers = _table(store, "holdings"), _table(store, "officers")
    branches, events = _table(store, "branches"), _table(store, "events")
    inspections, inspectors = _table(store, "inspections"), _table(store, "inspectors")

    person = pc.equal(subjects["kind"], SubjectKind.PERSON.value)
    labels = pc.if_else(
        person,
        f"{SUBJECTS};{Label.PERSON}",
        f"{SUBJECTS};{Label.ORGANISATION}",
    )
    _write(files, "nodes", "subjects", subjects.append_column(":LABEL", labels), {
        "sid": f"sid:ID({SUBJECTS})",
    })  # fmt: skip
    named = [
        holdings["src"], holdings["dst"], officers["person"], officers["org"],
        branches["parent"], branches["branch"], events["sid"], inspections["sid"],
        inspectors["person_sid"],
    ]  # fmt: skip
    mentioned = pc.unique(pa.chunked_array([c for n in named for c in n.chunks], pa.string()))
    mentioned = pc.drop_null(mentioned)
    bare = pc.filter(mentioned, pc.invert(pc.is_in(mentioned, subjects["sid"])))
    bare_table = pa.table({"sid": bare, ":LABEL": pa.array([SUBJECTS] * len(bare), pa.string())})
    _write(files, "nodes", "mentioned_subjects", bare_table, {"sid": f"sid:ID({SUBJECTS})"})

    ids = {"src": f":START_ID({SUBJECTS})", "dst": f":END_ID({SUBJECTS})"}
    holdings = holdings.append_column("start_key", _text_key(holdings["start_date"]))
    _write(files, "relationships", RelType.HOLDS.value, holdings, ids)
    officers = officers.append_column("start_key", _text_key(officers["start_date"]))
    _write(files, "relationships", RelType.OFFICER.value, officers, {
        "person": f":START_ID({SUBJECTS})", "org": f":END_ID({SUBJECTS})",
    })  # fmt: skip
    _write(files, "relationships", RelType.BRANCH.value, branches, {
        "parent": f":START_ID({SUBJECTS})", "branch": f":END_ID({SUBJECTS})",
    })  # fmt: skip

    _write(files, "nodes", Label.EVENT.value, events, {"event_id": f"event_id:ID({Label.EVENT})"})
    has_event = pa.table({"s": events["sid"], "e": events["event_id"]})
    _write(files, "relationships", LinkType.HAS_EVENT.value, has_event, {
        "s": f":START_ID({SUBJECTS})", "e": f":END_ID({Label.EVENT})",
    })  # fmt: skip

    matter_key = _text_key(inspections["matter"])
    inspection_id = pc.binary_join_element_wise(
        inspections["plan_id"], inspections["sid"], matter_key, "\x1f"
    )
    nodes = inspections.append_column("matter_key", matter_key).append_column(":ID", inspection_id)
    _write(files, "nodes", Label.INSPECTION.value, nodes, {":ID": f":ID({Label.INSPECTION})"})
    inspected = pa.table({"s": inspections["sid"], "i": inspection_id})
    _write(files, "relationships", LinkType.INSPECTED_IN.value, inspected, {
        "s": f":START_ID({SUBJECTS})", "i": f":END_ID({Label.INSPECTION})",
    })  # fmt: skip

    id_space = f"inspector_id:ID({Label.INSPECTOR})"
    _write(files, "nodes", Label.INSPECTOR.value, inspectors, {"inspector_id": id_space})
    linked = inspectors.filter(pc.is_valid(inspectors["person_sid"]))
    is_person = pa.table({"n": linked["inspector_id"], "p": linked["person_sid"]})
    _write(files, "relationships", LinkType.IS_PERSON.value, is_person, {
        "n": f":START_ID({Label.INSPECTOR})", "p": f":END_ID({SUBJECTS})",
    })  # fmt: skip
    return files
