"""The statements of ``write_batch``: upserts of each canonical table's rows (``$rows``), in one
managed transaction. Organisations and persons a file names are upserted; those another file
only mentions fill in what is unknown; relations, events, inspections and inspectors are keyed
so that loading a file again changes nothing."""

from __future__ import annotations

from linkrisk.graph.neo4j.cypher.vocabulary import (
    _BRANCH,
    _HOLDS,
    _OFFICER,
    _ORG,
    _PER,
    _S,
    Label,
    LinkType,
    _fill_unknown,
    _keep_known,
    _replace,
)
from linkrisk.loaders.records import (
    BRANCHES,
    EVENTS,
    HOLDINGS,
    INSPECTIONS,
    INSPECTORS,
    OFFICERS,
    SUBJECTS,
)

# -- writes (write_batch: one managed transaction, rows as $rows) -----------------------------

MERGE_ORGANISATIONS = f"""
UNWIND $rows AS row
MERGE (s:{_S} {{sid: row.sid}})
SET s:{_ORG},
    {_keep_known("s", SUBJECTS, ("sid",))}
REMOVE s:{_PER}
"""
"""Upsert organisations; a null never overwrites a known value."""

MERGE_PERSONS = f"""
UNWIND $rows AS row
MERGE (s:{_S} {{sid: row.sid}})
SET s:{_PER},
    {_keep_known("s", SUBJECTS, ("sid",))}
REMOVE s:{_ORG}
"""
"""Upsert persons; a null never overwrites a known value."""


def _mention(label: Label, other: Label) -> str:
    """An upsert of subjects another file mentions, labelled ``label``."""
    return f"""
UNWIND $rows AS row
MERGE (s:{_S} {{sid: row.sid}})
WITH s, row, s.kind IS NULL AS unknown
SET {_fill_unknown("s", SUBJECTS, ("sid",))}
WITH s, unknown
WHERE unknown
SET s:{label}
REMOVE s:{other}
"""


MENTION_ORGANISATIONS = _mention(_ORG, _PER)
"""Organisations another file mentions: they only fill in unknown properties, and label a
subject only when its kind was unknown (a placeholder or a new node)."""

MENTION_PERSONS = _mention(_PER, _ORG)
"""Persons another file mentions: they only fill in unknown properties, and label a subject
only when its kind was unknown (a placeholder or a new node)."""

MERGE_HOLDINGS = f"""
UNWIND $rows AS row
MERGE (a:{_S} {{sid: row.src}})
MERGE (b:{_S} {{sid: row.dst}})
MERGE (a)-[r:{_HOLDS} {{start_key: row.start_key}}]->(b)
SET {_replace("r", HOLDINGS, ("src", "dst"))}
"""
"""Upsert shareholdings keyed by (holder, organisation, start date)."""

MERGE_OFFICERS = f"""
UNWIND $rows AS row
MERGE (p:{_S} {{sid: row.person}})
MERGE (o:{_S} {{sid: row.org}})
MERGE (p)-[r:{_OFFICER} {{role: row.role, start_key: row.start_key}}]->(o)
SET {_replace("r", OFFICERS, ("person", "org", "role"))}
"""
"""Upsert officer roles keyed by (person, organisation, role, start date)."""

MERGE_BRANCHES = f"""
UNWIND $rows AS row
MERGE (p:{_S} {{sid: row.parent}})
MERGE (b:{_S} {{sid: row.branch}})
MERGE (p)-[r:{_BRANCH}]->(b)
SET {_replace("r", BRANCHES, ("parent", "branch"))}
"""
"""Upsert branch links keyed by (parent, branch)."""

MERGE_EVENTS = f"""
UNWIND $rows AS row
MERGE (e:{Label.EVENT} {{event_id: row.event_id}})
SET {_replace("e", EVENTS, ("event_id",))}
WITH e, row
MERGE (s:{_S} {{sid: row.sid}})
MERGE (s)-[:{LinkType.HAS_EVENT}]->(e)
"""
"""Upsert events and link each to its subject."""

MERGE_INSPECTIONS = f"""
UNWIND $rows AS row
MERGE (i:{Label.INSPECTION} {{plan_id: row.plan_id, sid: row.sid, matter_key: row.matter_key}})
SET {_replace("i", INSPECTIONS, ("plan_id", "sid"))}
WITH i, row
MERGE (s:{_S} {{sid: row.sid}})
MERGE (s)-[:{LinkType.INSPECTED_IN}]->(i)
"""
"""Upsert inspection results keyed by (plan, subject, matter) and link each to its subject."""

MERGE_INSPECTORS = f"""
UNWIND $rows AS row
MERGE (n:{Label.INSPECTOR} {{inspector_id: row.inspector_id}})
SET {_replace("n", INSPECTORS, ("inspector_id",))}
WITH n, row
OPTIONAL MATCH (n)-[old:{LinkType.IS_PERSON}]->(p:{_S})
WHERE row.person_sid IS NULL OR p.sid <> row.person_sid
DELETE old
WITH DISTINCT n, row
WHERE row.person_sid IS NOT NULL
MERGE (p:{_S} {{sid: row.person_sid}})
MERGE (n)-[:{LinkType.IS_PERSON}]->(p)
"""
"""Upsert inspectors; link each to the person it is (a changed person id moves the link)."""

#: canonical table → the statement(s) that write it, in write order (subjects first)
WRITES: dict[str, str] = {
    "holdings": MERGE_HOLDINGS,
    "officers": MERGE_OFFICERS,
    "branches": MERGE_BRANCHES,
    "events": MERGE_EVENTS,
    "inspections": MERGE_INSPECTIONS,
    "inspectors": MERGE_INSPECTORS,
}
